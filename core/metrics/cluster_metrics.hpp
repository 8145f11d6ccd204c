// cke's metrics for Prometheus (`cke --metrics-listen`), gathered at each scrape from what cke
// already knows: the last observation of the members, the recorded state, the certificates and
// the publishers. Only what the state cannot give back is counted here: each finished operation
// of the history, once, by kind and result, with its duration.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "core/controller/controller.hpp"
#include "core/publish/publisher_worker.hpp"
#include "core/state/state.hpp"

namespace cke::metrics {

// What one scrape reads.
struct Inputs {
  controller::StatusSnapshot status;
  state::State state;
  uint64_t leader_changes = 0;  // the etcd leader changes this cke observed
  bool leading = true;          // this cke is the leader (always, with the file store)
  std::vector<publish::PublisherStatus> publishers;
  // Certificates by kind ("ca", "api", …) and name: their notAfter, unix seconds.
  std::map<std::pair<std::string, std::string>, int64_t> certificate_expiry;
};

// The operations of the history counted once each, when seen finished.
class OperationCounters {
 public:
  void add_finished(const std::vector<state::OperationRecord>& history);
  void render(std::vector<prometheus::MetricFamily>& out) const;
  // Backups (of any kind) that failed.
  [[nodiscard]] uint64_t backup_failures() const;

 private:
  struct Durations {
    uint64_t count = 0;
    double sum = 0;
    std::vector<uint64_t> buckets;  // per upper bound of kDurationBounds, not cumulative
  };
  std::set<int64_t> seen_;  // ids counted; those older than the history's oldest are dropped
  std::map<std::pair<std::string, std::string>, uint64_t> totals_;  // (operation, result)
  std::map<std::string, Durations> durations_;                      // by operation
};

// Every metric but the operation counters'.
std::vector<prometheus::MetricFamily> render(const Inputs& in, uint64_t backup_failures);

// Whether `history` names a backup operation (to a storage target, scheduled, or local).
bool is_backup_operation(const std::string& operation);

class ClusterMetrics final : public prometheus::Collectable {
 public:
  explicit ClusterMetrics(std::function<Inputs()> gather) : gather_(std::move(gather)) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<Inputs()> gather_;
  mutable std::mutex mutex_;  // scrapes may come at once
  mutable OperationCounters operations_;
};

}  // namespace cke::metrics
