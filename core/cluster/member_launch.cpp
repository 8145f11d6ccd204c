#include "core/cluster/member_launch.hpp"

#include <chrono>

#include "core/common/error.hpp"
#include "core/common/tcp_wait.hpp"
#include "core/cluster/member_command.hpp"
#include "core/pki/revocation.hpp"

namespace cke::cluster {
namespace {

config::Node node_of(const config::ClusterConfig& config, const std::string& address) {
  for (const auto& node : config.nodes) {
    if (node.address == address) {
      return node;
    }
  }
  return config::Node{address, "", "", true};  // a bootstrapped member no longer in cluster.yml
}

}  // namespace

bool write_client_crl(Environment& env, const state::State& state, const std::string& address) {
  if (!env.issuer().can_sign_crl()) {
    return false;
  }
  env.node(address).write_file(
      kClientCrl, 0644,
      env.issuer().client_crl(pki::revoked_entries(state, env.clock().unix_seconds())));
  return true;
}

void launch_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                   const std::string& address, const std::string& failpoint_prefix) {
  launch_member(env, config, state, address, failpoint_prefix,
                {state.members, state.cluster_token, false});
}

void launch_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                   const std::string& address, const std::string& failpoint_prefix,
                   const InitialCluster& initial) {
  const config::Node node = node_of(config, address);
  auto& handle = env.node(address);
  // Certificates are issued afresh at every start: cheap, and a start never runs on stale ones.
  const auto server = env.issuer().server(node, config.kubelet.cluster_domain);
  const auto peer = env.issuer().peer(node);
  handle.write_file(kClientCa, 0644, env.issuer().client_ca());
  handle.write_file(kPeerCa, 0644, env.issuer().peer_ca());
  handle.write_file(kServerCert, 0644, server.certificate_pem);
  handle.write_file(kServerKey, 0600, server.private_key_pem);
  handle.write_file(kPeerCert, 0644, peer.certificate_pem);
  handle.write_file(kPeerKey, 0600, peer.private_key_pem);
  const bool check_crl = write_client_crl(env, state, address);
  env.failpoint(failpoint_prefix + ".after-files");

  handle.start(etcd_command(config, address, initial, env.member_dir(address), check_crl),
               etcd_environment(config));
  env.failpoint(failpoint_prefix + ".after-start");
  // Staggered start (ETCD-NOTES): the next member starts once this one serves its peer port.
  if (!wait_for_tcp(address, config.etcd.peer_port, std::chrono::seconds(15))) {
    throw Error("etcd on " + address + " did not open its peer port " +
                    std::to_string(config.etcd.peer_port) + " within 15 s; see " +
                    (env.member_dir(address) / "etcd.log").string(),
                CKE_UNAVAILABLE);
  }
}

}  // namespace cke::cluster
