// etcdbackup's etcd client certificate (the Kubernetes backup method): user `backup`, kept in
// the data directory between the operation that issues it and the passes that put it in
// etcdbackup's Secret.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>

#include "core/plugin/cert_backend.hpp"

namespace cke::pki {

// The etcd user etcdbackup authenticates as. Role root: etcd 3.4 serves Snapshot to root only.
inline constexpr const char* kBackupUser = "backup";
inline constexpr std::chrono::seconds kBackupCertificateTtl = std::chrono::hours(24 * 90);

// DATA_DIR/etcdbackup: the certificate and key (0600, in a 0700 directory).
std::filesystem::path backup_client_dir(const std::filesystem::path& data_dir);
void save_backup_client(const std::filesystem::path& data_dir,
                        const plugin::IssuedCertificate& issued);
// nullopt when none was saved.
std::optional<plugin::IssuedCertificate> load_backup_client(const std::filesystem::path& data_dir);

}  // namespace cke::pki
