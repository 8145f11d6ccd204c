// What the publishers publish: a pure function of cluster.yml and the controller's observation.
#pragma once

#include "core/cluster/observation.hpp"
#include "core/config/cluster_config.hpp"
#include "core/plugin/publisher.hpp"

namespace cke::publish {

inline constexpr const char* kServiceName = "cke-etcd";
inline constexpr const char* kServiceNamespace = "kube-system";

// Every member etcd lists (voters and learners), sorted by address; ready when it is a voter
// that runs, answers and is in sync with the last health write. When no member answered the
// member list, cluster.yml's control-plane nodes, none ready: an outage is published as such,
// never as an empty set that would withdraw the names clients know.
plugin::EndpointSet endpoint_set(const config::ClusterConfig& config,
                                 const cluster::ClusterObservation& observed);

}  // namespace cke::publish
