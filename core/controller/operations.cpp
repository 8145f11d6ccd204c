#include "core/controller/operations.hpp"

#include <algorithm>
#include <cstdio>
#include <random>

#include "core/common/error.hpp"
#include "core/controller/member_command.hpp"
#include "core/controller/member_launch.hpp"
#include "core/users/prefix_user.hpp"

namespace cke::controller {
namespace {

std::string random_token(const std::string& cluster_name) {
  std::random_device random;
  char suffix[17];
  std::snprintf(suffix, sizeof suffix, "%08x%08x", random(), random());
  return cluster_name + "-" + suffix;
}

// The endpoint of a member that answers, the leader first.
std::string healthy_endpoint(const config::ClusterConfig& config,
                             const ClusterObservation& observed) {
  if (observed.leader) {
    return client_endpoint(config, *observed.leader);
  }
  for (const auto& m : observed.members) {
    if (m.reachable) {
      return client_endpoint(config, m.address);
    }
  }
  throw Error("no member answers", CKE_UNAVAILABLE);
}

}  // namespace

void bootstrap(Environment& env, const config::ClusterConfig& config, state::State& state,
               const std::vector<std::string>& members) {
  // The intent is durable before any member starts: from here on there is never a second
  // bootstrap, only its resumption.
  state.bootstrap_started = true;
  state.members = members;
  state.cluster_token = random_token(config.name);
  env.store().save(state);
  env.failpoint("bootstrap.after-intent");
  for (const auto& address : members) {
    launch_member(env, config, state, address, "bootstrap");
  }
}

void resume_bootstrap(Environment& env, const config::ClusterConfig& config, state::State& state,
                      const std::vector<std::string>& targets) {
  for (const auto& address : targets) {
    launch_member(env, config, state, address, "resume-bootstrap");
  }
}

void complete_bootstrap(Environment& env, state::State& state, const ClusterObservation& observed) {
  env.failpoint("complete-bootstrap.before-record");
  char id[20];
  std::snprintf(id, sizeof id, "%016llx",
                static_cast<unsigned long long>(observed.cluster_id.value_or(0)));
  state.bootstrapped = true;
  state.cluster_id = id;
  env.store().save(state);
}

void start_member(Environment& env, const config::ClusterConfig& config, const state::State& state,
                  const std::string& address) {
  launch_member(env, config, state, address, "start-member");
}

void auth_setup(Environment& env, const config::ClusterConfig& config, state::State& state,
                const ClusterObservation& observed) {
  auto client = env.etcd().client(healthy_endpoint(config, observed));
  if (!client->user_get("root")) {
    client->user_add("root");
    env.failpoint("auth.after-user-root");
  }
  if (!client->role_get("root")) {
    client->role_add("root");
    env.failpoint("auth.after-role-root");
  }
  const auto root = client->user_get("root");
  if (!root ||
      std::find(root->roles().begin(), root->roles().end(), "root") == root->roles().end()) {
    client->user_grant_role("root", "root");
    env.failpoint("auth.after-grant-root");
  }
  // kube-apiserver needs only its own role in etcd 3.4 (compaction has no auth check there).
  users::ensure_prefix_user(*client, "kube-apiserver", "/registry/", env.failpoints(),
                            "auth.kube-apiserver");
  env.failpoint("auth.before-enable");
  client->auth_enable();  // a no-op when already enabled
  env.failpoint("auth.after-enable");
  state.auth_enabled = true;
  env.store().save(state);
}

}  // namespace cke::controller
