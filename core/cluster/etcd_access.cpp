#include "core/cluster/etcd_access.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/pki/revocation.hpp"

namespace cke::cluster {

void EtcdAccess::renew_if_needed() {
  if (clock_.now() + kOwnCertificateRenewBefore < expires_) {
    return;
  }
  const auto issued = issuer_.client("root", kOwnCertificateTtl);
  identity_ = {issuer_.server_ca(), issued.certificate_pem, issued.private_key_pem};
  const auto peer = issuer_.peer_client("cke", kOwnCertificateTtl);
  peer_identity_ = {issuer_.peer_ca(), peer.certificate_pem, peer.private_key_pem};
  // A backend may give less than asked (a CFSSL profile decides the lifetime): renew by what
  // the certificates say.
  const auto not_after = std::min(pki::certificate_info(issued.certificate_pem).not_after,
                                  pki::certificate_info(peer.certificate_pem).not_after);
  expires_ = std::min(clock_.now() + kOwnCertificateTtl,
                      std::chrono::system_clock::time_point(std::chrono::seconds(not_after)));
  clients_.clear();  // new credentials need new channels
  spdlog::debug("issued cke's own root client and peer certificates, valid until {}",
                format_utc(expires_));
}

std::shared_ptr<etcd::Client> EtcdAccess::client(const std::string& endpoint) {
  const std::lock_guard lock(mutex_);
  renew_if_needed();
  auto& slot = clients_[endpoint];
  if (!slot) {
    slot = std::make_shared<etcd::Client>(endpoint, identity_);
  }
  return slot;
}

EtcdAccess::ProbeIdentities EtcdAccess::probe_identities() {
  const std::lock_guard lock(mutex_);
  renew_if_needed();
  return {identity_, peer_identity_};
}

}  // namespace cke::cluster
