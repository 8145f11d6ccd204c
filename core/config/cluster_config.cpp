#include "core/config/cluster_config.hpp"

#include <arpa/inet.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>

#include "core/common/cron.hpp"
#include "core/common/error.hpp"

namespace cke::config {
std::string default_etcdbackup_image() { return std::string("etcdbackup:") + CKE_VERSION; }

bool etcdbackup_wanted(const ClusterConfig& config) {
  return config.etcd_backup.enabled && !config.etcd_backup.pvc_name.empty();
}

const PublisherConfig* kubernetes_backup_publisher(const ClusterConfig& config) {
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

namespace {

// Walks the YAML tree with the path of the current node, so every error and warning can name
// the field it is about.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw Error(source_ + ": " + path + ": " + what, CKE_INVALID_ARGUMENT);
  }

  void warn(const std::string& path, const std::string& what) {
    warnings_.push_back(source_ + ": " + path + ": " + what);
  }

  // Warns about keys of the mapping `node` that are not in `known`.
  void check_keys(const YAML::Node& node, const std::string& path, std::set<std::string> known) {
    for (const auto& item : node) {
      const auto key = string(item.first, join(path, "<key>"));
      if (!known.contains(key)) {
        warn(join(path, key), "unknown key, ignored");
      }
    }
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  static std::string shown(const YAML::Node& node) {
    if (!node) {
      return "nothing";
    }
    if (node.IsScalar()) {
      return "\"" + node.Scalar() + "\"";
    }
    return node.IsSequence() ? "a list" : node.IsMap() ? "a mapping" : "nothing";
  }

  std::string string(const YAML::Node& node, const std::string& path) {
    if (!node) {
      fail(path, "missing");  // a missing key (fuzz_cluster_yml: a bind without destination)
    }
    if (!node.IsScalar()) {
      fail(path, "expected a string, got " + shown(node));
    }
    return node.Scalar();
  }

  bool boolean(const YAML::Node& node, const std::string& path) {
    const std::string text = node.IsScalar() ? node.Scalar() : "";
    // YAML 1.1 booleans, plus the seed's `enable`/`disable`.
    static const std::set<std::string> yes{"true", "True", "TRUE", "yes",    "Yes",    "YES",
                                           "on",   "On",   "ON",   "enable", "enabled"};
    static const std::set<std::string> no{"false", "False", "FALSE", "no",      "No",      "NO",
                                          "off",   "Off",   "OFF",   "disable", "disabled"};
    if (yes.contains(text)) {
      return true;
    }
    if (no.contains(text)) {
      return false;
    }
    fail(path, "expected true/false (or enable/disable), got " + shown(node));
  }

  long integer(const YAML::Node& node, const std::string& path, long low, long high) {
    long value = 0;
    try {
      if (!node.IsScalar()) {
        throw YAML::Exception(YAML::Mark::null_mark(), "not a scalar");
      }
      size_t used = 0;
      value = std::stol(node.Scalar(), &used);
      if (used != node.Scalar().size()) {
        throw std::invalid_argument("trailing characters");
      }
    } catch (const std::exception&) {
      fail(path, "expected an integer, got " + shown(node));
    }
    if (value < low || value > high) {
      fail(path, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                     ", got " + std::to_string(value));
    }
    return value;
  }

  std::vector<Bind> binds(const YAML::Node& node, const std::string& path) {
    std::vector<Bind> out;
    if (!node) {
      return out;
    }
    if (!node.IsSequence()) {
      fail(path, "expected a list, got " + shown(node));
    }
    for (size_t i = 0; i < node.size(); ++i) {
      const std::string at = path + "[" + std::to_string(i) + "]";
      const YAML::Node& b = node[i];
      if (!b.IsMap()) {
        fail(at, "expected a mapping with source and destination, got " + shown(b));
      }
      check_keys(b, at, {"source", "destination", "read_only"});
      Bind bind;
      bind.source = string(b["source"], at + ".source");
      bind.destination = string(b["destination"], at + ".destination");
      if (bind.source.empty() || bind.source.front() != '/') {
        fail(at + ".source", "must be an absolute path, got \"" + bind.source + "\"");
      }
      if (bind.destination.empty() || bind.destination.front() != '/') {
        fail(at + ".destination", "must be an absolute path, got \"" + bind.destination + "\"");
      }
      if (b["read_only"]) {
        bind.read_only = boolean(b["read_only"], at + ".read_only");
      }
      out.push_back(std::move(bind));
    }
    return out;
  }

  std::vector<std::string> warnings_;

 private:
  std::string source_;
};

// A plugin's configuration may hold this many YAML nodes once aliases are expanded: far more
// than any real configuration, far less than an alias bomb (a few lines of nested aliases
// expand to billions of nodes).
constexpr size_t kMaxExpandedNodes = 10000;
constexpr size_t kMaxDepth = 64;

// Plugin configuration crosses the boundary as JSON: scalars that read as numbers or booleans
// become those, the rest strings. `budget` counts the nodes still allowed.
nlohmann::json yaml_to_json(Reader& r, const YAML::Node& node, const std::string& path,
                            size_t& budget, size_t depth = 0) {
  if (budget == 0 || depth > kMaxDepth) {
    r.fail(path, "too large or too deeply nested once YAML aliases are expanded (at most " +
                     std::to_string(kMaxExpandedNodes) + " values, " + std::to_string(kMaxDepth) +
                     " levels)");
  }
  --budget;
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& item : node) {
      const std::string key = r.string(item.first, path);
      out[key] = yaml_to_json(r, item.second, Reader::join(path, key), budget, depth + 1);
    }
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (size_t i = 0; i < node.size(); ++i) {
      out.push_back(
          yaml_to_json(r, node[i], path + "[" + std::to_string(i) + "]", budget, depth + 1));
    }
    return out;
  }
  if (!node.IsScalar()) {
    return nullptr;
  }
  const std::string& text = node.Scalar();
  if (node.Tag() != "!") {  // unquoted
    if (text == "true" || text == "false") {
      return text == "true";
    }
    try {
      size_t used = 0;
      const long long number = std::stoll(text, &used);
      if (used == text.size()) {
        return number;
      }
    } catch (const std::exception&) {
    }
  }
  return text;
}

// The one spelling of an IP address (IPv4-mapped IPv6 as IPv4), or "" when `text` is none.
std::string canonical_ip(const std::string& text) {
  char out[INET6_ADDRSTRLEN] = {};
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return ::inet_ntop(AF_INET, &v4, out, sizeof out) != nullptr ? out : "";
  }
  if (::inet_pton(AF_INET6, text.c_str(), &v6) != 1) {
    return "";
  }
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    return ::inet_ntop(AF_INET, &v4, out, sizeof out) != nullptr ? out : "";
  }
  return ::inet_ntop(AF_INET6, &v6, out, sizeof out) != nullptr ? out : "";
}

// "periodic": a number of hours, or a Go duration made of whole h, m and s parts (1h30m, 45m);
// "revision": a number of revisions.
void check_compaction_retention(Reader& r, const EtcdOptions& etcd) {
  const std::string& text = etcd.auto_compaction_retention;
  const bool digits_only = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return c >= '0' && c <= '9';
  });
  bool duration = !text.empty();
  bool digit_seen = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      digit_seen = true;
    } else if ((c == 'h' || c == 'm' || c == 's') && digit_seen) {
      digit_seen = false;
    } else {
      duration = false;
    }
  }
  duration = duration && !digit_seen;
  const bool ok = etcd.auto_compaction_mode == "revision" ? digits_only : digits_only || duration;
  if (!ok || text.size() > 20) {
    r.fail("options.etcd.auto_compaction_retention",
           etcd.auto_compaction_mode == "revision"
               ? "expected a number of revisions, got \"" + text + "\""
               : "expected a duration such as 1h, 30m or 1h30m (or 0 to turn compaction off), "
                 "got \"" +
                     text + "\"");
  }
}

// etcd flags cke sets itself, or that would weaken TLS or authentication: extra_args must not
// override them (etcd takes the last of repeated flags, and extra_args come last).
const std::set<std::string>& refused_etcd_flags() {
  static const std::set<std::string> flags{
      // identity, data and cluster membership: cke's
      "name", "data-dir", "wal-dir", "initial-cluster", "initial-cluster-state",
      "initial-cluster-token", "initial-advertise-peer-urls", "force-new-cluster", "discovery",
      "discovery-srv", "discovery-srv-name", "discovery-proxy", "discovery-fallback", "config-file",
      // listeners: https only, on cke's addresses and ports
      "listen-client-urls", "advertise-client-urls", "listen-peer-urls",
      // TLS and client-certificate authentication
      "client-cert-auth", "trusted-ca-file", "cert-file", "key-file", "client-crl-file",
      "peer-client-cert-auth", "peer-trusted-ca-file", "peer-cert-file", "peer-key-file",
      "peer-crl-file", "auto-tls", "peer-auto-tls", "client-cert-allowed-hostname",
      "peer-cert-allowed-cn", "peer-cert-allowed-hostname",
      // the v2 API has no RBAC of its own
      "enable-v2", "experimental-enable-v2v3"};
  return flags;
}

void check_extra_arg(Reader& r, const std::string& flag, const std::string& path) {
  if (refused_etcd_flags().contains(flag)) {
    r.fail(path, "--" + flag +
                     " is set by cke (TLS, authentication, addresses and membership are cke's); "
                     "remove it from extra_args");
  }
}

// The dynamic loader's and libc's variables that change what code runs or where it reads
// from; and ETCD_* variables are etcd's flags by another name.
void check_extra_env(Reader& r, const std::string& name, const std::string& path) {
  static const std::set<std::string> loader{
      "GCONV_PATH", "GETCONF_DIR",      "HOSTALIASES", "LOCALDOMAIN", "LOCPATH", "MALLOC_TRACE",
      "NLSPATH",    "RESOLV_HOST_CONF", "RES_OPTIONS", "TMPDIR",      "TZDIR"};
  if (name.empty() || name.find_first_of("=\0", 0, 2) != std::string::npos) {
    r.fail(path, "invalid environment variable name \"" + name + "\"");
  }
  if (name.starts_with("LD_") || loader.contains(name)) {
    r.fail(path, name + " changes how etcd is loaded and is refused; remove it from extra_env");
  }
  if (name.starts_with("ETCD_")) {
    std::string flag = name.substr(5);
    std::transform(flag.begin(), flag.end(), flag.begin(), [](char c) {
      return c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (refused_etcd_flags().contains(flag)) {
      r.fail(path, name + " sets etcd's --" + flag + ", which cke owns; remove it from extra_env");
    }
  }
}

bool valid_dns_name(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.';
  });
}

void parse_nodes(Reader& r, const YAML::Node& node, ClusterConfig& config) {
  if (!node) {
    r.fail("nodes", "missing: list the nodes with their address");
  }
  if (!node.IsSequence() || node.size() == 0) {
    r.fail("nodes", "expected a non-empty list, got " + Reader::shown(node));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string at = "nodes[" + std::to_string(i) + "]";
    const YAML::Node& n = node[i];
    if (!n.IsMap()) {
      r.fail(at, "expected a mapping with an address, got " + Reader::shown(n));
    }
    r.check_keys(
        n, at, {"address", "hostname", "user", "control_plane", "labels", "annotations", "taints"});
    Node out;
    if (!n["address"]) {
      r.fail(at + ".address", "missing");
    }
    out.address = r.string(n["address"], at + ".address");
    const std::string canonical = canonical_ip(out.address);
    if (canonical.empty()) {
      r.fail(at + ".address", "invalid IP address \"" + out.address + "\"");
    }
    if (!seen.insert(canonical).second) {
      r.fail(at + ".address", "duplicate address \"" + out.address + "\"" +
                                  (canonical != out.address ? " (" + canonical + ")" : ""));
    }
    if (n["hostname"]) {
      out.hostname = r.string(n["hostname"], at + ".hostname");
      if (!valid_dns_name(out.hostname)) {
        r.fail(at + ".hostname", "invalid host name \"" + out.hostname + "\"");
      }
    }
    if (n["user"]) {
      out.user = r.string(n["user"], at + ".user");
    }
    if (n["control_plane"]) {
      out.control_plane = r.boolean(n["control_plane"], at + ".control_plane");
    }
    config.nodes.push_back(std::move(out));
  }
}

void parse_options(Reader& r, const YAML::Node& node, ClusterConfig& config) {
  if (!node) {
    return;
  }
  if (!node.IsMap()) {
    r.fail("options", "expected a mapping, got " + Reader::shown(node));
  }
  // Options of the other Kubernetes components are CKE's, not cke's concern: accepted quietly.
  for (const auto& item : node) {
    const auto key = r.string(item.first, "options.<key>");
    if (key != "etcd" && key != "kubelet" && key != "kube-api" &&
        key != "kube-controller-manager" && key != "kube-scheduler" && key != "kube-proxy" &&
        key != "rivers" && key != "etcd-rivers") {
      r.warn("options." + key, "unknown key, ignored");
    }
  }
  if (const YAML::Node etcd = node["etcd"]) {
    if (!etcd.IsMap()) {
      r.fail("options.etcd", "expected a mapping, got " + Reader::shown(etcd));
    }
    r.check_keys(etcd, "options.etcd",
                 {"extra_args", "extra_env", "extra_binds", "client_port", "peer_port",
                  "volume_name", "auto_compaction_mode", "auto_compaction_retention"});
    if (etcd["auto_compaction_mode"]) {
      const std::string at = "options.etcd.auto_compaction_mode";
      config.etcd.auto_compaction_mode = r.string(etcd["auto_compaction_mode"], at);
      if (config.etcd.auto_compaction_mode != "periodic" &&
          config.etcd.auto_compaction_mode != "revision") {
        r.fail(at,
               "expected periodic or revision, got \"" + config.etcd.auto_compaction_mode + "\"");
      }
    }
    if (etcd["auto_compaction_retention"]) {
      const std::string at = "options.etcd.auto_compaction_retention";
      config.etcd.auto_compaction_retention = r.string(etcd["auto_compaction_retention"], at);
    }
    check_compaction_retention(r, config.etcd);
    if (const YAML::Node args = etcd["extra_args"]) {
      if (!args.IsSequence()) {
        r.fail("options.etcd.extra_args", "expected a list, got " + Reader::shown(args));
      }
      for (size_t i = 0; i < args.size(); ++i) {
        const std::string at = "options.etcd.extra_args[" + std::to_string(i) + "]";
        std::string arg = r.string(args[i], at);
        if (arg.rfind("--", 0) != 0) {
          r.fail(at, "expected an etcd flag such as --heartbeat-interval=200, got \"" + arg + "\"");
        }
        check_extra_arg(r, arg.substr(2, arg.find('=') - 2), at);
        config.etcd.extra_args.push_back(std::move(arg));
      }
    }
    if (const YAML::Node env = etcd["extra_env"]) {
      if (!env.IsMap()) {
        r.fail("options.etcd.extra_env", "expected a mapping, got " + Reader::shown(env));
      }
      for (const auto& item : env) {
        const auto key = r.string(item.first, "options.etcd.extra_env.<key>");
        const std::string at = "options.etcd.extra_env." + key;
        check_extra_env(r, key, at);
        config.etcd.extra_env[key] = r.string(item.second, at);
      }
    }
    config.etcd.extra_binds = r.binds(etcd["extra_binds"], "options.etcd.extra_binds");
    if (etcd["client_port"]) {
      config.etcd.client_port = static_cast<uint16_t>(
          r.integer(etcd["client_port"], "options.etcd.client_port", 1, 65535));
    }
    if (etcd["peer_port"]) {
      config.etcd.peer_port =
          static_cast<uint16_t>(r.integer(etcd["peer_port"], "options.etcd.peer_port", 1, 65535));
    }
    if (config.etcd.client_port == config.etcd.peer_port) {
      r.fail("options.etcd.peer_port",
             "must differ from client_port (" + std::to_string(config.etcd.client_port) + ")");
    }
  }
  if (const YAML::Node kubelet = node["kubelet"]) {
    if (!kubelet.IsMap()) {
      r.fail("options.kubelet", "expected a mapping, got " + Reader::shown(kubelet));
    }
    config.kubelet.extra_binds = r.binds(kubelet["extra_binds"], "options.kubelet.extra_binds");
    if (const YAML::Node kc = kubelet["config"]) {
      if (kc["clusterDomain"]) {
        config.kubelet.cluster_domain =
            r.string(kc["clusterDomain"], "options.kubelet.config.clusterDomain");
        if (!valid_dns_name(config.kubelet.cluster_domain)) {
          r.fail("options.kubelet.config.clusterDomain",
                 "invalid domain \"" + config.kubelet.cluster_domain + "\"");
        }
      }
    }
  }
}

// RFC 1123 subdomain, as Kubernetes names most objects.
bool valid_dns_subdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) {
    return false;
  }
  size_t label_start = 0;
  for (size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      const std::string_view label(name.data() + label_start, i - label_start);
      if (label.empty() || label.front() == '-' || label.back() == '-') {
        return false;
      }
      label_start = i + 1;
    } else if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
                 name[i] == '-')) {
      return false;
    }
  }
  return true;
}

void parse_backup(Reader& r, const YAML::Node& node, ClusterConfig& config) {
  if (!node) {
    return;
  }
  if (!node.IsMap()) {
    r.fail("etcd_backup", "expected a mapping, got " + Reader::shown(node));
  }
  r.check_keys(node, "etcd_backup",
               {"enabled", "pvc_name", "schedule", "rotate", "compressor", "storage", "image"});
  auto& b = config.etcd_backup;
  if (node["enabled"]) {
    b.enabled = r.boolean(node["enabled"], "etcd_backup.enabled");
  }
  if (node["pvc_name"]) {
    b.pvc_name = r.string(node["pvc_name"], "etcd_backup.pvc_name");
    if (!valid_dns_subdomain(b.pvc_name)) {
      r.fail("etcd_backup.pvc_name",
             "\"" + b.pvc_name +
                 "\" is not a Kubernetes object name (lower-case letters, digits, '-' and '.', "
                 "at most 253)");
    }
  }
  if (node["image"]) {
    b.image = r.string(node["image"], "etcd_backup.image");
    if (b.image.empty() || b.image.find_first_of(" \t\r\n") != std::string::npos) {
      r.fail("etcd_backup.image",
             "expected a container image reference such as " + default_etcdbackup_image());
    }
  }
  if (node["schedule"]) {
    b.schedule = r.string(node["schedule"], "etcd_backup.schedule");
  }
  if (node["rotate"]) {
    b.rotate = static_cast<int>(r.integer(node["rotate"], "etcd_backup.rotate", 1, 100000));
  }
  if (node["compressor"]) {
    b.compressor = r.string(node["compressor"], "etcd_backup.compressor");
  }
  if (const YAML::Node storage = node["storage"]) {
    if (!storage.IsMap()) {
      r.fail("etcd_backup.storage",
             "expected a mapping with plugin and config, got " + Reader::shown(storage));
    }
    r.check_keys(storage, "etcd_backup.storage", {"plugin", "config"});
    if (storage["plugin"]) {
      b.storage_plugin = r.string(storage["plugin"], "etcd_backup.storage.plugin");
    }
    if (const YAML::Node cfg = storage["config"]) {
      if (!cfg.IsMap()) {
        r.fail("etcd_backup.storage.config", "expected a mapping, got " + Reader::shown(cfg));
      }
      size_t budget = kMaxExpandedNodes;
      b.storage_config = yaml_to_json(r, cfg, "etcd_backup.storage.config", budget).dump();
    }
  }
  if (!b.schedule.empty()) {
    try {
      CronSchedule::parse(b.schedule);
    } catch (const Error& e) {
      r.fail("etcd_backup.schedule", e.what());
    }
  }
  if (b.enabled && b.schedule.empty()) {
    r.fail("etcd_backup.schedule",
           "required when etcd_backup is enabled (a cron schedule such as \"0 * * * *\")");
  }
}

// A publisher's name shows in logs and status: a plain lower-case name.
bool valid_publisher_name(const std::string& name) {
  if (name.empty() || name.size() > 63 || name.front() == '-') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

void parse_publishers(Reader& r, const YAML::Node& node, ClusterConfig& config) {
  if (!node) {
    return;
  }
  if (!node.IsSequence()) {
    r.fail("publishers", "expected a list of {plugin, name, config}, got " + Reader::shown(node));
  }
  size_t budget = kMaxExpandedNodes;
  for (size_t i = 0; i < node.size(); ++i) {
    const std::string path = "publishers[" + std::to_string(i) + "]";
    const YAML::Node item = node[i];
    if (!item.IsMap()) {
      r.fail(path, "expected a mapping with plugin, name and config, got " + Reader::shown(item));
    }
    r.check_keys(item, path, {"plugin", "name", "config"});
    PublisherConfig p;
    if (!item["plugin"]) {
      r.fail(path + ".plugin", "missing: the publisher plugin, such as kubernetes or coredns");
    }
    p.plugin = r.string(item["plugin"], path + ".plugin");
    p.name = item["name"] ? r.string(item["name"], path + ".name") : p.plugin;
    if (!valid_publisher_name(p.name)) {
      r.fail(item["name"] ? path + ".name" : path + ".plugin",
             "\"" + p.name + "\" is not a valid publisher name (a-z, 0-9 and -, at most 63)");
    }
    for (const auto& earlier : config.publishers) {
      if (earlier.name == p.name) {
        r.fail(path + ".name",
               "\"" + p.name + "\" names two publishers; give each a name of its own");
      }
    }
    p.config_json = "{}";
    if (const YAML::Node cfg = item["config"]) {
      if (!cfg.IsMap()) {
        r.fail(path + ".config", "expected a mapping, got " + Reader::shown(cfg));
      }
      p.config_json = yaml_to_json(r, cfg, path + ".config", budget).dump();
    }
    config.publishers.push_back(std::move(p));
  }
}

}  // namespace

std::vector<Node> ClusterConfig::control_plane() const {
  std::vector<Node> out;
  std::copy_if(nodes.begin(), nodes.end(), std::back_inserter(out),
               [](const Node& n) { return n.control_plane; });
  return out;
}

namespace {

void parse_root(Reader& r, const YAML::Node& root, ClusterConfig& config) {
  r.check_keys(root, "",
               {"name", "nodes", "options", "etcd_backup", "publishers", "service_subnet",
                "pod_subnet", "dns_servers", "dns_service", "ssh_key", "taint_control_plane",
                "reboot", "repair", "cpu_reservation"});
  if (!root["name"]) {
    r.fail("name", "missing: give the cluster a name");
  }
  config.name = r.string(root["name"], "name");
  if (config.name.empty()) {
    r.fail("name", "must not be empty");
  }
  parse_nodes(r, root["nodes"], config);
  if (config.control_plane().empty()) {
    r.fail("nodes", "no control-plane node: set control_plane: true on the nodes that run etcd");
  }
  parse_options(r, root["options"], config);
  parse_backup(r, root["etcd_backup"], config);
  parse_publishers(r, root["publishers"], config);
}

// The offset of the first byte that is not part of well-formed UTF-8, or npos.
size_t invalid_utf8_at(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const size_t length = byte < 0x80           ? 1
                          : (byte >> 5) == 0x6  ? 2
                          : (byte >> 4) == 0xe  ? 3
                          : (byte >> 3) == 0x1e ? 4
                                                : 0;
    if (length == 0 || i + length > text.size()) {
      return i;
    }
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) {
        return i;
      }
    }
    i += length;
  }
  return std::string_view::npos;
}

}  // namespace

ParsedConfig parse_cluster_config(const std::string& yaml_text, const std::string& source) {
  if (yaml_text.size() > kMaxClusterYamlBytes) {
    throw Error(source + ": " + std::to_string(yaml_text.size()) +
                    " bytes; a cluster.yml may be at most " +
                    std::to_string(kMaxClusterYamlBytes / 1024) + " KiB",
                CKE_INVALID_ARGUMENT);
  }
  // Names and values end up in JSON (plugin configuration, cluster get): only UTF-8 text can
  // (a byte 0xFF in a storage path once reached nlohmann's dump uncaught: fuzz_cluster_yml).
  if (const size_t bad = invalid_utf8_at(yaml_text); bad != std::string_view::npos) {
    throw Error(source + ": byte " + std::to_string(bad) + " is not UTF-8 text",
                CKE_INVALID_ARGUMENT);
  }
  Reader r(source);
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw Error(source + ": line " + std::to_string(e.mark.line + 1) + ": " + e.msg,
                CKE_INVALID_ARGUMENT);
  }
  if (!root.IsMap()) {
    throw Error(source + ": expected a mapping with name and nodes", CKE_INVALID_ARGUMENT);
  }
  ParsedConfig out;
  try {
    parse_root(r, root, out.config);
  } catch (const YAML::Exception& e) {
    // Every path above reports its field; this is the net under them, so that no YAML input
    // ends a process.
    throw Error(source + ": " + e.msg, CKE_INVALID_ARGUMENT);
  }
  out.warnings = std::move(r.warnings_);
  return out;
}

}  // namespace cke::config
