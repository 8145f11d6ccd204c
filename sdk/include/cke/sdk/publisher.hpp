// C++ base class for an endpoint publisher plugin and the trampolines behind
// cke_publisher_table.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "cke/publisher.h"
#include "cke/sdk/error.hpp"
#include "cke/sdk/plugin_info.hpp"
#include "cke/sdk/streams.hpp"

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

// Since ABI 1.4: see cke_object_set.
struct ObjectSet {
  std::string set_name;
  std::string namespace_name;
  std::vector<std::string> kinds;    // "apiVersion/Kind"
  std::vector<std::string> objects;  // JSON text each
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

// A publisher whose target is an API server, which also keeps cke's object sets and reads from
// the target for cke (ABI 1.4's apply_objects and fetch; see cke/publisher.h).
class ObjectPublisher : public Publisher {
 public:
  virtual void apply_objects(const ObjectSet& set) = 0;
  virtual void fetch(const std::string& path, Writer& sink) = 0;
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

inline std::vector<std::string> texts(const char* const* items, size_t count) {
  std::vector<std::string> out;
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    out.push_back(text(items[i]));
  }
  return out;
}

inline int32_t apply_objects(cke_publisher* p, const cke_object_set* set, cke_error* err) {
  return barrier(err, [&] {
    static_cast<ObjectPublisher*>(self(p))->apply_objects(
        {text(set->set_name), text(set->namespace_name), texts(set->kinds, set->kind_count),
         texts(set->objects, set->object_count)});
  });
}

inline int32_t fetch(cke_publisher* p, const char* path, const cke_writer* sink, cke_error* err) {
  return barrier(err, [&] {
    Writer writer(*sink);
    static_cast<ObjectPublisher*>(self(p))->fetch(text(path), writer);
  });
}

}  // namespace detail::publisher

template <class T>
const cke_plugin_descriptor* publisher_plugin(const PluginInfo& info) {
  namespace c = detail::publisher;
  constexpr bool keeps_objects = std::is_base_of_v<ObjectPublisher, T>;
  static const cke_publisher_table table{sizeof(cke_publisher_table),
                                         &c::create<T>,
                                         &c::destroy,
                                         &c::publish,
                                         &c::withdraw,
                                         keeps_objects ? &c::apply_objects : nullptr,
                                         keeps_objects ? &c::fetch : nullptr};
  static const cke_plugin_descriptor descriptor =
      detail::make_descriptor(CKE_KIND_PUBLISHER, info, &table);
  return &descriptor;
}

}  // namespace cke::sdk
