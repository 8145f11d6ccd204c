#include "core/controller/decision.hpp"

#include <algorithm>

#include "core/cluster/member_command.hpp"
#include "core/ops/space.hpp"

namespace cke::controller {
namespace {

using cluster::ClusterObservation;
using cluster::MemberObservation;
using ops::Phase;
using plugin::MemberState;

size_t quorum_of(size_t voters) { return voters / 2 + 1; }

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ", ") + i;
  }
  return out;
}

template <class Predicate>
std::vector<std::string> addresses_where(const ClusterObservation& observed, Predicate keep) {
  std::vector<std::string> out;
  for (const auto& m : observed.members) {
    if (keep(m)) {
      out.push_back(m.address);
    }
  }
  return out;
}

// Why `m` must be restarted; "" when it need not. Parameters come from cke's record of its
// start. The etcd version is what the member reports against what its node would start now; the
// record guards against restarting for ever a member whose binary reports one version and serves
// another (a wrapper script, a distribution's patch).
std::string restart_reason(const MemberObservation& m, const state::MemberRecord* record,
                           const std::string& parameters) {
  if (record == nullptr || record->parameters != parameters) {
    return "it runs with other parameters than cluster.yml gives";
  }
  if (!m.version.empty() && !m.desired_version.empty() && m.version != m.desired_version &&
      record->etcd_version != m.desired_version) {
    return "it runs etcd " + m.version + " and its node now has etcd " + m.desired_version;
  }
  return "";
}

bool contains(const std::vector<std::string>& items, const std::string& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

std::vector<std::string> control_plane(const config::ClusterConfig& config) {
  std::vector<std::string> out;
  for (const auto& node : config.control_plane()) {
    out.push_back(node.address);
  }
  return out;
}

std::string member_errors(const ClusterObservation& observed) {
  std::string why = observed.error;
  for (const auto& m : observed.members) {
    if (!m.error.empty()) {
      why += (why.empty() ? "" : "; ") + m.address + ": " + m.error;
    }
  }
  return why;
}

Decision decide_bootstrap(const state::State& state, const ClusterObservation& observed) {
  const auto absent = addresses_where(observed, [](const auto& m) { return m.data_lost(); });
  if (!state.bootstrap_started) {
    if (absent.size() == observed.members.size()) {
      return {Phase::bootstrapping, "starting " + std::to_string(absent.size()) + " members",
              ops::Bootstrap{absent}};
    }
    const auto with_data = addresses_where(observed, [](const auto& m) { return !m.data_lost(); });
    return {Phase::blocked,
            "member data exists on " + joined(with_data) +
                " but this data directory records no bootstrap; move that data away or use the "
                "data directory that created it",
            std::nullopt};
  }
  const auto not_running = addresses_where(
      observed, [](const auto& m) { return m.runtime.state != MemberState::running; });
  if (!not_running.empty()) {
    return {Phase::bootstrapping, "starting " + joined(not_running),
            ops::ResumeBootstrap{not_running}};
  }
  if (observed.healthy()) {
    return {Phase::bootstrapping, "all members healthy", ops::CompleteBootstrap{}};
  }
  return {Phase::bootstrapping,
          "waiting for the members to become healthy" +
              (observed.error.empty() ? "" : ": " + observed.error),
          std::nullopt};
}

// No quorum write, or no member list: nothing destructive, only starting what has data.
Decision decide_without_quorum(const state::State& state, const ClusterObservation& observed) {
  std::vector<std::string> voters;
  for (const auto& m : observed.members) {
    const bool voter = observed.member_list_known ? m.in_member_list && !m.is_learner
                                                  : contains(state.members, m.address);
    if (voter) {
      voters.push_back(m.address);
    }
  }
  for (const auto& address : voters) {
    const auto* m = observed.member(address);
    if (m->runtime_known && m->runtime.state == MemberState::stopped) {
      return {Phase::starting_members, "starting " + address + " (its data is intact)",
              ops::StartMember{address}};
    }
  }
  std::vector<std::string> running;
  std::vector<std::string> lost;
  std::vector<std::string> dead;
  for (const auto& address : voters) {
    const auto* m = observed.member(address);
    (m->runtime.state == MemberState::running ? running : dead).push_back(address);
    if (m->data_lost()) {
      lost.push_back(address);
    }
  }
  const size_t quorum = quorum_of(voters.size());
  if (voters.size() - lost.size() < quorum) {
    return {Phase::needs_restore,
            "the data of " + joined(lost) +
                " is gone and the rest cannot form a quorum: restore from a backup "
                "(ckecli etcd restore FILE)",
            std::nullopt};
  }
  if (running.size() < quorum) {
    return {Phase::quorum_lost,
            "quorum lost: " + joined(dead) + " do not run (" + std::to_string(running.size()) +
                " of " + std::to_string(voters.size()) +
                " voters run); nothing is removed or wiped, and cke resumes when they are back",
            std::nullopt};
  }
  const std::string why = member_errors(observed);
  return {Phase::waiting_for_health, "no quorum write yet" + (why.empty() ? "" : ": " + why),
          std::nullopt};
}

}  // namespace

std::vector<std::string> observed_addresses(const config::ClusterConfig& config,
                                            const state::State& state) {
  if (!state.bootstrap_started) {
    return control_plane(config);
  }
  std::vector<std::string> out = state.members;
  if (state.bootstrapped) {
    for (const auto& address : control_plane(config)) {
      if (!contains(out, address)) {
        out.push_back(address);
      }
    }
  }
  return out;
}

Decision decide(const config::ClusterConfig& config, const state::State& state,
                const ClusterObservation& observed) {
  // 1. A restore in progress is finished (or rolled back) before anything else.
  if (!state.restore_phase.empty()) {
    return {Phase::restoring, "resuming the restore from " + state.restore_source,
            ops::ResumeRestore{}};
  }
  if (!state.bootstrapped) {
    return decide_bootstrap(state, observed);
  }
  // A NOSPACE alarm: etcd refuses every write (the health write too) until it is disarmed.
  if (observed.member_list_known) {
    size_t voters = 0;
    size_t answering = 0;
    bool no_space = false;
    for (const auto& m : observed.members) {
      if (m.in_member_list && !m.is_learner) {
        ++voters;
        answering += m.reachable ? 1 : 0;
      }
      no_space = no_space || contains(m.alarms, "NOSPACE");
    }
    if (no_space && answering >= quorum_of(voters)) {
      return {Phase::recovering_space,
              "a NOSPACE alarm stops every write: compacting, defragmenting every member, then "
              "disarming it",
              ops::RecoverSpace{}};
    }
  }
  // 2. Quorum lost: no destructive action at all.
  if (!observed.quorum_write_ok || !observed.member_list_known) {
    return decide_without_quorum(state, observed);
  }

  const auto desired = control_plane(config);
  const auto listed = [](const MemberObservation& m) { return m.in_member_list; };
  const auto voter = [&](const MemberObservation& m) { return listed(m) && !m.is_learner; };
  const size_t voters = addresses_where(observed, voter).size();
  const size_t serving_voters =
      addresses_where(observed, [&](const auto& m) { return voter(m) && m.serving(); }).size();

  // 3. Finish or undo a half-done membership change.
  for (const auto& m : observed.members) {
    const bool wanted = contains(desired, m.address);
    if (!listed(m)) {
      // Removed from etcd (by cke before it stopped, or by hand) but a process or data remains.
      if ((m.runtime_known && m.runtime.state != MemberState::absent) ||
          contains(state.members, m.address)) {
        return {Phase::changing_membership,
                m.address + " is no longer an etcd member; stopping it and dropping its data",
                ops::DropRemovedMember{m.address}};
      }
      continue;
    }
    if (!m.started) {
      if (!wanted) {
        return {Phase::changing_membership,
                "removing " + m.address + ", added but never started and not in cluster.yml",
                ops::RemoveMember{m.address, m.id.value_or(0)}};
      }
      if (m.runtime_known && m.runtime.state != MemberState::running) {
        return {Phase::changing_membership, "starting " + m.address + ", added as a learner",
                ops::AddLearner{m.address}};
      }
      return {Phase::changing_membership, "waiting for learner " + m.address + " to start",
              std::nullopt};
    }
    if (m.is_learner && !wanted) {
      return {Phase::changing_membership,
              "removing learner " + m.address + ", no longer a control-plane node in cluster.yml",
              ops::RemoveMember{m.address, m.id.value_or(0)}};
    }
    if (m.is_learner && m.serving() && serving_voters + 1 >= quorum_of(voters + 1)) {
      return {Phase::changing_membership, "promoting learner " + m.address + ", caught up",
              ops::Promote{m.address, m.id.value_or(0)}};
    }
  }

  // 4. Start stopped members that have data, keeping their member IDs.
  for (const auto& m : observed.members) {
    if (listed(m) && m.runtime_known && m.runtime.state == MemberState::stopped) {
      return {Phase::starting_members, "starting " + m.address + " (its data is intact)",
              ops::StartMember{m.address}};
    }
  }

  // 5. Wait while a member does not serve, unless its data is lost (that is for step 8). A node
  // the runtime cannot inspect is waited for, never taken for lost.
  const auto lagging = addresses_where(
      observed, [&](const auto& m) { return listed(m) && !m.serving() && !m.data_lost(); });
  if (!lagging.empty()) {
    const auto* first = observed.member(lagging.front());
    if (first->is_learner) {
      return {Phase::changing_membership,
              "waiting for learner " + first->address + " to catch up" +
                  (first->error.empty() ? "" : ": " + first->error),
              std::nullopt};
    }
    return {Phase::waiting_for_health,
            "waiting for " + joined(lagging) + ": " + member_errors(observed), std::nullopt};
  }

  // 6. Remove members of nodes no longer in cluster.yml, one at a time, keeping a quorum. One
  // that cannot go yet does not hold up the steps below (a replacement may be what it waits for).
  std::optional<Decision> held;
  for (const auto& m : observed.members) {
    if (!voter(m) || contains(desired, m.address)) {
      continue;
    }
    const size_t after = voters - 1;
    const size_t serving_after = serving_voters - (m.serving() ? 1 : 0);
    if (after == 0 || serving_after < quorum_of(after)) {
      held = held.value_or(
          Decision{Phase::waiting_for_health,
                   "not removing " + m.address + " yet: the " + std::to_string(serving_after) +
                       " voters that serve would not form a quorum of " + std::to_string(after),
                   std::nullopt});
      continue;
    }
    return {Phase::changing_membership,
            "removing " + m.address + ", no longer a control-plane node in cluster.yml",
            ops::RemoveMember{m.address, m.id.value_or(0)}};
  }

  // 7. Add missing control-plane members, as learners first.
  for (const auto& address : desired) {
    const auto* m = observed.member(address);
    if (m == nullptr || !listed(*m)) {
      return {Phase::changing_membership,
              "adding " + address + " as a learner (a control-plane node without a member)",
              ops::AddLearner{address}};
    }
  }

  // 8. Replace a member whose process is gone and whose data is lost.
  for (const auto& m : observed.members) {
    if (!listed(m) || !m.data_lost()) {
      continue;
    }
    const size_t after = voters - (m.is_learner ? 0 : 1);
    if (serving_voters < quorum_of(after)) {
      return {Phase::quorum_lost,
              "not replacing " + m.address + ": the " + std::to_string(serving_voters) +
                  " voters that serve would not form a quorum of " + std::to_string(after),
              std::nullopt};
    }
    return {Phase::replacing_member,
            "replacing " + m.address + ": its process is gone and its data is lost",
            ops::ReplaceMember{m.address, m.id.value_or(0)}};
  }

  if (held) {
    return *held;
  }
  if (!state.auth_enabled) {
    return {Phase::setting_up_auth, "creating users root and kube-apiserver, then enabling auth",
            ops::AuthSetup{}};
  }

  // 9. Restart members started with other parameters or running another etcd than their node
  // now has, one at a time, followers first, only while the voters that stay up still form a
  // quorum.
  const std::string parameters = cluster::member_parameters(config);
  const MemberObservation* outdated = nullptr;
  std::string outdated_because;
  for (const auto& m : observed.members) {
    std::string because = restart_reason(m, state.member_record(m.address), parameters);
    // A member whose node cannot be reached (runtime unknown) cannot be restarted now; the
    // others need not wait for it.
    if (listed(m) && m.serving() && m.runtime_known && !because.empty() &&
        (outdated == nullptr || outdated->is_leader)) {
      outdated = &m;
      outdated_because = std::move(because);
    }
  }
  if (outdated != nullptr) {
    // A one-member cluster has no quorum to keep: its restart is the only way to new parameters.
    const size_t staying = serving_voters - (outdated->is_learner ? 0 : 1);
    if (voters > 1 && staying < quorum_of(voters)) {
      return {Phase::restarting_members,
              "not restarting " + outdated->address + ": the " + std::to_string(staying) +
                  " voters left serving would not form a quorum of " + std::to_string(voters) +
                  "; add a member first",
              std::nullopt};
    }
    return {Phase::restarting_members,
            "restarting " + outdated->address +
                (outdated->is_leader ? " (the leader, last; leadership moves away first)" : "") +
                ": " + outdated_because,
            ops::RestartMember{outdated->address}};
  }

  // 10. Renew member certificates with less than a third of their lifetime left: as the member
  // serves them where it answers (a certificate replaced behind cke's back counts), else as cke
  // recorded issuing them.
  for (const auto& m : observed.members) {
    if (!listed(m) || !m.runtime_known) {
      continue;  // new files need the node's runtime
    }
    const auto* record = state.member_record(m.address);
    const auto served = m.first_expiring_certificate();
    const auto [not_before, not_after] =
        served ? std::pair{served->not_before, served->not_after}
        : record != nullptr
            ? std::pair{record->certificates_issued_at, record->certificates_expire_at}
            : std::pair<int64_t, int64_t>{0, 0};
    if (not_after == 0) {
      continue;
    }
    const int64_t lifetime = std::max<int64_t>(not_after - not_before, 0);
    if (observed.observed_at >= not_after - lifetime / 3) {
      return {Phase::renewing_certificates,
              "renewing the certificates of " + m.address +
                  ": less than a third of the lifetime of " +
                  (served ? "the certificate it serves" : "its certificates") + " is left",
              ops::RenewCertificates{m.address}};
    }
  }
  // 11. Defragment a member whose file is mostly free pages, followers first, the leader last.
  const int64_t min_free = ops::defragment_min_free_bytes();
  const MemberObservation* fragmented = nullptr;
  for (const auto& m : observed.members) {
    const int64_t free_bytes = m.db_size - m.db_size_in_use;
    if (listed(m) && m.serving() && m.db_size_in_use > 0 && free_bytes >= min_free &&
        static_cast<double>(free_bytes) >=
            ops::kDefragmentMinFreeRatio * static_cast<double>(m.db_size) &&
        (fragmented == nullptr || fragmented->is_leader)) {
      fragmented = &m;
    }
  }
  if (fragmented != nullptr) {
    return {Phase::defragmenting,
            "defragmenting " + fragmented->address + ": " +
                std::to_string((fragmented->db_size - fragmented->db_size_in_use) >> 20) +
                " MiB of its " + std::to_string(fragmented->db_size >> 20) + " MiB are free",
            ops::Defragment{fragmented->address}};
  }
  // 12. The Kubernetes backup method's client certificate: issued once the method is in use,
  // renewed with less than a third of its lifetime left.
  if (config::etcdbackup_wanted(config) && state.auth_enabled) {
    const int64_t not_after = state.backup_certificate_expires_at;
    const int64_t lifetime = std::max<int64_t>(not_after - state.backup_certificate_issued_at, 0);
    if (not_after == 0 || observed.observed_at >= not_after - lifetime / 3) {
      return {Phase::issuing_backup_certificate,
              not_after == 0 ? "issuing etcdbackup's client certificate (user backup)"
                             : "renewing etcdbackup's client certificate: less than a third of "
                               "its lifetime is left",
              ops::IssueBackupCertificate{}};
    }
  }
  return {Phase::healthy, std::to_string(voters) + " members healthy and in sync", std::nullopt};
}

}  // namespace cke::controller
