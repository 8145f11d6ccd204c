// The one backup pipeline: member snapshot -> compressor -> storage -> manifest -> rotation. It
// knows nothing of cke's controller: cke's scheduled backups and `ckecli etcd backup take` (which
// pick the member from the controller's observation), `ckecli etcd local-backup` (which stores
// what cke streams) and etcdbackup (which picks its member by itself) all go through it.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/backup/manifest.hpp"
#include "core/etcd/client.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::backup {

// Named points where tests stop or crash a backup (cke's failpoints); empty: none.
using Failpoint = std::function<void(const char* name)>;

// Where a snapshot comes from: a connection pinned to the member whose snapshot is taken, and one
// to any member for the linearizable read that finds the newest acknowledged revision.
struct SnapshotSource {
  std::shared_ptr<etcd::Client> member;
  std::shared_ptr<etcd::Client> quorum;
  std::string member_address;
};

// Backup names: the current UTC second, or the next one when a backup already took this one.
class BackupNamer {
 public:
  explicit BackupNamer(std::function<std::chrono::system_clock::time_point()> now =
                           [] { return std::chrono::system_clock::now(); })
      : now_(std::move(now)) {}
  std::string next(const plugin::Registry& registry, const std::string& compressor);

 private:
  std::function<std::chrono::system_clock::time_point()> now_;
  std::mutex mutex_;
  std::chrono::system_clock::time_point last_second_{};
};

// Streams the snapshot of `source` through `compressor` into `sink`, after the member has served
// the newest revision a quorum read finds (every acknowledged write is in it). Returns the
// manifest, named `name`.
Manifest produce_backup(const SnapshotSource& source, const plugin::Registry& registry,
                        const std::string& name, const std::string& compressor,
                        stream::ByteWriter& sink, const Failpoint& failpoint = {});

struct StoredBackup {
  Manifest manifest;
  std::vector<std::string> removed;  // by rotation
};

// Stores the bytes `produce` writes as `name` in `storage`, then the manifest `produce` returns
// (the backup exists from then on), then keeps the `keep` newest backups (0: all). A failure
// before the manifest lists nothing new (data without a manifest is an orphan clean_orphans
// removes).
StoredBackup store_backup(plugin::Storage& storage, const std::string& name,
                          const std::function<Manifest(stream::ByteWriter&)>& produce, size_t keep,
                          const Failpoint& failpoint = {});

}  // namespace cke::backup
