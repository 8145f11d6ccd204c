// etcdbackup's HTTP API over the backup pipeline:
//   GET  /api/v1/backup        the backups' names, oldest first: ["snapshot-….db.gz", …]
//   GET  /api/v1/backup/NAME   the backup's bytes; X-Backup-SHA256 carries the manifest's digest
//   POST /api/v1/backup        takes a backup, rotates, answers with its manifest
//   GET  /health               200 while the process serves
// Errors are one line of text with 400 (a name that is not a backup name), 404, 409 (a backup
// is running), 503 (etcd unavailable) or 500.
#pragma once

#include <httplib.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/backup/pipeline.hpp"
#include "core/common/failpoints.hpp"
#include "core/etcd/tls_identity.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"

namespace cke::etcdbackup {

struct ServerSettings {
  std::vector<std::string> endpoints;
  etcd::TlsIdentity identity;
  std::string compressor = "gzip";
  size_t rotate = 14;
  Failpoints failpoints;  // backup.mid-stream and backup.before-manifest, as in cke
};

class BackupServer {
 public:
  BackupServer(ServerSettings settings, const plugin::Registry& registry, plugin::Storage& storage);

  // Registers the routes on `server`.
  void route(httplib::Server& server);

 private:
  void list(httplib::Response& response);
  void download(const std::string& name, httplib::Response& response);
  // The manifests (cke reads these through the API server's service proxy).
  void list_manifests(httplib::Response& response);
  void manifest(const std::string& name, httplib::Response& response);
  void take(httplib::Response& response);

  ServerSettings settings_;
  const plugin::Registry& registry_;
  plugin::Storage& storage_;
  backup::BackupNamer namer_;
  std::mutex one_at_a_time_;
};

}  // namespace cke::etcdbackup
