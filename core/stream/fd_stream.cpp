#include "core/stream/fd_stream.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/common/error.hpp"

namespace cke::stream {

size_t FdReader::read(std::span<uint8_t> buf) {
  for (;;) {
    const ssize_t n = ::read(fd_, buf.data(), buf.size());
    if (n >= 0) {
      return static_cast<size_t>(n);
    }
    if (errno != EINTR) {
      throw Error("reading " + what_ + ": " + std::strerror(errno), CKE_UNAVAILABLE);
    }
  }
}

void FdWriter::write(std::span<const uint8_t> data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      const int32_t code = errno == ENOSPC ? CKE_RESOURCE_EXHAUSTED : CKE_UNAVAILABLE;
      throw Error("writing " + what_ + ": " + std::strerror(errno), code);
    }
    data = data.subspan(static_cast<size_t>(n));
  }
}

}  // namespace cke::stream
