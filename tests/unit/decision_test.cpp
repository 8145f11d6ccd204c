// The controller's decisions as a table: each row is (cluster.yml's control-plane nodes, the
// recorded state, what was observed) → (operation, targets, phase). A failing row prints its
// name, which reads as the rule it checks.
#include "core/controller/decision.hpp"

#include <gtest/gtest.h>

#include <cctype>
#include <optional>

#include "core/cluster/member_command.hpp"

namespace {

using cke::cluster::ClusterObservation;
using cke::cluster::MemberObservation;
using cke::controller::decide;
using cke::ops::Phase;
using cke::plugin::MemberState;

// How etcd and the runtime see one member.
enum class Role {
  none,      // not in etcd's member list
  voter,     // a started voter
  learner,   // a started learner
  unstarted  // a learner added but never started (listed without a name)
};

struct Member {
  std::string address;
  std::optional<MemberState> runtime;  // nullopt: the runtime could not inspect the node
  Role role = Role::voter;
  bool serving = true;  // answers and is in sync with the health write
  std::vector<std::string> alarms = {};
  int64_t db_size = 0;
  int64_t db_size_in_use = 0;
  std::string version = "";                                // the etcd it reports running
  std::string installed = "";                              // the etcd its node would start now
  std::optional<std::pair<int64_t, int64_t>> served = {};  // the served certificates' dates
};

Member on_etcd(Member m, const std::string& version, const std::string& installed) {
  m.version = version;
  m.installed = installed;
  return m;
}

Member serving_certificate(Member m, int64_t not_before, int64_t not_after) {
  m.served = {not_before, not_after};
  return m;
}

struct Observed {
  std::vector<Member> members;
  bool quorum = true;      // the health write succeeded
  bool list_known = true;  // a member answered MemberList
  std::string leader;
  int64_t now = 1'000'000;  // unix seconds
};

struct Row {
  std::string name;
  std::vector<std::string> control_plane;
  cke::state::State state;
  Observed observed;
  std::string operation;  // "" for none
  std::vector<std::string> targets;
  Phase phase;
};

constexpr auto R = MemberState::running;
constexpr auto S = MemberState::stopped;
constexpr auto A = MemberState::absent;
constexpr std::nullopt_t unknown = std::nullopt;

const std::string n1 = "127.0.9.1", n2 = "127.0.9.2", n3 = "127.0.9.3", n4 = "127.0.9.4",
                  n5 = "127.0.9.5";

cke::config::ClusterConfig config_with(const std::vector<std::string>& control_plane) {
  cke::config::ClusterConfig config;
  config.name = "test";
  for (const auto& address : control_plane) {
    config.nodes.push_back({address, "", "", true});
  }
  return config;
}

ClusterObservation observation(const Observed& o) {
  ClusterObservation out;
  uint64_t id = 100;
  for (const auto& m : o.members) {
    MemberObservation seen;
    seen.address = m.address;
    seen.runtime_known = m.runtime.has_value();
    seen.runtime.state = m.runtime.value_or(MemberState::absent);
    seen.in_member_list = m.role != Role::none;
    seen.started = m.role == Role::voter || m.role == Role::learner;
    seen.is_learner = m.role == Role::learner || m.role == Role::unstarted;
    if (seen.in_member_list) {
      seen.id = ++id;
    }
    const bool runs = seen.runtime_known && seen.runtime.state == R;
    seen.reachable = runs;
    seen.in_sync = runs && m.serving && o.quorum;
    seen.alarms = m.alarms;
    seen.db_size = m.db_size;
    seen.db_size_in_use = m.db_size_in_use;
    seen.is_leader = m.address == o.leader;
    seen.version = m.version;
    seen.desired_version = m.installed;
    if (m.served) {
      seen.server_certificate = {"01", m.served->first, m.served->second};
      seen.peer_certificate = seen.server_certificate;
    }
    out.members.push_back(seen);
  }
  out.quorum_write_ok = o.quorum;
  out.observed_at = o.now;
  out.member_list_known = o.list_known;
  if (!o.leader.empty()) {
    out.leader = o.leader;
  }
  return out;
}

cke::state::State fresh() { return {}; }

cke::state::State bootstrap_started(std::vector<std::string> members) {
  cke::state::State s;
  s.bootstrap_started = true;
  s.members = std::move(members);
  return s;
}

// Every node started with the parameters cluster.yml gives, its certificates fresh (issued at
// 900'000, expiring at 1'900'000, observed at 1'000'000).
cke::state::State bootstrapped(std::vector<std::string> members, bool auth = true) {
  auto s = bootstrap_started(std::move(members));
  s.bootstrapped = true;
  s.auth_enabled = auth;
  for (const auto& address : {n1, n2, n3, n4, n5}) {
    s.member_records.push_back(
        {address, cke::cluster::member_parameters(config_with({})), "", 900'000, 1'900'000, "", ""});
  }
  return s;
}

cke::state::State started_with_other_parameters(const std::vector<std::string>& outdated) {
  auto s = bootstrapped({n1, n2, n3});
  for (const auto& address : outdated) {
    s.member_record_for(address).parameters = "old";
  }
  return s;
}

cke::state::State started_on_etcd(const std::string& version) {
  auto s = bootstrapped({n1, n2, n3});
  for (auto& record : s.member_records) {
    record.etcd_version = version;
  }
  return s;
}

cke::state::State certificates_of(const std::string& address, int64_t issued, int64_t expires) {
  auto s = bootstrapped({n1, n2, n3});
  auto& record = s.member_record_for(address);
  record.certificates_issued_at = issued;
  record.certificates_expire_at = expires;
  return s;
}

cke::state::State restoring(const char* phase) {
  auto s = bootstrapped({n1, n2, n3});
  s.restore_phase = phase;
  s.restore_source = "backup-1";
  return s;
}

Member voter(const std::string& address, std::optional<MemberState> runtime = R,
             bool serving = true) {
  return {address, runtime, Role::voter, serving};
}

std::vector<Row> rows() {
  const std::vector<std::string> three = {n1, n2, n3};
  const std::vector<std::string> five = {n1, n2, n3, n4, n5};
  const Observed healthy_three = {{voter(n1), voter(n2), voter(n3)}, true, true, n1};
  const Observed nothing_runs = {
      {{n1, A, Role::none, false}, {n2, A, Role::none, false}, {n3, A, Role::none, false}},
      false,
      false,
      ""};
  // A table reads best one row to a few lines.
  // clang-format off
  return {
      // Bootstrap.
      {"a fresh data directory with no member data bootstraps every control-plane node", three,
       fresh(), nothing_runs, "bootstrap", three, Phase::bootstrapping},
      {"member data without a recorded bootstrap blocks instead of bootstrapping over it", three,
       fresh(),
       {{{n1, A, Role::none, false}, {n2, S, Role::none, false}, {n3, A, Role::none, false}},
        false, false, ""},
       "", {}, Phase::blocked},
      {"a node the runtime cannot inspect is not taken for an empty one before a bootstrap", three,
       fresh(),
       {{{n1, A, Role::none, false}, {n2, unknown, Role::none, false}, {n3, A, Role::none, false}},
        false, false, ""},
       "", {}, Phase::blocked},
      {"an interrupted bootstrap is resumed on the members not running, never repeated", three,
       bootstrap_started(three),
       {{voter(n1, R, false), {n2, A, Role::none, false}, {n3, A, Role::none, false}},
        false, false, ""},
       "resume-bootstrap", {n2, n3}, Phase::bootstrapping},
      {"a bootstrap whose members all serve is recorded as complete", three,
       bootstrap_started(three), healthy_three, "complete-bootstrap", {}, Phase::bootstrapping},
      {"a bootstrap whose members run but have no quorum yet waits", three,
       bootstrap_started(three),
       {{voter(n1, R, false), voter(n2, R, false), voter(n3, R, false)}, false, false, ""},
       "", {}, Phase::bootstrapping},

      // Restore.
      {"an interrupted restore is finished before anything else", three, restoring("swapping"),
       nothing_runs, "resume-restore", {}, Phase::restoring},
      {"a restore interrupted while staging is resumed (rolled back) before anything else", three,
       restoring("staging"), healthy_three, "resume-restore", {}, Phase::restoring},

      // Quorum lost: nothing destructive.
      {"every member's data lost means a restore, never a new cluster", three,
       bootstrapped(three), nothing_runs, "", {}, Phase::needs_restore},
      {"two of three members' data lost means a restore, and nothing is removed", three,
       bootstrapped(three),
       {{voter(n1, A, false), voter(n2, A, false), voter(n3, R, false)}, false, false, ""},
       "", {}, Phase::needs_restore},
      {"two of three processes gone with intact data are started again, never removed", three,
       bootstrapped(three),
       {{voter(n1, S, false), voter(n2, S, false), voter(n3, R, false)}, false, false, ""},
       "start-member", {n1}, Phase::starting_members},
      {"two of three nodes the runtime cannot inspect mean quorum lost, and nothing is done",
       three, bootstrapped(three),
       {{voter(n1, unknown, false), voter(n2, unknown, false), voter(n3, R, false)},
        false, false, ""},
       "", {}, Phase::quorum_lost},
      {"members that run but have not elected a leader yet are waited for", three,
       bootstrapped(three),
       {{voter(n1, R, false), voter(n2, R, false), voter(n3, R, false)}, false, true, ""},
       "", {}, Phase::waiting_for_health},

      // Half-done membership changes.
      {"a learner added but never started is started", {n1, n2, n3, n4},
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, A, Role::unstarted, false}}, true, true, n1},
       "add-learner", {n4}, Phase::changing_membership},
      {"a learner that is starting is waited for, not added twice", {n1, n2, n3, n4},
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, R, Role::unstarted, false}}, true, true, n1},
       "", {}, Phase::changing_membership},
      {"a learner added for a node no longer in cluster.yml is removed, not started", three,
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, A, Role::unstarted, false}}, true, true, n1},
       "remove-member", {n4}, Phase::changing_membership},
      {"a learner that caught up is promoted", {n1, n2, n3, n4}, bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, R, Role::learner, true}}, true, true, n1},
       "promote", {n4}, Phase::changing_membership},
      {"a learner still catching up is waited for", {n1, n2, n3, n4},
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, R, Role::learner, false}}, true, true, n1},
       "", {}, Phase::changing_membership},
      {"a started learner of a node dropped from cluster.yml is removed", three,
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, R, Role::learner, true}}, true, true, n1},
       "remove-member", {n4}, Phase::changing_membership},
      {"a process left running after its member was removed is stopped and its data dropped",
       three, bootstrapped(three),
       {{voter(n1), voter(n2), voter(n3), {n4, R, Role::none, false}}, true, true, n1},
       "drop-removed-member", {n4}, Phase::changing_membership},
      {"a node whose member was removed is forgotten even when nothing is left on it", three,
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2), voter(n3), {n4, A, Role::none, false}}, true, true, n1},
       "drop-removed-member", {n4}, Phase::changing_membership},

      // Starting and waiting.
      {"a crashed member with intact data is started again under its ID, never replaced", three,
       bootstrapped(three), {{voter(n1), voter(n2, S, false), voter(n3)}, true, true, n1},
       "start-member", {n2}, Phase::starting_members},
      {"a member that runs but is not in sync holds every membership change", five,
       bootstrapped(three), {{voter(n1), voter(n2, R, false), voter(n3)}, true, true, n1},
       "", {}, Phase::waiting_for_health},
      {"a member the runtime cannot inspect is waited for, never replaced", three,
       bootstrapped(three), {{voter(n1), voter(n2, unknown, false), voter(n3)}, true, true, n1},
       "", {}, Phase::waiting_for_health},

      // Following cluster.yml.
      {"a control-plane node without a member is added as a learner", {n1, n2, n3, n4},
       bootstrapped(three), healthy_three, "add-learner", {n4}, Phase::changing_membership},
      {"control-plane nodes are added one at a time, in cluster.yml's order", five,
       bootstrapped(three), healthy_three, "add-learner", {n4}, Phase::changing_membership},
      {"a member of a node dropped from cluster.yml is removed, one at a time", three,
       bootstrapped(five),
       {{voter(n1), voter(n2), voter(n3), voter(n4), voter(n5)}, true, true, n1},
       "remove-member", {n4}, Phase::changing_membership},
      {"a member of a node no longer control plane is removed even while it leads", {n1, n2},
       bootstrapped(three), {{voter(n1), voter(n2), voter(n3)}, true, true, n3},
       "remove-member", {n3}, Phase::changing_membership},
      {"a removal that would leave too few serving voters waits; a replacement goes first",
       {n1, n2}, bootstrapped(three),
       {{voter(n1), voter(n2, A, false), voter(n3)}, true, true, n1},
       "replace-member", {n2}, Phase::replacing_member},
      {"the last member is not removed: the node that takes over is added first", {n4}, bootstrapped({n1}),
       {{voter(n1)}, true, true, n1}, "add-learner", {n4}, Phase::changing_membership},

      // Replacement.
      {"a member whose process is gone and data lost is replaced", three, bootstrapped(three),
       {{voter(n1), voter(n2, A, false), voter(n3)}, true, true, n1},
       "replace-member", {n2}, Phase::replacing_member},

      // Parameters and certificates.
      {"members started with other parameters are restarted, followers before the leader", three,
       started_with_other_parameters({n1, n2, n3}), healthy_three, "restart-member", {n2},
       Phase::restarting_members},
      {"the leader is restarted last", three, started_with_other_parameters({n1}), healthy_three,
       "restart-member", {n1}, Phase::restarting_members},
      {"a member an older cke started (no record) is restarted once", three,
       [&] {
         auto s = bootstrapped(three);
         s.member_records.erase(s.member_records.begin() + 2);  // n3
         return s;
       }(),
       healthy_three, "restart-member", {n3}, Phase::restarting_members},
      {"a one-member cluster is restarted: it has no quorum to keep", {n1},
       [] {
         auto s = bootstrapped({n1});
         s.member_record_for(n1).parameters = "old";
         return s;
       }(),
       {{voter(n1)}, true, true, n1}, "restart-member", {n1}, Phase::restarting_members},
      {"a two-member cluster is not restarted: one member alone is no quorum of two", {n1, n2},
       [] {
         auto s = bootstrapped({n1, n2});
         s.member_record_for(n2).parameters = "old";
         return s;
       }(),
       {{voter(n1), voter(n2)}, true, true, n1}, "", {}, Phase::restarting_members},
      {"a learner that caught up is not promoted while a voter does not serve", {n1, n2, n3, n4},
       bootstrapped({n1, n2, n3, n4}),
       {{voter(n1), voter(n2, R, false), voter(n3, R, false), {n4, R, Role::learner, true}},
        true, true, n1},
       "", {}, Phase::waiting_for_health},
      {"no restart while a member is out of sync", three, started_with_other_parameters({n3}),
       {{voter(n1), voter(n2, R, false), voter(n3)}, true, true, n1},
       "", {}, Phase::waiting_for_health},
      {"certificates with less than a third of their lifetime left are renewed", three,
       certificates_of(n2, 0, 1'400'000), healthy_three, "renew-certificates", {n2},
       Phase::renewing_certificates},
      {"certificates with more than a third of their lifetime left are kept", three,
       certificates_of(n2, 0, 1'600'000), healthy_three, "", {}, Phase::healthy},
      {"a served certificate near its end is renewed although cke's record says it is fresh", three,
       bootstrapped(three),
       {{voter(n1), voter(n2), serving_certificate(voter(n3), 0, 1'100'000)}, true, true, n1},
       "renew-certificates", {n3}, Phase::renewing_certificates},
      {"a served certificate with most of its lifetime left is kept whatever cke recorded", three,
       certificates_of(n2, 0, 1'400'000),
       {{voter(n1), serving_certificate(voter(n2), 900'000, 1'900'000), voter(n3)}, true, true, n1},
       "", {}, Phase::healthy},

      // The etcd binary.
      {"members running another etcd than their node now has are restarted, followers first",
       three, started_on_etcd("3.4.23"),
       {{on_etcd(voter(n1), "3.4.23", "3.4.24"), on_etcd(voter(n2), "3.4.23", "3.4.24"),
         on_etcd(voter(n3), "3.4.23", "3.4.24")}, true, true, n1},
       "restart-member", {n2}, Phase::restarting_members},
      {"a member restarted onto its node's etcd is not restarted again if it reports otherwise",
       three, started_on_etcd("3.4.24"),
       {{on_etcd(voter(n1), "3.4.23", "3.4.24"), on_etcd(voter(n2), "3.4.23", "3.4.24"),
         on_etcd(voter(n3), "3.4.23", "3.4.24")}, true, true, n1},
       "", {}, Phase::healthy},
      {"a member is not restarted for a version its runtime cannot tell", three,
       started_on_etcd("3.4.23"),
       {{on_etcd(voter(n1), "3.4.23", ""), on_etcd(voter(n2), "3.4.23", ""),
         on_etcd(voter(n3), "3.4.23", "")}, true, true, n1},
       "", {}, Phase::healthy},
      {"members running the etcd their node has are left alone", three, started_on_etcd(""),
       {{on_etcd(voter(n1), "3.4.23", "3.4.23"), on_etcd(voter(n2), "3.4.23", "3.4.23"),
         on_etcd(voter(n3), "3.4.23", "3.4.23")}, true, true, n1},
       "", {}, Phase::healthy},

      // Space.
      {"a NOSPACE alarm is recovered from, although it makes the health write fail", three,
       bootstrapped(three),
       {{{n1, R, Role::voter, false, {"NOSPACE"}}, voter(n2, R, false), voter(n3, R, false)},
        false, true, n1},
       "recover-space", {}, Phase::recovering_space},
      {"a NOSPACE alarm with too few members answering is not acted on", three,
       bootstrapped(three),
       {{{n1, R, Role::voter, false, {"NOSPACE"}}, voter(n2, S, false), voter(n3, A, false)},
        false, true, n1},
       "start-member", {n2}, Phase::starting_members},
      {"a member whose file is mostly free pages is defragmented, followers first", three,
       bootstrapped(three),
       {{{n1, R, Role::voter, true, {}, 400 << 20, 100 << 20},
         {n2, R, Role::voter, true, {}, 400 << 20, 100 << 20}, voter(n3)},
        true, true, n1},
       "defragment", {n2}, Phase::defragmenting},
      {"the leader is defragmented last", three, bootstrapped(three),
       {{{n1, R, Role::voter, true, {}, 400 << 20, 100 << 20}, voter(n2), voter(n3)},
        true, true, n1},
       "defragment", {n1}, Phase::defragmenting},
      {"less than 100 MiB free is not worth a defragmentation", three, bootstrapped(three),
       {{{n1, R, Role::voter, true, {}, 150 << 20, 60 << 20}, voter(n2), voter(n3)},
        true, true, n1},
       "", {}, Phase::healthy},
      {"less than 45 % free is not worth a defragmentation", three, bootstrapped(three),
       {{{n1, R, Role::voter, true, {}, 1000 << 20, 600 << 20}, voter(n2), voter(n3)},
        true, true, n1},
       "", {}, Phase::healthy},

      // Auth and rest.
      {"auth is set up once the cluster is healthy", three, bootstrapped(three, false),
       healthy_three, "auth-setup", {}, Phase::setting_up_auth},
      {"auth is not set up while a member is out of sync", three, bootstrapped(three, false),
       {{voter(n1), voter(n2), voter(n3, R, false)}, true, true, n1},
       "", {}, Phase::waiting_for_health},
      {"a healthy cluster that follows cluster.yml has nothing to do", three,
       bootstrapped(three), healthy_three, "", {}, Phase::healthy},
  };
  // clang-format on
}

// gtest names a row by its sentence instead of dumping its bytes.
void PrintTo(const Row& row, std::ostream* out) { *out << row.name; }

class DecisionTable : public testing::TestWithParam<Row> {};

TEST_P(DecisionTable, Decides) {
  const Row& row = GetParam();
  const auto decision =
      decide(config_with(row.control_plane), row.state, observation(row.observed));
  const std::string operation =
      decision.operation ? cke::ops::operation_name(*decision.operation) : "";
  EXPECT_EQ(operation, row.operation) << row.name << "\n  (" << decision.detail << ")";
  if (decision.operation) {
    EXPECT_EQ(cke::ops::operation_targets(*decision.operation), row.targets) << row.name;
  }
  EXPECT_STREQ(cke::ops::phase_name(decision.phase), cke::ops::phase_name(row.phase))
      << row.name << "\n  (" << decision.detail << ")";
}

std::string row_test_name(const testing::TestParamInfo<Row>& info) {
  std::string out;
  for (const char c : info.param.name) {
    out += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Rows, DecisionTable, testing::ValuesIn(rows()), row_test_name);

TEST(DecisionTable, QuorumLossNamesTheMembersThatDoNotRun) {
  const auto d = decide(
      config_with({n1, n2, n3}), bootstrapped({n1, n2, n3}),
      observation({{voter(n1, unknown, false), voter(n2, unknown, false), voter(n3, R, false)},
                   false,
                   false,
                   ""}));
  EXPECT_NE(d.detail.find(n1), std::string::npos) << d.detail;
  EXPECT_NE(d.detail.find(n2), std::string::npos) << d.detail;
}

TEST(DecisionTable, ObservedAddressesAddControlPlaneNodesOnlyOnceBootstrapped) {
  const auto config = config_with({n1, n2, n4});
  EXPECT_EQ(cke::controller::observed_addresses(config, fresh()),
            (std::vector<std::string>{n1, n2, n4}));
  EXPECT_EQ(cke::controller::observed_addresses(config, bootstrap_started({n1, n2, n3})),
            (std::vector<std::string>{n1, n2, n3}));
  EXPECT_EQ(cke::controller::observed_addresses(config, bootstrapped({n1, n2, n3})),
            (std::vector<std::string>{n1, n2, n3, n4}));
}

}  // namespace

// The Kubernetes backup method: etcdbackup's certificate (user backup) is issued once the cluster
// is healthy with auth enabled, renewed with less than a third of its lifetime left, and never
// when etcd_backup names no PVC.
namespace etcdbackup_certificate {

cke::config::ClusterConfig with_pvc(const std::string& pvc_name, bool enabled = true) {
  auto config = config_with({n1, n2, n3});
  config.etcd_backup.enabled = enabled;
  config.etcd_backup.schedule = "0 * * * *";
  config.etcd_backup.pvc_name = pvc_name;
  return config;
}

cke::state::State with_certificate(int64_t issued, int64_t expires) {
  auto s = bootstrapped({n1, n2, n3});
  s.backup_certificate_issued_at = issued;
  s.backup_certificate_expires_at = expires;
  return s;
}

std::string decided(const cke::config::ClusterConfig& config, const cke::state::State& state) {
  const auto d =
      decide(config, state, observation({{voter(n1), voter(n2), voter(n3)}, true, true, n1}));
  return d.operation ? cke::ops::operation_name(*d.operation) : cke::ops::phase_name(d.phase);
}

TEST(EtcdbackupCertificate, IssuedOnceHealthyWithAuth) {
  EXPECT_EQ(decided(with_pvc("etcdbackup-pvc"), bootstrapped({n1, n2, n3})), "backup-certificate");
  EXPECT_EQ(decided(with_pvc("etcdbackup-pvc"), bootstrapped({n1, n2, n3}, false)), "auth-setup");
}

TEST(EtcdbackupCertificate, RenewedWithLessThanAThirdLeft) {
  EXPECT_EQ(decided(with_pvc("etcdbackup-pvc"), with_certificate(0, 1'400'000)),
            "backup-certificate");
  EXPECT_EQ(decided(with_pvc("etcdbackup-pvc"), with_certificate(0, 1'600'000)), "healthy");
}

TEST(EtcdbackupCertificate, NoneWithoutAPvcOrWhenDisabled) {
  EXPECT_EQ(decided(with_pvc(""), bootstrapped({n1, n2, n3})), "healthy");
  EXPECT_EQ(decided(with_pvc("etcdbackup-pvc", false), bootstrapped({n1, n2, n3})), "healthy");
}

}  // namespace etcdbackup_certificate

// A member that serves while its node's runtime cannot be asked (the ssh runtime with the node's
// sshd down): it is neither restarted nor given new certificates, and the others do not wait.
TEST(DecisionTable, AServingMemberWhoseNodeCannotBeReachedIsSkipped) {
  auto observed = observation({{voter(n1), voter(n2), voter(n3)}, true, true, n1});
  observed.members[1].runtime_known = false;
  const auto config = config_with({n1, n2, n3});
  auto d = decide(config, started_with_other_parameters({n2, n3}), observed);
  ASSERT_TRUE(d.operation) << d.detail;
  EXPECT_EQ(cke::ops::operation_name(*d.operation), "restart-member");
  EXPECT_EQ(cke::ops::operation_targets(*d.operation), std::vector<std::string>{n3});
  d = decide(config, started_with_other_parameters({n2}), observed);
  EXPECT_FALSE(d.operation) << d.detail;
  auto near_expiry = bootstrapped({n1, n2, n3});
  near_expiry.member_record_for(n2).certificates_expire_at = 1'000'001;
  d = decide(config, near_expiry, observed);
  EXPECT_FALSE(d.operation) << d.detail;
}
