// Deciding the one next operation from the desired cluster, the recorded state and what was
// observed. A pure function: the same inputs always give the same decision, which is what makes
// every operation re-decidable after a crash.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/cluster/observation.hpp"
#include "core/config/cluster_config.hpp"
#include "core/ops/operation.hpp"
#include "core/state/state.hpp"

namespace cke::controller {

struct Decision {
  ops::Phase phase = ops::Phase::healthy;
  std::string detail;  // one sentence for humans: what is done or waited for, and why
  std::optional<ops::Operation> operation;
};

// The addresses to observe: the control-plane nodes before a bootstrap, the bootstrapped set
// during it, and afterwards the recorded members together with the control-plane nodes (etcd's
// member list adds any other member it knows).
std::vector<std::string> observed_addresses(const config::ClusterConfig& config,
                                            const state::State& state);

Decision decide(const config::ClusterConfig& config, const state::State& state,
                const cluster::ClusterObservation& observed);

}  // namespace cke::controller
