// Building and signing X.509 certificates with OpenSSL 3.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "openssl_handles.hpp"

namespace cke::plugins::local_ca {

KeyPtr generate_key(uint32_t key_type);  // CKE_KEY_*

struct CertSpec {
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  uint32_t usages = 0;  // CKE_USAGE_* bits
  bool is_ca = false;
  int64_t not_before_unix = 0;
  int64_t ttl_seconds = 0;
};

// Signs a certificate for `subject_key` with `issuer_key`; a self-signed CA when `issuer` is null.
X509Ptr sign_certificate(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                         EVP_PKEY* issuer_key);

struct RevokedEntry {
  std::string serial_hex;
  int64_t revoked_at_unix = 0;
};

// A PEM X.509 v2 CRL issued by `issuer`, signed with `issuer_key` (SHA-256), with a CRL number.
std::string sign_crl_pem(X509* issuer, EVP_PKEY* issuer_key,
                         const std::vector<RevokedEntry>& revoked, int64_t this_update_unix,
                         int64_t next_update_unix);

std::string certificate_pem(X509* cert);
std::string private_key_pem(EVP_PKEY* key);  // PKCS#8, unencrypted
X509Ptr parse_certificate_pem(const std::string& pem);
KeyPtr parse_private_key_pem(const std::string& pem);

}  // namespace cke::plugins::local_ca
