// Our output decompresses with the real gzip, zstd and xz tools, and we read what they write.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

struct Tool {
  const char* plugin;
  const char* compress_command;    // reads stdin, writes stdout
  const char* decompress_command;  // reads stdin, writes stdout
};

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& data) {
  std::ofstream(p, std::ios::binary) << data;
}

int run(const std::string& command) { return std::system(command.c_str()); }

class Interop : public ::testing::TestWithParam<Tool> {
 protected:
  cke::test::TempDir dir;
};

TEST_P(Interop, TheRealToolReadsOurOutput) {
  const Tool tool = GetParam();
  auto c = cke::test::make_compressor(tool.plugin);
  for (const std::string& raw : {std::string(), cke::test::sample_json(300000)}) {
    write_file(dir.path() / "ours", cke::test::compress(*c, raw));
    const std::string cmd = std::string(tool.decompress_command) + " < " +
                            (dir.path() / "ours").string() + " > " + (dir.path() / "out").string();
    ASSERT_EQ(run(cmd), 0) << cmd;
    EXPECT_EQ(read_file(dir.path() / "out"), raw) << tool.plugin << ", " << raw.size() << " bytes";
  }
}

TEST_P(Interop, WeReadTheRealToolsOutput) {
  const Tool tool = GetParam();
  auto c = cke::test::make_compressor(tool.plugin);
  for (const std::string& raw : {std::string(), cke::test::sample_json(300000)}) {
    write_file(dir.path() / "raw", raw);
    const std::string cmd = std::string(tool.compress_command) + " < " +
                            (dir.path() / "raw").string() + " > " +
                            (dir.path() / "theirs").string();
    ASSERT_EQ(run(cmd), 0) << cmd;
    EXPECT_EQ(cke::test::decompress(*c, read_file(dir.path() / "theirs")), raw)
        << tool.plugin << ", " << raw.size() << " bytes";
  }
}

INSTANTIATE_TEST_SUITE_P(RealTools, Interop,
                         ::testing::Values(Tool{"gzip", "gzip -c -6", "gzip -d -c"},
                                           Tool{"zstd", "zstd -q -c -3", "zstd -q -d -c"},
                                           Tool{"xz", "xz -c -1", "xz -d -c"}),
                         [](const auto& info) { return std::string(info.param.plugin); });

}  // namespace
