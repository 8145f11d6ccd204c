#include "core/controller/observation.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "core/controller/environment.hpp"
#include "core/controller/member_command.hpp"

namespace cke::controller {

const MemberObservation* ClusterObservation::member(const std::string& address) const {
  for (const auto& m : members) {
    if (m.address == address) {
      return &m;
    }
  }
  return nullptr;
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
  for (const auto& address : addresses) {
    MemberObservation m;
    m.address = address;
    try {
      m.runtime = env.node(address).inspect();
    } catch (const std::exception& e) {
      m.error = e.what();
    }
    out.members.push_back(std::move(m));
  }

  // Status from every running member: reachability, size, leader, its own id.
  std::optional<uint64_t> leader_id;
  std::string any_reachable;
  std::map<uint64_t, std::string> address_of_id;
  for (auto& m : out.members) {
    if (m.runtime.state != plugin::MemberState::running) {
      continue;
    }
    try {
      const auto status = env.etcd().client(client_endpoint(config, m.address))->status();
      m.reachable = true;
      m.db_size = status.dbsize();
      m.revision = status.header().revision();
      m.id = status.header().member_id();
      m.is_learner = status.islearner();
      address_of_id[*m.id] = m.address;
      out.cluster_id = status.header().cluster_id();
      if (status.leader() != 0) {
        leader_id = status.leader();
      }
      if (any_reachable.empty()) {
        any_reachable = m.address;
      }
    } catch (const std::exception& e) {
      m.error = e.what();
    }
  }
  if (any_reachable.empty()) {
    out.error = "no member answers";
    return out;
  }

  // The member list, as the cluster knows it.
  try {
    const auto list = env.etcd().client(client_endpoint(config, any_reachable))->member_list();
    for (const auto& listed : list.members()) {
      for (auto& m : out.members) {
        if (listed.name() == m.address || (m.id && *m.id == listed.id())) {
          m.in_member_list = true;
          m.id = listed.id();
          m.is_learner = listed.islearner();
          address_of_id[listed.id()] = m.address;
        }
      }
    }
  } catch (const std::exception& e) {
    out.error = e.what();
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
  for (auto& m : out.members) {
    if (!m.reachable) {
      continue;
    }
    try {
      const auto read = env.etcd()
                            .client(client_endpoint(config, m.address))
                            ->range("cke/health", "", true, true);
      m.revision = read.header().revision();
      m.in_sync = m.revision >= out.health_revision;
      if (!m.in_sync) {
        m.error = "behind: revision " + std::to_string(m.revision) + " < " +
                  std::to_string(out.health_revision);
      }
    } catch (const std::exception& e) {
      m.error = e.what();
    }
  }
  return out;
}

}  // namespace cke::controller
