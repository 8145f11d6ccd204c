// The seed's Kubernetes backup method, seen from cke: when it is in use, which API server keeps
// its objects, the `backup` user's client certificate cke keeps for etcdbackup, and the object set
// cke offers that API server on every pass. Without a Kubernetes API, cke's own scheduler takes
// the backups (scheduler.hpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "core/config/cluster_config.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/publisher.hpp"

namespace cke::backup {

// The etcd user etcdbackup authenticates as. Role root: etcd 3.4 serves Snapshot to root only.
inline constexpr const char* kBackupUser = "backup";
inline constexpr std::chrono::seconds kBackupCertificateTtl = std::chrono::hours(24 * 90);
inline constexpr const char* kEtcdbackupSetName = "etcdbackup";

// etcd_backup is enabled with a pvc_name: etcdbackup's objects exist (cke keeps them with a
// Kubernetes API, `ckecli etcd backup manifests` prints them in any case), and so do user
// `backup` and its certificate.
bool etcdbackup_wanted(const config::ClusterConfig& config);

// The publisher whose API server keeps the method's objects: the first of cluster.yml's
// publishers with plugin "kubernetes", when etcd_backup is enabled with a pvc_name. nullptr: the
// method is not in use.
const config::PublisherConfig* kubernetes_backup_publisher(const config::ClusterConfig& config);

// Where cke keeps etcdbackup's client certificate and key (0600, in a 0700 directory).
std::filesystem::path backup_client_dir(const std::filesystem::path& data_dir);
void save_backup_client(const std::filesystem::path& data_dir,
                        const plugin::IssuedCertificate& issued);
// nullopt when none was saved.
std::optional<plugin::IssuedCertificate> load_backup_client(const std::filesystem::path& data_dir);

// The object set for the method's publisher: etcdbackup_objects() when etcdbackup_wanted() and a
// client certificate exists, else no objects at all (which deletes what an earlier set made).
// `server_ca_pem`: the CA the members' server certificates come from. The publisher moves the
// CronJob to the version its server has; `cronjob_api_version` is for printing.
plugin::ObjectSet etcdbackup_object_set(const config::ClusterConfig& config,
                                        const std::optional<plugin::IssuedCertificate>& client,
                                        const std::string& server_ca_pem,
                                        const std::string& cronjob_api_version = "batch/v1");

}  // namespace cke::backup
