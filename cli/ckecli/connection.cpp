#include "cli/ckecli/connection.hpp"

#include <cstdlib>

#include "core/common/error.hpp"

namespace cke::cli {

std::string Connection::address() const {
  if (!server.empty()) {
    return server;
  }
  const char* env = std::getenv("CKE_SERVER");
  return env != nullptr && *env != '\0' ? env : kDefaultServer;
}

std::unique_ptr<v1::Cke::Stub> Connection::stub() const {
  return v1::Cke::NewStub(grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()));
}

void Connection::check(const grpc::Status& status) const {
  if (status.ok()) {
    return;
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      status.error_message().find("connect") != std::string::npos) {
    throw Error("cannot reach cke at " + address() + " (" + status.error_message() +
                    "); is cke running? Point ckecli at it with --server or CKE_SERVER",
                CKE_UNAVAILABLE);
  }
  throw Error(status.error_message(), static_cast<int32_t>(status.error_code()));
}

std::unique_ptr<grpc::ClientContext> call_context(std::chrono::seconds timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

}  // namespace cke::cli
