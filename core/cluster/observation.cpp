#include "core/cluster/observation.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "core/cluster/environment.hpp"
#include "core/cluster/member_command.hpp"
#include "core/cluster/served_certificate.hpp"

namespace cke::cluster {

const MemberObservation* ClusterObservation::member(const std::string& address) const {
  for (const auto& m : members) {
    if (m.address == address) {
      return &m;
    }
  }
  return nullptr;
}

namespace {

// etcd's AlarmType (the project's copy of the proto carries it as an int32).
std::string alarm_name(int32_t alarm) {
  switch (alarm) {
    case 1: return "NOSPACE";
    case 2: return "CORRUPT";
    default: return "ALARM-" + std::to_string(alarm);
  }
}

// Per-member questions have this long: a member that hangs (stopped, overloaded, a host gone)
// costs a pass at most this, whatever the number of members, since they are asked in parallel.
constexpr std::chrono::milliseconds kObserveDeadline{2000};

// Runs body(0) … body(count - 1) on threads of their own and waits for all.
template <class Body>
void in_parallel(size_t count, const Body& body) {
  std::vector<std::jthread> threads;
  threads.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    threads.emplace_back([&body, i] { body(i); });
  }
}

}  // namespace

bool MemberObservation::serving() const {
  // A member whose runtime cannot be asked (its node's SSH is down) may still serve: etcd says.
  return (runtime.state == plugin::MemberState::running || !runtime_known) && reachable && in_sync;
}

bool MemberObservation::data_lost() const {
  return runtime_known && runtime.state == plugin::MemberState::absent;
}

std::optional<pki::CertificateInfo> MemberObservation::first_expiring_certificate() const {
  if (server_certificate && peer_certificate) {
    return server_certificate->not_after <= peer_certificate->not_after ? server_certificate
                                                                        : peer_certificate;
  }
  return server_certificate ? server_certificate : peer_certificate;
}

std::string address_of_url(const std::string& url) {
  const auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  if (rest.starts_with("[")) {
    const auto close = rest.find(']');
    return close == std::string::npos ? "" : rest.substr(1, close - 1);
  }
  return rest.substr(0, rest.find_first_of(":/"));
}

bool ClusterObservation::all_running() const {
  return std::all_of(members.begin(), members.end(),
                     [](const auto& m) { return m.runtime.state == plugin::MemberState::running; });
}

bool ClusterObservation::healthy() const {
  return quorum_write_ok && !members.empty() &&
         std::all_of(members.begin(), members.end(), [](const auto& m) {
           return m.runtime.state == plugin::MemberState::running && m.in_member_list &&
                  m.reachable && m.in_sync;
         });
}

ClusterObservation observe(Environment& env, const config::ClusterConfig& config,
                           const std::vector<std::string>& addresses) {
  ClusterObservation out;
  out.observed_at = env.clock().unix_seconds();
  const auto inspect = [&](MemberObservation& m) {
    try {
      auto& node = env.node(m.address);
      m.runtime = node.inspect();
      m.runtime_known = true;
      std::string why;
      m.desired_version = node.etcd_version(&why);
      if (!why.empty()) {
        spdlog::debug("cannot tell the etcd version on {}: {}", m.address, why);
      }
    } catch (const std::exception& e) {
      m.error = e.what();
    }
  };
  // The runtime's answers, node by node in parallel too (the runtime ABI allows calls for
  // different nodes at once): a remote node's connection or deadline costs a pass once, not
  // once per node.
  out.members.resize(addresses.size());
  in_parallel(addresses.size(), [&](size_t i) {
    out.members[i].address = addresses[i];
    inspect(out.members[i]);
  });

  // Status from every running member, all at once: reachability, size, leader, its own id.
  std::optional<uint64_t> leader_id;
  std::string any_reachable;
  std::map<uint64_t, std::string> address_of_id;
  const auto ask_status = [&](MemberObservation& m,
                              std::optional<etcdserverpb::StatusResponse> answer) {
    if (!answer) {
      return;
    }
    const auto& status = *answer;
    {
      m.reachable = true;
      m.db_size = status.dbsize();
      m.db_size_in_use = status.dbsizeinuse();
      m.revision = status.header().revision();
      m.id = status.header().member_id();
      m.is_learner = status.islearner();
      m.version = status.version();
      address_of_id[*m.id] = m.address;
      out.cluster_id = status.header().cluster_id();
      if (status.leader() != 0) {
        leader_id = status.leader();
      }
      if (any_reachable.empty()) {
        any_reachable = m.address;
      }
    }
  };
  const auto status_of = [&](MemberObservation& m) -> std::optional<etcdserverpb::StatusResponse> {
    if (m.runtime_known && m.runtime.state != plugin::MemberState::running) {
      return std::nullopt;
    }
    const auto deadline = std::chrono::steady_clock::now() + kObserveDeadline;
    std::optional<etcdserverpb::StatusResponse> status;
    try {
      status = env.etcd().client(client_endpoint(config, m.address))->status(kObserveDeadline);
    } catch (const std::exception& e) {
      m.error = e.what();
    }
    const auto identities = env.etcd().probe_identities();
    std::string why;
    m.server_certificate = served_certificate(m.address, config.etcd.client_port,
                                              identities.client_port, deadline, why);
    m.peer_certificate =
        served_certificate(m.address, config.etcd.peer_port, identities.peer_port, deadline, why);
    return status;
  };
  {
    std::vector<std::optional<etcdserverpb::StatusResponse>> answers(out.members.size());
    in_parallel(out.members.size(), [&](size_t i) { answers[i] = status_of(out.members[i]); });
    for (size_t i = 0; i < out.members.size(); ++i) {
      ask_status(out.members[i], std::move(answers[i]));
    }
  }
  if (any_reachable.empty()) {
    out.error = "no member answers";
    return out;
  }

  // The member list, as the cluster knows it. A member added but never started has no name
  // yet: it is matched by its peer URL.
  // Asked of the leader where it answers: a member that was removed may still believe it belongs.
  const std::string list_source =
      leader_id && address_of_id.contains(*leader_id) ? address_of_id[*leader_id] : any_reachable;
  try {
    const auto list = env.etcd().client(client_endpoint(config, list_source))->member_list();
    out.member_list_known = true;
    for (const auto& listed : list.members()) {
      const std::string url = listed.peerurls().empty() ? "" : listed.peerurls(0);
      const auto same = [&](const MemberObservation& m) {
        return listed.name() == m.address || (m.id && *m.id == listed.id()) ||
               url == peer_url(config, m.address);
      };
      auto found = std::find_if(out.members.begin(), out.members.end(), same);
      if (found == out.members.end()) {
        const std::string address = listed.name().empty() ? address_of_url(url) : listed.name();
        if (address.empty()) {
          continue;
        }
        MemberObservation extra;
        extra.address = address;
        inspect(extra);
        ask_status(extra, status_of(extra));
        out.members.push_back(std::move(extra));
        found = std::prev(out.members.end());
      }
      found->in_member_list = true;
      found->started = !listed.name().empty();
      found->id = listed.id();
      found->is_learner = listed.islearner();
      address_of_id[listed.id()] = found->address;
    }
  } catch (const std::exception& e) {
    out.error = e.what();
  }
  try {
    const auto alarms = env.etcd().client(client_endpoint(config, any_reachable))->alarms();
    for (const auto& alarm : alarms.alarms()) {
      if (const auto it = address_of_id.find(alarm.memberid()); it != address_of_id.end()) {
        for (auto& m : out.members) {
          if (m.address == it->second) {
            m.alarms.push_back(alarm_name(alarm.alarm()));
          }
        }
      }
    }
  } catch (const std::exception& e) {
    spdlog::debug("could not list alarms: {}", e.what());
  }
  if (leader_id && address_of_id.contains(*leader_id)) {
    out.leader = address_of_id[*leader_id];
    for (auto& m : out.members) {
      m.is_leader = m.address == *out.leader;
    }
  }

  // Health: a quorum write, then each member alone must serve a read at least that new.
  try {
    auto client = env.etcd().client(client_endpoint(config, any_reachable));
    const auto lease = client->lease_grant(10);
    out.quorum_write_ok = true;
    out.health_revision = lease.header().revision();
    try {
      client->lease_revoke(lease.id());
    } catch (const std::exception&) {
      // It expires by itself in 10 s.
    }
  } catch (const std::exception& e) {
    out.error = e.what();
    return out;
  }
  in_parallel(out.members.size(), [&](size_t i) {
    auto& m = out.members[i];
    if (!m.reachable) {
      return;
    }
    try {
      const auto read = env.etcd()
                            .client(client_endpoint(config, m.address))
                            ->range("cke/health", "", true, true, kObserveDeadline);
      m.revision = read.header().revision();
      m.in_sync = m.revision >= out.health_revision;
      if (!m.in_sync) {
        m.error = "behind: revision " + std::to_string(m.revision) + " < " +
                  std::to_string(out.health_revision);
      }
    } catch (const std::exception& e) {
      m.error = e.what();
    }
  });
  return out;
}

}  // namespace cke::cluster
