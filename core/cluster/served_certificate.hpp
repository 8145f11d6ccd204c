// The certificate a member presents on a port, read from a TLS handshake: what clients and
// peers really see, whatever cke's records say (a certificate replaced behind cke's back
// included).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/etcd/tls_identity.hpp"
#include "core/pki/revocation.hpp"

namespace cke::cluster {

// The leaf certificate served on address:port, or nullopt (with `error` set) when no handshake
// got that far before `deadline`. `present` is the client certificate offered (its CA is not
// used). The server's certificate is not verified: its dates are wanted whoever signed it.
std::optional<pki::CertificateInfo> served_certificate(
    const std::string& address, uint16_t port, const etcd::TlsIdentity& present,
    std::chrono::steady_clock::time_point deadline, std::string& error);

}  // namespace cke::cluster
