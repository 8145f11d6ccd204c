// Starting one member: fresh certificates and CA files written through the runtime, then the
// etcd process, then a wait until its peer port accepts connections.
#pragma once

#include <chrono>
#include <string>

#include "core/cluster/environment.hpp"
#include "core/cluster/member_command.hpp"
#include "core/config/cluster_config.hpp"
#include "core/state/state.hpp"

namespace cke::cluster {

// Writes the client CA's CRL (the state's revoked, unexpired certificates) into the files of
// `address`; etcd reads it on each new client connection. Nothing when the certificate backend
// cannot sign CRLs (returns false then).
bool write_client_crl(Environment& env, const state::State& state, const std::string& address);

// Starts the member on `address`; `initial` matters only when its data directory is empty.
// Records what it started the member with (state.member_records) and saves the state.
void launch_member(Environment& env, const config::ClusterConfig& config, state::State& state,
                   const std::string& address, const std::string& failpoint_prefix,
                   const InitialCluster& initial);
// The same with the recorded members and token (a bootstrap, or a member that has data).
void launch_member(Environment& env, const config::ClusterConfig& config, state::State& state,
                   const std::string& address, const std::string& failpoint_prefix);

// Writes fresh server and peer certificates into the member's files (etcd 3.4 reads them at each
// new TLS handshake, so a running member needs no restart) and records their lifetime.
void write_member_certificates(Environment& env, const config::ClusterConfig& config,
                               state::State& state, const std::string& address);

// The last lines of the member's log on one line (lines joined by " | "), for error messages.
std::string log_excerpt(Environment& env, const std::string& address);

// The lifetime of member certificates: a year, or CKE_TEST_MEMBER_CERT_TTL_SECONDS (a test hook).
std::chrono::seconds member_certificate_ttl();

}  // namespace cke::cluster
