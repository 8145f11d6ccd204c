// The certificate a member presents on a port, read from a TLS handshake: what clients and
// peers really see, whatever cke's records say (a certificate replaced behind cke's back
// included).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/pki/revocation.hpp"

namespace cke::cluster {

// The leaf certificate served on address:port, or nullopt (with `error` set) when no handshake
// got that far before `deadline`. Nothing is verified and no client certificate is offered: the
// server sends its certificate before it asks for the client's, and only its dates are wanted.
std::optional<pki::CertificateInfo> served_certificate(
    const std::string& address, uint16_t port, std::chrono::steady_clock::time_point deadline,
    std::string& error);

}  // namespace cke::cluster
