// An instance of an endpoint publisher plugin, seen from the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cke/publisher.h"
#include "core/plugin/registry.hpp"

namespace cke::plugin {

struct Endpoint {
  std::string member_name;
  std::string address;
  uint16_t port = 0;       // client port
  uint16_t peer_port = 0;  // peer port
  bool ready = false;      // healthy and in sync
  bool operator==(const Endpoint&) const = default;
};

struct EndpointSet {
  std::string cluster_name;
  std::string service_name;    // "cke-etcd"
  std::string namespace_name;  // "kube-system"
  std::string cluster_domain;
  std::vector<Endpoint> endpoints;  // sorted by address
  bool operator==(const EndpointSet&) const = default;
};

class Publisher {
 public:
  Publisher(const PluginRecord& record, const std::string& config_json);
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;
  ~Publisher();

  [[nodiscard]] const std::string& plugin_name() const { return record_.name; }
  // Makes the target show `set` (idempotent).
  void publish(const EndpointSet& set);
  // Removes what publish made.
  void withdraw(const EndpointSet& set);

 private:
  const PluginRecord& record_;
  const cke_publisher_table* table_;
  cke_publisher* instance_;
};

}  // namespace cke::plugin
