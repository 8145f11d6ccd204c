// What cke's certificates contain: the policy on top of whichever certificate backend is
// configured. Three CAs for etcd: "server" (etcd serving certificates; the CA clients verify etcd
// with), "peer" (etcd peer TLS), "client" (users, root included, authenticated by common name).
// A fourth, "api", only for cke's own API over TCP: its server certificate and the operators'
// ckecli certificates, so that no etcd user's certificate can drive cke.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/common/clock.hpp"
#include "core/config/cluster_config.hpp"
#include "core/plugin/cert_backend.hpp"

namespace cke::pki {

inline constexpr std::chrono::seconds kMemberCertificateTtl = std::chrono::hours(24 * 365);
inline constexpr std::chrono::seconds kRootCertificateTtl = std::chrono::hours(2);
inline constexpr std::chrono::seconds kUserCertificateTtl = std::chrono::hours(87600);
// The longest a client or operator certificate may live: the lifetime of the CAs themselves
// (10 years); a longer one would outlive the CA that vouches for it.
inline constexpr std::chrono::seconds kMaxCertificateTtl = std::chrono::hours(87600);

// Throws cke::Error(CKE_INVALID_ARGUMENT) naming `what` unless 0 < ttl <= kMaxCertificateTtl.
void check_certificate_ttl(std::chrono::seconds ttl, const std::string& what);

class CertificateIssuer {
 public:
  CertificateIssuer(plugin::CertBackend& backend, const Clock& clock)
      : backend_(backend), clock_(clock) {}

  // serverAuth + clientAuth (etcd's own gateway connects with it); CN the member name (node
  // address); SANs the node address, 127.0.0.1, localhost, the host name, cke-etcd's Kubernetes
  // service names under `cluster_domain`, and the member's own name under the service.
  plugin::IssuedCertificate server(const config::Node& node, const std::string& cluster_domain,
                                   std::chrono::seconds ttl = kMemberCertificateTtl);
  // `<label>.cke-etcd.kube-system.svc.<cluster_domain>`: the name DNS publishers give the member
  // (the target of its SRV records), in its server and peer certificates.
  static std::string member_dns_name(const config::Node& node, const std::string& cluster_domain);
  // Mutual peer TLS; IP SANs the node address and 127.0.0.1 (loopback peers connect from it), and
  // the member's own name under the service (see member_dns_name).
  plugin::IssuedCertificate peer(const config::Node& node, const std::string& cluster_domain,
                                 std::chrono::seconds ttl = kMemberCertificateTtl);
  // A clientAuth-only certificate from the peer CA: cke's, to read the certificate a member
  // serves on its peer port without etcd logging a refused handshake.
  plugin::IssuedCertificate peer_client(const std::string& common_name, std::chrono::seconds ttl);
  // A client certificate authenticating as etcd user `common_name`; key_type is CKE_KEY_*.
  plugin::IssuedCertificate client(const std::string& common_name, std::chrono::seconds ttl,
                                   uint32_t key_type = CKE_KEY_ECDSA_P256);

  // cke's API over TCP: serverAuth for `hosts` (IP addresses or DNS names), 127.0.0.1 and
  // localhost.
  plugin::IssuedCertificate api_server(const std::vector<std::string>& hosts);
  // An operator's ckecli certificate (clientAuth) from the api CA.
  plugin::IssuedCertificate api_client(const std::string& common_name, std::chrono::seconds ttl);

  // The client CA's CRL listing `revoked`; valid from now for the CA's own lifetime, since cke
  // rewrites it on every change (and etcd does not look at nextUpdate). Only when
  // can_sign_crl().
  std::string client_crl(const std::vector<plugin::RevokedCertificate>& revoked);
  [[nodiscard]] bool can_sign_crl() const { return backend_.can_sign_crl(); }

  // A CA's certificate by its name ("server", "peer", "client", "api").
  std::string ca_certificate(const std::string& name) { return backend_.ca_certificate(name); }
  std::string api_ca() { return backend_.ca_certificate("api"); }
  std::string server_ca() { return backend_.ca_certificate("server"); }
  std::string peer_ca() { return backend_.ca_certificate("peer"); }
  std::string client_ca() { return backend_.ca_certificate("client"); }

 private:
  // notBefore: now; notAfter: now + ttl.
  void set_validity(plugin::CertificateRequest& request, std::chrono::seconds ttl) const;
  // A clientAuth-only certificate from CA `ca_name`.
  plugin::IssuedCertificate client_auth(const std::string& ca_name, const std::string& common_name,
                                        std::chrono::seconds ttl, uint32_t key_type);

  plugin::CertBackend& backend_;
  const Clock& clock_;
};

}  // namespace cke::pki
