#include "core/etcd/client.hpp"

namespace cke::etcd {

std::string prefix_end(const std::string& prefix) {
  std::string end = prefix;
  while (!end.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(end.back());
    if (last < 0xff) {
      ++last;
      return end;
    }
    end.pop_back();
  }
  return std::string(1, '\0');  // every key: etcd's "\0" range end
}

Client::Client(std::string endpoint, const TlsIdentity& identity, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout) {
  grpc::SslCredentialsOptions tls;
  tls.pem_root_certs = identity.ca_pem;
  tls.pem_private_key = identity.key_pem;
  tls.pem_cert_chain = identity.cert_pem;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // One connection per member: sharing a subchannel would let a snapshot meant for one member be
  // served by another.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  // Channels are kept per member. gRPC's default reconnect backoff grows to 120 s, so a member
  // that was down for half a minute (a restore, a restart) would be seen back only many seconds
  // after it serves again. Members are near: retry every second at most.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // No transparent retries inside gRPC. cke aborted on SIGTERM in
  // absl::optional<grpc_status_code>::operator* right after members had been killed: gRPC's
  // retry filter dereferences the grpc-status of a call's trailing metadata without checking
  // it, and a member that dies mid-call leaves that status absent. cke decides itself what to
  // retry (every operation is re-decided on the next pass), so the filter only adds that risk.
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
  channel_ = grpc::CreateCustomChannel(endpoint_, grpc::SslCredentials(tls), args);
  kv_ = etcdserverpb::KV::NewStub(channel_);
  lease_ = etcdserverpb::Lease::NewStub(channel_);
  cluster_ = etcdserverpb::Cluster::NewStub(channel_);
  maintenance_ = etcdserverpb::Maintenance::NewStub(channel_);
  auth_ = etcdserverpb::Auth::NewStub(channel_);
}

template <class Response, class Request, class Method>
Response Client::call(const char* name, Method method, const Request& request,
                      std::optional<std::chrono::milliseconds> timeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout.value_or(timeout_));
  Response response;
  const grpc::Status status = method(&context, request, &response);
  if (!status.ok()) {
    std::string message = status.error_message();
    if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
        status.error_code() == grpc::StatusCode::UNAVAILABLE) {
      // A TLS refusal shows up only as this; the reason is in the member's log.
      message += " (member down, or TLS refused: see the member's etcd.log)";
    }
    throw EtcdError("etcd " + endpoint_ + ": " + name + ": " + message, status.error_code(),
                    status.error_message());
  }
  return response;
}

#define CKE_ETCD_CALL(Response, stub, Method, request, ...)                     \
  call<etcdserverpb::Response>(                                                 \
      #Method,                                                                  \
      [&](grpc::ClientContext* c, const auto& rq, etcdserverpb::Response* rs) { \
        return (stub)->Method(c, rq, rs);                                       \
      },                                                                        \
      request, ##__VA_ARGS__)

etcdserverpb::RangeResponse Client::range(const std::string& key, const std::string& range_end,
                                          bool serializable, bool count_only,
                                          std::optional<std::chrono::milliseconds> timeout) {
  etcdserverpb::RangeRequest r;
  r.set_key(key);
  r.set_range_end(range_end);
  r.set_serializable(serializable);
  r.set_count_only(count_only);
  return CKE_ETCD_CALL(RangeResponse, kv_, Range, r, timeout);
}

etcdserverpb::PutResponse Client::put(const std::string& key, const std::string& value) {
  etcdserverpb::PutRequest r;
  r.set_key(key);
  r.set_value(value);
  return CKE_ETCD_CALL(PutResponse, kv_, Put, r);
}

etcdserverpb::DeleteRangeResponse Client::delete_range(const std::string& key,
                                                       const std::string& range_end) {
  etcdserverpb::DeleteRangeRequest r;
  r.set_key(key);
  r.set_range_end(range_end);
  return CKE_ETCD_CALL(DeleteRangeResponse, kv_, DeleteRange, r);
}

etcdserverpb::TxnResponse Client::put_batch(
    const std::vector<std::pair<std::string, std::string>>& kvs) {
  etcdserverpb::TxnRequest r;
  for (const auto& [key, value] : kvs) {
    auto* put = r.add_success()->mutable_request_put();
    put->set_key(key);
    put->set_value(value);
  }
  return CKE_ETCD_CALL(TxnResponse, kv_, Txn, r);
}

etcdserverpb::TxnResponse Client::txn(const etcdserverpb::TxnRequest& request) {
  return CKE_ETCD_CALL(TxnResponse, kv_, Txn, request);
}

void Client::compact(int64_t revision) {
  etcdserverpb::CompactionRequest r;
  r.set_revision(revision);
  r.set_physical(true);
  CKE_ETCD_CALL(CompactionResponse, kv_, Compact, r, std::chrono::seconds(60));
}

etcdserverpb::LeaseGrantResponse Client::lease_grant(int64_t ttl_seconds) {
  etcdserverpb::LeaseGrantRequest r;
  r.set_ttl(ttl_seconds);
  return CKE_ETCD_CALL(LeaseGrantResponse, lease_, LeaseGrant, r);
}

void Client::lease_revoke(int64_t id) {
  etcdserverpb::LeaseRevokeRequest r;
  r.set_id(id);
  CKE_ETCD_CALL(LeaseRevokeResponse, lease_, LeaseRevoke, r);
}

int64_t Client::lease_keep_alive(int64_t id) {
  // etcd offers keep-alive only as a stream; one request and its answer, within the deadline.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + timeout_);
  const auto stream = lease_->LeaseKeepAlive(&context);
  etcdserverpb::LeaseKeepAliveRequest request;
  request.set_id(id);
  etcdserverpb::LeaseKeepAliveResponse response;
  const bool exchanged = stream->Write(request) && stream->Read(&response);
  stream->WritesDone();  // etcd ends the stream when ours ends
  const grpc::Status status = stream->Finish();
  if (!status.ok()) {
    throw EtcdError("etcd " + endpoint_ + ": LeaseKeepAlive: " + status.error_message(),
                    status.error_code(), status.error_message());
  }
  if (!exchanged) {
    throw EtcdError("etcd " + endpoint_ + ": LeaseKeepAlive: the stream closed without an answer",
                    grpc::StatusCode::UNAVAILABLE, "");
  }
  return response.ttl();
}

etcdserverpb::MemberListResponse Client::member_list() {
  return CKE_ETCD_CALL(MemberListResponse, cluster_, MemberList, etcdserverpb::MemberListRequest());
}

etcdserverpb::MemberAddResponse Client::member_add(const std::vector<std::string>& peer_urls,
                                                   bool learner) {
  etcdserverpb::MemberAddRequest r;
  for (const auto& url : peer_urls) {
    r.add_peerurls(url);
  }
  r.set_islearner(learner);
  return CKE_ETCD_CALL(MemberAddResponse, cluster_, MemberAdd, r);
}

etcdserverpb::MemberRemoveResponse Client::member_remove(uint64_t id) {
  etcdserverpb::MemberRemoveRequest r;
  r.set_id(id);
  return CKE_ETCD_CALL(MemberRemoveResponse, cluster_, MemberRemove, r);
}

etcdserverpb::MemberPromoteResponse Client::member_promote(uint64_t id) {
  etcdserverpb::MemberPromoteRequest r;
  r.set_id(id);
  return CKE_ETCD_CALL(MemberPromoteResponse, cluster_, MemberPromote, r);
}

etcdserverpb::StatusResponse Client::status(std::optional<std::chrono::milliseconds> timeout) {
  return CKE_ETCD_CALL(StatusResponse, maintenance_, Status, etcdserverpb::StatusRequest(),
                       timeout);
}

etcdserverpb::AlarmResponse Client::alarms() {
  return CKE_ETCD_CALL(AlarmResponse, maintenance_, Alarm, etcdserverpb::AlarmRequest());
}

void Client::alarm_disarm(uint64_t member_id, int32_t alarm) {
  etcdserverpb::AlarmRequest r;
  r.set_action(2);  // DEACTIVATE
  r.set_memberid(member_id);
  r.set_alarm(alarm);
  CKE_ETCD_CALL(AlarmResponse, maintenance_, Alarm, r);
}

void Client::move_leader(uint64_t target_id) {
  etcdserverpb::MoveLeaderRequest r;
  r.set_targetid(target_id);
  CKE_ETCD_CALL(MoveLeaderResponse, maintenance_, MoveLeader, r);
}

void Client::defragment(std::chrono::milliseconds timeout) {
  CKE_ETCD_CALL(DefragmentResponse, maintenance_, Defragment, etcdserverpb::DefragmentRequest(),
                timeout);
}

etcdserverpb::HashKVResponse Client::hash_kv(int64_t revision) {
  etcdserverpb::HashKVRequest r;
  r.set_revision(revision);
  return CKE_ETCD_CALL(HashKVResponse, maintenance_, HashKV, r);
}

std::unique_ptr<grpc::ClientReader<etcdserverpb::SnapshotResponse>> Client::snapshot(
    grpc::ClientContext& context) {
  return maintenance_->Snapshot(&context, etcdserverpb::SnapshotRequest());
}

void Client::auth_enable() {
  CKE_ETCD_CALL(AuthEnableResponse, auth_, AuthEnable, etcdserverpb::AuthEnableRequest());
}

void Client::user_add(const std::string& name) {
  etcdserverpb::AuthUserAddRequest r;
  r.set_name(name);
  r.mutable_options()->set_no_password(true);
  CKE_ETCD_CALL(AuthUserAddResponse, auth_, UserAdd, r);
}

std::optional<etcdserverpb::AuthUserGetResponse> Client::user_get(const std::string& name) {
  etcdserverpb::AuthUserGetRequest r;
  r.set_name(name);
  try {
    return CKE_ETCD_CALL(AuthUserGetResponse, auth_, UserGet, r);
  } catch (const EtcdError& e) {
    if (e.not_found()) {
      return std::nullopt;
    }
    throw;
  }
}

std::vector<std::string> Client::user_list() {
  const auto response =
      CKE_ETCD_CALL(AuthUserListResponse, auth_, UserList, etcdserverpb::AuthUserListRequest());
  return {response.users().begin(), response.users().end()};
}

void Client::user_delete(const std::string& name) {
  etcdserverpb::AuthUserDeleteRequest r;
  r.set_name(name);
  CKE_ETCD_CALL(AuthUserDeleteResponse, auth_, UserDelete, r);
}

void Client::user_grant_role(const std::string& user, const std::string& role) {
  etcdserverpb::AuthUserGrantRoleRequest r;
  r.set_user(user);
  r.set_role(role);
  CKE_ETCD_CALL(AuthUserGrantRoleResponse, auth_, UserGrantRole, r);
}

void Client::role_add(const std::string& name) {
  etcdserverpb::AuthRoleAddRequest r;
  r.set_name(name);
  CKE_ETCD_CALL(AuthRoleAddResponse, auth_, RoleAdd, r);
}

std::optional<etcdserverpb::AuthRoleGetResponse> Client::role_get(const std::string& name) {
  etcdserverpb::AuthRoleGetRequest r;
  r.set_role(name);
  try {
    return CKE_ETCD_CALL(AuthRoleGetResponse, auth_, RoleGet, r);
  } catch (const EtcdError& e) {
    if (e.not_found()) {
      return std::nullopt;
    }
    throw;
  }
}

void Client::role_delete(const std::string& name) {
  etcdserverpb::AuthRoleDeleteRequest r;
  r.set_role(name);
  CKE_ETCD_CALL(AuthRoleDeleteResponse, auth_, RoleDelete, r);
}

void Client::role_grant_permission(const std::string& role, const std::string& key,
                                   const std::string& range_end, PermissionType type) {
  etcdserverpb::AuthRoleGrantPermissionRequest r;
  r.set_name(role);
  r.mutable_perm()->set_permtype(static_cast<int32_t>(type));
  r.mutable_perm()->set_key(key);
  r.mutable_perm()->set_range_end(range_end);
  CKE_ETCD_CALL(AuthRoleGrantPermissionResponse, auth_, RoleGrantPermission, r);
}

}  // namespace cke::etcd
