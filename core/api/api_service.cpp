#include "core/api/api_service.hpp"

#include <spdlog/spdlog.h>

#include "core/cluster/member_command.hpp"
#include "core/cluster/member_launch.hpp"
#include "core/common/clock.hpp"
#include "core/common/error.hpp"
#include "core/common/names.hpp"
#include "core/ops/user_ops.hpp"
#include "core/pki/certificate_issuer.hpp"
#include "core/pki/revocation.hpp"
#include "core/users/prefix_user.hpp"

namespace cke::api {
namespace {

void fill(v1::Certificate* out, const plugin::IssuedCertificate& issued, const std::string& ca) {
  out->set_certificate(issued.certificate_pem);
  out->set_private_key(issued.private_key_pem);
  out->set_ca_certificate(ca);
}

void fill(v1::Operation* out, const state::OperationRecord& r) {
  out->set_id(r.id);
  out->set_operation(r.operation);
  out->set_target(r.target);
  out->set_started_at(r.started_at);
  out->set_finished_at(r.finished_at);
  out->set_result(r.result);
  out->set_message(r.message);
}

const char* state_name(plugin::MemberState s) {
  switch (s) {
    case plugin::MemberState::running: return "running";
    case plugin::MemberState::stopped: return "stopped";
    case plugin::MemberState::absent: return "absent";
  }
  return "unknown";
}

void fill_members(const controller::StatusSnapshot& snapshot,
                  google::protobuf::RepeatedPtrField<v1::Member>* out) {
  for (const auto& m : snapshot.observed.members) {
    auto* member = out->Add();
    member->set_name(m.address);
    member->set_address(m.address);
    if (m.id && m.in_member_list) {
      member->set_id(cluster::member_id_hex(*m.id));
    }
    if (snapshot.config) {
      member->add_peer_urls(cluster::peer_url(*snapshot.config, m.address));
      member->add_client_urls(cluster::client_url(*snapshot.config, m.address));
    }
    member->set_is_learner(m.is_learner);
    // A runtime that could not be asked (an unreachable node) knows nothing: say so.
    member->set_runtime_state(m.runtime_known ? state_name(m.runtime.state) : "unknown");
    member->set_pid(m.runtime.pid);
    member->set_healthy(m.reachable && m.in_member_list && snapshot.observed.quorum_write_ok);
    member->set_in_sync(m.in_sync);
    member->set_is_leader(m.is_leader);
    member->set_db_size(m.db_size);
    member->set_revision(m.revision);
    member->set_error(m.error);
    member->set_etcd_version(m.version);
    member->set_installed_etcd_version(m.desired_version);
    if (const auto cert = m.first_expiring_certificate()) {
      member->set_certificates_expire_at(
          format_utc(std::chrono::system_clock::from_time_t(static_cast<time_t>(cert->not_after))));
    }
  }
}

}  // namespace

std::shared_ptr<etcd::Client> ApiService::healthy_client() {
  const auto snapshot = controller_.status();
  if (!snapshot.config) {
    throw Error(
        "no cluster yet (phase " + snapshot.phase + "): apply one with ckecli cluster set FILE",
        CKE_FAILED_PRECONDITION);
  }
  std::vector<std::string> candidates;
  if (snapshot.observed.leader) {
    candidates.push_back(*snapshot.observed.leader);
  }
  for (const auto& m : snapshot.observed.members) {
    if (m.reachable) {
      candidates.push_back(m.address);
    }
  }
  if (candidates.empty() || !snapshot.observed.quorum_write_ok) {
    throw Error("the etcd cluster is not available (phase " + snapshot.phase + ": " +
                    snapshot.detail + "); check ckecli status",
                CKE_UNAVAILABLE);
  }
  return env_.etcd().client(cluster::client_endpoint(*snapshot.config, candidates.front()));
}

plugin::IssuedCertificate ApiService::issue_recorded(const std::string& user,
                                                     std::chrono::seconds ttl, uint32_t key_type) {
  controller_.leadership().require();
  auto issued = env_.issuer().client(user, ttl, key_type);
  controller_.update_state(
      [&](state::State& s) { pki::record_issued(s, user, issued, env_.clock().unix_seconds()); });
  return issued;
}

std::vector<std::string> ApiService::revoke_and_publish(state::State& s, const std::string& target,
                                                        bool none_is_fine) {
  if (!env_.issuer().can_sign_crl()) {
    throw Error("the certificate backend cannot sign revocation lists: revocation is unavailable",
                CKE_UNIMPLEMENTED);
  }
  auto serials = pki::revoke(s, target, env_.clock().unix_seconds(), none_is_fine);
  env_.store().save(s);  // recorded before any member is told: a crash republishes at start
  for (const auto& address : s.members) {
    cluster::write_client_crl(env_, s, address);
  }
  return serials;
}

grpc::Status ApiService::CertList(grpc::ServerContext*, const v1::Empty*,
                                  v1::CertListResponse* response) {
  return handle([&] {
    const int64_t now = env_.clock().unix_seconds();
    for (const auto& c : controller_.state().certificates) {
      if (c.not_after <= now) {
        continue;
      }
      auto* out = response->add_certificates();
      out->set_serial(c.serial);
      out->set_common_name(c.common_name);
      out->set_not_after(format_utc(std::chrono::system_clock::from_time_t(c.not_after)));
      out->set_revoked(c.revoked_at != 0);
      out->set_revoked_at(c.revoked_at != 0
                              ? format_utc(std::chrono::system_clock::from_time_t(c.revoked_at))
                              : "");
    }
  });
}

grpc::Status ApiService::CertRevoke(grpc::ServerContext*, const v1::CertRevokeRequest* request,
                                    v1::CertRevokeResponse* response) {
  return handle([&] {
    if (request->target().empty()) {
      throw Error("name a certificate serial or a user to revoke", CKE_INVALID_ARGUMENT);
    }
    controller_.run_exclusive("cert-revoke", request->target(), [&](state::State& s) {
      for (const auto& serial : revoke_and_publish(s, request->target(), false)) {
        response->add_serials(serial);
      }
    });
  });
}

grpc::Status ApiService::ClusterSet(grpc::ServerContext*, const v1::ClusterSetRequest* request,
                                    v1::ClusterSetResponse* response) {
  return handle([&] {
    const auto warnings = controller_.set_cluster(
        request->yaml(), request->source().empty() ? "cluster.yml" : request->source(),
        request->force());
    for (const auto& w : warnings) {
      spdlog::warn("{}", w);
      response->add_warnings(w);
    }
  });
}

grpc::Status ApiService::ClusterGet(grpc::ServerContext*, const v1::Empty*,
                                    v1::ClusterGetResponse* response) {
  return handle([&] {
    const auto s = controller_.state();
    if (s.cluster_yaml.empty()) {
      throw Error("no cluster.yml applied yet: ckecli cluster set FILE", CKE_NOT_FOUND);
    }
    response->set_yaml(s.cluster_yaml);
    response->set_source(s.cluster_source);
  });
}

grpc::Status ApiService::RootIssue(grpc::ServerContext*, const v1::Empty*,
                                   v1::Certificate* response) {
  return handle([&] {
    fill(response, issue_recorded("root", pki::kRootCertificateTtl), env_.issuer().server_ca());
    spdlog::info("issued a root client certificate valid for 2 hours");
  });
}

grpc::Status ApiService::Issue(grpc::ServerContext*, const v1::IssueRequest* request,
                               v1::Certificate* response) {
  return handle([&] {
    const std::string& user = request->user();
    if (user == "root") {
      throw Error("root certificates are short-lived: use ckecli etcd root-issue",
                  CKE_INVALID_ARGUMENT);
    }
    check_user_name(user);  // refuses malformed and reserved names (backup)
    const auto ttl = request->ttl_seconds() != 0 ? std::chrono::seconds(request->ttl_seconds())
                                                 : pki::kUserCertificateTtl;
    pki::check_certificate_ttl(ttl, "ttl");
    uint32_t key_type = CKE_KEY_ECDSA_P256;
    if (request->key_type() == "rsa") {
      key_type = CKE_KEY_RSA_2048;
    } else if (!request->key_type().empty() && request->key_type() != "ecdsa") {
      throw Error("unknown key type \"" + request->key_type() + "\": use ecdsa or rsa",
                  CKE_INVALID_ARGUMENT);
    }
    fill(response, issue_recorded(user, ttl, key_type), env_.issuer().server_ca());
    spdlog::info("issued a client certificate for {} valid for {} s", user, ttl.count());
    // Issued all the same: the user may be created afterwards (the seed's order is user-add,
    // then issue, but nothing forbids the other), and authenticates nobody until then.
    try {
      if (!healthy_client()->user_get(user)) {
        response->set_warning("etcd user \"" + user +
                              "\" does not exist: the certificate authenticates nobody until "
                              "ckecli etcd user-add " +
                              user + " PREFIX");
      }
    } catch (const Error& e) {
      spdlog::debug("could not check that user {} exists: {}", user, e.what());
    }
  });
}

grpc::Status ApiService::UserAdd(grpc::ServerContext*, const v1::UserAddRequest* request,
                                 v1::UserAddResponse* response) {
  return handle([&] {
    check_user_name(request->user());
    if (request->prefix().empty()) {
      throw Error("the key prefix must not be empty", CKE_INVALID_ARGUMENT);
    }
    auto client = healthy_client();
    controller_.run_exclusive("user-add", request->user(), [&](state::State&) {
      response->set_completed_earlier_attempt(ops::user_add(
          *client, request->user(), request->prefix(), request->force(), env_.failpoints()));
    });
  });
}

grpc::Status ApiService::UserList(grpc::ServerContext*, const v1::Empty*,
                                  v1::UserListResponse* response) {
  return handle([&] {
    auto client = healthy_client();
    for (const auto& name : client->user_list()) {
      auto* user = response->add_users();
      user->set_name(name);
      if (const auto got = client->user_get(name)) {
        for (const auto& role : got->roles()) {
          user->add_roles(role);
        }
      }
      if (const auto role = client->role_get(name)) {
        for (const auto& prefix : users::prefixes_of_role(*role)) {
          user->add_prefixes(prefix);
        }
      }
    }
  });
}

grpc::Status ApiService::UserRemove(grpc::ServerContext*, const v1::UserRemoveRequest* request,
                                    v1::Empty*) {
  return handle([&] {
    check_user_name(request->user());
    if (request->user() == "kube-apiserver") {
      throw Error("user \"kube-apiserver\" is managed by cke (Kubernetes needs it)",
                  CKE_INVALID_ARGUMENT);
    }
    auto client = healthy_client();
    controller_.run_exclusive("user-remove", request->user(), [&](state::State& s) {
      ops::user_remove(*client, request->user(), env_.failpoints());
      // A certificate must not outlive its user: a later user of the same name must not
      // inherit it.
      if (env_.issuer().can_sign_crl()) {
        const auto revoked = revoke_and_publish(s, request->user(), true);
        spdlog::info("revoked {} certificate(s) of {}", revoked.size(), request->user());
      }
    });
  });
}

grpc::Status ApiService::MemberList(grpc::ServerContext*, const v1::Empty*,
                                    v1::MemberListResponse* response) {
  return handle([&] { fill_members(controller_.status(), response->mutable_members()); });
}

grpc::Status ApiService::Status(grpc::ServerContext*, const v1::Empty*,
                                v1::StatusResponse* response) {
  return handle([&] {
    const auto snapshot = controller_.status();
    const auto s = controller_.state();
    response->set_cluster_name(snapshot.config ? snapshot.config->name : "");
    response->set_phase(snapshot.phase);
    response->set_phase_detail(snapshot.detail);
    response->set_cluster_id(s.cluster_id);
    response->set_auth_enabled(s.auth_enabled);
    response->set_leader(snapshot.observed.leader.value_or(""));
    fill_members(snapshot, response->mutable_members());
    if (snapshot.config && snapshot.config->etcd_backup.enabled) {
      response->set_backup_schedule(snapshot.config->etcd_backup.schedule);
    }
    if (!s.last_backup_result.empty()) {
      auto* last = response->mutable_last_backup();
      last->set_name(s.last_backup_name);
      last->set_finished_at(s.last_backup_at);
      last->set_result(s.last_backup_result);
      last->set_size(s.last_backup_size);
      last->set_message(s.last_backup_message);
    }
    if (!s.history.empty()) {
      fill(response->mutable_last_operation(), s.history.back());
    }
    if (const auto* publishing = controller_.publishing(); publishing != nullptr) {
      for (const auto& p : publishing->status()) {
        auto* out = response->add_publishers();
        out->set_name(p.name);
        out->set_plugin(p.plugin);
        out->set_state(p.state);
        out->set_published_at(p.published_at);
        out->set_endpoints(static_cast<uint32_t>(p.endpoints));
        out->set_ready(static_cast<uint32_t>(p.ready));
        out->set_failures(p.failures);
        out->set_error(p.error);
      }
    }
  });
}

grpc::Status ApiService::History(grpc::ServerContext*, const v1::HistoryRequest* request,
                                 v1::HistoryResponse* response) {
  return handle([&] {
    const auto s = controller_.state();
    size_t start = 0;
    if (request->limit() > 0 && s.history.size() > static_cast<size_t>(request->limit())) {
      start = s.history.size() - static_cast<size_t>(request->limit());
    }
    for (size_t i = start; i < s.history.size(); ++i) {
      fill(response->add_operations(), s.history[i]);
    }
  });
}

}  // namespace cke::api
