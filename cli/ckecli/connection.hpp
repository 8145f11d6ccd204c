// How ckecli reaches cke: --server or CKE_SERVER (unix:///var/lib/cke/cke.sock by default).
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "core/common/error.hpp"
#include "proto/cke_api.grpc.pb.h"

namespace cke::cli {

inline constexpr const char* kDefaultServer = "unix:///var/lib/cke/cke.sock";

// A follower of several cke processes refused a change: it names the leader to send it to.
class LeaderRedirect : public Error {
 public:
  LeaderRedirect(const std::string& message, std::string leader)
      : Error(message, CKE_UNAVAILABLE), leader_(std::move(leader)) {}
  [[nodiscard]] const std::string& leader() const { return leader_; }

 private:
  std::string leader_;
};

struct Connection {
  std::string server;   // as given; empty: CKE_SERVER, then the default
  std::string tls_dir;  // ca.crt, admin.crt, admin.key for a TCP server; empty: CKE_TLS_DIR
  std::string leader;   // after a follower's redirect: the leader's address, used from then on

  [[nodiscard]] std::string address() const;
  // --tls-dir or CKE_TLS_DIR is given.
  [[nodiscard]] bool has_tls_dir() const;
  // --tls-dir, else CKE_TLS_DIR; "" when neither is given.
  [[nodiscard]] std::string operator_tls_dir() const;
  [[nodiscard]] std::unique_ptr<v1::Cke::Stub> stub() const;
  // Throws cke::Error with cke's message, or with what to do when cke cannot be reached;
  // LeaderRedirect the first time a follower names its leader.
  void check(const grpc::Status& status) const;
};

// A context with a deadline suited to the call.
std::unique_ptr<grpc::ClientContext> call_context(
    std::chrono::seconds timeout = std::chrono::seconds(30));

}  // namespace cke::cli
