#include "core/controller/member_command.hpp"

namespace cke::controller {

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

std::vector<std::string> etcd_command(const config::ClusterConfig& config,
                                      const std::string& address,
                                      const std::vector<std::string>& members,
                                      const std::string& cluster_token,
                                      const std::filesystem::path& member_dir, bool check_crl) {
  std::string initial_cluster;
  for (const auto& member : members) {
    initial_cluster +=
        (initial_cluster.empty() ? "" : ",") + member + "=" + peer_url(config, member);
  }
  const auto file = [&](const char* relative) { return (member_dir / relative).string(); };
  std::vector<std::string> argv = {
      "etcd",
      "--name=" + address,
      "--data-dir=" + (member_dir / "data").string(),
      "--listen-client-urls=" + client_url(config, address),
      "--advertise-client-urls=" + client_url(config, address),
      "--listen-peer-urls=" + peer_url(config, address),
      "--initial-advertise-peer-urls=" + peer_url(config, address),
      "--initial-cluster=" + initial_cluster,
      "--initial-cluster-state=new",
      "--initial-cluster-token=" + cluster_token,
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
  argv.insert(argv.end(), config.etcd.extra_args.begin(), config.etcd.extra_args.end());
  return argv;
}

std::vector<std::string> etcd_environment(const config::ClusterConfig& config) {
  std::vector<std::string> env;
  for (const auto& [name, value] : config.etcd.extra_env) {
    env.push_back(name + "=" + value);
  }
  return env;
}

}  // namespace cke::controller
