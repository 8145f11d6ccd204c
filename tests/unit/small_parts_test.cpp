// Go durations, etcd's prefix-end, failpoint specs and user names.
#include <gtest/gtest.h>

#include <chrono>

#include "cli/common/duration.hpp"
#include "core/common/error.hpp"
#include "core/common/failpoints.hpp"
#include "core/common/names.hpp"
#include "core/etcd/client.hpp"

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

}  // namespace
