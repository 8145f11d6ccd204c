// Damaged, truncated and extended backups fail verification with a clear error within seconds,
// for every compressor; a pipe whose reader stops early releases its writer (it used to hang).
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>

#include "core/backup/catalog.hpp"
#include "core/backup/restore_snapshot.hpp"
#include "core/backup/verify.hpp"
#include "core/common/error.hpp"
#include "core/common/sha256.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/pipe.hpp"
#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using cke::test::built_plugins;

constexpr auto kPatience = std::chrono::seconds(20);

// Runs `work` and fails the whole test binary if it does not return within kPatience: a hang
// must not wait for ctest's timeout.
template <class Work>
void within_seconds(const std::string& what, Work&& work) {
  auto done = std::async(std::launch::async, std::forward<Work>(work));
  if (done.wait_for(kPatience) != std::future_status::ready) {
    ADD_FAILURE() << what << " did not return within " << kPatience.count() << " s";
    std::fflush(nullptr);
    std::_Exit(1);
  }
  done.get();
}

std::array<uint8_t, 32> digest_of(const std::string& text) {
  cke::Sha256 hash;
  hash.update({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  return hash.digest();
}

// An etcd-like snapshot: data followed by the SHA-256 of the data.
std::string fake_snapshot(size_t size) {
  const std::string data = cke::test::sample_json(size);
  const auto digest = digest_of(data);
  return data + std::string(digest.begin(), digest.end());
}

class DamagedBackup : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    storage_ = std::make_unique<cke::plugin::Storage>(
        built_plugins().require(cke::plugin::Kind::storage, "local"),
        nlohmann::json{{"dir", dir_.path().string()}}.dump());
    auto compressor = cke::test::make_compressor(GetParam());
    const std::string raw = fake_snapshot(48 * 1024);
    const std::string stored = cke::test::compress(*compressor, raw);
    name_ = "snapshot-20260101_000000.db" + compressor->extension();
    cke::stream::SpanReader in({reinterpret_cast<const uint8_t*>(stored.data()), stored.size()});
    storage_->put(name_, in);
    cke::backup::Manifest m;
    m.name = name_;
    m.created_at = "2026-01-01T00:00:00Z";
    m.raw_size = raw.size();
    m.raw_sha256 = cke::Sha256::hex(digest_of(raw));
    m.stored_size = stored.size();
    m.stored_sha256 = cke::Sha256::hex(digest_of(stored));
    m.compressor = GetParam();
    cke::backup::write_manifest(*storage_, m);
  }

  [[nodiscard]] fs::path stored_file() const { return dir_.path() / name_; }

  // Verification must fail with CKE_DATA_LOSS and a sentence that names the backup.
  void expect_damaged(const std::string& damage) {
    within_seconds("verify after " + damage, [&] {
      try {
        cke::backup::verify_backup(built_plugins(), *storage_, name_);
        ADD_FAILURE() << "verify accepted the backup after " << damage;
      } catch (const cke::Error& e) {
        EXPECT_EQ(e.code(), CKE_DATA_LOSS) << damage << ": " << e.what();
        EXPECT_NE(std::string(e.what()).find(name_), std::string::npos) << e.what();
      }
    });
  }

  cke::test::TempDir dir_;
  std::unique_ptr<cke::plugin::Storage> storage_;
  std::string name_;
};

TEST_P(DamagedBackup, IntactVerifies) {
  within_seconds("verify", [&] { cke::backup::verify_backup(built_plugins(), *storage_, name_); });
}

TEST_P(DamagedBackup, TrailingGarbageIsRefused) {
  {
    std::ofstream out(stored_file(), std::ios::app | std::ios::binary);
    out << std::string(size_t{3} << 20, 'x');
  }
  expect_damaged("3 MiB appended");
}

TEST_P(DamagedBackup, EveryTruncationIsRefused) {
  const std::string whole = [&] {
    std::ifstream in(stored_file(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }();
  for (size_t keep = 0; keep < whole.size(); keep += 4096) {
    {
      std::ofstream out(stored_file(), std::ios::trunc | std::ios::binary);
      out.write(whole.data(), static_cast<std::streamsize>(keep));
    }
    expect_damaged("truncation to " + std::to_string(keep) + " bytes");
  }
}

TEST_P(DamagedBackup, AFlippedByteIsRefused) {
  std::fstream file(stored_file(), std::ios::in | std::ios::out | std::ios::binary);
  file.seekg(static_cast<std::streamoff>(fs::file_size(stored_file()) / 2));
  const char byte = static_cast<char>(file.peek() ^ 0x20);
  file.seekp(static_cast<std::streamoff>(fs::file_size(stored_file()) / 2));
  file.put(byte);
  file.close();
  expect_damaged("a flipped byte");
}

INSTANTIATE_TEST_SUITE_P(EveryCompressor, DamagedBackup,
                         ::testing::Values("gzip", "zstd", "xz", "none"));

TEST(Pipe, AReaderThatStopsEarlyReleasesTheWriter) {
  within_seconds("through_pipe", [] {
    try {
      cke::stream::through_pipe(
          [](cke::stream::ByteWriter& out) {
            const std::vector<uint8_t> chunk(64 * 1024, 7);
            for (int i = 0; i < 1000; ++i) {
              out.write(chunk);
            }
          },
          [](cke::stream::ByteReader& in) {
            std::vector<uint8_t> buf(1024);
            in.read(buf);  // then stops, as a decompressor at the end of its frame does
          });
      ADD_FAILURE() << "the unread data went unnoticed";
    } catch (const cke::Error& e) {
      EXPECT_EQ(e.code(), CKE_DATA_LOSS) << e.what();
    }
  });
}

}  // namespace

namespace {

TEST(RestoreSnapshot, UploadsBeyondTheCapOrTheFreeSpaceAreRefusedBeforeAnyByte) {
  const cke::test::TempDir dir;
  EXPECT_NO_THROW(cke::backup::check_upload_room(dir.path(), 1 << 20));
  try {
    cke::backup::check_upload_room(dir.path(), (uint64_t{16} << 30) + 1);
    ADD_FAILURE() << "a snapshot over the cap was accepted";
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_OUT_OF_RANGE) << e.what();
  }
  try {
    cke::backup::check_upload_room(dir.path(), uint64_t{1} << 60, UINT64_MAX);
    ADD_FAILURE() << "an exabyte fits on this disk?";
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_RESOURCE_EXHAUSTED) << e.what();
    EXPECT_NE(std::string(e.what()).find("not enough free space"), std::string::npos);
  }
}

TEST(RestoreSnapshot, APrivateFileOfItsOwnRemovedWhenDoneOrRefused) {
  const cke::test::TempDir dir;
  const std::string good = fake_snapshot(100000);
  std::filesystem::path written;
  {
    cke::stream::SpanReader in({reinterpret_cast<const uint8_t*>(good.data()), good.size()});
    const cke::backup::SnapshotFile first(in, dir.path() / "restore");
    cke::stream::SpanReader again({reinterpret_cast<const uint8_t*>(good.data()), good.size()});
    const cke::backup::SnapshotFile second(again, dir.path() / "restore");
    EXPECT_NE(first.path(), second.path()) << "two restores would share one file";
    EXPECT_EQ(first.size(), good.size());
    EXPECT_EQ(fs::status(first.path()).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    written = first.path();
  }
  EXPECT_FALSE(fs::exists(written)) << "the snapshot file outlived its restore";
  std::string damaged = good;
  damaged[10] ^= 1;
  cke::stream::SpanReader in({reinterpret_cast<const uint8_t*>(damaged.data()), damaged.size()});
  EXPECT_THROW(cke::backup::SnapshotFile(in, dir.path() / "restore"), cke::Error);
  EXPECT_TRUE(fs::is_empty(dir.path() / "restore")) << "a refused snapshot left a file";
}

}  // namespace
