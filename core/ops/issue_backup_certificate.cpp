// backup-certificate: the Kubernetes backup method's etcd user and etcdbackup's client
// certificate. User `backup` with role root (etcd 3.4 serves Snapshot to root only), then a
// certificate for it, kept in the data directory; the controller's next pass puts it in
// etcdbackup's Secret, whose new hash rolls etcdbackup's Pod over. Each step checks first.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/common/test_hooks.hpp"
#include "core/ops/membership.hpp"
#include "core/ops/run.hpp"
#include "core/pki/backup_client.hpp"
#include "core/pki/revocation.hpp"

namespace cke::ops {

void run(Context& ctx, const IssueBackupCertificate& /*op*/) {
  auto client = serving_client(ctx);
  auto& env = ctx.env;
  const std::string user = pki::kBackupUser;
  if (!client->user_get(user)) {
    client->user_add(user);
    env.failpoint("backup-certificate.after-user");
  }
  const auto existing = client->user_get(user);
  if (!existing || std::find(existing->roles().begin(), existing->roles().end(), "root") ==
                       existing->roles().end()) {
    client->user_grant_role(user, "root");
  }
  // A test hook shortens the lifetime so that a test sees a renewal.
  const std::chrono::seconds ttl(
      test_hook_number("CKE_TEST_BACKUP_CERT_TTL_SECONDS", 10, pki::kBackupCertificateTtl.count()));
  const auto issued = env.issuer().client(user, ttl);
  pki::save_backup_client(env.data_dir(), issued);
  env.failpoint("backup-certificate.after-save");
  const auto info = pki::certificate_info(issued.certificate_pem);
  pki::record_issued(ctx.state, user, issued, ctx.observed.observed_at);
  ctx.state.backup_certificate_issued_at = info.not_before;
  ctx.state.backup_certificate_expires_at = info.not_after;
  env.store().save(ctx.state);
  spdlog::info("issued etcdbackup's client certificate (user {}, serial {}); it expires at {}",
               user, info.serial_hex, info.not_after);
}

}  // namespace cke::ops
