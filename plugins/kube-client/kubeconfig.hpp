// Where a Kubernetes API server is and how to authenticate to it: a kubeconfig file (its current
// context; client certificate or bearer token; the CA that verifies the server), or the service
// account a Pod runs as.
#pragma once

#include <cstddef>
#include <string>

namespace cke::kube {

struct Credentials {
  std::string server;  // https://host:port, without a trailing slash
  std::string ca_pem;  // verifies the server; empty: the system's CAs
  bool insecure_skip_verify = false;
  std::string client_cert_pem;  // with client_key_pem: client certificate authentication
  std::string client_key_pem;
  std::string token;           // bearer token
  std::string token_file;      // when set, the bearer token is read from it before each request:
                               // service account tokens are rotated under a running client
  std::string namespace_name;  // the context's namespace; "" when it names none
};

// Reads `path`'s current context (or `context` when given). File names in it are relative to the
// file's directory. Throws sdk::Error(CKE_INVALID_ARGUMENT) with a sentence naming the file and
// the field.
Credentials load_kubeconfig(const std::string& path, const std::string& context = "");

// The same from the file's text; `path` names it in errors and resolves relative file names.
inline constexpr size_t kMaxKubeconfigBytes = size_t{1} << 20;
Credentials parse_kubeconfig(const std::string& yaml, const std::string& path,
                             const std::string& context = "");

// The service account of the Pod this runs in (KUBERNETES_SERVICE_HOST/PORT and
// /var/run/secrets/kubernetes.io/serviceaccount); throws sdk::Error when not in a Pod.
Credentials in_cluster_credentials();

// The bearer token to send now: token_file's content when it is set (throws sdk::Error naming
// the file when it cannot be read), else token.
std::string current_token(const Credentials& credentials);

}  // namespace cke::kube
