// A writer that counts and hashes (SHA-256) what passes through it, for backup manifests and
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

}  // namespace cke::stream
