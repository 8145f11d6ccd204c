// Checks an etcd snapshot file as it streams past: its size, its SHA-256, and whether its last
// 32 bytes are the SHA-256 of everything before them (etcd's trailer).
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "core/common/sha256.hpp"

namespace cke::backup {

class TrailerCheck {
 public:
  void update(std::span<const uint8_t> data) {
    whole_.update(data);
    size_ += data.size();
    // The last 32 bytes seen are held back; whatever they push out is database.
    scratch_.assign(held_.begin(), held_.end());
    scratch_.insert(scratch_.end(), data.begin(), data.end());
    const size_t keep = std::min<size_t>(32, scratch_.size());
    database_.update({scratch_.data(), scratch_.size() - keep});
    held_.assign(scratch_.end() - static_cast<long>(keep), scratch_.end());
  }
  [[nodiscard]] uint64_t size() const { return size_; }
  std::string hex_digest() { return Sha256::hex(whole_.digest()); }
  bool trailer_matches() {
    if (held_.size() < 32) {
      return false;
    }
    const auto digest = database_.digest();
    return std::equal(digest.begin(), digest.end(), held_.begin());
  }

 private:
  Sha256 whole_;
  Sha256 database_;
  std::vector<uint8_t> held_;
  std::vector<uint8_t> scratch_;
  uint64_t size_ = 0;
};

}  // namespace cke::backup
