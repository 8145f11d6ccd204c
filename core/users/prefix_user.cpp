#include "core/users/prefix_user.hpp"

#include <algorithm>

#include "core/common/error.hpp"

namespace cke::users {
namespace {

bool has_role(const etcdserverpb::AuthUserGetResponse& user, const std::string& role) {
  return std::find(user.roles().begin(), user.roles().end(), role) != user.roles().end();
}

bool grants_prefix(const etcdserverpb::AuthRoleGetResponse& role, const std::string& prefix) {
  const std::string end = etcd::prefix_end(prefix);
  return std::any_of(role.perm().begin(), role.perm().end(), [&](const auto& p) {
    return p.key() == prefix && p.range_end() == end &&
           p.permtype() == static_cast<int32_t>(etcd::PermissionType::readwrite);
  });
}

}  // namespace

std::vector<std::string> prefixes_of_role(const etcdserverpb::AuthRoleGetResponse& role) {
  std::vector<std::string> out;
  for (const auto& p : role.perm()) {
    if (p.range_end() == etcd::prefix_end(p.key())) {
      out.push_back(p.key());
    }
  }
  return out;
}

bool prefixes_overlap(const std::string& a, const std::string& b) {
  return a.starts_with(b) || b.starts_with(a);
}

void check_prefix_is_disjoint(etcd::Client& client, const std::string& name,
                              const std::string& prefix) {
  for (const auto& other : client.user_list()) {
    if (other == name || other == "root") {
      continue;  // a half-done add of this user; root reaches everything anyway
    }
    const auto role = client.role_get(other);
    for (const auto& taken : role ? prefixes_of_role(*role) : std::vector<std::string>{}) {
      if (prefixes_overlap(prefix, taken)) {
        throw Error("prefix \"" + prefix + "\" overlaps the prefix \"" + taken + "\" of user " +
                        other + ": " + name + " could read and write " + other +
                        "'s keys; choose a disjoint prefix, or add --force if that is meant",
                    CKE_FAILED_PRECONDITION);
      }
    }
  }
}

EnsureResult ensure_prefix_user(etcd::Client& client, const std::string& name,
                                const std::string& prefix, const Failpoints& failpoints,
                                const std::string& failpoint_prefix) {
  const auto user = client.user_get(name);
  const auto role = client.role_get(name);
  const bool complete = user && role && role->perm_size() > 0 && has_role(*user, name);
  if (complete) {
    return EnsureResult::already_complete;
  }
  if (!user) {
    client.user_add(name);
    failpoints.hit(failpoint_prefix + ".after-user");
  }
  if (!role) {
    client.role_add(name);
    failpoints.hit(failpoint_prefix + ".after-role");
  }
  if (!role || !grants_prefix(*role, prefix)) {
    client.role_grant_permission(name, prefix, etcd::prefix_end(prefix),
                                 etcd::PermissionType::readwrite);
    failpoints.hit(failpoint_prefix + ".after-permission");
  }
  if (!user || !has_role(*user, name)) {
    client.user_grant_role(name, name);
    failpoints.hit(failpoint_prefix + ".after-grant");
  }
  return user ? EnsureResult::completed : EnsureResult::created;
}

}  // namespace cke::users
