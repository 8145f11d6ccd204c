// bootstrap, resume-bootstrap and complete-bootstrap: the first start of a new cluster.
#include "core/cluster/member_command.hpp"
#include "core/cluster/member_launch.hpp"
#include "core/ops/run.hpp"

namespace cke::ops {

void run(Context& ctx, const Bootstrap& op) {
  // The intent is durable before any member starts: from here on there is never a second
  // bootstrap, only its resumption.
  ctx.state.bootstrap_started = true;
  ctx.state.members = op.members;
  ctx.state.cluster_token = cluster::new_cluster_token(ctx.config.name);
  ctx.env.store().save(ctx.state);
  ctx.env.failpoint("bootstrap.after-intent");
  for (const auto& address : op.members) {
    cluster::launch_member(ctx.env, ctx.config, ctx.state, address, "bootstrap");
  }
}

void run(Context& ctx, const ResumeBootstrap& op) {
  for (const auto& address : op.members) {
    cluster::launch_member(ctx.env, ctx.config, ctx.state, address, "resume-bootstrap");
  }
}

void run(Context& ctx, const CompleteBootstrap& /*op*/) {
  ctx.env.failpoint("complete-bootstrap.before-record");
  ctx.state.bootstrapped = true;
  ctx.state.cluster_id = cluster::member_id_hex(ctx.observed.cluster_id.value_or(0));
  ctx.env.store().save(ctx.state);
}

}  // namespace cke::ops
