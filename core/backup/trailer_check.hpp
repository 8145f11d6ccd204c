// Checks an etcd snapshot file as it streams past: its size, its SHA-256, and whether its last
// 32 bytes are the SHA-256 of everything before them (etcd's trailer). One pass of SHA-256 gives
// both digests: the database's is taken from a copy of the running hash before the held-back
// last 32 bytes are added for the whole file's.
#pragma once

#include <algorithm>
#include <array>
#include <span>
#include <string>

#include "core/common/sha256.hpp"

namespace cke::backup {

inline constexpr size_t kSnapshotTrailerSize = 32;  // etcd appends sha256(database)

class TrailerCheck {
 public:
  // Not after size(), hex_digest() or trailer_matches().
  void update(std::span<const uint8_t> data) {
    size_ += data.size();
    if (data.size() >= kSnapshotTrailerSize) {
      // What was held back is database after all, and so is all of this but its last 32 bytes.
      hash_.update({held_.data(), held_size_});
      hash_.update(data.first(data.size() - kSnapshotTrailerSize));
      std::copy(data.end() - kSnapshotTrailerSize, data.end(), held_.begin());
      held_size_ = kSnapshotTrailerSize;
      return;
    }
    // Fewer than 32 new bytes: the oldest held ones they push out are database.
    const size_t pushed_out =
        std::max(held_size_ + data.size(), kSnapshotTrailerSize) - kSnapshotTrailerSize;
    hash_.update({held_.data(), pushed_out});
    std::copy(held_.begin() + pushed_out, held_.begin() + held_size_, held_.begin());
    held_size_ -= pushed_out;
    std::copy(data.begin(), data.end(), held_.begin() + held_size_);
    held_size_ += data.size();
  }
  [[nodiscard]] uint64_t size() const { return size_; }
  std::string hex_digest() {
    finish();
    return whole_hex_;
  }
  bool trailer_matches() {
    finish();
    return trailer_matches_;
  }

 private:
  void finish() {
    if (finished_) {
      return;
    }
    finished_ = true;
    const auto database = hash_.digest_so_far();
    trailer_matches_ = held_size_ == kSnapshotTrailerSize && database == held_;
    hash_.update({held_.data(), held_size_});
    whole_hex_ = Sha256::hex(hash_.digest());
  }

  Sha256 hash_;
  std::array<uint8_t, kSnapshotTrailerSize> held_{};  // the last bytes seen, not hashed yet
  size_t held_size_ = 0;
  uint64_t size_ = 0;
  bool finished_ = false;
  bool trailer_matches_ = false;
  std::string whole_hex_;
};

}  // namespace cke::backup
