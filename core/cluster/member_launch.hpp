// Starting one member: fresh certificates and CA files written through the runtime, then the
// etcd process, then a wait until its peer port accepts connections.
#pragma once

#include <string>

#include "core/config/cluster_config.hpp"
#include "core/cluster/environment.hpp"
#include "core/cluster/member_command.hpp"
#include "core/state/state.hpp"

namespace cke::cluster {

// Writes the client CA's CRL (the state's revoked, unexpired certificates) into the files of
// `address`; etcd reads it on each new client connection. Nothing when the certificate backend
// cannot sign CRLs (returns false then).
bool write_client_crl(Environment& env, const state::State& state, const std::string& address);

// Starts the member on `address`; `initial` matters only when its data directory is empty.
void launch_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                   const std::string& address, const std::string& failpoint_prefix,
                   const InitialCluster& initial);
// The same with the recorded members and token (a bootstrap, or a member that has data).
void launch_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                   const std::string& address, const std::string& failpoint_prefix);

}  // namespace cke::cluster
