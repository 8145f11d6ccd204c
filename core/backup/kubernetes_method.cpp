#include "core/backup/kubernetes_method.hpp"

#include "core/backup/etcdbackup_objects.hpp"
#include "core/cluster/member_command.hpp"

namespace cke::backup {

plugin::ObjectSet etcdbackup_object_set(const config::ClusterConfig& config,
                                        const std::optional<plugin::IssuedCertificate>& client,
                                        const std::string& server_ca_pem,
                                        const std::string& cronjob_api_version) {
  plugin::ObjectSet set{kEtcdbackupSetName, "kube-system", kEtcdbackupKinds, {}};
  if (!config::etcdbackup_wanted(config) || !client) {
    return set;
  }
  const auto& b = config.etcd_backup;
  EtcdbackupSettings settings;
  settings.namespace_name = set.namespace_name;
  settings.image = b.image;
  settings.pvc_name = b.pvc_name;
  settings.schedule = b.schedule;
  settings.rotate = b.rotate;
  settings.compressor = b.compressor;
  for (const auto& node : config.control_plane()) {
    settings.endpoints.push_back(cluster::client_url(config, node.address));
  }
  settings.ca_pem = server_ca_pem;
  settings.cert_pem = client->certificate_pem;
  settings.key_pem = client->private_key_pem;
  settings.cronjob_api_version = cronjob_api_version;
  for (const auto& object : etcdbackup_objects(settings)) {
    set.objects.push_back(object.dump());
  }
  return set;
}

}  // namespace cke::backup
