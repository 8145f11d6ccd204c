#include "core/plugin/cert_backend.hpp"

#include "core/common/error.hpp"
#include "core/plugin/c_streams.hpp"
#include "core/plugin/instance.hpp"
#include "core/stream/memory_stream.hpp"

namespace cke::plugin {

CertBackend::CertBackend(const PluginRecord& record, const std::string& config_json)
    : record_(record),
      table_(static_cast<const cke_cert_backend_table*>(record.table)),
      instance_(create_instance<cke_cert_backend>(
          record, Kind::cert_backend,
          [&](auto** out, auto* err) { return table_->create(config_json.c_str(), out, err); })) {}

CertBackend::~CertBackend() { table_->destroy(instance_); }

std::string CertBackend::ca_certificate(const std::string& ca_name) {
  stream::StringWriter pem;
  const cke_writer sink = as_c_writer(pem);
  CallError err;
  check_call(table_->ca_certificate(instance_, ca_name.c_str(), &sink, err.get()), err, record_);
  return pem.text();
}

IssuedCertificate CertBackend::issue(const CertificateRequest& request) {
  std::vector<const char*> dns;
  for (const auto& d : request.dns_names) {
    dns.push_back(d.c_str());
  }
  std::vector<const char*> ips;
  for (const auto& i : request.ip_addresses) {
    ips.push_back(i.c_str());
  }
  const cke_cert_request c_request{sizeof(cke_cert_request),
                                   request.ca_name.c_str(),
                                   request.common_name.c_str(),
                                   dns.data(),
                                   dns.size(),
                                   ips.data(),
                                   ips.size(),
                                   request.usages,
                                   request.key_type,
                                   request.not_before_unix,
                                   request.ttl_seconds};
  stream::StringWriter cert;
  stream::StringWriter key;
  const cke_writer cert_sink = as_c_writer(cert);
  const cke_writer key_sink = as_c_writer(key);
  CallError err;
  check_call(table_->issue(instance_, &c_request, &cert_sink, &key_sink, err.get()), err, record_);
  return {cert.text(), key.text()};
}

bool CertBackend::can_sign_crl() const {
  // A plugin built against ABI 1.0 has a shorter table: never read past its struct_size.
  return CKE_HAS_FIELD(cke_cert_backend_table, table_, sign_crl) && table_->sign_crl != nullptr;
}

std::string CertBackend::sign_crl(const std::string& ca_name,
                                  const std::vector<RevokedCertificate>& revoked,
                                  int64_t this_update_unix, int64_t next_update_unix) {
  if (!can_sign_crl()) {
    throw Error("certificate backend " + record_.name + " (" + record_.file.string() +
                    ") cannot sign certificate revocation lists (it needs plugin ABI 1.1)",
                CKE_UNIMPLEMENTED);
  }
  std::vector<cke_revoked_certificate> entries;
  for (const auto& r : revoked) {
    entries.push_back({sizeof(cke_revoked_certificate), r.serial_hex.c_str(), r.revoked_at_unix});
  }
  stream::StringWriter pem;
  const cke_writer sink = as_c_writer(pem);
  CallError err;
  check_call(table_->sign_crl(instance_, ca_name.c_str(), entries.data(), entries.size(),
                              this_update_unix, next_update_unix, &sink, err.get()),
             err, record_);
  return pem.text();
}

}  // namespace cke::plugin
