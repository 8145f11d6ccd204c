// A TLS client identity: the CA that verifies the server, and our certificate and key (PEM).
#pragma once

#include <string>

namespace cke::etcd {

struct TlsIdentity {
  std::string ca_pem;
  std::string cert_pem;
  std::string key_pem;
};

}  // namespace cke::etcd
