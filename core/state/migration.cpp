#include "core/state/migration.hpp"

#include "core/common/error.hpp"
#include "core/state/ca_sync.hpp"
#include "core/state/state_json.hpp"

namespace cke::state {

void migrate_to_state_etcd(StateEtcd& etcd, const State& state,
                           const std::filesystem::path& ca_dir) {
  if (state.cluster_yaml.empty()) {
    throw Error("the data directory holds no cluster (no cluster.yml applied): nothing to migrate",
                CKE_FAILED_PRECONDITION);
  }
  const auto cas = read_ca_directory(ca_dir);
  if (cas.empty()) {
    throw Error(ca_dir.string() + ": no CA files (NAME-ca.crt, NAME-ca.key)", CKE_NOT_FOUND);
  }
  const std::string pki = etcd.key("pki/");
  const auto held = etcd.call([&](etcd::Client& c) {
    return c.range(etcd.key(""), etcd::prefix_end(etcd.key("")), false, true);
  });
  if (held.count() > 0) {
    throw Error("the state etcd holds " + std::to_string(held.count()) + " keys under " +
                    etcd.key("") +
                    " already (another deployment's state, or an earlier migration); use an "
                    "empty state etcd or another --state-etcd-prefix",
                CKE_ALREADY_EXISTS);
  }
  etcdserverpb::TxnRequest txn;
  *txn.add_compare() = created_at(etcd.key("state"), 0);
  *txn.add_success() = put_op(etcd.key("state"), state_to_json(state));
  for (const auto& [name, text] : cas) {
    *txn.add_compare() = created_at(pki + name, 0);
    *txn.add_success() = put_op(pki + name, text);
  }
  if (!etcd.call([&](etcd::Client& c) { return c.txn(txn); }).succeeded()) {
    throw Error("another cke wrote to the state etcd meanwhile; nothing was migrated", CKE_ABORTED);
  }
}

}  // namespace cke::state
