// A stream larger than 4 GiB (crossing 32-bit counters) flows through compress → pipe →
// decompress in constant memory, byte-exact, with `none` and with a fast zstd level.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstring>
#include <thread>

#include "core/stream/fd_stream.hpp"
#include "tests/compress/compress_test_support.hpp"

namespace {

constexpr uint64_t kTotal = (4ULL << 30) + (1ULL << 20) + 7;  // 4 GiB + 1 MiB + 7 bytes
constexpr size_t kBlock = 1 << 20;

// Block k of the payload: a fixed JSON-like base with k stamped at the front, so the data is
// compressible yet every block differs and a misplaced block is caught.
void fill_block(uint64_t k, const std::string& base, std::span<uint8_t> out) {
  std::memcpy(out.data(), base.data(), out.size());
  std::memcpy(out.data(), &k, std::min(out.size(), sizeof k));
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

class LargeStream : public ::testing::TestWithParam<std::pair<const char*, const char*>> {};

TEST_P(LargeStream, MoreThanFourGibibytesRoundTripInConstantMemory) {
  const auto [name, config] = GetParam();
  auto c = cke::test::make_compressor(name, config);
  const std::string base = cke::test::sample_json(kBlock);
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);

  std::thread producer([&] {
    cke::stream::FdWriter pipe_out(fds[1], "pipe");
    auto writer = c->compress_into(pipe_out);
    std::vector<uint8_t> block(kBlock);
    for (uint64_t offset = 0, k = 0; offset < kTotal; offset += kBlock, ++k) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(kBlock, kTotal - offset));
      fill_block(k, base, {block.data(), n});
      writer->write({block.data(), n});
    }
    writer->finish();
    ::close(fds[1]);
  });

  cke::stream::FdReader pipe_in(fds[0], "pipe");
  auto reader = c->decompress_from(pipe_in);
  std::vector<uint8_t> expected(kBlock);
  std::vector<uint8_t> got(kBlock);
  uint64_t received = 0;
  uint64_t mismatches = 0;
  size_t filled = 0;
  uint64_t k = 0;
  for (;;) {
    const size_t n = reader->read({got.data() + filled, got.size() - filled});
    filled += n;
    const bool end = n == 0;
    if (filled == got.size() || (end && filled > 0)) {
      fill_block(k++, base, {expected.data(), filled});
      mismatches += std::memcmp(expected.data(), got.data(), filled) != 0 ? 1 : 0;
      received += filled;
      filled = 0;
    }
    if (end) {
      break;
    }
  }
  producer.join();
  ::close(fds[0]);
  EXPECT_EQ(received, kTotal);
  EXPECT_EQ(mismatches, 0U);
  EXPECT_LT(peak_rss_kib(), 200 * 1024) << "memory grew with the stream";
}

INSTANTIATE_TEST_SUITE_P(FastCodecs, LargeStream,
                         ::testing::Values(std::pair{"none", "{}"},
                                           std::pair{"zstd", R"({"level": 1})"}),
                         [](const auto& info) { return std::string(info.param.first); });

}  // namespace
