// The layout table of every struct that crosses the plugin boundary: its size and each member's
// offset and size. tests/abi compares it with sdk/abi-layout/<major>.<minor>.txt.
#pragma once

#include <string>

namespace cke::test {

std::string abi_layout_table();

}  // namespace cke::test
