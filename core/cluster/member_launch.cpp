#include "core/cluster/member_launch.hpp"

#include <chrono>

#include "core/cluster/member_command.hpp"
#include "core/common/error.hpp"
#include "core/common/tcp_wait.hpp"
#include "core/common/test_hooks.hpp"
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

std::string log_excerpt(Environment& env, const std::string& address) {
  std::string tail = env.node(address).log_tail(600);
  if (const auto first_line = tail.find('\n');
      first_line != std::string::npos && tail.size() >= 600) {
    tail.erase(0, first_line + 1);  // a cut line says nothing
  }
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == '\r')) {
    tail.pop_back();
  }
  std::string out;
  for (const char c : tail) {
    if (c == '\n') {
      out += " | ";
    } else if (c != '\r') {
      out += c;
    }
  }
  return out.empty() ? "(no log)" : out;
}

std::chrono::seconds member_certificate_ttl() {
  return std::chrono::seconds(
      test_hook_number("CKE_TEST_MEMBER_CERT_TTL_SECONDS", 10, pki::kMemberCertificateTtl.count()));
}

void write_member_certificates(Environment& env, const config::ClusterConfig& config,
                               state::State& state, const std::string& address) {
  const config::Node node = node_of(config, address);
  auto& handle = env.node(address);
  const auto ttl = member_certificate_ttl();
  const int64_t issued_at = env.clock().unix_seconds();
  const auto server = env.issuer().server(node, config.kubelet.cluster_domain, ttl);
  const auto peer = env.issuer().peer(node, config.kubelet.cluster_domain, ttl);
  handle.write_file(kClientCa, 0644, env.issuer().client_ca());
  handle.write_file(kPeerCa, 0644, env.issuer().peer_ca());
  // Each file is replaced by a rename. The key goes first: between the two renames a handshake
  // could pair the new key with the old certificate and fail, a window of microseconds that only
  // a new connection can hit.
  handle.write_file(kServerKey, 0600, server.private_key_pem);
  handle.write_file(kServerCert, 0644, server.certificate_pem);
  handle.write_file(kPeerKey, 0600, peer.private_key_pem);
  handle.write_file(kPeerCert, 0644, peer.certificate_pem);
  auto& record = state.member_record_for(address);
  record.certificates_issued_at = issued_at;
  record.certificates_expire_at = issued_at + ttl.count();
  record.hostname = node.hostname;
  record.user = node.user;
}

void launch_member(Environment& env, const config::ClusterConfig& config, state::State& state,
                   const std::string& address, const std::string& failpoint_prefix) {
  launch_member(env, config, state, address, failpoint_prefix,
                {state.members, state.cluster_token, false});
}

void launch_member(Environment& env, const config::ClusterConfig& config, state::State& state,
                   const std::string& address, const std::string& failpoint_prefix,
                   const InitialCluster& initial) {
  auto& handle = env.node(address);
  // Certificates are issued afresh at every start: cheap, and a start never runs on stale ones.
  write_member_certificates(env, config, state, address);
  const bool check_crl = write_client_crl(env, state, address);
  env.failpoint(failpoint_prefix + ".after-files");

  const std::string version = handle.etcd_version();
  handle.start(etcd_command(config, address, initial, env.member_dir(address), check_crl),
               etcd_environment(config));
  auto& record = state.member_record_for(address);
  record.parameters = member_parameters(config);
  record.etcd_version = version;
  env.store().save(state);
  env.failpoint(failpoint_prefix + ".after-start");
  // Staggered start (ETCD-NOTES): the next member starts once this one serves its peer port.
  if (!wait_for_tcp(address, config.etcd.peer_port, std::chrono::seconds(15))) {
    throw Error("etcd on " + address + " did not open its peer port " +
                    std::to_string(config.etcd.peer_port) +
                    " within 15 s; the end of its log: " + log_excerpt(env, address),
                CKE_UNAVAILABLE);
  }
}

}  // namespace cke::cluster
