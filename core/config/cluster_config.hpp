// cluster.yml: CKE's cluster description, the part that concerns etcd.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cke::config {

struct Node {
  std::string address;  // IP address; also the etcd member name
  std::string hostname;
  std::string user;  // login user for remote runtimes; optional for the local runtime
  bool control_plane = false;
};

struct Bind {
  std::string source;
  std::string destination;
  bool read_only = false;
};

struct EtcdOptions {
  std::vector<std::string> extra_args;
  std::map<std::string, std::string> extra_env;
  std::vector<Bind> extra_binds;  // accepted; the local runtime ignores them (and says so)
  uint16_t client_port = 2379;
  uint16_t peer_port = 2380;
  // etcd's own compaction, on by default so that a cluster without kube-apiserver (which compacts
  // by itself) does not grow until NOSPACE. "periodic" keeps `retention` of history (a duration
  // such as 1h or 30m); "revision" keeps that many revisions; retention "0" turns it off.
  std::string auto_compaction_mode = "periodic";
  std::string auto_compaction_retention = "1h";
};

struct KubeletOptions {
  std::vector<Bind> extra_binds;
  std::string cluster_domain = "cluster.local";
};

// "etcdbackup:<cke's version>": the tag docs/etcdbackup.md builds the image with.
std::string default_etcdbackup_image();

struct EtcdBackup {
  bool enabled = false;
  std::string pvc_name;
  std::string schedule;
  int rotate = 14;
  std::string compressor = "gzip";
  std::string storage_plugin = "local";  // etcd_backup.storage.plugin
  std::string storage_config;            // etcd_backup.storage.config as JSON; "" = the default
  // The etcdbackup container image of the Kubernetes backup method; by default
  // kDefaultEtcdbackupImage with this release's version.
  std::string image = default_etcdbackup_image();
};

// An endpoint publisher (publishers[i]): which plugin, under which name, configured how.
struct PublisherConfig {
  std::string name;         // publishers[i].name; defaults to the plugin name; unique
  std::string plugin;       // publishers[i].plugin
  std::string config_json;  // publishers[i].config as JSON; "{}" when absent
  bool operator==(const PublisherConfig&) const = default;
};

struct ClusterConfig {
  std::string name;
  std::vector<Node> nodes;
  EtcdOptions etcd;
  KubeletOptions kubelet;
  EtcdBackup etcd_backup;
  std::vector<PublisherConfig> publishers;

  [[nodiscard]] std::vector<Node> control_plane() const;
};

// etcd_backup is enabled with a pvc_name: etcdbackup's objects exist (cke keeps them with a
// Kubernetes API, `ckecli etcd backup manifests` prints them in any case), and so do user
// `backup` and its certificate.
bool etcdbackup_wanted(const ClusterConfig& config);

// The publisher whose API server keeps the Kubernetes backup method's objects: the first of
// cluster.yml's publishers with plugin "kubernetes", when etcdbackup_wanted(). nullptr: the
// method is not in use, and cke takes scheduled backups itself.
const PublisherConfig* kubernetes_backup_publisher(const ClusterConfig& config);

struct ParsedConfig {
  ClusterConfig config;
  std::vector<std::string> warnings;  // unknown keys, ignored settings: "options.foo: unknown key"
};

// A real cluster.yml is a few KiB; anything much larger is a mistake or an attack.
inline constexpr size_t kMaxClusterYamlBytes = size_t{1} << 20;

// Parses and validates cluster.yml text. Throws cke::Error(CKE_INVALID_ARGUMENT) with one line
// naming `source`, the field path and the value: `cluster.yml: nodes[2].address: invalid IP
// address "10.0.0.x"`.
ParsedConfig parse_cluster_config(const std::string& yaml_text, const std::string& source);

}  // namespace cke::config
