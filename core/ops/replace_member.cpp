// replace-member: a member whose process is gone and whose data is lost leaves etcd under its old
// ID; add-learner then brings the node back with a new ID. Starting it empty under the old ID
// would let it vote without the log it had acknowledged, which breaks raft's guarantees.
#include "core/ops/membership.hpp"

namespace cke::ops {

void run(Context& ctx, const ReplaceMember& op) {
  remove_from_cluster(ctx, op.member, op.id, "replace-member");
}

}  // namespace cke::ops
