#include "core/ops/membership.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "core/cluster/member_command.hpp"
#include "core/common/error.hpp"

namespace cke::ops {
namespace {

// etcd 3.4 stops a removed member by itself; a member that lingers is killed after this.
constexpr int64_t kStopTimeoutMs = 10'000;

std::shared_ptr<etcd::Client> client_of(Context& ctx, const std::string& address) {
  return ctx.env.etcd().client(cluster::client_endpoint(ctx.config, address));
}

// Member IDs come from the peer URLs and the Unix second: the same peer URL added again within
// the second of its removal gets the removed ID back, which etcd then refuses (ETCD-NOTES).
void wait_for_next_second() {
  const auto now = std::chrono::system_clock::now();
  const auto next = std::chrono::ceil<std::chrono::seconds>(now);
  std::this_thread::sleep_until(next + std::chrono::milliseconds(10));
}

}  // namespace

std::shared_ptr<etcd::Client> serving_client(Context& ctx, const std::string& except) {
  const auto& observed = ctx.observed;
  if (observed.leader && *observed.leader != except) {
    return client_of(ctx, *observed.leader);
  }
  for (const auto& m : observed.members) {
    if (m.address != except && m.serving() && !m.is_learner) {
      return client_of(ctx, m.address);
    }
  }
  for (const auto& m : observed.members) {
    if (m.address != except && m.reachable && !m.is_learner) {
      return client_of(ctx, m.address);
    }
  }
  throw Error("no member answers" + (except.empty() ? "" : " other than " + except),
              CKE_UNAVAILABLE);
}

std::shared_ptr<etcd::Client> leader_client(Context& ctx) {
  if (!ctx.observed.leader) {
    throw Error("the cluster has no leader", CKE_UNAVAILABLE);
  }
  return client_of(ctx, *ctx.observed.leader);
}

void move_leadership_away(Context& ctx, const std::string& member) {
  // A member that does not answer leads nothing for long: its followers still name it for up to
  // an election timeout after it died, and MoveLeader can only be sent to the leader itself.
  const auto* observed = ctx.observed.member(member);
  if (ctx.observed.leader != member || observed == nullptr || !observed->reachable) {
    return;
  }
  for (const auto& m : ctx.observed.members) {
    if (m.address != member && m.serving() && !m.is_learner && m.in_member_list && m.id) {
      leader_client(ctx)->move_leader(*m.id);
      spdlog::info("moved leadership from {} to {}", member, m.address);
      ctx.env.failpoint("move-leader.after");
      return;
    }
  }
  // No other voter serves (a one-member cluster): the leader stays, and the operation goes on.
  spdlog::info("no other voter serves to take the leadership from {}", member);
}

void remove_from_cluster(Context& ctx, const std::string& member, uint64_t id,
                         const std::string& failpoint_prefix) {
  move_leadership_away(ctx, member);
  try {
    serving_client(ctx, member)->member_remove(id);
  } catch (const etcd::EtcdError& e) {
    if (!e.not_found()) {
      throw;
    }
  }
  spdlog::info("removed member {} ({}) from the cluster", member, cluster::member_id_hex(id));
  ctx.env.failpoint(failpoint_prefix + ".after-remove");
  drop_member_data(ctx, member);  // a crash before it ends: drop-removed-member finishes it
  wait_for_next_second();
}

void drop_member_data(Context& ctx, const std::string& member) {
  auto& node = ctx.env.node(member);
  node.stop(kStopTimeoutMs);
  node.wipe();
  const bool was_member = std::erase(ctx.state.members, member) > 0;
  const bool had_record = std::erase_if(ctx.state.member_records,
                                        [&](const auto& r) { return r.address == member; }) > 0;
  if (was_member || had_record) {
    ctx.env.store().save(ctx.state);
  }
}

}  // namespace cke::ops
