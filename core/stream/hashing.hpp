// Streams that count and hash what passes through them (SHA-256), for backup manifests and
// verification.
#pragma once

#include <string>

#include "core/common/sha256.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::stream {

class HashingWriter final : public ByteWriter {
 public:
  explicit HashingWriter(ByteWriter& next) : next_(next) {}
  void write(std::span<const uint8_t> data) override {
    hash_.update(data);
    size_ += data.size();
    next_.write(data);
  }
  void finish() override { next_.finish(); }
  [[nodiscard]] uint64_t size() const { return size_; }
  std::string hex_digest() { return Sha256::hex(hash_.digest()); }

 private:
  ByteWriter& next_;
  Sha256 hash_;
  uint64_t size_ = 0;
};

class HashingReader final : public ByteReader {
 public:
  explicit HashingReader(ByteReader& source) : source_(source) {}
  size_t read(std::span<uint8_t> buf) override {
    const size_t n = source_.read(buf);
    hash_.update({buf.data(), n});
    size_ += n;
    return n;
  }
  [[nodiscard]] uint64_t size() const { return size_; }
  std::string hex_digest() { return Sha256::hex(hash_.digest()); }

 private:
  ByteReader& source_;
  Sha256 hash_;
  uint64_t size_ = 0;
};

// Discards everything (a sink for verification passes).
class NullWriter final : public ByteWriter {
 public:
  void write(std::span<const uint8_t> /*data*/) override {}
};

}  // namespace cke::stream
