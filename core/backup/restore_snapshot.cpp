#include "core/backup/restore_snapshot.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/backup/trailer_check.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/random_hex.hpp"
#include "core/common/unique_fd.hpp"

namespace fs = std::filesystem;

namespace cke::backup {
namespace {

constexpr uint64_t kFreeSpaceCheckEvery = uint64_t{64} << 20;

std::string mib(uint64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// nullopt when the filesystem cannot tell.
std::optional<uint64_t> free_bytes(const fs::path& dir) {
  struct statvfs info {};
  if (::statvfs(dir.c_str(), &info) != 0) {
    return std::nullopt;
  }
  return static_cast<uint64_t>(info.f_bavail) * info.f_frsize;
}

fs::path unique_name(const fs::path& dir) { return dir / ("snapshot-" + random_hex() + ".db"); }

}  // namespace

void check_upload_room(const fs::path& dir, uint64_t announced, uint64_t cap) {
  if (announced > cap) {
    throw Error("the snapshot is " + mib(announced) + "; a restore takes at most " + mib(cap),
                CKE_OUT_OF_RANGE);
  }
  const auto available = free_bytes(dir);
  if (available && *available < announced + kFreeSpaceReserve) {
    throw Error("not enough free space in " + dir.string() + " to receive the snapshot: it needs " +
                    mib(announced) + " and leaves " + mib(kFreeSpaceReserve) + " free, " +
                    mib(*available) + " are free",
                CKE_RESOURCE_EXHAUSTED);
  }
}

SnapshotFile::SnapshotFile(stream::ByteReader& raw, const fs::path& dir) {
  ensure_private_dir(dir);
  path_ = unique_name(dir);
  UniqueFd fd(::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) {
    throw Error("cannot create " + path_.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
  }
  try {
    TrailerCheck check;
    std::vector<uint8_t> buf(stream::kChunkSize);
    uint64_t next_space_check = 0;
    while (const size_t n = raw.read(buf)) {
      check.update({buf.data(), n});
      if (check.size() > kMaxSnapshotBytes) {
        throw Error(
            "the snapshot goes on past " + mib(kMaxSnapshotBytes) + ", the most a restore takes",
            CKE_OUT_OF_RANGE);
      }
      if (check.size() >= next_space_check) {
        check_upload_room(dir, 0);
        next_space_check = check.size() + kFreeSpaceCheckEvery;
      }
      for (size_t done = 0; done < n;) {
        const ssize_t w = ::write(fd.get(), buf.data() + done, n - done);
        if (w < 0 && errno == EINTR) {
          continue;
        }
        if (w < 0) {
          throw Error("cannot write " + path_.string() + ": " + std::strerror(errno),
                      errno == ENOSPC ? CKE_RESOURCE_EXHAUSTED : CKE_UNAVAILABLE);
        }
        done += static_cast<size_t>(w);
      }
    }
    if (::fsync(fd.get()) != 0) {
      throw Error("cannot write " + path_.string() + ": " + std::strerror(errno),
                  CKE_RESOURCE_EXHAUSTED);
    }
    if (!check.trailer_matches()) {
      throw Error(
          "the snapshot is damaged: etcd's SHA-256 trailer does not match its data; refusing to "
          "restore it",
          CKE_DATA_LOSS);
    }
    size_ = check.size();
  } catch (...) {
    ::unlink(path_.c_str());
    throw;
  }
}

SnapshotFile::~SnapshotFile() { ::unlink(path_.c_str()); }

}  // namespace cke::backup
