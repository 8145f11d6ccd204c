#include "core/backup/manifest.hpp"

#include <nlohmann/json.hpp>

#include "core/common/error.hpp"

namespace cke::backup {

std::string to_json(const Manifest& m) {
  const nlohmann::ordered_json j = {{"name", m.name},
                                    {"created_at", m.created_at},
                                    {"cluster_id", m.cluster_id},
                                    {"member", m.member},
                                    {"revision", m.revision},
                                    {"raw_size", m.raw_size},
                                    {"stored_size", m.stored_size},
                                    {"raw_sha256", m.raw_sha256},
                                    {"stored_sha256", m.stored_sha256},
                                    {"compressor", m.compressor},
                                    {"cke_version", m.cke_version}};
  return j.dump(2) + "\n";
}

Manifest manifest_from_json(const std::string& text, const std::string& source) {
  try {
    const auto j = nlohmann::json::parse(text);
    Manifest m;
    m.name = j.at("name").get<std::string>();
    m.created_at = j.at("created_at").get<std::string>();
    m.cluster_id = j.value("cluster_id", "");
    m.member = j.value("member", "");
    m.revision = j.at("revision").get<int64_t>();
    m.raw_size = j.at("raw_size").get<uint64_t>();
    m.stored_size = j.at("stored_size").get<uint64_t>();
    m.raw_sha256 = j.at("raw_sha256").get<std::string>();
    m.stored_sha256 = j.at("stored_sha256").get<std::string>();
    m.compressor = j.at("compressor").get<std::string>();
    m.cke_version = j.value("cke_version", "");
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw Error(source + ": not a backup manifest (" + e.what() + ")", CKE_DATA_LOSS);
  }
}

}  // namespace cke::backup
