#include "core/backup/snapshot_reader.hpp"

#include <cstring>

#include "core/common/error.hpp"

namespace cke::backup {
SnapshotReader::SnapshotReader(etcd::Client& client, std::chrono::seconds idle_timeout)
    : endpoint_(client.endpoint()),
      idle_timeout_(idle_timeout),
      last_progress_(std::chrono::steady_clock::now()) {
  stream_ = client.snapshot(context_);
  watchdog_ = std::thread([this] { watchdog(); });
}

SnapshotReader::~SnapshotReader() {
  {
    const std::lock_guard lock(watch_mutex_);
    done_ = true;
  }
  watch_cv_.notify_all();
  watchdog_.join();
  if (!ended_) {
    context_.TryCancel();
    etcdserverpb::SnapshotResponse drain;
    while (stream_->Read(&drain)) {
    }
    stream_->Finish();
  }
}

void SnapshotReader::watchdog() {
  std::unique_lock lock(watch_mutex_);
  while (!done_) {
    watch_cv_.wait_for(lock, std::chrono::seconds(1));
    if (!done_ && std::chrono::steady_clock::now() - last_progress_ > idle_timeout_) {
      timed_out_ = true;
      context_.TryCancel();
      return;
    }
  }
}

bool SnapshotReader::next_message() {
  etcdserverpb::SnapshotResponse message;
  if (!stream_->Read(&message)) {
    ended_ = true;
    const grpc::Status status = stream_->Finish();
    if (timed_out_) {
      throw Error("etcd " + endpoint_ + ": the snapshot stream stalled for " +
                      std::to_string(idle_timeout_.count()) + " s and was cancelled",
                  CKE_DEADLINE_EXCEEDED);
    }
    if (!status.ok()) {
      throw Error("etcd " + endpoint_ + ": Snapshot: " + status.error_message(),
                  static_cast<int32_t>(status.error_code()));
    }
    return false;
  }
  {
    const std::lock_guard lock(watch_mutex_);
    last_progress_ = std::chrono::steady_clock::now();
  }
  pending_ = std::move(*message.mutable_blob());  // called only once pending_ is handed out
  pending_offset_ = 0;
  return true;
}

size_t SnapshotReader::read(std::span<uint8_t> buf) {
  while (!ended_ && pending_offset_ == pending_.size()) {
    next_message();
  }
  const size_t n = std::min(buf.size(), pending_.size() - pending_offset_);
  if (n == 0) {
    // The stream ended: its last 32 bytes must be the digest of everything before them.
    if (check_.size() < kSnapshotTrailerSize) {
      throw Error("etcd " + endpoint_ + ": the snapshot ended before its SHA-256 trailer",
                  CKE_DATA_LOSS);
    }
    if (!check_.trailer_matches()) {
      throw Error("etcd " + endpoint_ + ": the snapshot's SHA-256 trailer does not match its data",
                  CKE_DATA_LOSS);
    }
    return 0;
  }
  std::memcpy(buf.data(), pending_.data() + pending_offset_, n);
  check_.update({buf.data(), n});
  pending_offset_ += n;
  return n;
}

}  // namespace cke::backup
