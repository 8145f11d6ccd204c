// user-add: an etcd user bound to a key prefix (a role of its own name).
#include "core/common/error.hpp"
#include "core/ops/user_ops.hpp"
#include "core/users/prefix_user.hpp"

namespace cke::ops {

bool user_add(etcd::Client& client, const std::string& user, const std::string& prefix, bool force,
              const Failpoints& failpoints) {
  if (!force) {
    users::check_prefix_is_disjoint(client, user, prefix);
  }
  const auto result = users::ensure_prefix_user(client, user, prefix, failpoints, "user-add");
  if (result == users::EnsureResult::already_complete) {
    const auto role = client.role_get(user);
    std::string prefixes;
    for (const auto& p : role ? users::prefixes_of_role(*role) : std::vector<std::string>{}) {
      prefixes += (prefixes.empty() ? "" : ", ") + p;
    }
    throw Error("user \"" + user + "\" already exists" +
                    (prefixes.empty() ? "" : " (prefix " + prefixes + ")") +
                    "; remove it first with ckecli etcd user-remove " + user,
                CKE_ALREADY_EXISTS);
  }
  return result == users::EnsureResult::completed;
}

}  // namespace cke::ops
