// C++ base class for an endpoint publisher plugin and the trampolines behind
// cke_publisher_table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cke/publisher.h"
#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"

namespace cke::sdk {

struct Endpoint {
  std::string member_name;
  std::string address;
  uint32_t port = 0;
  bool ready = false;
  uint32_t peer_port = 0;  // since ABI 1.3; 0 from an older host
};

struct EndpointSet {
  std::string cluster_name;
  std::string service_name;
  std::string namespace_name;
  std::string cluster_domain;
  std::vector<Endpoint> endpoints;
};

// The DNS label that names one member under the service, as in
// `<label>.cke-etcd.kube-system.svc.<domain>`: its address with '.' and ':' written as '-'
// ("10.0.0.1" → "10-0-0-1", "fd00::1" → "fd00--1"). cke puts these names in the member's server
// and peer certificates, so that clients that find members through SRV records can verify them.
inline std::string member_host_label(std::string_view address) {
  std::string label(address);
  for (char& c : label) {
    if (c == '.' || c == ':') {
      c = '-';
    }
  }
  return label;
}

// Derive from this; the constructor takes the JSON configuration text. Both calls receive the
// whole set and must be idempotent (see cke/publisher.h).
class Publisher {
 public:
  virtual ~Publisher() = default;
  virtual void publish(const EndpointSet& set) = 0;
  virtual void withdraw(const EndpointSet& set) = 0;
};

namespace detail::publisher {

inline Publisher* self(cke_publisher* p) { return reinterpret_cast<Publisher*>(p); }

inline std::string text(const char* s) { return s != nullptr ? s : ""; }

inline EndpointSet copy(const cke_endpoint_set& c) {
  EndpointSet set{text(c.cluster_name),
                  text(c.service_name),
                  text(c.namespace_name),
                  text(c.cluster_domain),
                  {}};
  set.endpoints.reserve(c.endpoint_count);
  for (size_t i = 0; i < c.endpoint_count; ++i) {
    const cke_endpoint& e = *c.endpoints[i];
    set.endpoints.push_back({text(e.member_name), text(e.address), e.port, e.ready == 1,
                             CKE_HAS_FIELD(cke_endpoint, &e, peer_port) ? e.peer_port : 0});
  }
  return set;
}

template <class T>
int32_t create(const char* config_json, cke_publisher** out, cke_error* err) {
  return barrier(err, [&] {
    auto instance =
        std::make_unique<T>(std::string_view(config_json != nullptr ? config_json : "{}"));
    *out = reinterpret_cast<cke_publisher*>(static_cast<Publisher*>(instance.release()));
  });
}

inline void destroy(cke_publisher* p) {
  delete self(p);  // NOLINT(cppcoreguidelines-owning-memory): the C ABI owns the instance
}

inline int32_t publish(cke_publisher* p, const cke_endpoint_set* set, cke_error* err) {
  return barrier(err, [&] { self(p)->publish(copy(*set)); });
}

inline int32_t withdraw(cke_publisher* p, const cke_endpoint_set* set, cke_error* err) {
  return barrier(err, [&] { self(p)->withdraw(copy(*set)); });
}

}  // namespace detail::publisher

template <class T>
const cke_plugin_descriptor* publisher_plugin(const PluginInfo& info) {
  namespace c = detail::publisher;
  static const cke_publisher_table table{sizeof(cke_publisher_table), &c::create<T>, &c::destroy,
                                         &c::publish, &c::withdraw};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_PUBLISHER, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
