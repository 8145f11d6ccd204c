// The controller loop: observe the members, decide one operation, run it, record it, again.
// Also the single place the rest of cke (the API) goes through to change anything, so that only
// one operation runs at a time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/cluster/environment.hpp"
#include "core/cluster/observation.hpp"
#include "core/config/cluster_config.hpp"
#include "core/controller/decision.hpp"
#include "core/publish/publishing.hpp"
#include "core/state/leadership.hpp"
#include "core/state/state.hpp"

namespace cke::controller {

inline constexpr std::chrono::milliseconds kDefaultPassInterval{1000};

struct StatusSnapshot {
  std::string phase = "starting";
  std::string detail;
  std::optional<config::ClusterConfig> config;
  cluster::ClusterObservation observed;
};

// The objects of cluster.yml's object sets (the Kubernetes backup method's), for the publisher
// that keeps them; given by the layer above, which knows how to make them.
using ObjectSetSource = std::function<plugin::ObjectSet(const config::ClusterConfig&)>;

class Controller {
 public:
  // `interval`: the time between passes once the cluster is settled (passes come every 200 ms
  // while something is moving), so a failure is acted on within one interval.
  // `publishing`, when given, is offered the endpoint set of every pass, and `object_sets`'
  // objects for config::kubernetes_backup_publisher.
  // `leadership`, when given, gates every change: while this cke does not lead, passes only
  // observe (and read the state the leader saves), and changes throw state::NotLeaderError.
  explicit Controller(cluster::Environment& env,
                      std::chrono::milliseconds interval = kDefaultPassInterval,
                      publish::Publishing* publishing = nullptr,
                      ObjectSetSource object_sets = nullptr,
                      const state::Leadership* leadership = nullptr);

  // Runs passes until `stop` is requested.
  void run(const std::stop_token& stop);
  // One pass; returns true when it ran an operation. (run() calls this; tests may too.)
  bool pass();

  // Applies cluster.yml text (validated; a refused file changes nothing). Returns the warnings.
  // A file that removes half or more of the members at once, or all of them, is refused unless
  // `force`.
  std::vector<std::string> set_cluster(const std::string& yaml, const std::string& source,
                                       bool force = false);
  // Applies `yaml` only when no cluster is applied yet; returns false (and changes nothing) if one
  // is.
  bool set_cluster_if_none(const std::string& yaml, const std::string& source,
                           std::vector<std::string>& warnings);

  [[nodiscard]] state::State state() const;
  [[nodiscard]] StatusSnapshot status() const;
  // How often the etcd leader changed between this cke's passes since it started.
  [[nodiscard]] uint64_t leader_changes() const;

  // Runs `body` as a recorded operation (history: name, target, result), exclusively with the
  // controller's own operations. Exceptions propagate after being recorded.
  // `body` may change the state it is given (and save it at its checkpoints).
  void run_exclusive(const std::string& name, const std::string& target,
                     const std::function<void(state::State&)>& body);
  // Records `body` in the history like run_exclusive, but lets the controller work meanwhile
  // (backups: long, and they change nothing the controller decides from).
  void run_recorded(const std::string& name, const std::string& target,
                    const std::function<void()>& body);

  void wake();
  [[nodiscard]] const publish::Publishing* publishing() const { return publishing_; }
  [[nodiscard]] const state::Leadership& leadership() const { return *leadership_; }

  // Changes the recorded state outside an operation (bookkeeping such as the backup schedule),
  // serialised with operations and saved durably before it returns.
  void update_state(const std::function<void(state::State&)>& change);

 private:
  int64_t record_start(state::State& s, const std::string& name, const std::string& target);
  void record_finish(state::State& s, int64_t id, const std::string& result,
                     const std::string& message);
  // Makes `s` the state that state() returns (it is saved already).
  void adopt_state(const state::State& s);
  // Before any change (operation_mutex_ held): throws NotLeaderError unless this cke leads, and
  // reads the state afresh when it has become leader since it last did.
  void require_leadership();
  // Operations recorded as running were cut short (cke stopped, or the leader was lost); they
  // are decided again from what is observed. Saves when it changed anything.
  void mark_interrupted(state::State& s);
  // A follower's pass: the leader's state, and the observation for status and reads.
  void follow();
  // Makes `next` the status (data_mutex_ held), counting a change of the etcd leader.
  void set_status(StatusSnapshot next);

  cluster::Environment& env_;
  std::chrono::milliseconds interval_;
  publish::Publishing* publishing_;
  ObjectSetSource object_sets_;
  state::SoleLeadership sole_;
  const state::Leadership* leadership_;
  uint64_t led_term_ = 0;       // the leadership term state_ was read in; 0: read as a follower
  std::mutex operation_mutex_;  // one operation at a time (loop passes and API changes)
  mutable std::mutex data_mutex_;
  state::State state_;
  StatusSnapshot status_;
  std::optional<std::string> last_leader_;  // the etcd leader of the last pass that saw one
  uint64_t leader_changes_ = 0;
  std::mutex wake_mutex_;
  std::condition_variable_any wake_cv_;
  bool woken_ = false;
};

}  // namespace cke::controller
