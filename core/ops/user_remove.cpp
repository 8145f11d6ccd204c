// user-remove: the user, then its role (a crash between the two leaves a role that the next
// attempt removes).
#include "core/common/error.hpp"
#include "core/ops/user_ops.hpp"

namespace cke::ops {

void user_remove(etcd::Client& client, const std::string& user, const Failpoints& failpoints) {
  const bool had_user = client.user_get(user).has_value();
  const bool had_role = client.role_get(user).has_value();
  if (!had_user && !had_role) {
    throw Error("no user \"" + user + "\"", CKE_NOT_FOUND);
  }
  if (had_user) {
    client.user_delete(user);
    failpoints.hit("user-remove.after-user");
  }
  if (had_role) {
    client.role_delete(user);
  }
}

}  // namespace cke::ops
