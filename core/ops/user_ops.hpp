// The API-requested user operations (ckecli etcd user-add / user-remove), run by the API inside
// Controller::run_exclusive so that they never overlap the controller's own operations.
#pragma once

#include <string>

#include "core/common/failpoints.hpp"
#include "core/etcd/client.hpp"

namespace cke::ops {

// Creates the user with a role granting read-write on `prefix`. Refuses a prefix that overlaps
// another user's unless `force`, and a user that exists complete. Returns true when it finished
// what an interrupted earlier attempt began.
bool user_add(etcd::Client& client, const std::string& user, const std::string& prefix, bool force,
              const Failpoints& failpoints);

// Deletes the user and its role; refuses a user that has neither.
void user_remove(etcd::Client& client, const std::string& user, const Failpoints& failpoints);

}  // namespace cke::ops
