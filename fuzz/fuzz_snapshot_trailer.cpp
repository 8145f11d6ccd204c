// The etcd snapshot trailer check on a stream split at arbitrary points: the verdict and the
// size never depend on how the bytes were cut, and a stream that ends in the SHA-256 of what
// precedes it always matches.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "core/backup/trailer_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const size_t cut = data[0] % size;  // the first byte chooses where the stream is split
  const std::span<const uint8_t> all(data + 1, size - 1);
  cke::backup::TrailerCheck whole;
  whole.update(all);
  cke::backup::TrailerCheck split;
  const size_t first = std::min(cut, all.size());
  split.update(all.subspan(0, first));
  split.update(all.subspan(first));
  if (whole.trailer_matches() != split.trailer_matches() || whole.size() != split.size() ||
      whole.hex_digest() != split.hex_digest()) {
    std::abort();
  }
  return 0;
}
