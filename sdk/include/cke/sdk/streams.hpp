// C++ views of the host's stream callbacks: a Reader to pull bytes, a Writer to push them.
// Both are borrowed: valid only while the call that handed them to the plugin runs (or, for
// compressor streams, until the stream is closed).
#pragma once

#include <cstdint>
#include <span>

#include "cke/abi.h"
#include "cke/sdk/error.hpp"

namespace cke::sdk {

class Reader {
 public:
  explicit Reader(const cke_reader& source) : source_(source) {}

  // Fills `buf` with at least one byte and returns the count, or returns 0 at the end.
  size_t read(std::span<uint8_t> buf) {
    cke_error err{sizeof(cke_error), 0, nullptr};
    const int64_t n = source_.read(source_.ctx, buf.data(), buf.size(), &err);
    if (n < 0) {
      detail::throw_host_error(static_cast<int32_t>(-n), err);
    }
    return static_cast<size_t>(n);
  }

 private:
  cke_reader source_;
};

class Writer {
 public:
  explicit Writer(const cke_writer& sink) : sink_(sink) {}

  void write(std::span<const uint8_t> data) {
    if (data.empty()) {
      return;
    }
    cke_error err{sizeof(cke_error), 0, nullptr};
    const int32_t status = sink_.write(sink_.ctx, data.data(), data.size(), &err);
    if (status != CKE_OK) {
      detail::throw_host_error(status, err);
    }
  }

 private:
  cke_writer sink_;
};

}  // namespace cke::sdk
