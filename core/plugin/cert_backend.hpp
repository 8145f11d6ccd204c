// An instance of a certificate backend plugin, seen from the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cke/cert_backend.h"
#include "core/plugin/registry.hpp"

namespace cke::plugin {

struct CertificateRequest {
  std::string ca_name;  // "server", "peer", "client"
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  uint32_t usages = 0;                     // CKE_USAGE_* bits
  uint32_t key_type = CKE_KEY_ECDSA_P256;  // CKE_KEY_*
  int64_t not_before_unix = 0;
  int64_t ttl_seconds = 0;
};

struct RevokedCertificate {
  std::string serial_hex;
  int64_t revoked_at_unix = 0;
};

struct IssuedCertificate {
  std::string certificate_pem;
  std::string private_key_pem;
};

class CertBackend {
 public:
  CertBackend(const PluginRecord& record, const std::string& config_json);
  CertBackend(const CertBackend&) = delete;
  CertBackend& operator=(const CertBackend&) = delete;
  ~CertBackend();

  std::string ca_certificate(const std::string& ca_name);
  IssuedCertificate issue(const CertificateRequest& request);
  // Whether the plugin can sign CRLs (ABI 1.1 and a sign_crl entry).
  [[nodiscard]] bool can_sign_crl() const;
  // A PEM CRL of CA `ca_name`; throws cke::Error(CKE_UNIMPLEMENTED) unless can_sign_crl().
  std::string sign_crl(const std::string& ca_name, const std::vector<RevokedCertificate>& revoked,
                       int64_t this_update_unix, int64_t next_update_unix);

 private:
  const PluginRecord& record_;
  const cke_cert_backend_table* table_;
  cke_cert_backend* instance_;
};

}  // namespace cke::plugin
