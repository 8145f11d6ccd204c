#include "core/backup/etcdbackup_proxy.hpp"

#include <nlohmann/json.hpp>

#include "core/backup/backup_name.hpp"
#include "core/backup/etcdbackup_objects.hpp"
#include "core/backup/kubernetes_method.hpp"
#include "core/common/error.hpp"
#include "core/stream/hashing.hpp"
#include "core/stream/memory_stream.hpp"

namespace cke::backup {

std::string etcdbackup_proxy_path() {
  return std::string("/api/v1/namespaces/kube-system/services/") + kEtcdbackupSetName + ":" +
         std::to_string(kEtcdbackupPort) + "/proxy";
}

EtcdbackupProxy::EtcdbackupProxy(const plugin::Registry& registry,
                                 const config::PublisherConfig& publisher)
    : publisher_(registry.require(plugin::Kind::publisher, publisher.plugin),
                 publisher.config_json) {}

std::string EtcdbackupProxy::fetch_text(const std::string& path) {
  stream::StringWriter text;
  publisher_.fetch(etcdbackup_proxy_path() + path, text);
  return text.text();
}

std::vector<Manifest> EtcdbackupProxy::list() {
  const std::string source = "etcdbackup's GET /api/v1/manifest";
  const auto items = nlohmann::json::parse(fetch_text("/api/v1/manifest"), nullptr, false);
  if (!items.is_array()) {
    throw Error(source + ": not a JSON array", CKE_DATA_LOSS);
  }
  std::vector<Manifest> manifests;
  for (const auto& item : items) {
    manifests.push_back(manifest_from_json(item.dump(), source));
  }
  return manifests;
}

Manifest EtcdbackupProxy::manifest(const std::string& name) {
  check_backup_name(name);  // before it becomes part of a path
  return manifest_from_json(fetch_text("/api/v1/manifest/" + name),
                            "etcdbackup's manifest of " + name);
}

void EtcdbackupProxy::get(const Manifest& manifest, stream::ByteWriter& sink) {
  check_backup_name(manifest.name);
  stream::HashingWriter hashing(sink);
  publisher_.fetch(etcdbackup_proxy_path() + "/api/v1/backup/" + manifest.name, hashing);
  const std::string digest = hashing.hex_digest();
  if (hashing.size() != manifest.stored_size || digest != manifest.stored_sha256) {
    throw Error("backup " + manifest.name + " from etcdbackup: received " +
                    std::to_string(hashing.size()) + " bytes with SHA-256 " + digest +
                    ", its manifest says " + std::to_string(manifest.stored_size) + " bytes with " +
                    manifest.stored_sha256,
                CKE_DATA_LOSS);
  }
}

}  // namespace cke::backup
