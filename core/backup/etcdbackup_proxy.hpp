// etcdbackup's HTTP API reached through the Kubernetes API server's service proxy, by the
// publisher that keeps the backup method's objects: what `ckecli etcd backup list|get` read when
// the Kubernetes backup method is in use. The API server authenticates cke and forwards to the
// Service etcdbackup in kube-system.
#pragma once

#include <string>
#include <vector>

#include "core/backup/manifest.hpp"
#include "core/config/cluster_config.hpp"
#include "core/plugin/publisher.hpp"
#include "core/plugin/registry.hpp"
#include "core/stream/byte_stream.hpp"

namespace cke::backup {

// "/api/v1/namespaces/kube-system/services/etcdbackup:8080/proxy"
std::string etcdbackup_proxy_path();

class EtcdbackupProxy {
 public:
  EtcdbackupProxy(const plugin::Registry& registry, const config::PublisherConfig& publisher);

  std::vector<Manifest> list();  // oldest first
  Manifest manifest(const std::string& name);
  // The backup's bytes into `sink`; throws cke::Error(CKE_DATA_LOSS) when they do not match
  // `manifest`'s size and digest.
  void get(const Manifest& manifest, stream::ByteWriter& sink);

 private:
  std::string fetch_text(const std::string& path);

  plugin::Publisher publisher_;
};

}  // namespace cke::backup
