// Prints the ABI layout table; used to write sdk/abi-layout/<version>.txt after a minor bump:
//   build/tests/abi_layout_print > sdk/abi-layout/1.N.txt
#include <iostream>

#include "tests/abi/abi_layout.hpp"

int main() { std::cout << cke::test::abi_layout_table(); }
