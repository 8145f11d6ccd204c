// The pipe between a producer thread and its consumer, under ThreadSanitizer: every byte arrives
// in order, and a failure or an early stop on either side reaches the other without a race, a
// lost wake-up or a hang. Each case runs many times with chunk sizes that vary.
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "core/common/error.hpp"
#include "core/stream/pipe.hpp"

namespace {

constexpr int kRounds = 200;

std::vector<uint8_t> chunk_of(size_t size, uint8_t first) {
  std::vector<uint8_t> chunk(size);
  std::iota(chunk.begin(), chunk.end(), first);
  return chunk;
}

TEST(PipeThreads, EveryByteArrivesInOrder) {
  for (int round = 0; round < kRounds; ++round) {
    uint64_t sent = 0;
    uint64_t received = 0;
    uint8_t expected = 0;
    bool in_order = true;
    cke::stream::through_pipe(
        [&](cke::stream::ByteWriter& out) {
          for (size_t i = 1; i < 40; ++i) {
            const auto chunk = chunk_of((i * 977 + round) % 5000 + 1, static_cast<uint8_t>(sent));
            out.write(chunk);
            sent += chunk.size();
          }
        },
        [&](cke::stream::ByteReader& in) {
          std::vector<uint8_t> buf(static_cast<size_t>(round % 700 + 1));
          while (const size_t n = in.read(buf)) {
            for (size_t i = 0; i < n; ++i) {
              in_order = in_order && buf[i] == expected;
              ++expected;
            }
            received += n;
          }
        });
    ASSERT_EQ(received, sent) << "round " << round;
    ASSERT_TRUE(in_order) << "round " << round;
  }
}

TEST(PipeThreads, AProducerFailureReachesTheConsumer) {
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_THROW(cke::stream::through_pipe(
                     [&](cke::stream::ByteWriter& out) {
                       for (int i = 0; i < round % 7; ++i) {
                         out.write(chunk_of(1000, 0));
                       }
                       throw std::runtime_error("producer failed");
                     },
                     [](cke::stream::ByteReader& in) {
                       std::vector<uint8_t> buf(333);
                       while (in.read(buf) > 0) {
                       }
                     }),
                 std::runtime_error);
  }
}

TEST(PipeThreads, AConsumerFailureReleasesTheProducer) {
  for (int round = 0; round < kRounds; ++round) {
    EXPECT_THROW(cke::stream::through_pipe(
                     [](cke::stream::ByteWriter& out) {
                       for (int i = 0; i < 1000; ++i) {
                         out.write(chunk_of(4096, 1));
                       }
                     },
                     [&](cke::stream::ByteReader& in) {
                       std::vector<uint8_t> buf(100);
                       for (int i = 0; i < round % 5; ++i) {
                         in.read(buf);
                       }
                       throw std::runtime_error("consumer failed");
                     }),
                 std::runtime_error);
  }
}

TEST(PipeThreads, AnEarlyStopIsDataLoss) {
  for (int round = 0; round < kRounds; ++round) {
    try {
      cke::stream::through_pipe(
          [](cke::stream::ByteWriter& out) {
            for (int i = 0; i < 1000; ++i) {
              out.write(chunk_of(4096, 2));
            }
          },
          [&](cke::stream::ByteReader& in) {
            std::vector<uint8_t> buf(512);
            for (int i = 0; i < round % 9; ++i) {
              in.read(buf);
            }
          });
      ADD_FAILURE() << "round " << round << ": the unread data went unnoticed";
    } catch (const cke::Error& e) {
      EXPECT_EQ(e.code(), CKE_DATA_LOSS);
    }
  }
}

}  // namespace
