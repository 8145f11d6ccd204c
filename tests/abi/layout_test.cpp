// Changing a boundary struct without bumping CKE_ABI_MINOR must fail here: the layout table of
// the headers is compared with the committed table of the current version, and every committed
// table of an older minor must still hold as a prefix (structs only grow at the end).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cke/abi.h"
#include "tests/abi/abi_layout.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kLayoutDir = CKE_TEST_ABI_LAYOUT_DIR;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct StructLayout {
  size_t size = 0;
  std::vector<std::string> members;  // "name offset size", in declaration order
};

std::map<std::string, StructLayout> parse(const std::string& table) {
  std::map<std::string, StructLayout> structs;
  std::istringstream in(table);
  std::string line;
  StructLayout* current = nullptr;
  while (std::getline(in, line)) {
    if (line.rfind("struct ", 0) == 0) {
      std::istringstream fields(line.substr(7));
      std::string name;
      size_t size = 0;
      fields >> name >> size;
      current = &structs[name];
      current->size = size;
    } else if (line.rfind("  ", 0) == 0 && current != nullptr) {
      current->members.push_back(line.substr(2));
    }
  }
  return structs;
}

std::string version_file(uint32_t minor) {
  return std::to_string(CKE_ABI_MAJOR) + "." + std::to_string(minor) + ".txt";
}

TEST(AbiLayout, HeadersMatchTheCommittedTableOfTheCurrentVersion) {
  const fs::path committed = kLayoutDir / version_file(CKE_ABI_MINOR);
  ASSERT_TRUE(fs::exists(committed))
      << committed << " is missing: after bumping CKE_ABI_MINOR, write it with "
      << "build/tests/abi_layout_print > " << committed.string();
  EXPECT_EQ(cke::test::abi_layout_table(), read_file(committed))
      << "a boundary struct changed: bump CKE_ABI_MINOR in sdk/include/cke/abi.h (appending "
         "members only), record the new table with build/tests/abi_layout_print, and update "
         "core/plugin/kind.cpp's per-minor table sizes";
}

TEST(AbiLayout, OlderMinorsArePrefixesOfTheCurrentLayout) {
  const auto current = parse(cke::test::abi_layout_table());
  const uint32_t current_minor = CKE_ABI_MINOR;  // a variable: at minor 0 the loop is empty
  for (uint32_t minor = 0; minor < current_minor; ++minor) {
    const fs::path older = kLayoutDir / version_file(minor);
    ASSERT_TRUE(fs::exists(older)) << older << " must stay committed";
    for (const auto& [name, layout] : parse(read_file(older))) {
      const auto it = current.find(name);
      ASSERT_NE(it, current.end()) << name << " was removed since ABI minor " << minor;
      EXPECT_GE(it->second.size, layout.size) << name << " shrank since ABI minor " << minor;
      ASSERT_GE(it->second.members.size(), layout.members.size()) << name;
      for (size_t i = 0; i < layout.members.size(); ++i) {
        EXPECT_EQ(it->second.members[i], layout.members[i])
            << name << ": member moved or changed since ABI minor " << minor;
      }
    }
  }
}

}  // namespace
