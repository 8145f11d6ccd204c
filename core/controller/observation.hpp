// What the controller sees of the members on each pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/cluster_config.hpp"
#include "core/plugin/runtime.hpp"

namespace cke::controller {

class Environment;

struct MemberObservation {
  std::string address;
  plugin::MemberStatus runtime;  // process and data, from the node runtime
  std::optional<uint64_t> id;    // from the member list
  bool in_member_list = false;
  bool is_learner = false;
  bool reachable = false;  // answered Status
  bool in_sync = false;    // a read served by it alone saw the health write's revision
  bool is_leader = false;
  int64_t db_size = 0;
  int64_t revision = 0;
  std::string error;  // why it is not reachable or not in sync
};

struct ClusterObservation {
  std::vector<MemberObservation> members;
  bool quorum_write_ok = false;  // a lease grant (a quorum write) succeeded
  int64_t health_revision = 0;
  std::optional<uint64_t> cluster_id;
  std::optional<std::string> leader;  // the leader's address
  std::string error;                  // why the quorum write failed

  [[nodiscard]] const MemberObservation* member(const std::string& address) const;
  [[nodiscard]] bool all_running() const;
  // Every member running, listed, answering, in sync, and a quorum write worked.
  [[nodiscard]] bool healthy() const;
};

// Inspects every member address through the runtime and, where members run, asks etcd.
ClusterObservation observe(Environment& env, const config::ClusterConfig& config,
                           const std::vector<std::string>& addresses);

}  // namespace cke::controller
