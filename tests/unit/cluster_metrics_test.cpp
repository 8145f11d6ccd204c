// The metrics cke serves for Prometheus, rendered from inputs made here: what each family says of
// the members, backups and certificates, and operations counted once each however often the
// history is read.
#include "core/metrics/cluster_metrics.hpp"

#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include <sstream>

#include "core/common/clock.hpp"

namespace cke::metrics {
namespace {

state::OperationRecord op(int64_t id, const std::string& name, const std::string& result,
                          const std::string& started, const std::string& finished) {
  return {id, name, "", started, finished, result, ""};
}

std::string text(const std::vector<prometheus::MetricFamily>& families) {
  return prometheus::TextSerializer().Serialize(families);
}

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    if (l == line) {
      return true;
    }
  }
  return false;
}

cluster::MemberObservation member(const std::string& address, bool leader, bool learner) {
  cluster::MemberObservation m;
  m.address = address;
  m.runtime_known = true;
  m.runtime.state = plugin::MemberState::running;
  m.reachable = true;
  m.in_sync = !learner;
  m.is_leader = leader;
  m.is_learner = learner;
  m.db_size = 4096;
  m.db_size_in_use = 2048;
  return m;
}

TEST(ClusterMetrics, MembersAsObserved) {
  Inputs in;
  in.status.observed.members = {member("10.0.0.1", true, false), member("10.0.0.2", false, true)};
  in.status.observed.members[1].alarms = {"NOSPACE"};
  in.leader_changes = 2;
  const std::string out = text(render(in, 0));
  EXPECT_TRUE(has_line(out, R"(cke_member_leader{member="10.0.0.1"} 1)")) << out;
  EXPECT_TRUE(has_line(out, R"(cke_member_leader{member="10.0.0.2"} 0)")) << out;
  EXPECT_TRUE(has_line(out, R"(cke_member_learner{member="10.0.0.2"} 1)")) << out;
  EXPECT_TRUE(has_line(out, R"(cke_member_healthy{member="10.0.0.2"} 0)")) << out;  // not in sync
  EXPECT_TRUE(has_line(out, R"(cke_member_db_size_bytes{member="10.0.0.1"} 4096)")) << out;
  EXPECT_TRUE(has_line(out, R"(cke_member_alarm{member="10.0.0.2",alarm="NOSPACE"} 1)")) << out;
  EXPECT_TRUE(has_line(out, "cke_etcd_leader_changes_total 2")) << out;
  EXPECT_TRUE(has_line(out, "cke_cluster_healthy 0")) << out;
}

TEST(ClusterMetrics, BackupsAndCertificates) {
  Inputs in;
  in.state.history = {
      op(1, "scheduled-backup", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:07Z"),
      op(2, "scheduled-backup", "error", "2026-01-02T00:00:00Z", "2026-01-02T00:00:01Z")};
  in.state.last_backup_result = "error";
  in.state.last_backup_size = 999;
  in.state.member_records.push_back({"10.0.0.1", "", "", 0, 1800000000, "", ""});
  in.certificate_expiry[{"ca", "server"}] = 2000000000;
  const std::string out = text(render(in, 1));
  // The last success, not the last attempt; no size while the last one failed.
  EXPECT_TRUE(has_line(out, "cke_backup_last_success_timestamp_seconds 1767225607")) << out;
  EXPECT_TRUE(has_line(out, "cke_backup_last_success_duration_seconds 7")) << out;
  EXPECT_EQ(out.find("cke_backup_last_size_bytes 999"), std::string::npos) << out;
  EXPECT_TRUE(has_line(out, "cke_backup_failures_total 1")) << out;
  EXPECT_TRUE(has_line(
      out, R"(cke_certificate_expiry_timestamp_seconds{kind="member",name="10.0.0.1"} 1800000000)"))
      << out;
  EXPECT_TRUE(has_line(
      out, R"(cke_certificate_expiry_timestamp_seconds{kind="ca",name="server"} 2000000000)"))
      << out;
}

TEST(OperationCounters, EachFinishedOperationOnce) {
  OperationCounters counters;
  std::vector<state::OperationRecord> history{
      op(1, "bootstrap", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z"),
      op(2, "backup", "running", "2026-01-01T00:01:00Z", "")};
  counters.add_finished(history);
  counters.add_finished(history);  // a second scrape of the same history
  history[1] = op(2, "backup", "error", "2026-01-01T00:01:00Z", "2026-01-01T00:03:00Z");
  counters.add_finished(history);
  std::vector<prometheus::MetricFamily> families;
  counters.render(families);
  const std::string out = text(families);
  EXPECT_TRUE(has_line(out, R"(cke_operations_total{operation="bootstrap",result="ok"} 1)")) << out;
  EXPECT_TRUE(has_line(out, R"(cke_operations_total{operation="backup",result="error"} 1)")) << out;
  EXPECT_EQ(out.find("result=\"running\""), std::string::npos) << out;
  EXPECT_TRUE(
      has_line(out, R"(cke_operation_duration_seconds_bucket{operation="backup",le="60"} 0)"))
      << out;
  EXPECT_TRUE(
      has_line(out, R"(cke_operation_duration_seconds_bucket{operation="backup",le="300"} 1)"))
      << out;
  EXPECT_TRUE(has_line(out, R"(cke_operation_duration_seconds_sum{operation="backup"} 120)"))
      << out;
  EXPECT_EQ(counters.backup_failures(), 1U);
}

TEST(OperationCounters, HistoryCappedAwayIsNotCountedAgain) {
  OperationCounters counters;
  counters.add_finished({op(1, "user-add", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                         op(2, "user-add", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")});
  // The oldest fell out of the capped history; the other is still there, then a new one.
  counters.add_finished({op(2, "user-add", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                         op(3, "user-add", "ok", "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")});
  std::vector<prometheus::MetricFamily> families;
  counters.render(families);
  EXPECT_TRUE(
      has_line(text(families), R"(cke_operations_total{operation="user-add",result="ok"} 3)"));
}

TEST(ParseUtc, ReadsWhatFormatUtcWrites) {
  const auto now = std::chrono::system_clock::from_time_t(1767225607);
  EXPECT_EQ(parse_utc(format_utc(now)), 1767225607);
  EXPECT_EQ(parse_utc("2026-01-01T00:00:07"), std::nullopt);
  EXPECT_EQ(parse_utc("2026-01-01T00:00:07Zjunk"), std::nullopt);
  EXPECT_EQ(parse_utc(""), std::nullopt);
}

}  // namespace
}  // namespace cke::metrics
