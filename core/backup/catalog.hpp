// The backups in a storage target: listing (only those with a manifest), reading manifests,
// removing, rotating, and cleaning what an interrupted backup left. Used by cke for its scheduled
// storage and by ckecli for local backups.
#pragma once

#include <string>
#include <vector>

#include "core/backup/manifest.hpp"
#include "core/plugin/storage.hpp"

namespace cke::backup {

std::vector<Manifest> list_backups(plugin::Storage& storage);  // oldest first
Manifest read_manifest(plugin::Storage& storage, const std::string& name);
void write_manifest(plugin::Storage& storage, const Manifest& manifest);
// Manifest first, so a half-done removal is never listed.
void remove_backup(plugin::Storage& storage, const std::string& name);
// Keeps the `keep` newest; returns the names removed.
std::vector<std::string> rotate_backups(plugin::Storage& storage, size_t keep);
// Data without a manifest (an interrupted backup) and manifests without data; returns them.
std::vector<std::string> clean_orphans(plugin::Storage& storage);

}  // namespace cke::backup
