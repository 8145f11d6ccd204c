// restart-member: a member runs with other parameters than cluster.yml gives, or another etcd
// than its node now has. Leadership moves away first when it leads, so that the cluster does not
// wait out an election; the decision restarts the next member only once this one serves again.
#include <spdlog/spdlog.h>

#include "core/cluster/member_launch.hpp"
#include "core/ops/membership.hpp"

namespace cke::ops {
namespace {

// A graceful stop lets etcd finish in-flight requests and hand over cleanly; a member that takes
// longer is killed (its WAL survives a kill).
constexpr int64_t kGracefulStopMs = 10'000;

}  // namespace

void run(Context& ctx, const RestartMember& op) {
  move_leadership_away(ctx, op.member);
  ctx.env.node(op.member).stop(kGracefulStopMs);
  ctx.env.failpoint("restart-member.after-stop");
  cluster::launch_member(ctx.env, ctx.config, ctx.state, op.member, "restart-member");
  spdlog::info("restarted {} with the parameters cluster.yml gives and its node's etcd", op.member);
}

}  // namespace cke::ops
