#include "core/metrics/cluster_metrics.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "core/common/clock.hpp"

namespace cke::metrics {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

// Operations take from well under a second (a user) to many minutes (a restore, a rolling
// restart of a large cluster).
constexpr std::array<double, 8> kDurationBounds{0.5, 1, 5, 15, 60, 300, 900, 3600};

MetricFamily family(const std::string& name, const std::string& help, MetricType type) {
  return {name, help, type, {}};
}

void add_gauge(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  f.metric.push_back(std::move(m));
}

void add_counter(MetricFamily& f, std::vector<ClientMetric::Label> labels, double value) {
  ClientMetric m;
  m.label = std::move(labels);
  m.counter.value = value;
  f.metric.push_back(std::move(m));
}

MetricFamily single_gauge(const std::string& name, const std::string& help, double value) {
  auto f = family(name, help, MetricType::Gauge);
  add_gauge(f, {}, value);
  return f;
}

}  // namespace

bool is_backup_operation(const std::string& operation) {
  return operation == "backup" || operation == "scheduled-backup" || operation == "local-backup";
}

void OperationCounters::add_finished(const std::vector<state::OperationRecord>& history) {
  if (history.empty()) {
    return;
  }
  // The history is capped: ids it no longer holds will not come back.
  seen_.erase(seen_.begin(), seen_.lower_bound(history.front().id));
  for (const auto& op : history) {
    if (op.result == "running" || op.finished_at.empty() || seen_.contains(op.id)) {
      continue;
    }
    seen_.insert(op.id);
    ++totals_[{op.operation, op.result}];
    const auto started = parse_utc(op.started_at);
    const auto finished = parse_utc(op.finished_at);
    if (!started || !finished || *finished < *started) {
      continue;
    }
    const auto seconds = static_cast<double>(*finished - *started);
    auto& d = durations_[op.operation];
    d.buckets.resize(kDurationBounds.size());
    ++d.count;
    d.sum += seconds;
    const auto bound = std::lower_bound(kDurationBounds.begin(), kDurationBounds.end(), seconds);
    if (bound != kDurationBounds.end()) {
      ++d.buckets[static_cast<size_t>(bound - kDurationBounds.begin())];
    }
  }
}

uint64_t OperationCounters::backup_failures() const {
  uint64_t failures = 0;
  for (const auto& [key, count] : totals_) {
    if (is_backup_operation(key.first) && key.second == "error") {
      failures += count;
    }
  }
  return failures;
}

void OperationCounters::render(std::vector<MetricFamily>& out) const {
  auto totals = family("cke_operations_total",
                       "Operations cke finished, by operation and result (ok, error, interrupted).",
                       MetricType::Counter);
  for (const auto& [key, count] : totals_) {
    add_counter(totals, {{"operation", key.first}, {"result", key.second}},
                static_cast<double>(count));
  }
  out.push_back(std::move(totals));
  auto durations = family("cke_operation_duration_seconds",
                          "How long finished operations took, by operation (whole seconds).",
                          MetricType::Histogram);
  for (const auto& [operation, d] : durations_) {
    ClientMetric m;
    m.label = {{"operation", operation}};
    m.histogram.sample_count = d.count;
    m.histogram.sample_sum = d.sum;
    uint64_t cumulative = 0;
    for (size_t i = 0; i < kDurationBounds.size(); ++i) {
      cumulative += d.buckets[i];
      m.histogram.bucket.push_back({cumulative, kDurationBounds[i]});
    }
    m.histogram.bucket.push_back({d.count, std::numeric_limits<double>::infinity()});
    durations.metric.push_back(std::move(m));
  }
  out.push_back(std::move(durations));
}

std::vector<MetricFamily> render(const Inputs& in, uint64_t backup_failures) {
  std::vector<MetricFamily> out;
  const auto& observed = in.status.observed;
  out.push_back(single_gauge("cke_leader", "1 when this cke leads (runs operations), else 0.",
                             in.leading ? 1 : 0));
  out.push_back(single_gauge("cke_cluster_healthy",
                             "1 when every member runs, answers, is in sync and a quorum write "
                             "worked in the last pass, else 0.",
                             observed.healthy() ? 1 : 0));

  auto up = family("cke_member_up", "1 when the member's process runs (the runtime says so).",
                   MetricType::Gauge);
  auto healthy = family("cke_member_healthy",
                        "1 when the member serves: it answers and is in sync (and runs, where "
                        "the runtime can tell).",
                        MetricType::Gauge);
  auto in_sync =
      family("cke_member_in_sync", "1 when the member's revision is within reach of the leader's.",
             MetricType::Gauge);
  auto learner = family("cke_member_learner", "1 when the member is a learner (not voting).",
                        MetricType::Gauge);
  auto leader =
      family("cke_member_leader", "1 for the member etcd elected leader.", MetricType::Gauge);
  auto db_size =
      family("cke_member_db_size_bytes", "The member's database file size.", MetricType::Gauge);
  auto db_in_use = family("cke_member_db_size_in_use_bytes",
                          "The part of the member's database file in use (the rest is freed "
                          "space that defragmentation returns).",
                          MetricType::Gauge);
  for (const auto& m : observed.members) {
    const std::vector<ClientMetric::Label> labels{{"member", m.address}};
    const bool running = m.runtime_known && m.runtime.state == plugin::MemberState::running;
    add_gauge(up, labels, running ? 1 : 0);
    add_gauge(healthy, labels, m.serving() ? 1 : 0);
    add_gauge(in_sync, labels, m.in_sync ? 1 : 0);
    add_gauge(learner, labels, m.is_learner ? 1 : 0);
    add_gauge(leader, labels, m.is_leader ? 1 : 0);
    if (m.reachable) {
      add_gauge(db_size, labels, static_cast<double>(m.db_size));
      add_gauge(db_in_use, labels, static_cast<double>(m.db_size_in_use));
    }
  }
  auto alarms =
      family("cke_member_alarm", "1 for each alarm etcd raised for the member (NOSPACE, CORRUPT).",
             MetricType::Gauge);
  for (const auto& m : observed.members) {
    for (const auto& alarm : m.alarms) {
      add_gauge(alarms, {{"member", m.address}, {"alarm", alarm}}, 1);
    }
  }
  for (auto* f : {&up, &healthy, &in_sync, &learner, &leader, &db_size, &db_in_use, &alarms}) {
    out.push_back(std::move(*f));
  }
  out.push_back(single_gauge("cke_members", "The members cke observed in the last pass.",
                             static_cast<double>(observed.members.size())));

  auto changes =
      family("cke_etcd_leader_changes_total",
             "Changes of the etcd leader this cke observed since it started.", MetricType::Counter);
  add_counter(changes, {}, static_cast<double>(in.leader_changes));
  out.push_back(std::move(changes));

  // Backups: the last success from the history (the state keeps only the last attempt).
  const state::OperationRecord* last_success = nullptr;
  for (const auto& op : in.state.history) {
    if (is_backup_operation(op.operation) && op.result == "ok") {
      last_success = &op;
    }
  }
  auto success_time =
      family("cke_backup_last_success_timestamp_seconds",
             "When the last successful backup finished (unix seconds).", MetricType::Gauge);
  auto success_duration = family("cke_backup_last_success_duration_seconds",
                                 "How long the last successful backup took.", MetricType::Gauge);
  if (last_success != nullptr) {
    const auto started = parse_utc(last_success->started_at);
    const auto finished = parse_utc(last_success->finished_at);
    if (finished) {
      add_gauge(success_time, {}, static_cast<double>(*finished));
      if (started) {
        add_gauge(success_duration, {}, static_cast<double>(*finished - *started));
      }
    }
  }
  out.push_back(std::move(success_time));
  out.push_back(std::move(success_duration));
  auto size =
      family("cke_backup_last_size_bytes",
             "The stored size of the last scheduled backup, when it succeeded.", MetricType::Gauge);
  if (in.state.last_backup_result == "ok") {
    add_gauge(size, {}, static_cast<double>(in.state.last_backup_size));
  }
  out.push_back(std::move(size));
  auto failures =
      family("cke_backup_failures_total",
             "Backups that failed (each counted once, from the history).", MetricType::Counter);
  add_counter(failures, {}, static_cast<double>(backup_failures));
  out.push_back(std::move(failures));

  auto expiry = family("cke_certificate_expiry_timestamp_seconds",
                       "When a certificate expires (notAfter, unix seconds), by kind (member, "
                       "ca, api, backup) and name.",
                       MetricType::Gauge);
  for (const auto& record : in.state.member_records) {
    if (record.certificates_expire_at > 0) {
      add_gauge(expiry, {{"kind", "member"}, {"name", record.address}},
                static_cast<double>(record.certificates_expire_at));
    }
  }
  if (in.state.backup_certificate_expires_at > 0) {
    add_gauge(expiry, {{"kind", "backup"}, {"name", "backup"}},
              static_cast<double>(in.state.backup_certificate_expires_at));
  }
  for (const auto& [key, not_after] : in.certificate_expiry) {
    add_gauge(expiry, {{"kind", key.first}, {"name", key.second}}, static_cast<double>(not_after));
  }
  out.push_back(std::move(expiry));

  auto publisher_up = family("cke_publisher_up",
                             "1 when the publisher's last attempt succeeded, 0 while it fails "
                             "or has not published yet.",
                             MetricType::Gauge);
  auto publisher_failures = family("cke_publisher_failures",
                                   "The publisher's failed attempts in a row.", MetricType::Gauge);
  for (const auto& p : in.publishers) {
    const std::vector<ClientMetric::Label> labels{{"publisher", p.name}, {"plugin", p.plugin}};
    add_gauge(publisher_up, labels, p.state == "published" ? 1 : 0);
    add_gauge(publisher_failures, labels, p.failures);
  }
  out.push_back(std::move(publisher_up));
  out.push_back(std::move(publisher_failures));
  return out;
}

std::vector<MetricFamily> ClusterMetrics::Collect() const {
  const Inputs in = gather_();
  const std::lock_guard lock(mutex_);
  operations_.add_finished(in.state.history);
  auto out = render(in, operations_.backup_failures());
  operations_.render(out);
  return out;
}

}  // namespace cke::metrics
