// An etcd user bound to a key prefix: the user (no password: TLS common-name authentication),
// a role of the same name with read-write on [prefix, prefix-end), and the role granted. Each
// step checks before it acts (etcd 3.4 has no "if not exists"), so a half-done add completes.
#pragma once

#include <string>
#include <vector>

#include "core/common/failpoints.hpp"
#include "core/etcd/client.hpp"

namespace cke::users {

enum class EnsureResult { created, completed, already_complete };

// `failpoint_prefix` names the failpoints after each step ("user-add" → "user-add.after-user").
EnsureResult ensure_prefix_user(etcd::Client& client, const std::string& name,
                                const std::string& prefix, const Failpoints& failpoints,
                                const std::string& failpoint_prefix);

// Whether the key ranges of two prefixes intersect: one starts with the other.
bool prefixes_overlap(const std::string& a, const std::string& b);

// Throws cke::Error(CKE_FAILED_PRECONDITION) naming the other user when `prefix` overlaps a
// prefix another user's role grants (kube-apiserver's /registry/ included; "/" overlaps it).
void check_prefix_is_disjoint(etcd::Client& client, const std::string& name,
                              const std::string& prefix);

// The prefixes the user's own role grants read-write on (ranges that are exactly a prefix).
std::vector<std::string> prefixes_of_role(const etcdserverpb::AuthRoleGetResponse& role);

}  // namespace cke::users
