#include "core/cluster/member_command.hpp"

#include <cstdio>

#include "core/common/random_hex.hpp"
#include "core/common/sha256.hpp"

namespace cke::cluster {

std::string host_port(const std::string& address, uint16_t port) {
  const bool v6 = address.find(':') != std::string::npos;
  return (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::string client_endpoint(const config::ClusterConfig& config, const std::string& address) {
  return host_port(address, config.etcd.client_port);
}

std::string client_url(const config::ClusterConfig& config, const std::string& address) {
  return "https://" + host_port(address, config.etcd.client_port);
}

std::string peer_url(const config::ClusterConfig& config, const std::string& address) {
  return "https://" + host_port(address, config.etcd.peer_port);
}

std::string member_id_hex(uint64_t id) {
  char text[20];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(id));
  return text;
}

std::string new_cluster_token(const std::string& cluster_name, const std::string& purpose) {
  return cluster_name + (purpose.empty() ? "" : "-" + purpose) + "-" + random_hex();
}

std::string initial_cluster_flag(const config::ClusterConfig& config,
                                 const std::vector<std::string>& members) {
  std::string out;
  for (const auto& member : members) {
    out += (out.empty() ? "" : ",") + member + "=" + peer_url(config, member);
  }
  return out;
}

std::vector<std::string> etcd_command(const config::ClusterConfig& config,
                                      const std::string& address, const InitialCluster& initial,
                                      const std::filesystem::path& member_dir, bool check_crl) {
  const auto file = [&](const char* relative) { return (member_dir / relative).string(); };
  std::vector<std::string> argv = {
      "etcd",
      "--name=" + address,
      "--data-dir=" + (member_dir / "data").string(),
      "--listen-client-urls=" + client_url(config, address),
      "--advertise-client-urls=" + client_url(config, address),
      "--listen-peer-urls=" + peer_url(config, address),
      "--initial-advertise-peer-urls=" + peer_url(config, address),
      "--initial-cluster=" + initial_cluster_flag(config, initial.members),
      std::string("--initial-cluster-state=") + (initial.existing ? "existing" : "new"),
      "--initial-cluster-token=" + initial.token,
      "--client-cert-auth",
      "--trusted-ca-file=" + file(kClientCa),
      "--cert-file=" + file(kServerCert),
      "--key-file=" + file(kServerKey),
      "--peer-client-cert-auth",
      "--peer-trusted-ca-file=" + file(kPeerCa),
      "--peer-cert-file=" + file(kPeerCert),
      "--peer-key-file=" + file(kPeerKey),
  };
  if (check_crl) {
    argv.push_back("--client-crl-file=" + file(kClientCrl));
  }
  // Before extra_args, which override them (etcd takes the last of repeated flags).
  argv.push_back("--auto-compaction-mode=" + config.etcd.auto_compaction_mode);
  argv.push_back("--auto-compaction-retention=" + config.etcd.auto_compaction_retention);
  argv.insert(argv.end(), config.etcd.extra_args.begin(), config.etcd.extra_args.end());
  return argv;
}

std::string member_parameters(const config::ClusterConfig& config) {
  // The command of a placeholder member: what differs between members (address, paths, initial
  // cluster) is the same here, so only the parameters shape the fingerprint.
  Sha256 hash;
  const auto feed = [&](const std::string& text) {
    hash.update({reinterpret_cast<const uint8_t*>(text.data()), text.size() + 1});
  };
  for (const auto& arg : etcd_command(config, "member", {}, "/member", true)) {
    feed(arg);
  }
  feed("--env--");
  for (const auto& entry : etcd_environment(config)) {
    feed(entry);
  }
  return Sha256::hex(hash.digest()).substr(0, 16);
}

std::vector<std::string> etcd_environment(const config::ClusterConfig& config) {
  std::vector<std::string> env;
  for (const auto& [name, value] : config.etcd.extra_env) {
    env.push_back(name + "=" + value);
  }
  return env;
}

}  // namespace cke::cluster
