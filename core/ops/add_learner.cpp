// add-learner: a control-plane node without a member joins as a learner, which has no vote and so
// cannot cost the cluster its quorum while it catches up; promote makes it a voter afterwards.
// Resumable: a learner already added (cke stopped before starting it) is started, not added again.
#include <spdlog/spdlog.h>

#include <chrono>
#include <optional>
#include <thread>

#include "core/cluster/member_command.hpp"
#include "core/cluster/member_launch.hpp"
#include "core/cluster/observation.hpp"
#include "core/common/error.hpp"
#include "core/ops/membership.hpp"

namespace cke::ops {
namespace {

// MemberAdd is refused ("unhealthy cluster") for about 5 s after a member starts or a peer
// reconnects (ETCD-NOTES): retried for a while within the operation, then left to the next pass.
constexpr auto kAddRetryFor = std::chrono::seconds(15);
constexpr auto kAddRetryEvery = std::chrono::milliseconds(500);

std::optional<etcdserverpb::Member> listed_with_url(const etcdserverpb::MemberListResponse& list,
                                                    const std::string& url) {
  for (const auto& m : list.members()) {
    for (const auto& u : m.peerurls()) {
      if (u == url) {
        return m;
      }
    }
  }
  return std::nullopt;
}

etcdserverpb::MemberAddResponse add_as_learner(etcd::Client& client, const std::string& url) {
  const auto deadline = std::chrono::steady_clock::now() + kAddRetryFor;
  for (;;) {
    try {
      return client.member_add({url}, true);
    } catch (const etcd::EtcdError& e) {
      const bool transient = e.etcd_message().find("unhealthy cluster") != std::string::npos;
      if (!transient || std::chrono::steady_clock::now() > deadline) {
        throw;
      }
    }
    std::this_thread::sleep_for(kAddRetryEvery);
  }
}

}  // namespace

void run(Context& ctx, const AddLearner& op) {
  const std::string url = cluster::peer_url(ctx.config, op.member);
  auto client = serving_client(ctx);
  auto list = client->member_list();
  auto listed = listed_with_url(list, url);
  if (listed && !listed->name().empty()) {
    return;  // it started already; promote comes next
  }
  auto& node = ctx.env.node(op.member);
  if (node.inspect().state == plugin::MemberState::running) {
    return;  // started by an earlier attempt and still starting up
  }
  // Data left on the node belongs to an earlier member: started with it, etcd would be that
  // member again.
  node.wipe();
  if (!listed) {
    ctx.env.failpoint("add-learner.before-add");
    const auto added = add_as_learner(*client, url);
    spdlog::info("added {} as learner {}", op.member, cluster::member_id_hex(added.member().id()));
    ctx.env.failpoint("add-learner.after-add");
    list.mutable_members()->CopyFrom(added.members());
  }
  if (std::find(ctx.state.members.begin(), ctx.state.members.end(), op.member) ==
      ctx.state.members.end()) {
    ctx.state.members.push_back(op.member);
    ctx.env.store().save(ctx.state);
  }
  // The learner fetches the cluster from its peers; its --initial-cluster must name exactly the
  // peer URLs etcd lists, itself included.
  cluster::InitialCluster initial{{}, ctx.state.cluster_token, true};
  for (const auto& m : list.members()) {
    if (!m.name().empty()) {
      initial.members.push_back(m.name());
    } else if (!m.peerurls().empty()) {
      initial.members.push_back(cluster::address_of_url(m.peerurls(0)));
    }
  }
  cluster::launch_member(ctx.env, ctx.config, ctx.state, op.member, "add-learner", initial);
}

}  // namespace cke::ops
