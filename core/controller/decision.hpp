// Deciding the one next operation from the desired cluster, the recorded state and what was
// observed. A pure function: the same inputs always give the same decision, which is what makes
// every operation re-decidable after a crash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/config/cluster_config.hpp"
#include "core/controller/observation.hpp"
#include "core/state/state.hpp"

namespace cke::controller {

enum class OperationKind {
  bootstrap,           // record the intent, start every member with a static initial cluster
  resume_bootstrap,    // start the members a crashed bootstrap did not start
  complete_bootstrap,  // the bootstrapped cluster became healthy: record it
  start_member,        // a stopped member with data
  auth_setup,          // users root and kube-apiserver, then enable auth
  resume_restore,      // a restore was interrupted: roll back (staging) or finish (swapping)
};

const char* operation_name(OperationKind kind);

struct Decision {
  std::string phase;   // shown by `status`
  std::string detail;  // one sentence for humans
  std::optional<OperationKind> operation;
  std::vector<std::string> targets;  // member addresses the operation acts on
};

// The addresses of the etcd members: the bootstrapped set once a bootstrap was recorded, the
// control-plane nodes before.
std::vector<std::string> member_addresses(const config::ClusterConfig& config,
                                          const state::State& state);

Decision decide(const config::ClusterConfig& config, const state::State& state,
                const ClusterObservation& observed);

}  // namespace cke::controller
