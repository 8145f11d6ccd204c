// The compressors' decode path on corrupt input (a damaged backup, a restore upload): any bytes
// decode to some output or fail with an error; never a crash or a hang. The first byte chooses
// the codec (gzip, zstd, xz).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "archive_streams.hpp"
#include "cke/sdk/error.hpp"

namespace {

struct Input {
  std::span<const uint8_t> rest;
};

int64_t read_input(void* ctx, uint8_t* buf, size_t capacity, cke_error* /*err*/) {
  auto* input = static_cast<Input*>(ctx);
  const size_t n = std::min(capacity, input->rest.size());
  std::memcpy(buf, input->rest.data(), n);
  input->rest = input->rest.subspan(n);
  return static_cast<int64_t>(n);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  using cke::plugins::compress::Codec;
  const Codec codec = data[0] % 3 == 0 ? Codec::gzip : data[0] % 3 == 1 ? Codec::zstd : Codec::xz;
  Input input{{data + 1, size - 1}};
  const cke_reader reader{sizeof(cke_reader), &input, &read_input};
  try {
    cke::plugins::compress::ArchiveDecompressStream stream(codec, cke::sdk::Reader(reader));
    std::vector<uint8_t> out(64 * 1024);
    size_t total = 0;
    // A few bytes may inflate to gigabytes: stop reading well before that, as a test must.
    while (total < (size_t{16} << 20)) {
      const size_t n = stream.read(out);
      if (n == 0) {
        break;
      }
      total += n;
    }
  } catch (const cke::sdk::Error&) {
  }
  return 0;
}
