#include "core/cluster/served_certificate.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <memory>

#include "core/common/sigpipe_guard.hpp"
#include "core/common/tcp_wait.hpp"

namespace cke::cluster {
namespace {

using SslCtxPtr = std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)>;
using SslPtr = std::unique_ptr<SSL, decltype(&SSL_free)>;
using X509Ptr = std::unique_ptr<X509, decltype(&X509_free)>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

BioPtr memory(const std::string& pem) {
  return {BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free};
}

// Offers `identity`'s certificate and key; false when they do not parse.
bool offer(SSL* ssl, const etcd::TlsIdentity& identity) {
  const BioPtr cert_pem = memory(identity.cert_pem);
  const BioPtr key_pem = memory(identity.key_pem);
  const X509Ptr cert(
      cert_pem ? PEM_read_bio_X509(cert_pem.get(), nullptr, nullptr, nullptr) : nullptr,
      &X509_free);
  const KeyPtr key(
      key_pem ? PEM_read_bio_PrivateKey(key_pem.get(), nullptr, nullptr, nullptr) : nullptr,
      &EVP_PKEY_free);
  return cert && key && SSL_use_certificate(ssl, cert.get()) == 1 &&
         SSL_use_PrivateKey(ssl, key.get()) == 1;
}

// Keeps the leaf as the chain is checked: should the server refuse cke's certificate and end the
// handshake, what it sent would be gone with it.
int keep_leaf(int /*preverified*/, X509_STORE_CTX* store) {
  if (X509_STORE_CTX_get_error_depth(store) == 0) {
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* leaf = static_cast<X509Ptr*>(SSL_get_app_data(ssl));
    if (X509* cert = X509_STORE_CTX_get_current_cert(store); cert != nullptr && !*leaf) {
      X509_up_ref(cert);
      leaf->reset(cert);
    }
  }
  return 1;  // carry on: the dates are all that is wanted, trust is not the question here
}

}  // namespace

std::optional<pki::CertificateInfo> served_certificate(
    const std::string& address, uint16_t port, const etcd::TlsIdentity& present,
    std::chrono::steady_clock::time_point deadline, std::string& error) {
  const UniqueFd fd = connect_tcp(address, port, deadline);
  if (!fd) {
    error = "cannot connect to " + address + ":" + std::to_string(port);
    return std::nullopt;
  }
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
      deadline - std::chrono::steady_clock::now());
  const timeval timeout{
      static_cast<time_t>(std::max<int64_t>(left.count(), 1000) / 1'000'000),
      static_cast<suseconds_t>(std::max<int64_t>(left.count(), 1000) % 1'000'000)};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);

  const SslCtxPtr ctx(SSL_CTX_new(TLS_client_method()), &SSL_CTX_free);
  if (ctx) {
    // One handshake and gone: no session to keep, resume or receive tickets for.
    SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx.get(), SSL_OP_NO_TICKET);
  }
  const SslPtr ssl(ctx ? SSL_new(ctx.get()) : nullptr, &SSL_free);
  if (!ssl || !offer(ssl.get(), present)) {
    ERR_clear_error();
    error = "cannot set up TLS with cke's own certificate";
    return std::nullopt;
  }
  X509Ptr leaf(nullptr, &X509_free);
  SSL_set_app_data(ssl.get(), &leaf);
  SSL_set_verify(ssl.get(), SSL_VERIFY_PEER, &keep_leaf);
  SSL_set_fd(ssl.get(), fd.get());
  {
    // A member that goes away mid-handshake (restarted, stopped) must not kill cke.
    const SigpipeGuard no_sigpipe;
    if (SSL_connect(ssl.get()) == 1) {
      SSL_shutdown(ssl.get());
    }
  }
  ERR_clear_error();  // a refused handshake is expected; its queue must not leak into gRPC's
  if (!leaf) {
    error = "no certificate from " + address + ":" + std::to_string(port);
    return std::nullopt;
  }
  try {
    return pki::certificate_info(*leaf);
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

}  // namespace cke::cluster
