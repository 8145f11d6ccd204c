#include "core/pki/certificate_issuer.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include "cke/cert_backend.h"
#include "cke/sdk/publisher.hpp"
#include "core/common/error.hpp"

namespace cke::pki {

void CertificateIssuer::set_validity(plugin::CertificateRequest& request,
                                     std::chrono::seconds ttl) const {
  // From now: renewal decisions read the lifetime left from the served certificate's
  // notBefore and notAfter (a backdated notBefore would count as lifetime used).
  request.not_before_unix = clock_.unix_seconds();
  request.ttl_seconds = ttl.count();
}

plugin::IssuedCertificate CertificateIssuer::server(const config::Node& node,
                                                    const std::string& cluster_domain,
                                                    std::chrono::seconds ttl) {
  plugin::CertificateRequest request;
  request.ca_name = "server";
  request.common_name = node.address;
  request.dns_names = {"localhost",
                       "cke-etcd",
                       "cke-etcd.kube-system",
                       "cke-etcd.kube-system.svc",
                       "cke-etcd.kube-system.svc." + cluster_domain,
                       member_dns_name(node, cluster_domain)};
  if (!node.hostname.empty()) {
    request.dns_names.push_back(node.hostname);
  }
  request.ip_addresses = {"127.0.0.1", node.address};
  request.usages = CKE_USAGE_SERVER_AUTH | CKE_USAGE_CLIENT_AUTH;
  set_validity(request, ttl);
  return backend_.issue(request);
}

std::string CertificateIssuer::member_dns_name(const config::Node& node,
                                               const std::string& cluster_domain) {
  return sdk::member_host_label(node.address) + ".cke-etcd.kube-system.svc." + cluster_domain;
}

plugin::IssuedCertificate CertificateIssuer::peer(const config::Node& node,
                                                  const std::string& cluster_domain,
                                                  std::chrono::seconds ttl) {
  plugin::CertificateRequest request;
  request.ca_name = "peer";
  request.common_name = node.address;
  request.ip_addresses = {"127.0.0.1", node.address};
  request.dns_names = {member_dns_name(node, cluster_domain)};
  if (!node.hostname.empty()) {
    request.dns_names.push_back(node.hostname);
  }
  request.usages = CKE_USAGE_SERVER_AUTH | CKE_USAGE_CLIENT_AUTH;
  set_validity(request, ttl);
  return backend_.issue(request);
}

std::string CertificateIssuer::client_crl(const std::vector<plugin::RevokedCertificate>& revoked) {
  const int64_t now = clock_.unix_seconds();
  return backend_.sign_crl(
      "client", revoked, now - 60,
      now + std::chrono::duration_cast<std::chrono::seconds>(kMaxCertificateTtl).count());
}

void check_certificate_ttl(std::chrono::seconds ttl, const std::string& what) {
  if (ttl <= std::chrono::seconds(0) || ttl > kMaxCertificateTtl) {
    throw Error(
        what + ": must be between 1s and " +
            std::to_string(
                std::chrono::duration_cast<std::chrono::hours>(kMaxCertificateTtl).count()) +
            "h (10 years, the CAs' own lifetime), got " + std::to_string(ttl.count()) + " s",
        CKE_INVALID_ARGUMENT);
  }
}

plugin::IssuedCertificate CertificateIssuer::client_auth(const std::string& ca_name,
                                                         const std::string& common_name,
                                                         std::chrono::seconds ttl,
                                                         uint32_t key_type) {
  plugin::CertificateRequest request;
  request.key_type = key_type;
  request.ca_name = ca_name;
  request.common_name = common_name;
  request.usages = CKE_USAGE_CLIENT_AUTH;
  set_validity(request, ttl);
  return backend_.issue(request);
}

plugin::IssuedCertificate CertificateIssuer::peer_client(const std::string& common_name,
                                                         std::chrono::seconds ttl) {
  return client_auth("peer", common_name, ttl, CKE_KEY_ECDSA_P256);
}

plugin::IssuedCertificate CertificateIssuer::client(const std::string& common_name,
                                                    std::chrono::seconds ttl, uint32_t key_type) {
  return client_auth("client", common_name, ttl, key_type);
}

plugin::IssuedCertificate CertificateIssuer::api_server(const std::vector<std::string>& hosts) {
  plugin::CertificateRequest request;
  request.ca_name = "api";
  request.common_name = "cke-api";
  request.dns_names = {"localhost"};
  request.ip_addresses = {"127.0.0.1"};
  for (const auto& host : hosts) {
    in6_addr parsed{};
    const bool is_ip = ::inet_pton(AF_INET, host.c_str(), &parsed) == 1 ||
                       ::inet_pton(AF_INET6, host.c_str(), &parsed) == 1;
    auto& names = is_ip ? request.ip_addresses : request.dns_names;
    if (std::find(names.begin(), names.end(), host) == names.end()) {
      names.push_back(host);
    }
  }
  request.usages = CKE_USAGE_SERVER_AUTH;
  set_validity(request, kMemberCertificateTtl);
  return backend_.issue(request);
}

plugin::IssuedCertificate CertificateIssuer::api_client(const std::string& common_name,
                                                        std::chrono::seconds ttl) {
  return client_auth("api", common_name, ttl, CKE_KEY_ECDSA_P256);
}

}  // namespace cke::pki
