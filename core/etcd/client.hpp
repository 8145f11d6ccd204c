// A client of one etcd member over gRPC with a TLS client certificate. Every call has a deadline
// and failures throw EtcdError naming the endpoint, the method and etcd's message.
#pragma once

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/common/error.hpp"
#include "core/etcd/tls_identity.hpp"
#include "proto/etcd_rpc.grpc.pb.h"

namespace cke::etcd {

class EtcdError : public Error {
 public:
  EtcdError(const std::string& message, grpc::StatusCode status, std::string etcd_message)
      : Error(message, static_cast<int32_t>(status)),
        status_(status),
        etcd_message_(std::move(etcd_message)) {}
  [[nodiscard]] grpc::StatusCode status() const { return status_; }
  [[nodiscard]] const std::string& etcd_message() const { return etcd_message_; }
  // etcd's "… not found" (users, roles, members).
  [[nodiscard]] bool not_found() const {
    return etcd_message_.find("not found") != std::string::npos;
  }
  [[nodiscard]] bool permission_denied() const {
    return etcd_message_.find("permission denied") != std::string::npos;
  }

 private:
  grpc::StatusCode status_;
  std::string etcd_message_;
};

enum class PermissionType : int32_t { read = 0, write = 1, readwrite = 2 };

// The end of the key range that covers every key starting with `prefix` (etcd's prefix-end).
std::string prefix_end(const std::string& prefix);

class Client {
 public:
  // `endpoint` is host:port, e.g. "127.0.1.1:2379".
  Client(std::string endpoint, const TlsIdentity& identity,
         std::chrono::milliseconds timeout = std::chrono::seconds(5));

  [[nodiscard]] const std::string& endpoint() const { return endpoint_; }

  // KV
  etcdserverpb::RangeResponse range(const std::string& key, const std::string& range_end = "",
                                    bool serializable = false, bool count_only = false,
                                    std::optional<std::chrono::milliseconds> timeout = {});
  etcdserverpb::PutResponse put(const std::string& key, const std::string& value);
  etcdserverpb::DeleteRangeResponse delete_range(const std::string& key,
                                                 const std::string& range_end = "");
  etcdserverpb::TxnResponse put_batch(const std::vector<std::pair<std::string, std::string>>& kvs);
  etcdserverpb::TxnResponse txn(const etcdserverpb::TxnRequest& request);
  // Drops the history before `revision`; physical: returns once the space is reclaimable.
  void compact(int64_t revision);

  // Lease
  etcdserverpb::LeaseGrantResponse lease_grant(int64_t ttl_seconds);
  void lease_revoke(int64_t id);
  // Refreshes the lease once; returns its new TTL in seconds, 0 when it has expired.
  int64_t lease_keep_alive(int64_t id);

  // Cluster
  etcdserverpb::MemberListResponse member_list();
  etcdserverpb::MemberAddResponse member_add(const std::vector<std::string>& peer_urls,
                                             bool learner);
  etcdserverpb::MemberRemoveResponse member_remove(uint64_t id);
  etcdserverpb::MemberPromoteResponse member_promote(uint64_t id);

  // Maintenance
  etcdserverpb::StatusResponse status(std::optional<std::chrono::milliseconds> timeout = {});
  etcdserverpb::AlarmResponse alarms();
  // Clears `alarm` (1 NOSPACE, 2 CORRUPT) raised by member `member_id`.
  void alarm_disarm(uint64_t member_id, int32_t alarm);
  // Hands leadership to `target_id`; only the leader accepts it.
  void move_leader(uint64_t target_id);
  void defragment(std::chrono::milliseconds timeout);  // of this member only
  etcdserverpb::HashKVResponse hash_kv(int64_t revision);
  // The snapshot stream of this member. `context` owns the call; set its deadline as needed.
  std::unique_ptr<grpc::ClientReader<etcdserverpb::SnapshotResponse>> snapshot(
      grpc::ClientContext& context);

  // Auth
  void auth_enable();
  void user_add(const std::string& name);  // no_password: TLS common-name authentication only
  std::optional<etcdserverpb::AuthUserGetResponse> user_get(
      const std::string& name);  // nullopt: no such user
  std::vector<std::string> user_list();
  void user_delete(const std::string& name);
  void user_grant_role(const std::string& user, const std::string& role);
  void role_add(const std::string& name);
  std::optional<etcdserverpb::AuthRoleGetResponse> role_get(
      const std::string& name);  // nullopt: none
  void role_delete(const std::string& name);
  void role_grant_permission(const std::string& role, const std::string& key,
                             const std::string& range_end, PermissionType type);

 private:
  template <class Response, class Request, class Method>
  Response call(const char* name, Method method, const Request& request,
                std::optional<std::chrono::milliseconds> timeout = std::nullopt);

  std::string endpoint_;
  std::chrono::milliseconds timeout_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<etcdserverpb::KV::Stub> kv_;
  std::unique_ptr<etcdserverpb::Lease::Stub> lease_;
  std::unique_ptr<etcdserverpb::Cluster::Stub> cluster_;
  std::unique_ptr<etcdserverpb::Maintenance::Stub> maintenance_;
  std::unique_ptr<etcdserverpb::Auth::Stub> auth_;
};

}  // namespace cke::etcd
