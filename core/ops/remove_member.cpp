// remove-member: the member of a node that left cluster.yml (or the control plane) leaves etcd.
#include "core/ops/membership.hpp"

namespace cke::ops {

void run(Context& ctx, const RemoveMember& op) {
  remove_from_cluster(ctx, op.member, op.id, "remove-member");
}

}  // namespace cke::ops
