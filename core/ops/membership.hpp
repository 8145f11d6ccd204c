// What the membership operations share: which member to ask, and taking a member out of the
// cluster for good.
#pragma once

#include <memory>
#include <string>

#include "core/etcd/client.hpp"
#include "core/ops/run.hpp"

namespace cke::ops {

// A client of a member that serves, the leader first, never `except`.
std::shared_ptr<etcd::Client> serving_client(Context& ctx, const std::string& except = "");
// A client of the leader: MemberPromote and MoveLeader work only there (ETCD-NOTES).
std::shared_ptr<etcd::Client> leader_client(Context& ctx);

// Moves leadership from `member` to another voter that serves, when `member` leads and another
// voter serves.
void move_leadership_away(Context& ctx, const std::string& member);

// MemberRemove (tolerating a member already removed), then the member is forgotten in the state,
// stopped, and its data dropped, so that it is never started again under the removed ID.
void remove_from_cluster(Context& ctx, const std::string& member, uint64_t id,
                         const std::string& failpoint_prefix);

// Stops the member's process (if any) and drops its data.
void drop_member_data(Context& ctx, const std::string& member);

}  // namespace cke::ops
