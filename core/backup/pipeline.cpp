#include "core/backup/pipeline.hpp"

#include <spdlog/spdlog.h>

#include <thread>

#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/backup/snapshot_reader.hpp"
#include "core/cluster/member_command.hpp"
#include "core/common/clock.hpp"
#include "core/common/error.hpp"
#include "core/plugin/compressor.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/pipe.hpp"

namespace cke::backup {

std::string BackupNamer::next(const plugin::Registry& registry, const std::string& compressor) {
  const auto extension =
      plugin::Compressor(registry.require(plugin::Kind::compressor, compressor)).extension();
  const std::lock_guard lock(mutex_);
  auto second = std::chrono::floor<std::chrono::seconds>(now_());
  while (second <= last_second_) {
    // Names are UTC seconds: a second backup in the same second waits for the next one.
    std::this_thread::sleep_until(std::chrono::steady_clock::now() +
                                  (last_second_ + std::chrono::seconds(1) - now_()));
    second = std::chrono::floor<std::chrono::seconds>(now_());
  }
  last_second_ = second;
  return backup_name(second, extension);
}

Manifest produce_backup(const SnapshotSource& source, const plugin::Registry& registry,
                        const std::string& name, const std::string& compressor_name,
                        stream::ByteWriter& sink, const Failpoint& failpoint) {
  // Capture every acknowledged write: a linearizable read gives the newest revision; the member
  // must serve it by itself before its snapshot is taken, on a connection pinned to it.
  const int64_t wanted = source.quorum->range("cke/backup", "", false, true).header().revision();
  int64_t revision = 0;
  uint64_t cluster_id = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    const auto header = source.member->range("cke/backup", "", true, true).header();
    revision = header.revision();
    cluster_id = header.cluster_id();
    if (revision >= wanted) {
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      throw Error("member " + source.member_address + " did not catch up with revision " +
                      std::to_string(wanted),
                  CKE_UNAVAILABLE);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  spdlog::info("backup {}: streaming the snapshot of member {} at revision {}", name,
               source.member_address, revision);
  plugin::Compressor compressor(registry.require(plugin::Kind::compressor, compressor_name));
  stream::HashingWriter stored(sink);
  auto compressing = compressor.compress_into(stored);
  SnapshotReader snapshot(*source.member);
  std::vector<uint8_t> buf(stream::kChunkSize);
  bool first = true;
  while (const size_t n = snapshot.read(buf)) {
    compressing->write({buf.data(), n});
    if (first && failpoint) {
      failpoint("backup.mid-stream");
    }
    first = false;
  }
  compressing->finish();
  stored.finish();

  Manifest m;
  m.name = name;
  m.created_at = format_utc(check_backup_name(name).time);
  m.cluster_id = cluster::member_id_hex(cluster_id);
  m.member = source.member_address;
  m.revision = revision;
  m.raw_size = snapshot.size();
  m.stored_size = stored.size();
  m.raw_sha256 = snapshot.hex_digest();
  m.stored_sha256 = stored.hex_digest();
  m.compressor = compressor_name;
  m.cke_version = CKE_VERSION;
  return m;
}

StoredBackup store_backup(plugin::Storage& storage, const std::string& name,
                          const std::function<Manifest(stream::ByteWriter&)>& produce, size_t keep,
                          const Failpoint& failpoint) {
  StoredBackup result;
  // When `produce` throws, the pipe ends in an error and the storage's put fails: a storage
  // commits an object only when its stream ends cleanly, so no data is left under `name`.
  stream::through_pipe([&](stream::ByteWriter& writer) { result.manifest = produce(writer); },
                       [&](stream::ByteReader& reader) { storage.put(name, reader); });
  if (failpoint) {
    failpoint("backup.before-manifest");
  }
  write_manifest(storage, result.manifest);
  if (keep > 0) {
    result.removed = rotate_backups(storage, keep);
  }
  return result;
}

}  // namespace cke::backup
