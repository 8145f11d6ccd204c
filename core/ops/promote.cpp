// promote: a learner that serves reads as new as the health write becomes a voter. Sent to the
// leader: a follower forwards it without credentials and it is refused (ETCD-NOTES).
#include <spdlog/spdlog.h>

#include "core/cluster/member_command.hpp"
#include "core/common/error.hpp"
#include "core/ops/membership.hpp"

namespace cke::ops {

void run(Context& ctx, const Promote& op) {
  ctx.env.failpoint("promote.before");
  try {
    leader_client(ctx)->member_promote(op.id);
  } catch (const etcd::EtcdError& e) {
    const auto& why = e.etcd_message();
    if (why.find("in sync with leader") != std::string::npos) {
      throw Error("learner " + op.member +
                      " has not caught up with the leader yet; promote is "
                      "tried again on a later pass",
                  CKE_UNAVAILABLE);
    }
    if (why.find("can only promote a learner member") == std::string::npos) {
      throw;
    }
    // Already a voter: an earlier attempt went through.
  }
  spdlog::info("promoted {} ({}) to voter", op.member, cluster::member_id_hex(op.id));
  ctx.env.failpoint("promote.after");
}

}  // namespace cke::ops
