#include <vector>

#include "core/stream/byte_stream.hpp"

namespace cke::stream {

uint64_t copy(ByteReader& source, ByteWriter& sink) {
  std::vector<uint8_t> buf(kChunkSize);
  uint64_t total = 0;
  for (;;) {
    const size_t n = source.read(buf);
    if (n == 0) {
      return total;
    }
    sink.write({buf.data(), n});
    total += n;
  }
}

}  // namespace cke::stream
