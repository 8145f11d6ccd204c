// start-member: a member with data and no process is started again under its own member ID.
#include "core/cluster/member_launch.hpp"
#include "core/ops/run.hpp"

namespace cke::ops {

void run(Context& ctx, const StartMember& op) {
  cluster::launch_member(ctx.env, ctx.config, ctx.state, op.member, "start-member");
}

}  // namespace cke::ops
