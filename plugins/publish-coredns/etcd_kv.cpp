#include "etcd_kv.hpp"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <stdexcept>

#include "cke/sdk/plugin.hpp"
#include "etcd_wire.hpp"

namespace cke::plugins::coredns {
namespace {

constexpr auto kCallTimeout = std::chrono::seconds(5);

std::string target_of(const std::string& endpoint) {
  constexpr std::string_view scheme = "https://";
  return endpoint.starts_with(scheme) ? endpoint.substr(scheme.size()) : endpoint;
}

// One unary call with raw message bytes through gRPC's generic stub.
grpc::Status unary_call(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                        const std::string& request, std::string& response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + kCallTimeout);
  grpc::Slice slice(request);
  const grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::CompletionQueue queue;
  const auto reader = stub.PrepareUnaryCall(&context, method, request_buffer, &queue);
  reader->StartCall();
  grpc::ByteBuffer response_buffer;
  grpc::Status status;
  int finished = 0;
  reader->Finish(&response_buffer, &status, &finished);
  void* tag = nullptr;
  bool ok = false;
  const bool completed = queue.Next(&tag, &ok) && tag == &finished && ok;
  // On every path: a completion queue is destroyed only shut down and drained.
  queue.Shutdown();
  while (queue.Next(&tag, &ok)) {
  }
  if (!completed) {
    return {grpc::StatusCode::UNAVAILABLE, "the call did not complete"};
  }
  if (status.ok()) {
    std::vector<grpc::Slice> slices;
    if (!response_buffer.Dump(&slices).ok()) {
      return {grpc::StatusCode::INTERNAL, "unreadable response"};
    }
    response.clear();
    for (const auto& s : slices) {
      response.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

}  // namespace

std::string EtcdKv::call(const std::string& method, const std::string& request) const {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = access_.ca_pem;
  tls.pem_cert_chain = access_.cert_pem;
  tls.pem_private_key = access_.key_pem;
  const auto credentials = grpc::SslCredentials(tls);
  std::string errors;
  for (const auto& endpoint : access_.endpoints) {
    const auto channel = grpc::CreateChannel(target_of(endpoint), credentials);
    std::string response;
    const grpc::Status status = unary_call(channel, method, request, response);
    if (status.ok()) {
      return response;
    }
    const std::string what = endpoint + ": " + status.error_message();
    // Refusals are the same from every member: say them at once.
    if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED ||
        status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
      throw sdk::Error(CKE_PERMISSION_DENIED,
                       "etcd " + what + " (the certificate's user needs read-write on the path)");
    }
    errors += (errors.empty() ? "" : "; ") + what;
  }
  throw sdk::Error(CKE_UNAVAILABLE, "no etcd endpoint answered " + method + ": " + errors);
}

std::map<std::string, std::string> EtcdKv::range_prefix(const std::string& prefix) const {
  const std::string response = call("/etcdserverpb.KV/Range", encode_range_prefix(prefix));
  try {
    return decode_range_response(response);
  } catch (const std::invalid_argument& e) {
    throw sdk::Error(CKE_UNAVAILABLE,
                     std::string("etcd sent a malformed RangeResponse: ") + e.what());
  }
}

void EtcdKv::apply(const std::vector<std::string>& deletes,
                   const std::map<std::string, std::string>& puts) const {
  if (deletes.empty() && puts.empty()) {
    return;
  }
  call("/etcdserverpb.KV/Txn", encode_txn(deletes, puts));
}

}  // namespace cke::plugins::coredns
