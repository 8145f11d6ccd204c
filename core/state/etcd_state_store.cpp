#include "core/state/etcd_state_store.hpp"

#include "core/state/state_json.hpp"

namespace cke::state {

State load_state(StateEtcd& etcd) {
  const std::string key = etcd.key("state");
  const auto response = etcd.call([&](etcd::Client& c) { return c.range(key); });
  if (response.kvs_size() == 0) {
    return {};
  }
  return state_from_json(response.kvs(0).value(), "the state etcd's " + key,
                         "restore it from a snapshot of the state etcd");
}

State EtcdStateStore::load() { return load_state(etcd_); }

void EtcdStateStore::save(const State& state) {
  etcdserverpb::TxnRequest txn;
  *txn.add_compare() = election_.fence();
  *txn.add_success() = put_op(etcd_.key("state"), state_to_json(state));
  const auto response = etcd_.call([&](etcd::Client& c) { return c.txn(txn); });
  if (!response.succeeded()) {
    election_.deposed();
    throw NotLeaderError(election_.leader_address());
  }
}

}  // namespace cke::state
