#include "core/backup/backup_service.hpp"

#include "core/backup/verify.hpp"
#include "core/cluster/member_command.hpp"
#include "core/common/error.hpp"

namespace cke::backup {

SnapshotSource BackupService::pick_source() {
  const auto status = controller_.status();
  if (!status.config || !status.observed.quorum_write_ok) {
    throw Error("the etcd cluster is not available for a backup (phase " + status.phase + ")",
                CKE_UNAVAILABLE);
  }
  const auto& config = *status.config;
  // Prefer a follower that is in sync: the leader keeps its hands free.
  const cluster::MemberObservation* source = nullptr;
  for (const auto& m : status.observed.members) {
    if (m.reachable && m.in_sync && (source == nullptr || (source->is_leader && !m.is_leader))) {
      source = &m;
    }
  }
  if (source == nullptr) {
    throw Error("no member is healthy and in sync to take a backup from", CKE_UNAVAILABLE);
  }
  return {env_.etcd().client(cluster::client_endpoint(config, source->address)),
          env_.etcd().client(
              cluster::client_endpoint(config, status.observed.leader.value_or(source->address))),
          source->address};
}

Manifest BackupService::produce(const std::string& name, const std::string& compressor,
                                stream::ByteWriter& sink) {
  std::unique_lock running(one_at_a_time_, std::try_to_lock);
  if (!running) {
    throw Error("another backup is running; try again when it is done", CKE_ABORTED);
  }
  return produce_backup(pick_source(), registry_, name, compressor, sink,
                        [this](const char* point) { env_.failpoint(point); });
}

StoredBackup BackupService::take(plugin::Storage& storage, const std::string& compressor,
                                 size_t keep) {
  const std::string name = next_name(compressor);
  return store_backup(
      storage, name, [&](stream::ByteWriter& writer) { return produce(name, compressor, writer); },
      keep, [this](const char* point) { env_.failpoint(point); });
}

Manifest BackupService::verify(plugin::Storage& storage, const std::string& name) {
  return verify_backup(registry_, storage, name);
}

}  // namespace cke::backup
