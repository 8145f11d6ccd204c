// How ckecli reaches cke: --server or CKE_SERVER (unix:///var/lib/cke/cke.sock by default).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "proto/cke_api.grpc.pb.h"

namespace cke::cli {

inline constexpr const char* kDefaultServer = "unix:///var/lib/cke/cke.sock";

struct Connection {
  std::string server;   // as given; empty: CKE_SERVER, then the default
  std::string tls_dir;  // ca.crt, admin.crt, admin.key for a TCP server; empty: CKE_TLS_DIR

  [[nodiscard]] std::string address() const;
  [[nodiscard]] std::unique_ptr<v1::Cke::Stub> stub() const;
  // Throws cke::Error with cke's message, or with what to do when cke cannot be reached.
  void check(const grpc::Status& status) const;
};

// A context with a deadline suited to the call.
std::unique_ptr<grpc::ClientContext> call_context(
    std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace cke::cli
