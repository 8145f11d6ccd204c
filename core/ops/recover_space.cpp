// recover-space: a NOSPACE alarm makes etcd refuse every write until it is disarmed, and
// disarming alone would let the cluster fill up again at once. So: compact at the current
// revision (the history goes, the keys stay), defragment every member (followers first) so the
// file shrinks, then disarm the alarms.
#include <spdlog/spdlog.h>

#include "core/cluster/member_command.hpp"
#include "core/ops/membership.hpp"
#include "core/ops/space.hpp"

namespace cke::ops {
namespace {

constexpr int32_t kAlarmNoSpace = 1;

}  // namespace

void run(Context& ctx, const RecoverSpace& /*op*/) {
  auto client = serving_client(ctx);
  const int64_t revision = client->status().header().revision();
  try {
    client->compact(revision);
  } catch (const etcd::EtcdError& e) {
    if (e.etcd_message().find("compacted") == std::string::npos) {
      throw;  // other than "required revision has been compacted" (already done)
    }
  }
  spdlog::info("recover-space: compacted at revision {}", revision);
  ctx.env.failpoint("recover-space.after-compact");
  std::vector<const cluster::MemberObservation*> order;
  for (const auto& m : ctx.observed.members) {
    if (m.in_member_list && m.reachable && !m.is_leader) {
      order.push_back(&m);
    }
  }
  for (const auto& m : ctx.observed.members) {
    if (m.in_member_list && m.reachable && m.is_leader) {
      order.push_back(&m);
    }
  }
  for (const auto* m : order) {
    defragment_member(ctx, m->address);
    ctx.env.failpoint("recover-space.after-defragment-member");
  }
  const auto alarms = client->alarms();
  for (const auto& alarm : alarms.alarms()) {
    if (alarm.alarm() == kAlarmNoSpace) {
      client->alarm_disarm(alarm.memberid(), alarm.alarm());
    }
  }
  spdlog::info("recover-space: disarmed NOSPACE; the cluster takes writes again");
}

}  // namespace cke::ops
