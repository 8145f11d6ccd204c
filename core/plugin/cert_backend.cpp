#include "core/plugin/cert_backend.hpp"

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

}  // namespace cke::plugin
