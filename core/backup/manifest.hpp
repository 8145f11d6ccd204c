// A backup's manifest (NAME.manifest.json): what was backed up, from where, and the sizes and
// SHA-256 digests that verification checks. A backup without its manifest does not exist.
#pragma once

#include <cstdint>
#include <string>

namespace cke::backup {

struct Manifest {
  std::string name;
  std::string created_at;  // RFC 3339 UTC
  std::string cluster_id;  // hex
  std::string member;      // the member the snapshot came from
  int64_t revision = 0;    // that member's revision just before the snapshot
  uint64_t raw_size = 0;   // the etcd snapshot, SHA-256 trailer included
  uint64_t stored_size = 0;
  std::string raw_sha256;
  std::string stored_sha256;
  std::string compressor;
  std::string cke_version;
};

std::string to_json(const Manifest& manifest);
// Throws cke::Error(CKE_DATA_LOSS) naming `source` when the text is not a manifest.
Manifest manifest_from_json(const std::string& text, const std::string& source);

}  // namespace cke::backup
