#include "core/state/state_etcd.hpp"

#include "core/common/error.hpp"

namespace cke::state {
namespace {

// Each call is short so that trying the other endpoints still fits well inside a leader's lease.
constexpr auto kCallTimeout = std::chrono::seconds(2);

}  // namespace

StateEtcd::StateEtcd(StateEtcdConfig config) : config_(std::move(config)) {
  if (config_.endpoints.empty()) {
    throw Error("--state-etcd: no endpoints given", CKE_INVALID_ARGUMENT);
  }
  if (config_.prefix.empty() || config_.prefix.front() != '/' || config_.prefix.back() != '/') {
    throw Error("--state-etcd-prefix \"" + config_.prefix + "\": must start and end with /",
                CKE_INVALID_ARGUMENT);
  }
  for (const auto& endpoint : config_.endpoints) {
    clients_.push_back(std::make_unique<etcd::Client>(endpoint, config_.identity, kCallTimeout));
  }
}

etcdserverpb::Compare created_at(const std::string& key, int64_t revision) {
  etcdserverpb::Compare compare;
  compare.set_key(key);
  compare.set_target(etcdserverpb::Compare::CREATE);
  compare.set_result(etcdserverpb::Compare::EQUAL);
  compare.set_create_revision(revision);
  return compare;
}

etcdserverpb::RequestOp put_op(const std::string& key, const std::string& value, int64_t lease) {
  etcdserverpb::RequestOp op;
  auto* put = op.mutable_request_put();
  put->set_key(key);
  put->set_value(value);
  put->set_lease(lease);
  return op;
}

}  // namespace cke::state
