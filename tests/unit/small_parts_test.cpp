// Go durations, etcd's prefix-end, failpoint specs, user names and the snapshot trailer check.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "cli/cke/api_names.hpp"
#include "cli/common/duration.hpp"
#include "core/backup/backup_name.hpp"
#include "core/backup/manifest.hpp"
#include "core/backup/trailer_check.hpp"
#include "core/common/error.hpp"
#include "core/common/failpoints.hpp"
#include "core/common/names.hpp"
#include "core/common/sha256.hpp"
#include "core/common/subprocess.hpp"
#include "core/etcd/client.hpp"
#include "core/users/prefix_user.hpp"

namespace {

using std::chrono::seconds;

TEST(Duration, GoForms) {
  EXPECT_EQ(cke::cli::parse_duration("24h"), seconds(86400));
  EXPECT_EQ(cke::cli::parse_duration("90m"), seconds(5400));
  EXPECT_EQ(cke::cli::parse_duration("1h30m"), seconds(5400));
  EXPECT_EQ(cke::cli::parse_duration("2s"), seconds(2));
  EXPECT_EQ(cke::cli::parse_duration("1.5h"), seconds(5400));
  EXPECT_EQ(cke::cli::parse_duration("87600h"), seconds(315360000));
  EXPECT_EQ(cke::cli::parse_duration("1500ms"), seconds(2));
  for (const char* bad : {"", "abc", "10", "5d", "h", "0s", "500ms", "-1h"}) {
    EXPECT_THROW(cke::cli::parse_duration(bad), cke::Error) << bad;
  }
}

TEST(Subprocess, AHelperThatHangsIsKilledAtItsDeadline) {
  const auto start = std::chrono::steady_clock::now();
  try {
    cke::run_command({"sleep", "30"}, std::chrono::seconds(1));
    ADD_FAILURE() << "sleep 30 finished within 1 s";
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_DEADLINE_EXCEEDED) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  const auto quick = cke::run_command({"sh", "-c", "echo out; exit 3"}, std::chrono::seconds(10));
  EXPECT_EQ(quick.exit_code, 3);
  EXPECT_EQ(quick.output, "out\n");
}

TEST(BackupNames, OnlyTheOneSpellingOfARepresentableTime) {
  EXPECT_TRUE(cke::backup::parse_backup_name("snapshot-20181226_054710.db.gz"));
  // fuzz_backup_name: years a time point cannot hold overflowed in the conversion.
  EXPECT_FALSE(cke::backup::parse_backup_name("snapshot-10060912_054710.db"));
  EXPECT_FALSE(cke::backup::parse_backup_name("snapshot-60181226_054710.db.gz"));
  EXPECT_FALSE(cke::backup::parse_backup_name("snapshot-20180231_054710.db"));  // 31 February
  EXPECT_FALSE(cke::backup::parse_backup_name("snapshot-20181226_235960.db"));  // second 60
}

TEST(Manifests, SizesMustBeWholeNumbersInRange) {
  const auto with = [](const std::string& raw_size, const std::string& revision = "42") {
    return R"({"name":"snapshot-20181226_054710.db.gz","created_at":"2018-12-26T05:47:10Z",)"
           R"("revision":)" +
           revision + R"(,"raw_size":)" + raw_size +
           R"(,"stored_size":1,"raw_sha256":"a","stored_sha256":"b","compressor":"gzip"})";
  };
  EXPECT_EQ(cke::backup::manifest_from_json(with("20512"), "m").raw_size, 20512U);
  // fuzz_manifest: 2e+28 was converted to uint64_t unchecked (undefined behaviour).
  for (const auto& bad : {with("20000000000000000000000000512"), with("1.5"), with("-1"),
                          with("1", "9223372036854775808"), with("\"12\"")}) {
    EXPECT_THROW(cke::backup::manifest_from_json(bad, "m"), cke::Error) << bad;
  }
}

TEST(PrefixOverlap, OneStartsWithTheOther) {
  EXPECT_TRUE(cke::users::prefixes_overlap("/", "/registry/"));
  EXPECT_TRUE(cke::users::prefixes_overlap("/registry/pods/", "/registry/"));
  EXPECT_TRUE(cke::users::prefixes_overlap("/app/", "/app/"));
  EXPECT_FALSE(cke::users::prefixes_overlap("/app/alice/", "/app/bob/"));
  EXPECT_FALSE(cke::users::prefixes_overlap("/registry", "/app/"));
}

TEST(PrefixEnd, IncrementsTheLastByteThatCan) {
  EXPECT_EQ(cke::etcd::prefix_end("/registry/"), "/registry0");
  EXPECT_EQ(cke::etcd::prefix_end("/app/alice/"), "/app/alice0");
  EXPECT_EQ(cke::etcd::prefix_end(std::string("a\xff", 2)), "b");
  EXPECT_EQ(cke::etcd::prefix_end(std::string("\xff", 1)), std::string(1, '\0'));
}

TEST(Failpoints, ParseAndRefuseMalformedSpecs) {
  EXPECT_NO_THROW(cke::Failpoints::parse("a.b=crash,c=pause,d=error"));
  EXPECT_THROW(cke::Failpoints::parse("a.b=explode"), cke::Error);
  EXPECT_THROW(cke::Failpoints::parse("=crash"), cke::Error);
  const auto armed = cke::Failpoints::parse("x=error");
  EXPECT_THROW(armed.hit("x"), cke::Error);
  EXPECT_NO_THROW(armed.hit("y"));
}

TEST(Failpoints, SleepCarriesOnAfterItsSeconds) {
  for (const char* bad : {"a=sleep:", "a=sleep:0", "a=sleep:x", "a=sleep:3601", "a=sleep:-1"}) {
    EXPECT_THROW(cke::Failpoints::parse(bad), cke::Error) << bad;
  }
  const auto armed = cke::Failpoints::parse("a=sleep:1");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_NO_THROW(armed.hit("a"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

TEST(UserNames, PatternAndReservedNames) {
  EXPECT_TRUE(cke::valid_user_name("alice"));
  EXPECT_TRUE(cke::valid_user_name("kube-apiserver"));
  EXPECT_TRUE(cke::valid_user_name("a.b_c:d-e"));
  EXPECT_FALSE(cke::valid_user_name("../etc"));
  EXPECT_FALSE(cke::valid_user_name("-x"));
  EXPECT_FALSE(cke::valid_user_name(std::string(65, 'a')));
  EXPECT_THROW(cke::check_user_name("root"), cke::Error);
  EXPECT_THROW(cke::check_user_name("backup"), cke::Error);
  EXPECT_THROW(cke::check_user_name(""), cke::Error);
  EXPECT_NO_THROW(cke::check_user_name("alice"));
}

// A snapshot file as etcd streams it: the database, then SHA-256 of the database.
std::vector<uint8_t> snapshot_file(size_t database_size) {
  std::vector<uint8_t> file(database_size);
  for (size_t i = 0; i < file.size(); ++i) {
    file[i] = static_cast<uint8_t>(i * 131 + 7);
  }
  cke::Sha256 hash;
  hash.update(file);
  const auto trailer = hash.digest();
  file.insert(file.end(), trailer.begin(), trailer.end());
  return file;
}

std::string sha256_hex(const std::vector<uint8_t>& data) {
  cke::Sha256 hash;
  hash.update(data);
  return cke::Sha256::hex(hash.digest());
}

// Fed in pieces of every awkward size (around the 32 held-back bytes), the check finds the same
// trailer and whole-file digest as in one piece.
TEST(TrailerCheck, AnySplitOfTheStreamGivesTheSameVerdictAndDigest) {
  const auto file = snapshot_file(5000);
  for (const size_t piece : {1UL, 7UL, 31UL, 32UL, 33UL, 64UL, 4096UL, 1UL << 20}) {
    cke::backup::TrailerCheck check;
    for (size_t at = 0; at < file.size(); at += piece) {
      check.update({file.data() + at, std::min(piece, file.size() - at)});
    }
    EXPECT_EQ(check.size(), file.size()) << piece;
    EXPECT_TRUE(check.trailer_matches()) << piece;
    EXPECT_EQ(check.hex_digest(), sha256_hex(file)) << piece;
  }
}

TEST(TrailerCheck, AFlippedByteOrAShortFileFails) {
  auto file = snapshot_file(1000);
  file[500] ^= 1;
  cke::backup::TrailerCheck flipped;
  flipped.update(file);
  EXPECT_FALSE(flipped.trailer_matches());
  EXPECT_EQ(flipped.hex_digest(), sha256_hex(file));

  cke::backup::TrailerCheck shorter;
  shorter.update({file.data(), 20});
  EXPECT_FALSE(shorter.trailer_matches());
}

TEST(Sha256, DigestSoFarLeavesTheHashGoingOn) {
  cke::Sha256 hash;
  const std::vector<uint8_t> first{1, 2, 3};
  const std::vector<uint8_t> second{4, 5};
  hash.update(first);
  EXPECT_EQ(cke::Sha256::hex(hash.digest_so_far()), sha256_hex(first));
  hash.update(second);
  EXPECT_EQ(cke::Sha256::hex(hash.digest()), sha256_hex({1, 2, 3, 4, 5}));
}

}  // namespace

TEST(ApiNames, AWildcardListenNamesThisMachineInstead) {
  const auto names = cke::cli::api_names("0.0.0.0", {"cke.example.org"});
  EXPECT_NE(std::find(names.begin(), names.end(), "127.0.0.1"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "cke.example.org"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "0.0.0.0"), names.end());
  EXPECT_EQ(cke::cli::api_names("10.1.2.3", {}), std::vector<std::string>{"10.1.2.3"});
}
