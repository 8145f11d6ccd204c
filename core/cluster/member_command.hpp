// The etcd command line of a member, and the URLs members are reached at.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "core/config/cluster_config.hpp"

namespace cke::cluster {

std::string host_port(const std::string& address, uint16_t port);  // "[::1]:2379" for IPv6
std::string client_endpoint(const config::ClusterConfig& config,
                            const std::string& address);  // host:port
std::string client_url(const config::ClusterConfig& config, const std::string& address);
std::string peer_url(const config::ClusterConfig& config, const std::string& address);

// Files a member needs, relative to its member directory.
inline constexpr const char* kServerCert = "pki/server.crt";
inline constexpr const char* kServerKey = "pki/server.key";
inline constexpr const char* kPeerCert = "pki/peer.crt";
inline constexpr const char* kPeerKey = "pki/peer.key";
inline constexpr const char* kClientCa = "pki/client-ca.crt";
inline constexpr const char* kPeerCa = "pki/peer-ca.crt";
inline constexpr const char* kClientCrl = "pki/client-crl.pem";  // revoked client certificates

// A member ID as etcd and etcdctl print it: 16 lowercase hexadecimal digits.
std::string member_id_hex(uint64_t id);

// A new --initial-cluster-token: the cluster name, a purpose ("", "restore") and random digits.
std::string new_cluster_token(const std::string& cluster_name, const std::string& purpose = "");

// What etcd reads only while its data directory is empty: the members to form or join.
struct InitialCluster {
  std::vector<std::string> members;  // addresses; each member's name is its address
  std::string token;                 // --initial-cluster-token (unused when joining)
  bool existing = false;             // join a running cluster (a learner) instead of forming one
};

// "ADDRESS=PEER_URL,…", etcd's --initial-cluster.
std::string initial_cluster_flag(const config::ClusterConfig& config,
                                 const std::vector<std::string>& members);

// etcd with TLS and client-certificate authentication on both client and peer URLs. With
// `check_crl`, client certificates are checked against kClientCrl on every new connection.
std::vector<std::string> etcd_command(const config::ClusterConfig& config,
                                      const std::string& address, const InitialCluster& initial,
                                      const std::filesystem::path& member_dir, bool check_crl);

// A fingerprint of what a member runs with apart from its identity and membership: the command
// line's flags (extra_args included) and extra_env. A member recorded with another fingerprint
// is restarted, one at a time.
std::string member_parameters(const config::ClusterConfig& config);

// "NAME=value" entries from options.etcd.extra_env.
std::vector<std::string> etcd_environment(const config::ClusterConfig& config);

}  // namespace cke::cluster
