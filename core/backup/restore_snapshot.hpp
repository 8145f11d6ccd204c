// The uncompressed snapshot a restore works from, received from ckecli or read from a storage
// target: a file of its own (0600, a unique name in DATA_DIR/restore), size-capped, with free
// space checked before and while it is written, removed when the restore is done or fails.
#pragma once

#include <cstdint>
#include <filesystem>

#include "core/stream/byte_stream.hpp"

namespace cke::backup {

// Larger than any etcd database (its quota tops out at 8 GiB) with room to spare.
inline constexpr uint64_t kMaxSnapshotBytes = uint64_t{16} << 30;
// Free space an upload always leaves on the data directory's filesystem, which the members'
// data shares: a restore must never fill it up under the running cluster.
inline constexpr uint64_t kFreeSpaceReserve = uint64_t{256} << 20;

// Throws cke::Error before any byte is accepted when `announced` bytes (the upload's size as the
// client states it; 0 if unknown) exceed `cap`, or would leave less than kFreeSpaceReserve free
// in `dir`'s filesystem.
void check_upload_room(const std::filesystem::path& dir, uint64_t announced,
                       uint64_t cap = kMaxSnapshotBytes);

class SnapshotFile {
 public:
  // Writes what `raw` yields into a new file in `dir` (created 0700), refusing it (and leaving
  // nothing) beyond kMaxSnapshotBytes, when the free space falls to the reserve, or unless etcd's
  // SHA-256 trailer matches.
  SnapshotFile(stream::ByteReader& raw, const std::filesystem::path& dir);
  SnapshotFile(const SnapshotFile&) = delete;
  SnapshotFile& operator=(const SnapshotFile&) = delete;
  ~SnapshotFile();  // removes the file

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] uint64_t size() const { return size_; }

 private:
  std::filesystem::path path_;
  uint64_t size_ = 0;
};

}  // namespace cke::backup
