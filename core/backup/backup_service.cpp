#include "core/backup/backup_service.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <thread>

#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/backup/snapshot_reader.hpp"
#include "core/backup/verify.hpp"
#include "core/cluster/member_command.hpp"
#include "core/common/error.hpp"
#include "core/plugin/compressor.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/memory_stream.hpp"
#include "core/stream/pipe.hpp"

namespace cke::backup {
std::string BackupService::next_name(const std::string& compressor) {
  const auto extension =
      plugin::Compressor(registry_.require(plugin::Kind::compressor, compressor)).extension();
  const std::lock_guard lock(name_mutex_);
  auto second = std::chrono::floor<std::chrono::seconds>(env_.clock().now());
  while (second <= last_name_second_) {
    // Names are UTC seconds: a second backup in the same second waits for the next one.
    std::this_thread::sleep_until(
        std::chrono::steady_clock::now() +
        (last_name_second_ + std::chrono::seconds(1) - env_.clock().now()));
    second = std::chrono::floor<std::chrono::seconds>(env_.clock().now());
  }
  last_name_second_ = second;
  return backup_name(second, extension);
}

Manifest BackupService::produce(const std::string& name, const std::string& compressor_name,
                                stream::ByteWriter& sink) {
  std::unique_lock running(one_at_a_time_, std::try_to_lock);
  if (!running) {
    throw Error("another backup is running; try again when it is done", CKE_ABORTED);
  }
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
  // Capture every acknowledged write: a linearizable read gives the newest revision; the member
  // must serve it by itself before its snapshot is taken, on a connection pinned to it.
  const auto any = env_.etcd().client(
      cluster::client_endpoint(config, status.observed.leader.value_or(source->address)));
  const int64_t wanted = any->range("cke/backup", "", false, true).header().revision();
  auto member = env_.etcd().client(cluster::client_endpoint(config, source->address));
  int64_t revision = 0;
  uint64_t cluster_id = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const auto header = member->range("cke/backup", "", true, true).header();
    revision = header.revision();
    cluster_id = header.cluster_id();
    if (revision >= wanted) {
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error(
          "member " + source->address + " did not catch up with revision " + std::to_string(wanted),
          CKE_UNAVAILABLE);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  spdlog::info("backup {}: streaming the snapshot of member {} at revision {}", name,
               source->address, revision);
  plugin::Compressor compressor(registry_.require(plugin::Kind::compressor, compressor_name));
  stream::HashingWriter stored(sink);
  auto compressing = compressor.compress_into(stored);
  SnapshotReader snapshot(*member);
  std::vector<uint8_t> buf(stream::kChunkSize);
  bool first = true;
  while (const size_t n = snapshot.read(buf)) {
    compressing->write({buf.data(), n});
    if (first) {
      env_.failpoint("backup.mid-stream");
      first = false;
    }
  }
  compressing->finish();
  stored.finish();

  Manifest m;
  m.name = name;
  m.created_at = format_utc(check_backup_name(name).time);
  m.cluster_id = cluster::member_id_hex(cluster_id);
  m.member = source->address;
  m.revision = revision;
  m.raw_size = snapshot.size();
  m.stored_size = stored.size();
  m.raw_sha256 = snapshot.hex_digest();
  m.stored_sha256 = stored.hex_digest();
  m.compressor = compressor_name;
  m.cke_version = CKE_VERSION;
  return m;
}

Manifest BackupService::take(plugin::Storage& storage, const std::string& compressor) {
  const std::string name = next_name(compressor);
  Manifest manifest;
  stream::through_pipe(
      [&](stream::ByteWriter& writer) { manifest = produce(name, compressor, writer); },
      [&](stream::ByteReader& reader) { storage.put(name, reader); });
  env_.failpoint("backup.before-manifest");
  write_manifest(storage, manifest);
  return manifest;
}

Manifest BackupService::verify(plugin::Storage& storage, const std::string& name) {
  return verify_backup(registry_, storage, name);
}

}  // namespace cke::backup
