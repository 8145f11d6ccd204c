// Directories cke and ckecli did not create are used as they are or refused, never changed; the
// filesystem storage removes only its own orphaned partial files, and none while a put runs.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/unique_fd.hpp"
#include "core/plugin/storage.hpp"
#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

void touch(const fs::path& path) { std::ofstream(path) << "someone else's\n"; }

TEST(SafeDir, CreatesMissingDirectoriesPrivate) {
  const cke::test::TempDir tmp;
  const fs::path dir = tmp.path() / "a" / "b";
  const mode_t old_umask = ::umask(0);
  cke::ensure_private_dir(dir);
  ::umask(old_umask);
  EXPECT_EQ(mode_of(dir), 0700);
}

TEST(SafeDir, LeavesAnExistingDirectoryAsItIs) {
  const cke::test::TempDir tmp;
  for (const mode_t mode : {0755, 01777, 0700, 0750}) {
    ASSERT_EQ(::chmod(tmp.path().c_str(), mode), 0);
    EXPECT_NO_THROW(cke::ensure_private_dir(tmp.path())) << std::oct << mode;
    EXPECT_EQ(mode_of(tmp.path()), mode) << "the mode was changed";
  }
}

TEST(SafeDir, RefusesWritableByOthersWithoutTheStickyBit) {
  const cke::test::TempDir tmp;
  for (const mode_t mode : {0777, 0770, 0757}) {
    ASSERT_EQ(::chmod(tmp.path().c_str(), mode), 0);
    try {
      cke::ensure_private_dir(tmp.path());
      ADD_FAILURE() << "accepted mode " << std::oct << mode;
    } catch (const cke::Error& e) {
      EXPECT_NE(std::string(e.what()).find("without the sticky bit"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find(tmp.path().string()), std::string::npos) << e.what();
    }
    EXPECT_EQ(mode_of(tmp.path()), mode) << "the mode was changed";
  }
}

TEST(SafeDir, RefusesADirectoryOwnedBySomeoneElse) {
  if (::geteuid() != 0) {
    GTEST_SKIP() << "needs root to give a directory away";
  }
  const cke::test::TempDir tmp;
  ASSERT_EQ(::chown(tmp.path().c_str(), 65534, 65534), 0);
  EXPECT_THROW(cke::ensure_private_dir(tmp.path()), cke::Error);
}

class FsStorageOrphans : public ::testing::Test {
 protected:
  std::unique_ptr<cke::plugin::Storage> open_storage() {
    return std::make_unique<cke::plugin::Storage>(
        cke::test::built_plugins().require(cke::plugin::Kind::storage, "local"),
        nlohmann::json{{"dir", dir_.path().string()}}.dump());
  }
  cke::test::TempDir dir_;
};

TEST_F(FsStorageOrphans, RemovesOnlyItsOwnPartialFiles) {
  ASSERT_EQ(::chmod(dir_.path().c_str(), 01777), 0);
  const fs::path ours = dir_.path() / ".snapshot-20260101_000000.db.gz.0123456789abcdef.partial";
  const std::vector<fs::path> others = {
      dir_.path() / ".x.partial",                   // another program's
      dir_.path() / ".session.partial",             // the old naming scheme: not provably ours
      dir_.path() / ".a.0123456789ABCDEF.partial",  // not our random part
      dir_.path() / "..0123456789abcdef.partial",   // no key
  };
  touch(ours);
  for (const auto& other : others) {
    touch(other);
  }
  open_storage();
  EXPECT_FALSE(fs::exists(ours)) << "our orphan stayed";
  for (const auto& other : others) {
    EXPECT_TRUE(fs::exists(other)) << other << " was deleted";
  }
  EXPECT_EQ(mode_of(dir_.path()), 01777);
}

TEST_F(FsStorageOrphans, KeepsPartialFilesWhileAPutRuns) {
  open_storage();
  const fs::path partial = dir_.path() / ".snapshot-20260101_000000.db.0123456789abcdef.partial";
  touch(partial);
  // A put in another process holds the directory's lock shared.
  const cke::UniqueFd writing(::open((dir_.path() / ".cke-storage.lock").c_str(), O_RDONLY));
  ASSERT_TRUE(writing);
  ASSERT_EQ(::flock(writing.get(), LOCK_SH), 0);
  open_storage();
  EXPECT_TRUE(fs::exists(partial)) << "a live put's partial file was deleted";
}

}  // namespace
