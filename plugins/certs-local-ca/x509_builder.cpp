#include "x509_builder.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <string>

#include "cke/cert_backend.h"
#include "cke/sdk/error.hpp"

namespace cke::plugins::local_ca {
namespace {

[[noreturn]] void openssl_fail(const std::string& doing) {
  const unsigned long code = ERR_get_error();
  char text[256] = "unknown OpenSSL error";
  if (code != 0) {
    ERR_error_string_n(code, text, sizeof text);
  }
  ERR_clear_error();
  throw sdk::Error(CKE_INTERNAL, doing + ": " + text);
}

void check(int ok, const std::string& doing) {
  if (ok <= 0) {
    openssl_fail(doing);
  }
}

void add_extension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  const ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext) {
    openssl_fail("building extension " + std::string(OBJ_nid2sn(nid)) + "=" + value);
  }
  check(X509_add_ext(cert, ext.get(), -1), "adding an extension");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return {data, static_cast<size_t>(size)};
}

}  // namespace

KeyPtr generate_key(uint32_t key_type) {
  EVP_PKEY* key = nullptr;
  if (key_type == CKE_KEY_ECDSA_P256) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else if (key_type == CKE_KEY_RSA_2048) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048));
  } else {
    throw sdk::Error(CKE_INVALID_ARGUMENT, "unknown key type " + std::to_string(key_type));
  }
  if (key == nullptr) {
    openssl_fail("generating a key");
  }
  return KeyPtr(key);
}

std::string sign_crl_pem(X509* issuer, EVP_PKEY* issuer_key,
                         const std::vector<RevokedEntry>& revoked, int64_t this_update_unix,
                         int64_t next_update_unix) {
  CrlPtr crl(X509_CRL_new());
  if (!crl) {
    openssl_fail("allocating a CRL");
  }
  check(X509_CRL_set_version(crl.get(), 1), "setting the CRL version");  // 1 means v2
  check(X509_CRL_set_issuer_name(crl.get(), X509_get_subject_name(issuer)), "setting the issuer");
  const TimePtr this_update(ASN1_TIME_set(nullptr, static_cast<time_t>(this_update_unix)));
  const TimePtr next_update(ASN1_TIME_set(nullptr, static_cast<time_t>(next_update_unix)));
  if (!this_update || !next_update) {
    openssl_fail("setting the CRL's validity");
  }
  check(X509_CRL_set1_lastUpdate(crl.get(), this_update.get()), "setting lastUpdate");
  check(X509_CRL_set1_nextUpdate(crl.get(), next_update.get()), "setting nextUpdate");
  for (const auto& entry : revoked) {
    BIGNUM* parsed = nullptr;
    if (entry.serial_hex.empty() || entry.serial_hex.size() > 64 ||
        BN_hex2bn(&parsed, entry.serial_hex.c_str()) != static_cast<int>(entry.serial_hex.size())) {
      BN_free(parsed);
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "invalid certificate serial \"" + entry.serial_hex + "\" for a CRL");
    }
    const BignumPtr serial(parsed);
    RevokedPtr item(X509_REVOKED_new());
    ASN1_INTEGER* number = BN_to_ASN1_INTEGER(serial.get(), nullptr);
    const TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(entry.revoked_at_unix)));
    const bool ok = item && number != nullptr && when &&
                    X509_REVOKED_set_serialNumber(item.get(), number) == 1 &&
                    X509_REVOKED_set_revocationDate(item.get(), when.get()) == 1;
    ASN1_INTEGER_free(number);
    if (!ok) {
      openssl_fail("adding a revoked certificate");
    }
    check(X509_CRL_add0_revoked(crl.get(), item.get()), "adding a revoked certificate");
    item.release();  // owned by the CRL now
  }
  check(X509_CRL_sort(crl.get()), "sorting the CRL");
  // A CRL number that grows with time, so that a newer CRL is recognisably newer.
  const BignumPtr crl_number(BN_new());
  ASN1_INTEGER* number = nullptr;
  if (!crl_number || BN_set_word(crl_number.get(), static_cast<BN_ULONG>(this_update_unix)) != 1 ||
      (number = BN_to_ASN1_INTEGER(crl_number.get(), nullptr)) == nullptr) {
    openssl_fail("making the CRL number");
  }
  const int added = X509_CRL_add1_ext_i2d(crl.get(), NID_crl_number, number, 0, 0);
  ASN1_INTEGER_free(number);
  check(added, "adding the CRL number");
  check(X509_CRL_sign(crl.get(), issuer_key, EVP_sha256()), "signing the CRL");
  const BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509_CRL(bio.get(), crl.get()), "writing the CRL");
  return bio_text(bio.get());
}

X509Ptr sign_certificate(const CertSpec& spec, EVP_PKEY* subject_key, X509* issuer,
                         EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert) {
    openssl_fail("allocating a certificate");
  }
  check(X509_set_version(cert.get(), 2), "setting the version");

  // A random 128-bit serial: unique without any shared counter.
  unsigned char serial_bytes[16];
  check(RAND_bytes(serial_bytes, sizeof serial_bytes), "generating a serial number");
  const BignumPtr serial(BN_bin2bn(serial_bytes, sizeof serial_bytes, nullptr));
  if (!serial || BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    openssl_fail("setting the serial number");
  }

  X509_NAME* name = X509_get_subject_name(cert.get());
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(spec.common_name.c_str()),
                                   -1, -1, 0),
        "setting the common name");
  check(X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name),
        "setting the issuer");
  if (ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(spec.not_before_unix)) ==
          nullptr ||
      ASN1_TIME_set(X509_getm_notAfter(cert.get()),
                    static_cast<time_t>(spec.not_before_unix + spec.ttl_seconds)) == nullptr) {
    openssl_fail("setting the validity");
  }
  check(X509_set_pubkey(cert.get(), subject_key), "setting the public key");

  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer != nullptr ? issuer : cert.get(), cert.get(), nullptr, nullptr, 0);
  if (spec.is_ca) {
    add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert.get(), &ctx, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
  } else {
    add_extension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE");
    add_extension(cert.get(), &ctx, NID_key_usage,
                  EVP_PKEY_get_base_id(subject_key) == EVP_PKEY_RSA
                      ? "critical,digitalSignature,keyEncipherment"
                      : "critical,digitalSignature");
    std::string eku;
    if ((spec.usages & CKE_USAGE_SERVER_AUTH) != 0) {
      eku = "serverAuth";
    }
    if ((spec.usages & CKE_USAGE_CLIENT_AUTH) != 0) {
      eku += eku.empty() ? "clientAuth" : ",clientAuth";
    }
    if (!eku.empty()) {
      add_extension(cert.get(), &ctx, NID_ext_key_usage, eku);
    }
  }
  add_extension(cert.get(), &ctx, NID_subject_key_identifier, "hash");
  if (issuer != nullptr) {
    add_extension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always");
  }
  std::string sans;
  for (const auto& dns : spec.dns_names) {
    sans += (sans.empty() ? "DNS:" : ",DNS:") + dns;
  }
  for (const auto& ip : spec.ip_addresses) {
    sans += (sans.empty() ? "IP:" : ",IP:") + ip;
  }
  if (!sans.empty()) {
    add_extension(cert.get(), &ctx, NID_subject_alt_name, sans);
  }
  check(X509_sign(cert.get(), issuer_key, EVP_sha256()), "signing the certificate");
  return cert;
}

std::string certificate_pem(X509* cert) {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_X509(bio.get(), cert), "encoding a certificate");
  return bio_text(bio.get());
}

std::string private_key_pem(EVP_PKEY* key) {
  const BioPtr bio(BIO_new(BIO_s_mem()));
  check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
        "encoding a private key");
  return bio_text(bio.get());
}

X509Ptr parse_certificate_pem(const std::string& pem) {
  const BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    openssl_fail("reading a PEM certificate");
  }
  return cert;
}

KeyPtr parse_private_key_pem(const std::string& pem) {
  const BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    openssl_fail("reading a PEM private key");
  }
  return key;
}

}  // namespace cke::plugins::local_ca
