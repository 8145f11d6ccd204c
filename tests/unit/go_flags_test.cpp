#include "cli/common/go_flags.hpp"

#include <gtest/gtest.h>

namespace {

std::vector<std::string> normalise(std::vector<const char*> args) {
  args.insert(args.begin(), "ckecli");
  auto out = cke::cli::normalise_go_flags(static_cast<int>(args.size()), args.data());
  out.erase(out.begin());
  return out;
}

TEST(GoFlags, SingleDashLongFlagsBecomeDoubleDash) {
  EXPECT_EQ(normalise({"etcd", "issue", "-ttl=24h", "-output=json", "alice"}),
            (std::vector<std::string>{"etcd", "issue", "--ttl=24h", "--output=json", "alice"}));
  EXPECT_EQ(normalise({"-output", "json"}), (std::vector<std::string>{"--output", "json"}));
}

TEST(GoFlags, ShortOptionsNumbersAndDoubleDashAreKept) {
  EXPECT_EQ(normalise({"-h", "-o=json", "-5", "--ttl", "1h"}),
            (std::vector<std::string>{"-h", "-o=json", "-5", "--ttl", "1h"}));
}

TEST(GoFlags, NothingAfterSeparatorIsTouched) {
  EXPECT_EQ(normalise({"-ttl=1h", "--", "-weird-name"}),
            (std::vector<std::string>{"--ttl=1h", "--", "-weird-name"}));
}

}  // namespace
