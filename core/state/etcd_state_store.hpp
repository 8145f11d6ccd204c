// StateStore in the state etcd: the state as one JSON value at PREFIX/state. Every save is a
// transaction conditioned on this cke's leader key (LeaderElection::fence), so a cke that lost
// leadership — stopped past its lease, or cut off — cannot overwrite what the new leader wrote.
#pragma once

#include "core/state/leader_election.hpp"
#include "core/state/state.hpp"
#include "core/state/state_etcd.hpp"

namespace cke::state {

class EtcdStateStore final : public StateStore {
 public:
  EtcdStateStore(StateEtcd& etcd, LeaderElection& election) : etcd_(etcd), election_(election) {}
  State load() override;
  // Throws NotLeaderError, and saves nothing, unless this cke leads.
  void save(const State& state) override;

 private:
  StateEtcd& etcd_;
  LeaderElection& election_;
};

// Reads the state at PREFIX/state; an empty State when there is none.
State load_state(StateEtcd& etcd);

}  // namespace cke::state
