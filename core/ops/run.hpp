// Running an operation. Each is idempotent: run again after a crash at any point, it finishes
// what is left, and it changes the recorded state only through Environment::store().
#pragma once

#include "core/cluster/environment.hpp"
#include "core/cluster/observation.hpp"
#include "core/config/cluster_config.hpp"
#include "core/ops/operation.hpp"
#include "core/state/state.hpp"

namespace cke::ops {

// What an operation works with: the pass's configuration and observation, and the state it may
// change (saving at its own checkpoints).
struct Context {
  cluster::Environment& env;
  const config::ClusterConfig& config;
  state::State& state;
  const cluster::ClusterObservation& observed;
};

void run(Context& ctx, const Operation& operation);

// One per operation, each in the file of its name.
void run(Context& ctx, const Bootstrap& op);
void run(Context& ctx, const ResumeBootstrap& op);
void run(Context& ctx, const CompleteBootstrap& op);
void run(Context& ctx, const StartMember& op);
void run(Context& ctx, const AuthSetup& op);
void run(Context& ctx, const ResumeRestore& op);
void run(Context& ctx, const AddLearner& op);
void run(Context& ctx, const Promote& op);
void run(Context& ctx, const RemoveMember& op);
void run(Context& ctx, const ReplaceMember& op);
void run(Context& ctx, const DropRemovedMember& op);
void run(Context& ctx, const RestartMember& op);
void run(Context& ctx, const RenewCertificates& op);
void run(Context& ctx, const RecoverSpace& op);
void run(Context& ctx, const Defragment& op);
void run(Context& ctx, const IssueBackupCertificate& op);

}  // namespace cke::ops
