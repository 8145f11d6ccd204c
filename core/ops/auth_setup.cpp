// auth-setup: users root (role root) and kube-apiserver (read-write on /registry/), then auth
// enable. Every step checks first, since etcd refuses to add what exists.
#include <algorithm>

#include "core/ops/membership.hpp"
#include "core/ops/run.hpp"
#include "core/users/prefix_user.hpp"

namespace cke::ops {

void run(Context& ctx, const AuthSetup& /*op*/) {
  auto client = serving_client(ctx);
  auto& env = ctx.env;
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
  ctx.state.auth_enabled = true;
  env.store().save(ctx.state);
}

}  // namespace cke::ops
