// The local runtime tells which etcd a start would run: the `etcd` first in PATH, asked once per
// binary (cke asks every pass), asked again when the file changes.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/plugin/runtime.hpp"
#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

// An `etcd` that prints `version` and counts how often it was asked.
void fake_etcd(const fs::path& dir, const std::string& version) {
  const fs::path file = dir / "etcd";
  const fs::path next = dir / "etcd.next";
  std::ofstream(next) << "#!/bin/sh\necho run >> " << (dir / "asked").string()
                      << "\nprintf 'etcd Version: " << version
                      << "\\nGit SHA: Not provided\\nGo Version: go1.19\\n'\n";
  fs::permissions(next, fs::perms::owner_all);
  fs::rename(next, file);  // a new inode, as a package upgrade leaves it
}

size_t times_asked(const fs::path& dir) {
  std::ifstream in(dir / "asked");
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) {
    ++lines;
  }
  return lines;
}

class LocalRuntimeEtcdVersion : public ::testing::Test {
 protected:
  void SetUp() override {
    saved_path_ = std::getenv("PATH");
    ::setenv("PATH", (tmp_.path().string() + ":/usr/bin:/bin").c_str(), 1);
  }
  void TearDown() override { ::setenv("PATH", saved_path_.c_str(), 1); }

  cke::test::TempDir tmp_;
  std::string saved_path_;
  cke::plugin::Runtime runtime_{
      cke::test::built_plugins().require(cke::plugin::Kind::runtime, "local"), "{}", nullptr};
};

TEST_F(LocalRuntimeEtcdVersion, ReportsTheEtcdFirstInPathAndAsksItOncePerBinary) {
  fake_etcd(tmp_.path(), "3.4.99");
  auto node = runtime_.open_node({"127.0.0.1", "", "", (tmp_.path() / "member").string()});
  EXPECT_EQ(node->etcd_version(), "3.4.99");
  EXPECT_EQ(node->etcd_version(), "3.4.99");
  EXPECT_EQ(times_asked(tmp_.path()), 1u);

  fake_etcd(tmp_.path(), "3.5.0");
  EXPECT_EQ(node->etcd_version(), "3.5.0");
  EXPECT_EQ(times_asked(tmp_.path()), 2u);
}

TEST_F(LocalRuntimeEtcdVersion, SaysWhyWhenThereIsNoEtcdOrItPrintsNoVersion) {
  ::setenv("PATH", tmp_.path().c_str(), 1);
  auto node = runtime_.open_node({"127.0.0.1", "", "", (tmp_.path() / "member").string()});
  std::string why;
  EXPECT_EQ(node->etcd_version(&why), "");
  EXPECT_NE(why.find("no etcd in PATH"), std::string::npos) << why;

  std::ofstream(tmp_.path() / "etcd") << "#!/bin/sh\necho hello\n";
  fs::permissions(tmp_.path() / "etcd", fs::perms::owner_all);
  why.clear();
  EXPECT_EQ(node->etcd_version(&why), "");
  EXPECT_NE(why.find("did not print"), std::string::npos) << why;
}

}  // namespace
