// Backup names: snapshot-YYYYMMDD_HHMMSS.db plus the compressor's extension, in UTC, and their
// manifests NAME.manifest.json. Only names cke makes are accepted anywhere a name comes in.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace cke::backup {

std::string backup_name(std::chrono::system_clock::time_point time, const std::string& extension);
std::string manifest_name(const std::string& backup);

struct ParsedName {
  std::chrono::system_clock::time_point time;
  std::string extension;  // "", ".gz", ".zst" or ".xz"
};

// nullopt for anything that is not a backup name cke makes (paths, manifests, other files).
std::optional<ParsedName> parse_backup_name(const std::string& name);

// Throws cke::Error(CKE_INVALID_ARGUMENT) naming `name` unless parse_backup_name accepts it.
ParsedName check_backup_name(const std::string& name);

}  // namespace cke::backup
