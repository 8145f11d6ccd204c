// The backup part of cke's API: local-backup streaming, the scheduled storage's backups.
#include <spdlog/spdlog.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "core/api/api_service.hpp"
#include "core/api/manifest_proto.hpp"
#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/backup/kubernetes_method.hpp"
#include "core/backup/restore_snapshot.hpp"
#include "core/backup/trailer_check.hpp"
#include "core/common/error.hpp"
#include "core/ops/restore.hpp"
#include "core/pki/backup_client.hpp"
#include "core/plugin/compressor.hpp"
#include "core/stream/pipe.hpp"

namespace cke::api {
namespace {

// Sends what is written as BackupChunk data messages.
class ChunkWriter final : public stream::ByteWriter {
 public:
  explicit ChunkWriter(grpc::ServerWriter<v1::BackupChunk>* out) : out_(out) {}
  void write(std::span<const uint8_t> data) override {
    v1::BackupChunk chunk;
    chunk.set_data(data.data(), data.size());
    if (!out_->Write(chunk)) {
      throw Error("the client went away", CKE_CANCELLED);
    }
  }

 private:
  grpc::ServerWriter<v1::BackupChunk>* out_;
};

}  // namespace

std::shared_ptr<plugin::Storage> ApiService::backup_storage() {
  const auto snapshot = controller_.status();
  if (!snapshot.config) {
    throw Error("no cluster yet: apply one with ckecli cluster set FILE", CKE_FAILED_PRECONDITION);
  }
  if (config::kubernetes_backup_publisher(*snapshot.config) != nullptr) {
    throw Error(
        "the Kubernetes backup method is in use: etcdbackup keeps the backups on the "
        "PersistentVolumeClaim " +
            snapshot.config->etcd_backup.pvc_name +
            ", and only ckecli etcd backup list and get reach them (its CronJob takes them; to "
            "take one now: kubectl create job -n kube-system --from=cronjob/etcdbackup NAME; to "
            "restore one, download it with ckecli etcd backup get NAME first)",
        CKE_FAILED_PRECONDITION);
  }
  return target_.storage(snapshot.config->etcd_backup);
}

std::optional<backup::EtcdbackupProxy> ApiService::etcdbackup_proxy() {
  const auto snapshot = controller_.status();
  if (!snapshot.config) {
    return std::nullopt;
  }
  const auto* publisher = config::kubernetes_backup_publisher(*snapshot.config);
  if (publisher == nullptr) {
    return std::nullopt;
  }
  return std::make_optional<backup::EtcdbackupProxy>(registry_, *publisher);
}

grpc::Status ApiService::LocalBackup(grpc::ServerContext*, const v1::LocalBackupRequest* request,
                                     grpc::ServerWriter<v1::BackupChunk>* writer) {
  return handle([&] {
    const std::string compressor = request->compressor().empty() ? "gzip" : request->compressor();
    const std::string name = backups_.next_name(compressor);
    controller_.run_recorded("local-backup", name, [&] {
      v1::BackupChunk first;
      first.set_name(name);
      writer->Write(first);
      // Compression on a thread of its own, gRPC writes on this one: they overlap, as a
      // scheduled backup's compression and storage writes do.
      backup::Manifest manifest;
      stream::through_pipe(
          [&](stream::ByteWriter& pipe) { manifest = backups_.produce(name, compressor, pipe); },
          [&](stream::ByteReader& pipe) {
            ChunkWriter sink(writer);
            stream::copy(pipe, sink);
          });
      v1::BackupChunk last;
      to_proto(manifest, last.mutable_manifest());
      writer->Write(last);
      spdlog::info("streamed local backup {} ({} bytes)", name, manifest.stored_size);
    });
  });
}

grpc::Status ApiService::BackupTake(grpc::ServerContext*, const v1::Empty*,
                                    v1::BackupTakeResponse* response) {
  return handle([&] {
    const auto snapshot = controller_.status();
    auto storage = backup_storage();
    const auto& settings = snapshot.config->etcd_backup;
    controller_.run_recorded("backup", "", [&] {
      const auto stored =
          backups_.take(*storage, settings.compressor, static_cast<size_t>(settings.rotate));
      to_proto(stored.manifest, response->mutable_manifest());
      for (const auto& removed : stored.removed) {
        response->add_removed(removed);
      }
    });
  });
}

grpc::Status ApiService::BackupList(grpc::ServerContext*, const v1::Empty*,
                                    v1::BackupListResponse* response) {
  return handle([&] {
    auto proxy = etcdbackup_proxy();
    for (const auto& m : proxy ? proxy->list() : backup::list_backups(*backup_storage())) {
      to_proto(m, response->add_backups());
    }
  });
}

grpc::Status ApiService::BackupGet(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                   grpc::ServerWriter<v1::BackupChunk>* writer) {
  return handle([&] {
    backup::check_backup_name(request->name());  // before any storage sees it
    if (auto proxy = etcdbackup_proxy()) {
      const auto manifest = proxy->manifest(request->name());
      v1::BackupChunk first;
      first.set_name(manifest.name);
      to_proto(manifest, first.mutable_manifest());
      writer->Write(first);
      ChunkWriter sink(writer);
      proxy->get(manifest, sink);
      return;
    }
    auto storage = backup_storage();
    const auto manifest = backup::read_manifest(*storage, request->name());
    v1::BackupChunk first;
    first.set_name(manifest.name);
    to_proto(manifest, first.mutable_manifest());
    writer->Write(first);
    ChunkWriter sink(writer);
    storage->get(request->name(), sink);
  });
}

grpc::Status ApiService::BackupVerify(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                      v1::BackupManifest* response) {
  return handle([&] {
    backup::check_backup_name(request->name());
    to_proto(backups_.verify(*backup_storage(), request->name()), response);
  });
}

grpc::Status ApiService::BackupDelete(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                      v1::Empty*) {
  return handle([&] {
    backup::check_backup_name(request->name());
    auto storage = backup_storage();
    controller_.run_recorded("backup-delete", request->name(),
                             [&] { backup::remove_backup(*storage, request->name()); });
  });
}

grpc::Status ApiService::BackupManifests(grpc::ServerContext*,
                                         const v1::BackupManifestsRequest* request,
                                         v1::BackupManifestsResponse* response) {
  return handle([&] {
    const auto snapshot = controller_.status();
    if (!snapshot.config || !config::etcdbackup_wanted(*snapshot.config)) {
      throw Error(
          "the Kubernetes backup method is not configured: set etcd_backup.enabled and "
          "etcd_backup.pvc_name in cluster.yml and apply it with ckecli cluster set FILE",
          CKE_FAILED_PRECONDITION);
    }
    const auto client = pki::load_backup_client(env_.data_dir());
    if (!client) {
      throw Error(
          "cke has not issued etcdbackup's certificate yet (it does once the cluster is healthy "
          "with auth enabled; see ckecli status); try again then",
          CKE_UNAVAILABLE);
    }
    const std::string cronjob =
        request->cronjob_api_version().empty() ? "batch/v1" : request->cronjob_api_version();
    if (cronjob != "batch/v1" && cronjob != "batch/v1beta1") {
      throw Error("cronjob API version \"" + cronjob + "\": expected batch/v1 or batch/v1beta1",
                  CKE_INVALID_ARGUMENT);
    }
    const auto set =
        backup::etcdbackup_object_set(*snapshot.config, client, env_.issuer().server_ca(), cronjob);
    for (const auto& object : set.objects) {
      if (!request->include_secret() &&
          nlohmann::json::parse(object).value("kind", "") == "Secret") {
        response->set_secret_left_out(true);
        continue;
      }
      response->add_objects(object);
    }
  });
}

std::unique_lock<std::mutex> ApiService::one_restore_transfer() {
  std::unique_lock transfer(restore_transfer_, std::try_to_lock);
  if (!transfer) {
    throw Error("another restore is receiving or restoring its snapshot; try again when it is done",
                CKE_ABORTED);
  }
  return transfer;
}

void ApiService::restore_from_file(const std::string& source, const backup::SnapshotFile& snapshot,
                                   v1::RestoreResponse* response) {
  const auto status = controller_.status();
  if (!status.config) {
    throw Error("no cluster yet: apply one with ckecli cluster set FILE", CKE_FAILED_PRECONDITION);
  }
  controller_.run_exclusive("restore", source, [&](state::State& s) {
    ops::restore_cluster(env_, *status.config, s, snapshot.path(), source);
  });
  response->set_snapshot_size(snapshot.size());
  response->set_source(source);
}

grpc::Status ApiService::BackupRestore(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                       v1::RestoreResponse* response) {
  return handle([&] {
    backup::check_backup_name(request->name());
    auto storage = backup_storage();
    const auto transfer = one_restore_transfer();
    // Refused unless the backup verifies (sizes, both hashes, etcd's trailer).
    const auto manifest = backups_.verify(*storage, request->name());
    backup::check_upload_room(env_.data_dir(), manifest.raw_size);
    plugin::Compressor compressor(registry_.require(plugin::Kind::compressor, manifest.compressor));
    std::unique_ptr<backup::SnapshotFile> snapshot;
    stream::through_pipe([&](stream::ByteWriter& writer) { storage->get(request->name(), writer); },
                         [&](stream::ByteReader& reader) {
                           auto raw = compressor.decompress_from(reader);
                           snapshot = std::make_unique<backup::SnapshotFile>(*raw, restore_dir());
                         });
    restore_from_file(request->name(), *snapshot, response);
  });
}

namespace {

// The upload's data messages as a ByteReader.
class UploadReader final : public stream::ByteReader {
 public:
  explicit UploadReader(grpc::ServerReader<v1::RestoreChunk>* in) : in_(in) {}
  size_t read(std::span<uint8_t> buf) override {
    while (offset_ == chunk_.data().size()) {
      if (!in_->Read(&chunk_)) {
        return 0;
      }
      offset_ = 0;
    }
    const size_t n = std::min(buf.size(), chunk_.data().size() - offset_);
    std::memcpy(buf.data(), chunk_.data().data() + offset_, n);
    offset_ += n;
    return n;
  }

 private:
  grpc::ServerReader<v1::RestoreChunk>* in_;
  v1::RestoreChunk chunk_;
  size_t offset_ = 0;
};

}  // namespace

std::filesystem::path ApiService::restore_dir() const { return env_.data_dir() / "restore"; }

namespace {

std::string compressor_for(const std::string& file_name) {
  const auto ends = [&](const char* suffix) { return file_name.ends_with(suffix); };
  return ends(".gz") ? "gzip" : ends(".zst") ? "zstd" : ends(".xz") ? "xz" : "none";
}

}  // namespace

grpc::Status ApiService::RestoreUpload(grpc::ServerContext*,
                                       grpc::ServerReader<v1::RestoreChunk>* reader,
                                       v1::RestoreResponse* response) {
  return handle([&] {
    controller_.leadership().require();  // before the upload, not after it
    v1::RestoreChunk first;
    if (!reader->Read(&first) || first.file_name().empty()) {
      throw Error("the upload did not start with a file name", CKE_INVALID_ARGUMENT);
    }
    const std::string source = first.file_name();
    const auto transfer = one_restore_transfer();
    // The stored size is all the client can announce; the raw size is checked as it arrives.
    // Checked on the data directory: DATA_DIR/restore, on its filesystem, may not exist yet.
    backup::check_upload_room(env_.data_dir(), first.size());
    plugin::Compressor compressor(
        registry_.require(plugin::Kind::compressor, compressor_for(source)));
    UploadReader upload(reader);
    auto raw = compressor.decompress_from(upload);
    const backup::SnapshotFile snapshot(*raw, restore_dir());
    std::vector<uint8_t> rest(1);
    if (upload.read(rest) > 0) {
      throw Error(source + " goes on after the end of its compressed data: it is damaged",
                  CKE_DATA_LOSS);
    }
    restore_from_file(source, snapshot, response);
  });
}

}  // namespace cke::api
