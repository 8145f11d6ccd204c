// drop-removed-member: a node whose member is no longer in etcd's member list still has a process
// or data (cke stopped right after MemberRemove, or etcd removed it): both go, so that it is
// never started again under the removed ID.
#include "core/ops/membership.hpp"

namespace cke::ops {

void run(Context& ctx, const DropRemovedMember& op) { drop_member_data(ctx, op.member); }

}  // namespace cke::ops
