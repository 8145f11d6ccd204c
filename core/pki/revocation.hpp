// Client certificates outlive nothing they should: cke records every client certificate it
// issues (serial, CN, notAfter), revokes them by serial or by user, and keeps a CRL signed by the
// client CA in every member's files (etcd 3.4 reads --client-crl-file on each new connection, so
// a revocation takes effect without a restart). Expired records drop out of the state and the
// CRL: an expired certificate is refused anyway.
#pragma once

#include <openssl/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/plugin/cert_backend.hpp"
#include "core/state/state.hpp"

namespace cke::pki {

// The serial (hex), notBefore and notAfter (unix seconds) of a certificate.
struct CertificateInfo {
  std::string serial_hex;
  int64_t not_before = 0;
  int64_t not_after = 0;
};
CertificateInfo certificate_info(const std::string& certificate_pem);
CertificateInfo certificate_info(const X509& cert);

// Records `issued` for `common_name`, and drops records that have expired by `now`.
void record_issued(state::State& state, const std::string& common_name,
                   const plugin::IssuedCertificate& issued, int64_t now);

// Revokes the certificate with serial `target` (hex, any case), or every certificate of user
// `target`. Returns the serials revoked now (empty: everything matching was revoked before).
// Throws cke::Error(CKE_NOT_FOUND) when nothing matches at all, unless `none_is_fine`.
std::vector<std::string> revoke(state::State& state, const std::string& target, int64_t now,
                                bool none_is_fine = false);

// The revoked certificates that have not expired by `now`: what the CRL lists.
std::vector<plugin::RevokedCertificate> revoked_entries(const state::State& state, int64_t now);

}  // namespace cke::pki
