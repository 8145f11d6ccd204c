#include "cli/etcdbackup/snapshot_source.hpp"

#include <memory>

#include "core/common/error.hpp"

namespace cke::etcdbackup {

backup::SnapshotSource pick_snapshot_source(const std::vector<std::string>& endpoints,
                                            const etcd::TlsIdentity& identity) {
  std::shared_ptr<etcd::Client> leader;
  std::shared_ptr<etcd::Client> follower;
  std::string errors;
  for (const auto& endpoint : endpoints) {
    const std::string target = endpoint.starts_with("https://")
                                   ? endpoint.substr(std::string("https://").size())
                                   : endpoint;
    try {
      auto client = std::make_shared<etcd::Client>(target, identity);
      const auto status = client->status();
      if (status.leader() == status.header().member_id()) {
        leader = client;
      } else if (!follower) {
        follower = client;
      }
    } catch (const std::exception& e) {
      errors += (errors.empty() ? "" : "; ") + std::string(e.what());
    }
  }
  if (!leader && !follower) {
    throw Error("no etcd endpoint answered: " + errors, CKE_UNAVAILABLE);
  }
  auto member = follower ? follower : leader;
  // The quorum read goes through any member: etcd forwards it to the leader.
  auto quorum = leader ? leader : follower;
  std::string address = member->endpoint();
  if (const auto colon = address.rfind(':'); colon != std::string::npos) {
    address.resize(colon);
  }
  return {member, quorum, address};
}

}  // namespace cke::etcdbackup
