#include "core/cluster/environment.hpp"

namespace cke::cluster {

plugin::NodeHandle& Environment::node(const std::string& address) {
  const std::lock_guard lock(nodes_mutex_);
  auto& slot = nodes_[address];
  if (!slot) {
    slot = runtime_.open_node({address, "", "", member_dir(address).string()});
  }
  return *slot;
}

}  // namespace cke::cluster
