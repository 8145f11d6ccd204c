#include "core/cluster/environment.hpp"

namespace cke::cluster {

plugin::NodeHandle& Environment::node(const std::string& address) {
  const std::lock_guard lock(nodes_mutex_);
  auto& slot = nodes_[address];
  if (!slot) {
    const auto described = described_.find(address);
    const bool known = described != described_.end();
    slot = runtime_.open_node({address, known ? described->second.hostname : "",
                               known ? described->second.user : "", member_dir(address).string()});
  }
  return *slot;
}

void Environment::describe_nodes(const std::vector<config::Node>& nodes) {
  const std::lock_guard lock(nodes_mutex_);
  for (const auto& node : nodes) {
    described_[node.address] = node;
  }
}

void Environment::describe_recorded(const std::vector<state::MemberRecord>& records) {
  const std::lock_guard lock(nodes_mutex_);
  for (const auto& record : records) {
    if (!described_.contains(record.address)) {
      described_[record.address] = {record.address, record.hostname, record.user, false};
    }
  }
}

}  // namespace cke::cluster
