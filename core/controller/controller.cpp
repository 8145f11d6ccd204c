#include "core/controller/controller.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/error.hpp"
#include "core/ops/run.hpp"
#include "core/publish/endpoint_set.hpp"

namespace cke::controller {
namespace {

// Passes come quickly while something is moving, slowly once the cluster is settled.
constexpr auto kBusyInterval = std::chrono::milliseconds(200);
constexpr auto kErrorBackoff = std::chrono::seconds(2);

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ",") + i;
  }
  return out;
}

// cke changes members one at a time, but a file that drops half or more of them at once is
// more often a mistake (a truncated node list) than a plan; shrinking on purpose takes --force.
void check_membership_step(const config::ClusterConfig& config,
                           const std::vector<std::string>& members, const std::string& source) {
  std::vector<std::string> wanted;
  for (const auto& node : config.control_plane()) {
    wanted.push_back(node.address);
  }
  std::vector<std::string> dropped;
  for (const auto& member : members) {
    if (std::find(wanted.begin(), wanted.end(), member) == wanted.end()) {
      dropped.push_back(member);
    }
  }
  if (dropped.empty() || dropped.size() * 2 < members.size()) {
    return;
  }
  throw Error(source + ": it removes " + std::to_string(dropped.size()) + " of the " +
                  std::to_string(members.size()) + " etcd members at once (" + joined(dropped) +
                  "), which risks the cluster's quorum; remove fewer than half at a time, or "
                  "give --force to shrink on purpose",
              CKE_FAILED_PRECONDITION);
}

}  // namespace

Controller::Controller(cluster::Environment& env, std::chrono::milliseconds interval,
                       publish::Publishing* publishing, ObjectSetSource object_sets,
                       const state::Leadership* leadership)
    : env_(env),
      interval_(interval),
      publishing_(publishing),
      object_sets_(std::move(object_sets)),
      leadership_(leadership != nullptr ? leadership : &sole_) {
  state_ = env_.store().load();
  if (leadership_->leading()) {
    led_term_ = leadership_->term();
    mark_interrupted(state_);
  }
}

void Controller::mark_interrupted(state::State& s) {
  bool changed = false;
  for (auto& record : s.history) {
    if (record.result == "running") {
      record.result = "interrupted";
      record.finished_at = format_utc(env_.clock().now());
      record.message =
          "cke stopped during the operation; it is decided again from what is observed";
      changed = true;
    }
  }
  if (changed) {
    env_.store().save(s);
  }
}

void Controller::require_leadership() {
  leadership_->require();
  const uint64_t term = leadership_->term();
  if (term == led_term_) {
    return;
  }
  // Another cke led since this one last read the state (or none of it was read as leader).
  state::State s = env_.store().load();
  mark_interrupted(s);
  adopt_state(s);
  led_term_ = term;
  spdlog::info("leading: read the state (operation {} next)", s.next_operation_id);
}

void Controller::follow() {
  led_term_ = 0;
  state::State s = env_.store().load();
  adopt_state(s);
  const std::string leader = leadership_->leader_address();
  const std::string following =
      "following the leader at " + (leader.empty() ? std::string("(none yet)") : leader);
  if (s.cluster_yaml.empty()) {
    const std::lock_guard data_lock(data_mutex_);
    status_ = {"no-cluster", following + "; no cluster.yml applied yet", std::nullopt, {}};
    return;
  }
  const auto config = config::parse_cluster_config(s.cluster_yaml, s.cluster_source).config;
  env_.describe_nodes(config.nodes);
  env_.describe_recorded(s.member_records);
  const auto observed = cluster::observe(env_, config, observed_addresses(config, s));
  const Decision decision = decide(config, s, observed);
  const std::lock_guard data_lock(data_mutex_);
  set_status(
      {ops::phase_name(decision.phase), following + "; " + decision.detail, config, observed});
}

void Controller::set_status(StatusSnapshot next) {
  if (const auto& leader = next.observed.leader) {
    if (last_leader_ && *last_leader_ != *leader) {
      ++leader_changes_;
    }
    last_leader_ = leader;
  }
  status_ = std::move(next);
}

uint64_t Controller::leader_changes() const {
  const std::lock_guard data_lock(data_mutex_);
  return leader_changes_;
}

state::State Controller::state() const {
  const std::lock_guard lock(data_mutex_);
  return state_;
}

StatusSnapshot Controller::status() const {
  const std::lock_guard lock(data_mutex_);
  return status_;
}

void Controller::adopt_state(const state::State& s) {
  const std::lock_guard lock(data_mutex_);
  state_ = s;
}

int64_t Controller::record_start(state::State& s, const std::string& name,
                                 const std::string& target) {
  state::OperationRecord record;
  record.id = s.next_operation_id++;
  record.operation = name;
  record.target = target;
  record.started_at = format_utc(env_.clock().now());
  record.result = "running";
  s.history.push_back(record);
  if (s.history.size() > state::kHistoryLimit) {
    s.history.erase(s.history.begin());
  }
  env_.store().save(s);
  adopt_state(s);
  return record.id;
}

void Controller::record_finish(state::State& s, int64_t id, const std::string& result,
                               const std::string& message) {
  for (auto& record : s.history) {
    if (record.id == id) {
      record.finished_at = format_utc(env_.clock().now());
      record.result = result;
      record.message = message;
    }
  }
  env_.store().save(s);
  adopt_state(s);
}

void Controller::run_exclusive(const std::string& name, const std::string& target,
                               const std::function<void(state::State&)>& body) {
  const std::lock_guard lock(operation_mutex_);
  require_leadership();
  state::State s = state();
  const int64_t id = record_start(s, name, target);
  try {
    body(s);  // saves what it changes through the store at its own checkpoints
  } catch (const std::exception& e) {
    record_finish(s, id, "error", e.what());
    throw;
  }
  record_finish(s, id, "ok", "");
}

void Controller::update_state(const std::function<void(state::State&)>& change) {
  const std::lock_guard lock(operation_mutex_);
  require_leadership();
  state::State s = state();
  change(s);
  env_.store().save(s);
  adopt_state(s);
}

void Controller::run_recorded(const std::string& name, const std::string& target,
                              const std::function<void()>& body) {
  int64_t id = 0;
  {
    const std::lock_guard lock(operation_mutex_);
    require_leadership();
    state::State s = state();
    id = record_start(s, name, target);
  }
  std::exception_ptr failure;
  std::string message;
  try {
    body();
  } catch (const std::exception& e) {
    failure = std::current_exception();
    message = e.what();
  }
  {
    const std::lock_guard lock(operation_mutex_);
    state::State s = state();
    record_finish(s, id, failure ? "error" : "ok", message);
  }
  if (failure) {
    std::rethrow_exception(failure);
  }
}

std::vector<std::string> Controller::set_cluster(const std::string& yaml, const std::string& source,
                                                 bool force) {
  auto parsed = config::parse_cluster_config(yaml, source);  // throws before anything changes
  const auto& backup = parsed.config.etcd_backup;
  if (config::kubernetes_backup_publisher(parsed.config) != nullptr) {
    if (backup.storage_plugin != "local" || !backup.storage_config.empty()) {
      parsed.warnings.push_back(source +
                                ": etcd_backup.storage: etcdbackup stores the backups in the "
                                "PersistentVolumeClaim " +
                                backup.pvc_name + "; storage is unused");
    }
  } else if (backup.enabled && !backup.pvc_name.empty()) {
    parsed.warnings.push_back(
        source +
        ": etcd_backup.pvc_name: no Kubernetes API is configured (a publisher with plugin "
        "kubernetes), so cke takes the scheduled backups itself into its " +
        backup.storage_plugin +
        " storage; pvc_name is used only by the objects ckecli etcd backup manifests prints");
  }
  if (env_.runtime_name() == "local" && !parsed.config.etcd.extra_binds.empty()) {
    parsed.warnings.push_back(source +
                              ": options.etcd.extra_binds: the local runtime runs etcd without "
                              "containers and ignores bind mounts");
  }
  {
    const std::lock_guard lock(operation_mutex_);
    require_leadership();
    state::State s = state();
    if (s.bootstrap_started && !force) {
      check_membership_step(parsed.config, s.members, source);
    }
    s.cluster_yaml = yaml;
    s.cluster_source = source;
    env_.store().save(s);
    adopt_state(s);
    // What reads the configuration between passes (a backup taken right after `cluster set`)
    // sees the new one at once, not after the next pass.
    const std::lock_guard data_lock(data_mutex_);
    status_.config = parsed.config;
  }
  wake();
  return parsed.warnings;
}

bool Controller::set_cluster_if_none(const std::string& yaml, const std::string& source,
                                     std::vector<std::string>& warnings) {
  if (!state().cluster_yaml.empty()) {
    return false;
  }
  warnings = set_cluster(yaml, source);
  return true;
}

void Controller::wake() {
  {
    const std::lock_guard lock(wake_mutex_);
    woken_ = true;
  }
  wake_cv_.notify_all();
}

bool Controller::pass() {
  const std::lock_guard lock(operation_mutex_);
  if (!leadership_->leading()) {
    follow();
    return false;
  }
  require_leadership();
  state::State s = state();
  if (s.cluster_yaml.empty()) {
    const std::lock_guard data_lock(data_mutex_);
    status_ = {
        "no-cluster", "no cluster.yml applied yet: ckecli cluster set FILE", std::nullopt, {}};
    return false;
  }
  config::ClusterConfig config;
  try {
    config = config::parse_cluster_config(s.cluster_yaml, s.cluster_source).config;
  } catch (const std::exception& e) {
    const std::lock_guard data_lock(data_mutex_);
    status_ = {"blocked", e.what(), std::nullopt, {}};
    return false;
  }
  env_.describe_nodes(config.nodes);
  env_.describe_recorded(s.member_records);
  const auto observed = cluster::observe(env_, config, observed_addresses(config, s));
  if (publishing_ != nullptr) {
    const auto* backup_publisher = config::kubernetes_backup_publisher(config);
    publishing_->offer(config.publishers, publish::endpoint_set(config, observed),
                       object_sets_ ? object_sets_(config) : plugin::ObjectSet{},
                       backup_publisher != nullptr ? backup_publisher->name : "");
  }
  const Decision decision = decide(config, s, observed);
  {
    const std::lock_guard data_lock(data_mutex_);
    if (status_.phase != ops::phase_name(decision.phase) || status_.detail != decision.detail) {
      spdlog::info("{}: {}", ops::phase_name(decision.phase), decision.detail);
    }
    set_status({ops::phase_name(decision.phase), decision.detail, config, observed});
  }
  if (!decision.operation) {
    return false;
  }
  const std::string name = ops::operation_name(*decision.operation);
  const std::string targets = joined(ops::operation_targets(*decision.operation));
  const int64_t id = record_start(s, name, targets);
  spdlog::info("operation {} {}: {}", name, targets, decision.detail);
  try {
    ops::Context context{env_, config, s, observed};
    ops::run(context, *decision.operation);
    record_finish(s, id, "ok", decision.detail);
  } catch (const std::exception& e) {
    spdlog::error("operation {} failed: {}", name, e.what());
    record_finish(s, id, "error", e.what());
    throw;
  }
  return true;
}

void Controller::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    std::chrono::milliseconds wait = interval_;
    try {
      if (pass()) {
        wait = std::chrono::milliseconds(0);
      } else if (status().phase != "healthy") {
        wait = std::min(kBusyInterval, interval_);
      }
    } catch (const std::exception&) {
      wait = kErrorBackoff;
    }
    std::unique_lock lock(wake_mutex_);
    wake_cv_.wait_for(lock, stop, wait, [this] { return woken_; });
    woken_ = false;
  }
}

}  // namespace cke::controller
