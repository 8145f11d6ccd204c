// Starting one member: fresh certificates and CA files written through the runtime, then the
// etcd process, then a wait until its peer port accepts connections.
#pragma once

#include <string>

#include "core/config/cluster_config.hpp"
#include "core/controller/environment.hpp"
#include "core/state/state.hpp"

namespace cke::controller {

void launch_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                   const std::string& address, const std::string& failpoint_prefix);

}  // namespace cke::controller
