// The backup part of cke's API: local-backup streaming, the scheduled storage's backups.
#include <spdlog/spdlog.h>

#include "core/api/api_service.hpp"
#include "core/backup/backup_name.hpp"
#include "core/backup/catalog.hpp"
#include "core/common/error.hpp"

namespace cke::api {
namespace {

void fill(v1::BackupManifest* out, const backup::Manifest& m) {
  out->set_name(m.name);
  out->set_created_at(m.created_at);
  out->set_cluster_id(m.cluster_id);
  out->set_member(m.member);
  out->set_revision(m.revision);
  out->set_raw_size(m.raw_size);
  out->set_stored_size(m.stored_size);
  out->set_raw_sha256(m.raw_sha256);
  out->set_stored_sha256(m.stored_sha256);
  out->set_compressor(m.compressor);
  out->set_cke_version(m.cke_version);
}

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
  return target_.storage(snapshot.config->etcd_backup);
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
      ChunkWriter sink(writer);
      const auto manifest = backups_.produce(name, compressor, sink);
      v1::BackupChunk last;
      fill(last.mutable_manifest(), manifest);
      writer->Write(last);
      spdlog::info("streamed local backup {} ({} bytes)", name, manifest.stored_size);
    });
  });
}

grpc::Status ApiService::BackupTake(grpc::ServerContext*, const v1::Empty*, v1::BackupTakeResponse* response) {
  return handle([&] {
    const auto snapshot = controller_.status();
    auto storage = backup_storage();
    const auto& settings = snapshot.config->etcd_backup;
    controller_.run_recorded("backup", "", [&] {
      const auto manifest = backups_.take(*storage, settings.compressor);
      fill(response->mutable_manifest(), manifest);
      for (const auto& removed : backup::rotate_backups(*storage, static_cast<size_t>(settings.rotate))) {
        response->add_removed(removed);
      }
    });
  });
}

grpc::Status ApiService::BackupList(grpc::ServerContext*, const v1::Empty*, v1::BackupListResponse* response) {
  return handle([&] {
    for (const auto& m : backup::list_backups(*backup_storage())) {
      fill(response->add_backups(), m);
    }
  });
}

grpc::Status ApiService::BackupGet(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                   grpc::ServerWriter<v1::BackupChunk>* writer) {
  return handle([&] {
    backup::check_backup_name(request->name());  // before any storage sees it
    auto storage = backup_storage();
    const auto manifest = backup::read_manifest(*storage, request->name());
    v1::BackupChunk first;
    first.set_name(manifest.name);
    fill(first.mutable_manifest(), manifest);
    writer->Write(first);
    ChunkWriter sink(writer);
    storage->get(request->name(), sink);
  });
}

grpc::Status ApiService::BackupVerify(grpc::ServerContext*, const v1::BackupNameRequest* request,
                                      v1::BackupManifest* response) {
  return handle([&] {
    backup::check_backup_name(request->name());
    fill(response, backups_.verify(*backup_storage(), request->name()));
  });
}

grpc::Status ApiService::BackupDelete(grpc::ServerContext*, const v1::BackupNameRequest* request, v1::Empty*) {
  return handle([&] {
    backup::check_backup_name(request->name());
    auto storage = backup_storage();
    controller_.run_recorded("backup-delete", request->name(), [&] { backup::remove_backup(*storage, request->name()); });
  });
}

}  // namespace cke::api
