#include "cli/ckecli/connection.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/common/error.hpp"
#include "core/state/leadership.hpp"

namespace cke::cli {

std::string Connection::address() const {
  if (!leader.empty()) {
    return leader;
  }
  if (!server.empty()) {
    return server;
  }
  const char* env = std::getenv("CKE_SERVER");
  return env != nullptr && *env != '\0' ? env : kDefaultServer;
}

std::string Connection::operator_tls_dir() const {
  const char* env = std::getenv("CKE_TLS_DIR");
  return !tls_dir.empty() || env == nullptr ? tls_dir : env;
}

bool Connection::has_tls_dir() const { return !operator_tls_dir().empty(); }

namespace {

std::string read_tls_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(
        "cannot read " + path.string() + " (make the directory with cke --issue-admin-cert DIR)",
        CKE_NOT_FOUND);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::unique_ptr<v1::Cke::Stub> Connection::stub() const {
  const std::string target = address();
  // As for cke's etcd channels (core/etcd/client.cpp): no gRPC-internal retries, whose filter
  // can abort the process when the server goes away mid-call (cke stopping).
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  if (target.rfind("unix:", 0) == 0) {
    return v1::Cke::NewStub(
        grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args));
  }
  // TCP: always mutual TLS.
  const std::string dir = operator_tls_dir();
  if (dir.empty()) {
    throw Error("--server " + target +
                    " is TCP, which needs an operator certificate: give --tls-dir DIR "
                    "(or CKE_TLS_DIR) made with cke --issue-admin-cert DIR",
                CKE_INVALID_ARGUMENT);
  }
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = read_tls_file(std::filesystem::path(dir) / "ca.crt");
  tls.pem_cert_chain = read_tls_file(std::filesystem::path(dir) / "admin.crt");
  tls.pem_private_key = read_tls_file(std::filesystem::path(dir) / "admin.key");
  return v1::Cke::NewStub(grpc::CreateCustomChannel(target, grpc::SslCredentials(tls), args));
}

void Connection::check(const grpc::Status& status) const {
  if (status.ok()) {
    return;
  }
  const auto& details = status.error_details();
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE && leader.empty() &&
      details.starts_with(state::kLeaderDetail) && details.size() > state::kLeaderDetail.size()) {
    throw LeaderRedirect(status.error_message(), details.substr(state::kLeaderDetail.size()));
  }
  // gRPC's own words for a connection that could not be made (cke's errors are sentences).
  const auto& text = status.error_message();
  const bool unreachable =
      status.error_code() == grpc::StatusCode::UNAVAILABLE &&
      (text.find("connect") != std::string::npos || text.find("Connection") != std::string::npos ||
       text.find("Socket closed") != std::string::npos ||
       text.find("handshake") != std::string::npos ||
       text.find("No such file") != std::string::npos);
  if (unreachable) {
    const bool tcp = address().rfind("unix:", 0) != 0;
    throw Error(
        "cannot reach cke at " + address() + " (" + status.error_message() +
            "); is cke running? Point ckecli at it with --server or CKE_SERVER" +
            (tcp ? ", and check that --tls-dir holds a certificate from cke --issue-admin-cert"
                 : ""),
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
