#include "core/controller/decision.hpp"

namespace cke::controller {
namespace {

std::vector<std::string> with_state(const ClusterObservation& observed, plugin::MemberState state) {
  std::vector<std::string> out;
  for (const auto& m : observed.members) {
    if (m.runtime.state == state) {
      out.push_back(m.address);
    }
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    out += (out.empty() ? "" : ", ") + i;
  }
  return out;
}

}  // namespace

const char* operation_name(OperationKind kind) {
  switch (kind) {
    case OperationKind::bootstrap: return "bootstrap";
    case OperationKind::resume_bootstrap: return "resume-bootstrap";
    case OperationKind::complete_bootstrap: return "complete-bootstrap";
    case OperationKind::start_member: return "start-member";
    case OperationKind::auth_setup: return "auth-setup";
    case OperationKind::resume_restore: return "resume-restore";
  }
  return "unknown";
}

std::vector<std::string> member_addresses(const config::ClusterConfig& config,
                                          const state::State& state) {
  if (state.bootstrap_started) {
    return state.members;
  }
  std::vector<std::string> out;
  for (const auto& node : config.control_plane()) {
    out.push_back(node.address);
  }
  return out;
}

Decision decide(const config::ClusterConfig& /*config*/, const state::State& state,
                const ClusterObservation& observed) {
  const auto absent = with_state(observed, plugin::MemberState::absent);
  const auto stopped = with_state(observed, plugin::MemberState::stopped);
  const size_t total = observed.members.size();

  if (!state.restore_phase.empty()) {
    return {"restoring",
            "resuming the restore from " + state.restore_source,
            OperationKind::resume_restore,
            {}};
  }
  if (!state.bootstrap_started) {
    if (absent.size() == total) {
      return {"bootstrapping", "starting " + std::to_string(total) + " members",
              OperationKind::bootstrap, absent};
    }
    std::vector<std::string> with_data;
    for (const auto& m : observed.members) {
      if (m.runtime.state != plugin::MemberState::absent) {
        with_data.push_back(m.address);
      }
    }
    return {"blocked",
            "member data exists on " + joined(with_data) +
                " but this data directory records no bootstrap; move that data away or use the "
                "data directory that created it",
            std::nullopt,
            {}};
  }

  if (!state.bootstrapped) {
    std::vector<std::string> not_running = absent;
    not_running.insert(not_running.end(), stopped.begin(), stopped.end());
    if (!not_running.empty()) {
      return {"bootstrapping", "starting " + joined(not_running), OperationKind::resume_bootstrap,
              not_running};
    }
    if (observed.healthy()) {
      return {"bootstrapping", "all members healthy", OperationKind::complete_bootstrap, {}};
    }
    return {"bootstrapping",
            "waiting for the members to become healthy" +
                (observed.error.empty() ? "" : ": " + observed.error),
            std::nullopt,
            {}};
  }

  // Bootstrapped: never a new cluster. Lost data is for a restore (or, later, a replacement).
  if (!absent.empty()) {
    const size_t quorum = total / 2 + 1;
    if (total - absent.size() < quorum) {
      return {"needs-restore",
              "the data of " + joined(absent) +
                  " is gone and the rest cannot form a quorum: restore from a backup "
                  "(ckecli etcd restore FILE)",
              std::nullopt,
              {}};
    }
    if (!stopped.empty()) {
      return {"degraded",
              "starting " + stopped.front(),
              OperationKind::start_member,
              {stopped.front()}};
    }
    return {"degraded",
            "the data of " + joined(absent) +
                " is gone; the other members serve (replacing members is not supported yet)",
            std::nullopt,
            {}};
  }
  if (!stopped.empty()) {
    return {"starting-members",
            "starting " + stopped.front(),
            OperationKind::start_member,
            {stopped.front()}};
  }
  if (!observed.healthy()) {
    std::string why = observed.error;
    for (const auto& m : observed.members) {
      if (!m.error.empty()) {
        why += (why.empty() ? "" : "; ") + m.address + ": " + m.error;
      }
    }
    return {"waiting-for-health",
            why.empty() ? "waiting for the members to become healthy" : why,
            std::nullopt,
            {}};
  }
  if (!state.auth_enabled) {
    return {"setting-up-auth",
            "creating users root and kube-apiserver, then enabling auth",
            OperationKind::auth_setup,
            {}};
  }
  return {"healthy", std::to_string(total) + " members healthy and in sync", std::nullopt, {}};
}

}  // namespace cke::controller
