#include "core/backup/backup_target.hpp"

#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "core/backup/catalog.hpp"

namespace cke::backup {

std::shared_ptr<plugin::Storage> BackupTarget::storage(const config::EtcdBackup& backup) {
  std::string config = backup.storage_config;
  if (config.empty()) {
    config = nlohmann::json{{"dir", (data_dir_ / "backups").string()}}.dump();
  }
  const std::string key = backup.storage_plugin + "\n" + config;
  const std::lock_guard lock(mutex_);
  if (!storage_ || key != key_) {
    storage_ = std::make_shared<plugin::Storage>(
        registry_.require(plugin::Kind::storage, backup.storage_plugin), config);
    key_ = key;
    // What an interrupted backup left (data without a manifest) never shows; remove it now.
    for (const auto& orphan : clean_orphans(*storage_)) {
      spdlog::warn("removed {} from {} storage: left by an interrupted backup", orphan,
                   backup.storage_plugin);
    }
  }
  return storage_;
}

}  // namespace cke::backup
