// renew-certificates: new server and peer certificates over the old ones, with no restart: etcd
// 3.4 loads its certificate files at every new TLS handshake (ETCD-NOTES; e2e.certificate_renewal
// checks it on both ports).
#include <spdlog/spdlog.h>

#include "core/cluster/member_launch.hpp"
#include "core/ops/run.hpp"

namespace cke::ops {

void run(Context& ctx, const RenewCertificates& op) {
  cluster::write_member_certificates(ctx.env, ctx.config, ctx.state, op.member);
  ctx.env.store().save(ctx.state);
  const auto* record = ctx.state.member_record(op.member);
  spdlog::info("renewed the certificates of {}; they expire at {}", op.member,
               record != nullptr ? record->certificates_expire_at : 0);
}

}  // namespace cke::ops
