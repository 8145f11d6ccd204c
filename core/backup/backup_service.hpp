// Backups: a snapshot of one member, streamed through a compressor into a sink or a storage
// target, verified while it is written, with a manifest that makes it exist. One backup at a time.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "core/backup/manifest.hpp"
#include "core/controller/controller.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::backup {

class BackupService {
 public:
  BackupService(controller::Controller& controller, cluster::Environment& env,
                const plugin::Registry& registry)
      : controller_(controller), env_(env), registry_(registry) {}

  // A new name for a backup compressed by `compressor`: the current UTC second, or the next
  // second when a backup already took this one.
  std::string next_name(const std::string& compressor);

  // Streams the snapshot of a healthy member (a follower when there is one) through
  // `compressor` into `sink`, after making sure that member has every acknowledged write.
  // Returns the manifest (named `name`). Throws when another backup runs.
  Manifest produce(const std::string& name, const std::string& compressor,
                   stream::ByteWriter& sink);

  // A backup into `storage`: the data, then its manifest. On any failure nothing new is listed.
  Manifest take(plugin::Storage& storage, const std::string& compressor);

  // Re-reads the backup: stored size and SHA-256, raw size and SHA-256 after decompressing, and
  // etcd's own trailer. Throws naming the first mismatch.
  Manifest verify(plugin::Storage& storage, const std::string& name);

 private:
  controller::Controller& controller_;
  cluster::Environment& env_;
  const plugin::Registry& registry_;
  std::mutex one_at_a_time_;
  std::mutex name_mutex_;
  std::chrono::system_clock::time_point last_name_second_{};
};

}  // namespace cke::backup
