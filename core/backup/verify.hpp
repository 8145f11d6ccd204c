// Verification of a stored backup against its manifest, independent of any running cluster.
#pragma once

#include <string>

#include "core/backup/manifest.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"

namespace cke::backup {

// Re-reads the backup: stored size and SHA-256, raw size and SHA-256 after decompressing, and
// etcd's own trailer. Throws cke::Error(CKE_DATA_LOSS) naming the first mismatch; a damaged,
// truncated or extended backup fails as soon as it has been read once, never hangs.
Manifest verify_backup(const plugin::Registry& registry, plugin::Storage& storage,
                       const std::string& name);

}  // namespace cke::backup
