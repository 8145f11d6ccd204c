// cke's own root certificate is short-lived and renewed well before it expires, and renewing it
// rebuilds the clients (gRPC channel credentials are fixed when a channel is made).
#include "core/cluster/etcd_access.hpp"

#include <gtest/gtest.h>

#include "core/plugin/cert_backend.hpp"
#include "core/plugin/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

class FakeClock final : public cke::Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point now() const override { return now_; }
  void advance(std::chrono::seconds by) { now_ += by; }

 private:
  std::chrono::system_clock::time_point now_ = std::chrono::system_clock::now();
};

TEST(EtcdAccess, RenewsItsRootCertificateBeforeExpiryAndRebuildsClients) {
  cke::test::TempDir dir;
  const cke::plugin::Registry registry({CKE_TEST_PLUGIN_DIR});
  cke::plugin::CertBackend backend(registry.require(cke::plugin::Kind::cert_backend, "local-ca"),
                                   R"({"dir": ")" + (dir.path() / "pki").string() + R"("})");
  FakeClock clock;
  cke::pki::CertificateIssuer issuer(backend, clock);
  cke::cluster::EtcdAccess access(issuer, clock);

  const auto first = access.client("127.0.9.1:2379");
  EXPECT_EQ(access.client("127.0.9.1:2379"), first)
      << "a client is reused while the certificate is fresh";
  clock.advance(std::chrono::minutes(30));
  EXPECT_EQ(access.client("127.0.9.1:2379"), first) << "renewed too early";
  clock.advance(std::chrono::minutes(15));  // 45 of 60 minutes gone: inside the 20-minute margin
  EXPECT_NE(access.client("127.0.9.1:2379"), first) << "not renewed 15 minutes before expiry";
}

}  // namespace
