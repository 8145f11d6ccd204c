// An instance of an endpoint publisher plugin, seen from the core.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cke/publisher.h"
#include "core/plugin/registry.hpp"
#include "core/stream/byte_stream.hpp"

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

// Objects cke keeps through a publisher whose target is an API server (see cke_object_set).
struct ObjectSet {
  std::string set_name;              // "etcdbackup"
  std::string namespace_name;        // "kube-system"
  std::vector<std::string> kinds;    // "apiVersion/Kind" of every kind the set may hold
  std::vector<std::string> objects;  // JSON text; empty: the whole set is deleted
  bool operator==(const ObjectSet&) const = default;
};

// Whether instances of this publisher plugin keep object sets and fetch (ABI 1.4).
bool keeps_objects(const PluginRecord& record);

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
  // Only when keeps_objects(record): throws CKE_UNIMPLEMENTED otherwise.
  void apply_objects(const ObjectSet& set);
  // GETs `path` from the target's API into `sink`.
  void fetch(const std::string& path, stream::ByteWriter& sink);

 private:
  const PluginRecord& record_;
  const cke_publisher_table* table_;
  cke_publisher* instance_;
};

}  // namespace cke::plugin
