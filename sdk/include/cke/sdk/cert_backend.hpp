// C++ base class for a certificate backend plugin and the trampolines behind
// cke_cert_backend_table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cke/cert_backend.h"
#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"
#include "cke/sdk/streams.hpp"

namespace cke::sdk {

struct CertRequest {
  std::string ca_name;
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  uint32_t usages = 0;    // CKE_USAGE_* bits
  uint32_t key_type = 0;  // CKE_KEY_*
  int64_t not_before_unix = 0;
  int64_t ttl_seconds = 0;
};

struct IssuedCert {
  std::string certificate_pem;  // the certificate, then any intermediates
  std::string private_key_pem;  // PKCS#8
};

struct RevokedCert {
  std::string serial_hex;
  int64_t revoked_at_unix = 0;
};

// Derive from this; the constructor takes the JSON configuration text.
class CertBackend {
 public:
  virtual ~CertBackend() = default;
  virtual std::string ca_certificate(const std::string& ca_name) = 0;
  virtual IssuedCert issue(const CertRequest& request) = 0;
  // A PEM CRL signed by `ca_name` (ABI 1.1). Backends that cannot sign one keep this default
  // (cert_backend_plugin then leaves the table's slot empty, and cke offers no revocation).
  virtual std::string sign_crl(const std::string& /*ca_name*/,
                               const std::vector<RevokedCert>& /*revoked*/,
                               int64_t /*this_update_unix*/, int64_t /*next_update_unix*/) {
    throw Error(CKE_UNIMPLEMENTED, "this certificate backend cannot sign CRLs");
  }
};

namespace detail::cert_backend {

inline CertBackend* self(cke_cert_backend* p) { return reinterpret_cast<CertBackend*>(p); }

inline void write_text(const cke_writer* sink, const std::string& text) {
  Writer(*sink).write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

template <class T>
int32_t create(const char* config_json, cke_cert_backend** out, cke_error* err) {
  return barrier(err, [&] {
    auto instance =
        std::make_unique<T>(std::string_view(config_json != nullptr ? config_json : "{}"));
    *out = reinterpret_cast<cke_cert_backend*>(static_cast<CertBackend*>(instance.release()));
  });
}

inline void destroy(cke_cert_backend* p) {
  delete self(p);
}  // NOLINT(cppcoreguidelines-owning-memory)

inline int32_t ca_certificate(cke_cert_backend* p, const char* ca_name, const cke_writer* pem_sink,
                              cke_error* err) {
  return barrier(err, [&] { write_text(pem_sink, self(p)->ca_certificate(ca_name)); });
}

inline int32_t issue(cke_cert_backend* p, const cke_cert_request* r, const cke_writer* cert_sink,
                     const cke_writer* key_sink, cke_error* err) {
  return barrier(err, [&] {
    CertRequest request;
    request.ca_name = r->ca_name != nullptr ? r->ca_name : "";
    request.common_name = r->common_name != nullptr ? r->common_name : "";
    request.dns_names.assign(r->dns_names, r->dns_names + r->dns_name_count);
    request.ip_addresses.assign(r->ip_addresses, r->ip_addresses + r->ip_address_count);
    request.usages = r->usages;
    request.key_type = r->key_type;
    request.not_before_unix = r->not_before_unix;
    request.ttl_seconds = r->ttl_seconds;
    const IssuedCert issued = self(p)->issue(request);
    write_text(cert_sink, issued.certificate_pem);
    write_text(key_sink, issued.private_key_pem);
  });
}

inline int32_t sign_crl(cke_cert_backend* p, const char* ca_name,
                        const cke_revoked_certificate* revoked, size_t count,
                        int64_t this_update_unix, int64_t next_update_unix,
                        const cke_writer* pem_sink, cke_error* err) {
  return barrier(err, [&] {
    std::vector<RevokedCert> entries;
    for (size_t i = 0; i < count; ++i) {
      entries.push_back({revoked[i].serial_hex != nullptr ? revoked[i].serial_hex : "",
                         revoked[i].revoked_at_unix});
    }
    write_text(pem_sink, self(p)->sign_crl(ca_name != nullptr ? ca_name : "", entries,
                                           this_update_unix, next_update_unix));
  });
}

}  // namespace detail::cert_backend

template <class T>
const cke_plugin_descriptor* cert_backend_plugin(const PluginInfo& info) {
  namespace c = detail::cert_backend;
  // &T::sign_crl has CertBackend's type exactly when T keeps the default: then the table's slot
  // stays empty, which tells cke that this backend cannot sign CRLs (before anything is revoked).
  constexpr bool signs_crls =
      !std::is_same_v<decltype(&T::sign_crl),
                      std::string (CertBackend::*)(const std::string&,
                                                   const std::vector<RevokedCert>&, int64_t,
                                                   int64_t)>;
  static const cke_cert_backend_table table{sizeof(cke_cert_backend_table),
                                            &c::create<T>,
                                            &c::destroy,
                                            &c::ca_certificate,
                                            &c::issue,
                                            signs_crls ? &c::sign_crl : nullptr};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_CERT_BACKEND, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
