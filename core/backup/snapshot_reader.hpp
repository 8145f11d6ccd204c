// The Maintenance.Snapshot stream of one member as a ByteReader. It yields the whole snapshot
// file (the database followed by etcd's 32-byte SHA-256 of it) and checks that trailer on the
// fly: the read that would report the end throws instead when it does not match. Its size and
// SHA-256 are the manifest's raw ones. A stream that delivers nothing for `idle_timeout` is
// cancelled.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/backup/trailer_check.hpp"
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
  // Of everything read; the digest once read() has returned 0.
  [[nodiscard]] uint64_t size() const { return check_.size(); }
  std::string hex_digest() { return check_.hex_digest(); }

 private:
  bool next_message();  // false at the end of the stream
  void watchdog();

  std::string endpoint_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<etcdserverpb::SnapshotResponse>> stream_;
  std::string pending_;  // the last message's bytes; those before pending_offset_ are handed out
  size_t pending_offset_ = 0;
  bool ended_ = false;
  TrailerCheck check_;
  std::chrono::seconds idle_timeout_;
  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  std::chrono::steady_clock::time_point last_progress_;
  bool done_ = false;
  std::atomic<bool> timed_out_{false};
  std::thread watchdog_;
};

}  // namespace cke::backup
