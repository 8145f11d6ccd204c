// In-memory streams, for small payloads only (PEM text, tests): never for snapshots.
#pragma once

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "core/stream/byte_stream.hpp"

namespace cke::stream {

class StringWriter final : public ByteWriter {
 public:
  void write(std::span<const uint8_t> data) override {
    text_.append(reinterpret_cast<const char*>(data.data()), data.size());
  }
  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  std::string text_;
};

class SpanReader final : public ByteReader {
 public:
  explicit SpanReader(std::span<const uint8_t> data) : rest_(data) {}
  size_t read(std::span<uint8_t> buf) override {
    const size_t n = std::min(buf.size(), rest_.size());
    std::memcpy(buf.data(), rest_.data(), n);
    rest_ = rest_.subspan(n);
    return n;
  }

 private:
  std::span<const uint8_t> rest_;
};

}  // namespace cke::stream
