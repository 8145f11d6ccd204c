// cke's own connection to the members: a short-lived root client certificate, renewed well
// before it expires, and one client per member endpoint. Channel credentials are fixed when a
// channel is made, so renewing the certificate rebuilds every client.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/common/clock.hpp"
#include "core/etcd/client.hpp"
#include "core/pki/certificate_issuer.hpp"

namespace cke::cluster {

inline constexpr std::chrono::seconds kOwnCertificateTtl = std::chrono::hours(1);
inline constexpr std::chrono::seconds kOwnCertificateRenewBefore = std::chrono::minutes(20);

class EtcdAccess {
 public:
  EtcdAccess(pki::CertificateIssuer& issuer, const Clock& clock) : issuer_(issuer), clock_(clock) {}

  // The client of one member endpoint (host:port). Thread-safe.
  std::shared_ptr<etcd::Client> client(const std::string& endpoint);

  // What cke presents when it only reads the certificate a member serves: the root client
  // certificate on client ports, and a peer-CA client certificate of its own on peer ports.
  // (A handshake without a client certificate works as well, but etcd logs each one it refuses.)
  struct ProbeIdentities {
    etcd::TlsIdentity client_port;
    etcd::TlsIdentity peer_port;
  };
  ProbeIdentities probe_identities();

 private:
  void renew_if_needed();  // with mutex_ held

  pki::CertificateIssuer& issuer_;
  const Clock& clock_;
  std::mutex mutex_;
  etcd::TlsIdentity identity_;
  etcd::TlsIdentity peer_identity_;
  std::chrono::system_clock::time_point expires_{};
  std::map<std::string, std::shared_ptr<etcd::Client>> clients_;
};

}  // namespace cke::cluster
