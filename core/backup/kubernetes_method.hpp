// The seed's Kubernetes backup method, seen from cke: the object set cke offers the API server
// that keeps it (config::kubernetes_backup_publisher) on every pass. The `backup` user's
// certificate is core/pki/backup_client.hpp's. Without a Kubernetes API, cke's own scheduler
// takes the backups (scheduler.hpp).
#pragma once

#include <optional>
#include <string>

#include "core/config/cluster_config.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/publisher.hpp"

namespace cke::backup {

inline constexpr const char* kEtcdbackupSetName = "etcdbackup";

// The object set for the method's publisher: etcdbackup_objects() when etcdbackup_wanted() and a
// client certificate exists, else no objects at all (which deletes what an earlier set made).
// `server_ca_pem`: the CA the members' server certificates come from. The publisher moves the
// CronJob to the version its server has; `cronjob_api_version` is for printing.
plugin::ObjectSet etcdbackup_object_set(const config::ClusterConfig& config,
                                        const std::optional<plugin::IssuedCertificate>& client,
                                        const std::string& server_ca_pem,
                                        const std::string& cronjob_api_version = "batch/v1");

}  // namespace cke::backup
