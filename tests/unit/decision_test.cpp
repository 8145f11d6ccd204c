// The controller's decisions from state and observation alone.
#include "core/controller/decision.hpp"

#include <gtest/gtest.h>

namespace {

using cke::controller::ClusterObservation;
using cke::controller::decide;
using cke::controller::MemberObservation;
using cke::controller::OperationKind;
using cke::plugin::MemberState;

const std::vector<std::string> kMembers = {"127.0.9.1", "127.0.9.2", "127.0.9.3"};

ClusterObservation observed(std::vector<MemberState> states, bool healthy) {
  ClusterObservation o;
  for (size_t i = 0; i < states.size(); ++i) {
    MemberObservation m;
    m.address = kMembers[i];
    m.runtime.state = states[i];
    m.in_member_list = m.reachable = m.in_sync = healthy && states[i] == MemberState::running;
    o.members.push_back(m);
  }
  o.quorum_write_ok = healthy;
  return o;
}

cke::state::State bootstrapped(bool auth) {
  cke::state::State s;
  s.bootstrap_started = s.bootstrapped = true;
  s.members = kMembers;
  s.auth_enabled = auth;
  return s;
}

const cke::config::ClusterConfig kConfig;
constexpr auto R = MemberState::running;
constexpr auto S = MemberState::stopped;
constexpr auto A = MemberState::absent;

TEST(Decision, FreshDataDirectoryWithNoMemberDataBootstraps) {
  const auto d = decide(kConfig, {}, observed({A, A, A}, false));
  EXPECT_EQ(d.operation, OperationKind::bootstrap);
  EXPECT_EQ(d.targets, kMembers);
}

TEST(Decision, ForeignMemberDataWithoutARecordedBootstrapBlocks) {
  const auto d = decide(kConfig, {}, observed({A, S, A}, false));
  EXPECT_FALSE(d.operation);
  EXPECT_EQ(d.phase, "blocked");
}

TEST(Decision, AnInterruptedBootstrapIsResumedNeverRepeated) {
  cke::state::State s;
  s.bootstrap_started = true;
  s.members = kMembers;
  const auto d = decide(kConfig, s, observed({R, A, A}, false));
  EXPECT_EQ(d.operation, OperationKind::resume_bootstrap);
  EXPECT_EQ(d.targets, (std::vector<std::string>{"127.0.9.2", "127.0.9.3"}));
  EXPECT_EQ(decide(kConfig, s, observed({R, R, R}, true)).operation,
            OperationKind::complete_bootstrap);
  EXPECT_FALSE(decide(kConfig, s, observed({R, R, R}, false)).operation);
}

TEST(Decision, AfterBootstrapLostDataMeansRestoreNotANewCluster) {
  const auto all_gone = decide(kConfig, bootstrapped(true), observed({A, A, A}, false));
  EXPECT_EQ(all_gone.phase, "needs-restore");
  EXPECT_FALSE(all_gone.operation);
  EXPECT_EQ(decide(kConfig, bootstrapped(true), observed({A, A, R}, false)).phase, "needs-restore");
  const auto one_gone = decide(kConfig, bootstrapped(true), observed({A, R, R}, false));
  EXPECT_EQ(one_gone.phase, "degraded");
  EXPECT_FALSE(one_gone.operation);
}

TEST(Decision, StoppedMembersWithDataAreStartedOneAtATime) {
  const auto d = decide(kConfig, bootstrapped(true), observed({R, S, S}, false));
  EXPECT_EQ(d.operation, OperationKind::start_member);
  EXPECT_EQ(d.targets, (std::vector<std::string>{"127.0.9.2"}));
}

TEST(Decision, AuthIsSetUpOnceHealthyThenNothingToDo) {
  EXPECT_EQ(decide(kConfig, bootstrapped(false), observed({R, R, R}, true)).operation,
            OperationKind::auth_setup);
  EXPECT_FALSE(decide(kConfig, bootstrapped(false), observed({R, R, R}, false)).operation);
  const auto d = decide(kConfig, bootstrapped(true), observed({R, R, R}, true));
  EXPECT_FALSE(d.operation);
  EXPECT_EQ(d.phase, "healthy");
}

}  // namespace
