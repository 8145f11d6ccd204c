#include "core/publish/endpoint_set.hpp"

#include <algorithm>

namespace cke::publish {

plugin::EndpointSet endpoint_set(const config::ClusterConfig& config,
                                 const cluster::ClusterObservation& observed) {
  plugin::EndpointSet set{
      config.name, kServiceName, kServiceNamespace, config.kubelet.cluster_domain, {}};
  const auto endpoint = [&](const std::string& address, bool ready) {
    return plugin::Endpoint{address, address, config.etcd.client_port, config.etcd.peer_port,
                            ready};
  };
  if (observed.member_list_known) {
    for (const auto& m : observed.members) {
      if (m.in_member_list) {
        set.endpoints.push_back(endpoint(m.address, !m.is_learner && m.serving()));
      }
    }
  } else {
    for (const auto& node : config.control_plane()) {
      set.endpoints.push_back(endpoint(node.address, false));
    }
  }
  std::sort(set.endpoints.begin(), set.endpoints.end(),
            [](const auto& a, const auto& b) { return a.address < b.address; });
  return set;
}

}  // namespace cke::publish
