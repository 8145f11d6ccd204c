// cke's side of the backup pipeline (pipeline.hpp): it picks the member a backup is taken from
// out of the controller's observation, and lets one backup run at a time.
#pragma once

#include <mutex>
#include <string>

#include "core/backup/pipeline.hpp"
#include "core/controller/controller.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::backup {

class BackupService {
 public:
  BackupService(controller::Controller& controller, cluster::Environment& env,
                const plugin::Registry& registry)
      : controller_(controller),
        env_(env),
        registry_(registry),
        namer_([&env] { return env.clock().now(); }) {}

  // A new name for a backup compressed by `compressor` (BackupNamer).
  std::string next_name(const std::string& compressor) {
    return namer_.next(registry_, compressor);
  }

  // Streams the snapshot of a healthy member (a follower in sync when there is one) through
  // `compressor` into `sink`. Returns the manifest (named `name`). Throws when another backup
  // runs.
  Manifest produce(const std::string& name, const std::string& compressor,
                   stream::ByteWriter& sink);

  // A backup into `storage`, then rotation to the `keep` newest (0: all).
  StoredBackup take(plugin::Storage& storage, const std::string& compressor, size_t keep);

  // Re-reads the backup: stored size and SHA-256, raw size and SHA-256 after decompressing, and
  // etcd's own trailer. Throws naming the first mismatch.
  Manifest verify(plugin::Storage& storage, const std::string& name);

 private:
  // The member to take a snapshot from, read from the controller's last observation.
  SnapshotSource pick_source();

  controller::Controller& controller_;
  cluster::Environment& env_;
  const plugin::Registry& registry_;
  BackupNamer namer_;
  std::mutex one_at_a_time_;
};

}  // namespace cke::backup
