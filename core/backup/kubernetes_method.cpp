#include "core/backup/kubernetes_method.hpp"

#include "core/backup/etcdbackup_objects.hpp"
#include "core/cluster/member_command.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/text_file.hpp"

namespace cke::backup {
namespace {

constexpr const char* kCertFile = "tls.crt";
constexpr const char* kKeyFile = "tls.key";

}  // namespace

bool etcdbackup_wanted(const config::ClusterConfig& config) {
  return config.etcd_backup.enabled && !config.etcd_backup.pvc_name.empty();
}

const config::PublisherConfig* kubernetes_backup_publisher(const config::ClusterConfig& config) {
  if (!etcdbackup_wanted(config)) {
    return nullptr;
  }
  for (const auto& publisher : config.publishers) {
    if (publisher.plugin == "kubernetes") {
      return &publisher;
    }
  }
  return nullptr;
}

std::filesystem::path backup_client_dir(const std::filesystem::path& data_dir) {
  return data_dir / "etcdbackup";
}

void save_backup_client(const std::filesystem::path& data_dir,
                        const plugin::IssuedCertificate& issued) {
  const auto dir = backup_client_dir(data_dir);
  ensure_private_dir(dir);
  // The key first: a crash in between leaves a new key beside the old certificate, which the
  // next attempt replaces; never a certificate without its key.
  write_file_atomically(dir / kKeyFile, issued.private_key_pem, 0600);
  write_file_atomically(dir / kCertFile, issued.certificate_pem, 0600);
}

std::optional<plugin::IssuedCertificate> load_backup_client(const std::filesystem::path& data_dir) {
  const auto dir = backup_client_dir(data_dir);
  auto cert = read_text_file(dir / kCertFile);
  auto key = read_text_file(dir / kKeyFile);
  if (!cert || !key || cert->empty() || key->empty()) {
    return std::nullopt;
  }
  return plugin::IssuedCertificate{std::move(*cert), std::move(*key)};
}

plugin::ObjectSet etcdbackup_object_set(const config::ClusterConfig& config,
                                        const std::optional<plugin::IssuedCertificate>& client,
                                        const std::string& server_ca_pem,
                                        const std::string& cronjob_api_version) {
  plugin::ObjectSet set{kEtcdbackupSetName, "kube-system", kEtcdbackupKinds, {}};
  if (!etcdbackup_wanted(config) || !client) {
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
