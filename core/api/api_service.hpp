// cke's gRPC API (cke.v1.Cke), served to ckecli.
#pragma once

#include "core/controller/controller.hpp"
#include "proto/cke_api.grpc.pb.h"

namespace cke::api {

class ApiService final : public cke::v1::Cke::Service {
 public:
  ApiService(controller::Controller& controller, controller::Environment& env)
      : controller_(controller), env_(env) {}

  grpc::Status ClusterSet(grpc::ServerContext*, const v1::ClusterSetRequest*,
                          v1::ClusterSetResponse*) override;
  grpc::Status ClusterGet(grpc::ServerContext*, const v1::Empty*, v1::ClusterGetResponse*) override;
  grpc::Status RootIssue(grpc::ServerContext*, const v1::Empty*, v1::Certificate*) override;
  grpc::Status Issue(grpc::ServerContext*, const v1::IssueRequest*, v1::Certificate*) override;
  grpc::Status UserAdd(grpc::ServerContext*, const v1::UserAddRequest*,
                       v1::UserAddResponse*) override;
  grpc::Status UserList(grpc::ServerContext*, const v1::Empty*, v1::UserListResponse*) override;
  grpc::Status UserRemove(grpc::ServerContext*, const v1::UserRemoveRequest*, v1::Empty*) override;
  grpc::Status MemberList(grpc::ServerContext*, const v1::Empty*, v1::MemberListResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const v1::Empty*, v1::StatusResponse*) override;
  grpc::Status History(grpc::ServerContext*, const v1::HistoryRequest*,
                       v1::HistoryResponse*) override;

 private:
  // A client of a member that answers (the leader first); throws when none does.
  std::shared_ptr<etcd::Client> healthy_client();

  controller::Controller& controller_;
  controller::Environment& env_;
};

}  // namespace cke::api
