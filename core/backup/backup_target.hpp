// The storage scheduled backups go to: etcd_backup.storage from cluster.yml, by default the
// `local` storage in DATA_DIR/backups. The instance is made once per configuration.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "core/config/cluster_config.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"

namespace cke::backup {

class BackupTarget {
 public:
  BackupTarget(const plugin::Registry& registry, std::filesystem::path data_dir)
      : registry_(registry), data_dir_(std::move(data_dir)) {}

  // The storage for this configuration; the same instance while the configuration is unchanged.
  std::shared_ptr<plugin::Storage> storage(const config::EtcdBackup& backup);

 private:
  const plugin::Registry& registry_;
  std::filesystem::path data_dir_;
  std::mutex mutex_;
  std::string key_;
  std::shared_ptr<plugin::Storage> storage_;
};

}  // namespace cke::backup
