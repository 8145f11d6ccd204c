// Every compressor round-trips empty, 1-byte and 1 MiB inputs, and refuses data of another
// format instead of passing it through.
#include <gtest/gtest.h>

#include "core/common/error.hpp"
#include "tests/compress/compress_test_support.hpp"

namespace {

using cke::test::compress;
using cke::test::decompress;
using cke::test::make_compressor;

class RoundTrip : public ::testing::TestWithParam<const char*> {};

TEST_P(RoundTrip, EmptyOneByteAndOneMebibyte) {
  auto c = make_compressor(GetParam());
  for (const std::string& raw :
       {std::string(), std::string("x"), cke::test::sample_json(1 << 20)}) {
    const std::string packed = compress(*c, raw);
    EXPECT_EQ(decompress(*c, packed), raw) << GetParam() << " with " << raw.size() << " bytes";
  }
}

TEST_P(RoundTrip, CompressesJsonWhenItIsACompressor) {
  auto c = make_compressor(GetParam());
  const std::string raw = cke::test::sample_json(1 << 20);
  const std::string packed = compress(*c, raw);
  if (c->name() == "none") {
    EXPECT_EQ(packed, raw);
    EXPECT_EQ(c->extension(), "");
  } else {
    EXPECT_LT(packed.size(), raw.size() / 2) << GetParam();
    EXPECT_EQ(c->extension().front(), '.');
  }
}

INSTANTIATE_TEST_SUITE_P(AllCompressors, RoundTrip,
                         ::testing::Values("gzip", "zstd", "xz", "none"));

TEST(Compressors, DeclareTheirExtensions) {
  EXPECT_EQ(make_compressor("gzip")->extension(), ".gz");
  EXPECT_EQ(make_compressor("zstd")->extension(), ".zst");
  EXPECT_EQ(make_compressor("xz")->extension(), ".xz");
  EXPECT_EQ(make_compressor("none")->extension(), "");
}

TEST(Compressors, RefuseDataOfAnotherFormat) {
  auto zstd = make_compressor("zstd");
  auto gzip = make_compressor("gzip");
  const std::string packed = compress(*zstd, "hello hello hello");
  try {
    (void)decompress(*gzip, packed);
    FAIL() << "gzip accepted zstd data";
  } catch (const cke::Error& e) {
    EXPECT_NE(std::string(e.what()).find("not gzip data"), std::string::npos) << e.what();
  }
  EXPECT_THROW((void)decompress(*gzip, "plain text, not compressed at all"), cke::Error);
}

TEST(Compressors, DetectTruncatedInput) {
  auto gzip = make_compressor("gzip");
  const std::string packed = compress(*gzip, cke::test::sample_json(100000));
  EXPECT_THROW((void)decompress(*gzip, packed.substr(0, packed.size() / 2)), cke::Error);
}

TEST(Compressors, RejectBadConfigurationNamingTheKey) {
  try {
    (void)make_compressor("gzip", R"({"level": 42})");
    FAIL();
  } catch (const cke::Error& e) {
    EXPECT_NE(std::string(e.what()).find("level: expected an integer from 1 to 9, got 42"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW((void)make_compressor("zstd", R"({"speed": 1})"), cke::Error);
  EXPECT_THROW((void)make_compressor("xz", "not json"), cke::Error);
}

TEST(Compressors, LevelsChangeTheOutput) {
  const std::string raw = cke::test::sample_json(1 << 20);
  auto fast = make_compressor("zstd", R"({"level": 1})");
  auto strong = make_compressor("zstd", R"({"level": 19})");
  EXPECT_GT(compress(*fast, raw).size(), compress(*strong, raw).size());
}

}  // namespace
