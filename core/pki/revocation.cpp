#include "core/pki/revocation.hpp"

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/common/error.hpp"

namespace cke::pki {
namespace {

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  });
  return text;
}

void drop_expired(state::State& state, int64_t now) {
  std::erase_if(state.certificates, [&](const auto& c) { return c.not_after <= now; });
}

}  // namespace

CertificateInfo certificate_info(const std::string& certificate_pem) {
  const std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(certificate_pem.data(), static_cast<int>(certificate_pem.size())), &BIO_free);
  const std::unique_ptr<X509, decltype(&X509_free)> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr, &X509_free);
  if (!cert) {
    throw Error("the certificate backend returned something that is not a PEM certificate",
                CKE_INTERNAL);
  }
  return certificate_info(*cert);
}

CertificateInfo certificate_info(const X509& cert) {
  CertificateInfo info;
  const std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(
      ASN1_INTEGER_to_BN(X509_get0_serialNumber(&cert), nullptr), &BN_free);
  char* hex = serial ? BN_bn2hex(serial.get()) : nullptr;
  if (hex == nullptr) {
    throw Error("cannot read the serial number of a certificate", CKE_INTERNAL);
  }
  info.serial_hex = hex;
  OPENSSL_free(hex);
  const auto unix_time = [](const ASN1_TIME* time, const char* field) {
    std::tm when{};
    if (ASN1_TIME_to_tm(time, &when) != 1) {
      throw Error(std::string("cannot read the ") + field + " of a certificate", CKE_INTERNAL);
    }
    return static_cast<int64_t>(timegm(&when));
  };
  info.not_before = unix_time(X509_get0_notBefore(&cert), "notBefore");
  info.not_after = unix_time(X509_get0_notAfter(&cert), "notAfter");
  return info;
}

void record_issued(state::State& state, const std::string& common_name,
                   const plugin::IssuedCertificate& issued, int64_t now) {
  drop_expired(state, now);
  const CertificateInfo info = certificate_info(issued.certificate_pem);
  state.certificates.push_back({info.serial_hex, common_name, info.not_after, 0});
}

std::vector<std::string> revoke(state::State& state, const std::string& target, int64_t now,
                                bool none_is_fine) {
  drop_expired(state, now);
  const std::string serial = upper(target);
  std::vector<std::string> revoked;
  bool matched = false;
  for (auto& c : state.certificates) {
    if (c.serial != serial && c.common_name != target) {
      continue;
    }
    matched = true;
    if (c.revoked_at == 0) {
      c.revoked_at = now;
      revoked.push_back(c.serial);
    }
  }
  if (!matched && !none_is_fine) {
    throw Error(
        "no unexpired certificate has serial or user \"" + target + "\": see ckecli etcd cert list",
        CKE_NOT_FOUND);
  }
  return revoked;
}

std::vector<plugin::RevokedCertificate> revoked_entries(const state::State& state, int64_t now) {
  std::vector<plugin::RevokedCertificate> out;
  for (const auto& c : state.certificates) {
    if (c.revoked_at != 0 && c.not_after > now) {
      out.push_back({c.serial, c.revoked_at});
    }
  }
  return out;
}

}  // namespace cke::pki
