// cke's gRPC API (cke.v1.Cke), served to ckecli.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>

#include "core/backup/backup_service.hpp"
#include "core/backup/backup_target.hpp"
#include "core/backup/etcdbackup_proxy.hpp"
#include "core/backup/restore_snapshot.hpp"
#include "core/common/error.hpp"
#include "core/controller/controller.hpp"
#include "core/state/leadership.hpp"
#include "proto/cke_api.grpc.pb.h"

namespace cke::api {

class ApiService final : public cke::v1::Cke::Service {
 public:
  ApiService(controller::Controller& controller, cluster::Environment& env,
             backup::BackupService& backups, backup::BackupTarget& target,
             const plugin::Registry& registry)
      : controller_(controller),
        env_(env),
        backups_(backups),
        target_(target),
        registry_(registry) {}

  grpc::Status ClusterSet(grpc::ServerContext*, const v1::ClusterSetRequest*,
                          v1::ClusterSetResponse*) override;
  grpc::Status ClusterGet(grpc::ServerContext*, const v1::Empty*, v1::ClusterGetResponse*) override;
  grpc::Status RootIssue(grpc::ServerContext*, const v1::Empty*, v1::Certificate*) override;
  grpc::Status Issue(grpc::ServerContext*, const v1::IssueRequest*, v1::Certificate*) override;
  grpc::Status UserAdd(grpc::ServerContext*, const v1::UserAddRequest*,
                       v1::UserAddResponse*) override;
  grpc::Status UserList(grpc::ServerContext*, const v1::Empty*, v1::UserListResponse*) override;
  grpc::Status UserRemove(grpc::ServerContext*, const v1::UserRemoveRequest*, v1::Empty*) override;
  grpc::Status CertList(grpc::ServerContext*, const v1::Empty*, v1::CertListResponse*) override;
  grpc::Status CertRevoke(grpc::ServerContext*, const v1::CertRevokeRequest*,
                          v1::CertRevokeResponse*) override;
  grpc::Status MemberList(grpc::ServerContext*, const v1::Empty*, v1::MemberListResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const v1::Empty*, v1::StatusResponse*) override;
  grpc::Status History(grpc::ServerContext*, const v1::HistoryRequest*,
                       v1::HistoryResponse*) override;
  grpc::Status LocalBackup(grpc::ServerContext*, const v1::LocalBackupRequest*,
                           grpc::ServerWriter<v1::BackupChunk>*) override;
  grpc::Status BackupTake(grpc::ServerContext*, const v1::Empty*, v1::BackupTakeResponse*) override;
  grpc::Status BackupList(grpc::ServerContext*, const v1::Empty*, v1::BackupListResponse*) override;
  grpc::Status BackupGet(grpc::ServerContext*, const v1::BackupNameRequest*,
                         grpc::ServerWriter<v1::BackupChunk>*) override;
  grpc::Status BackupVerify(grpc::ServerContext*, const v1::BackupNameRequest*,
                            v1::BackupManifest*) override;
  grpc::Status BackupManifests(grpc::ServerContext*, const v1::BackupManifestsRequest* request,
                               v1::BackupManifestsResponse* response) override;
  grpc::Status BackupDelete(grpc::ServerContext*, const v1::BackupNameRequest*,
                            v1::Empty*) override;
  grpc::Status BackupRestore(grpc::ServerContext*, const v1::BackupNameRequest*,
                             v1::RestoreResponse*) override;
  grpc::Status RestoreUpload(grpc::ServerContext*, grpc::ServerReader<v1::RestoreChunk>*,
                             v1::RestoreResponse*) override;

 private:
  // A client of a member that answers (the leader first); throws when none does.
  std::shared_ptr<etcd::Client> healthy_client();

  // Issues a client certificate for `user` and records it (so that it can be revoked).
  plugin::IssuedCertificate issue_recorded(const std::string& user, std::chrono::seconds ttl,
                                           uint32_t key_type = CKE_KEY_ECDSA_P256);
  // Revokes what `target` names in `s` and rewrites every member's CRL; returns the serials.
  std::vector<std::string> revoke_and_publish(state::State& s, const std::string& target,
                                              bool none_is_fine);

  // The storage scheduled backups use, from the applied cluster.yml.
  // The scheduled backups' storage; refuses while the Kubernetes backup method is in use.
  std::shared_ptr<plugin::Storage> backup_storage();
  // etcdbackup through the API server while the Kubernetes backup method is in use.
  std::optional<backup::EtcdbackupProxy> etcdbackup_proxy();
  // Restores from `snapshot` (verified, uncompressed), as one operation.
  void restore_from_file(const std::string& source, const backup::SnapshotFile& snapshot,
                         v1::RestoreResponse* response);
  // Held from the first byte of a restore's snapshot to its end: one restore transfer at a time.
  std::unique_lock<std::mutex> one_restore_transfer();
  // DATA_DIR/restore, where a restore's snapshot file lives while it runs.
  [[nodiscard]] std::filesystem::path restore_dir() const;

  std::mutex restore_transfer_;
  controller::Controller& controller_;
  cluster::Environment& env_;
  backup::BackupService& backups_;
  backup::BackupTarget& target_;
  const plugin::Registry& registry_;
};

// Runs a handler body: cke::Error keeps its code, anything else is INTERNAL, and the message is
// one sentence for the user.
template <class Body>
grpc::Status handle(Body&& body) {
  try {
    body();
    return grpc::Status::OK;
  } catch (const state::NotLeaderError& e) {
    // The leader's address travels as the details too, for ckecli to redirect to.
    return {grpc::StatusCode::UNAVAILABLE, e.what(),
            std::string(state::kLeaderDetail) + e.leader_address()};
  } catch (const Error& e) {
    const int32_t code = e.code();
    return {
        code > 0 && code <= 16 ? static_cast<grpc::StatusCode>(code) : grpc::StatusCode::UNKNOWN,
        e.what()};
  } catch (const std::exception& e) {
    return {grpc::StatusCode::INTERNAL, e.what()};
  }
}

}  // namespace cke::api
