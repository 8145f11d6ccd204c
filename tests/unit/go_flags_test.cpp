#include "cli/common/go_flags.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "cli/common/duration.hpp"
#include "core/common/error.hpp"
#include "core/pki/certificate_issuer.hpp"

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

TEST(Duration, HugeValuesAreRefusedNotOverflowed) {
  for (const char* huge : {"70000000000000h", "1e9999h",
                           "99999999999999999999999999999999999999999999999999999999999999h"}) {
    EXPECT_THROW(cke::cli::parse_duration(huge), cke::Error) << huge;
  }
  EXPECT_NO_THROW(cke::cli::parse_duration("70000000h"));  // parsed; the TTL bound refuses it
}

TEST(CertificateTtl, BoundedByTheCaLifetime) {
  EXPECT_NO_THROW(cke::pki::check_certificate_ttl(std::chrono::hours(87600), "-ttl"));
  EXPECT_NO_THROW(cke::pki::check_certificate_ttl(std::chrono::seconds(1), "-ttl"));
  for (const auto bad : {std::chrono::hours(87601), std::chrono::hours(70000000),
                         std::chrono::hours(0), std::chrono::hours(-1)}) {
    try {
      cke::pki::check_certificate_ttl(bad, "-ttl");
      ADD_FAILURE() << bad.count() << "h accepted";
    } catch (const cke::Error& e) {
      EXPECT_NE(std::string(e.what()).find("-ttl: must be between 1s and 87600h"),
                std::string::npos)
          << e.what();
    }
  }
}
