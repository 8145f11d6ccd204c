// The controller's operations. Each one is idempotent: run again after a crash at any point, it
// finishes what is left. Each changes the state only through Environment::store().
#pragma once

#include <string>
#include <vector>

#include "core/config/cluster_config.hpp"
#include "core/controller/environment.hpp"
#include "core/controller/observation.hpp"
#include "core/state/state.hpp"

namespace cke::controller {

// Records the bootstrap intent (token, members) durably, then starts every member.
void bootstrap(Environment& env, const config::ClusterConfig& config, state::State& state,
               const std::vector<std::string>& members);
// Starts members of a recorded bootstrap that are not running (a crash interrupted it).
void resume_bootstrap(Environment& env, const config::ClusterConfig& config, state::State& state,
                      const std::vector<std::string>& targets);
// Records that the bootstrapped cluster was healthy with every member.
void complete_bootstrap(Environment& env, state::State& state, const ClusterObservation& observed);
// Starts a member that has data but no process.
void start_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                  const std::string& address);
// Users root (role root) and kube-apiserver (read-write on /registry/), then auth enable.
void auth_setup(Environment& env, const config::ClusterConfig& config, state::State& state,
                const ClusterObservation& observed);

}  // namespace cke::controller
