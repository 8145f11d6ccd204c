// What the controller sees of the members on each pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/config/cluster_config.hpp"
#include "core/pki/revocation.hpp"
#include "core/plugin/runtime.hpp"

namespace cke::cluster {

class Environment;

struct MemberObservation {
  std::string address;
  plugin::MemberStatus runtime;  // process and data, from the node runtime
  bool runtime_known = false;    // the runtime answered; otherwise `runtime` means nothing
  std::optional<uint64_t> id;    // from the member list
  bool in_member_list = false;
  bool started = false;  // listed with a name: its etcd has run (a learner never started has none)
  bool is_learner = false;
  bool reachable = false;  // answered Status
  bool in_sync = false;    // a read served by it alone saw the health write's revision
  bool is_leader = false;
  int64_t db_size = 0;
  int64_t db_size_in_use = 0;  // the rest is free pages a defragmentation gives back
  int64_t revision = 0;
  std::vector<std::string> alarms;  // raised for this member: "NOSPACE", "CORRUPT"
  std::string version;              // the etcd it runs, from Status ("3.4.23"); "": unknown
  std::string desired_version;      // of the etcd the runtime would start now; "": unknown
  // As the member serves them (a TLS handshake); nullopt when its port did not answer.
  std::optional<pki::CertificateInfo> server_certificate;  // on the client port
  std::optional<pki::CertificateInfo> peer_certificate;    // on the peer port
  std::string error;                                       // why it is not reachable or not in sync

  // Running, answering and in sync with the health write.
  [[nodiscard]] bool serving() const;
  // The runtime says the node has neither a process nor data (not merely that it cannot tell).
  [[nodiscard]] bool data_lost() const;
  // Of the certificates it serves, the one that expires first; nullopt when none was seen.
  [[nodiscard]] std::optional<pki::CertificateInfo> first_expiring_certificate() const;
};

struct ClusterObservation {
  std::vector<MemberObservation> members;
  bool quorum_write_ok = false;  // a lease grant (a quorum write) succeeded
  int64_t health_revision = 0;
  std::optional<uint64_t> cluster_id;
  std::optional<std::string> leader;  // the leader's address
  bool member_list_known = false;     // a member answered MemberList
  int64_t observed_at = 0;            // unix seconds, when the pass began
  std::string error;                  // why the quorum write failed

  [[nodiscard]] const MemberObservation* member(const std::string& address) const;
  [[nodiscard]] bool all_running() const;
  // Every member running, listed, answering, in sync, and a quorum write worked.
  [[nodiscard]] bool healthy() const;
};

// The address a peer URL names ("https://[::1]:2380" → "::1"); "" when it names none.
std::string address_of_url(const std::string& url);

// Inspects every member address through the runtime and, where members run, asks etcd. Members
// etcd lists that `addresses` lacks are observed too (an added learner, a node dropped from
// cluster.yml).
ClusterObservation observe(Environment& env, const config::ClusterConfig& config,
                           const std::vector<std::string>& addresses);

}  // namespace cke::cluster
