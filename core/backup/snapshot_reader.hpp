// The Maintenance.Snapshot stream of one member as a ByteReader. It yields the whole snapshot
// file (the database followed by etcd's 32-byte SHA-256 of it) and checks that trailer on the
// fly: the last read before the end throws when it does not match. A stream that delivers
// nothing for `idle_timeout` is cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/common/sha256.hpp"
#include "core/etcd/client.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::backup {

class SnapshotReader final : public stream::ByteReader {
 public:
  SnapshotReader(etcd::Client& client,
                 std::chrono::seconds idle_timeout = std::chrono::seconds(30));
  SnapshotReader(const SnapshotReader&) = delete;
  SnapshotReader& operator=(const SnapshotReader&) = delete;
  ~SnapshotReader() override;

  size_t read(std::span<uint8_t> buf) override;

 private:
  bool next_message();  // false at the end of the stream
  void watchdog();

  std::string endpoint_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<etcdserverpb::SnapshotResponse>> stream_;
  std::string pending_;  // bytes received, not handed out yet (always keeps the last 32 back)
  size_t pending_offset_ = 0;
  bool ended_ = false;
  bool trailer_checked_ = false;
  Sha256 hash_;  // of the database part
  std::chrono::seconds idle_timeout_;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  std::chrono::steady_clock::time_point last_progress_;
  bool done_ = false;
  std::atomic<bool> timed_out_{false};
  std::thread watchdog_;
};

}  // namespace cke::backup
