#include "endpoint_objects.hpp"

namespace cke::plugins::kubernetes {
namespace {

using nlohmann::json;

json metadata(const sdk::EndpointSet& set, json labels) {
  labels[kManagedByLabel] = kManagedBy;
  return {{"name", set.service_name}, {"namespace", set.namespace_name}, {"labels", labels}};
}

json client_port(const sdk::EndpointSet& set) {
  const uint32_t port = set.endpoints.empty() ? 2379 : set.endpoints.front().port;
  return {{"name", "client"}, {"port", port}, {"protocol", "TCP"}};
}

// Lists of addresses cke owns whole: one that current has and desired lacks (the API drops empty
// lists) is a difference, not a default.
bool owned_list(const std::string& key) {
  return key == "addresses" || key == "notReadyAddresses" || key == "endpoints" || key == "subsets";
}

// Whether `current` holds every field of `desired` with the same value (objects compared
// recursively, arrays element by element). Defaults the server fills in do not matter.
bool contains(const json& current, const json& desired) {
  if (desired.is_object()) {
    if (!current.is_object()) {
      return false;
    }
    for (const auto& [key, value] : current.items()) {
      if (owned_list(key) && !desired.contains(key) && !value.empty()) {
        return false;
      }
    }
    for (const auto& [key, value] : desired.items()) {
      if (!current.contains(key) || !contains(current[key], value)) {
        return false;
      }
    }
    return true;
  }
  if (desired.is_array()) {
    if (desired.empty() && current.is_null()) {
      return true;  // the API leaves out empty lists
    }
    if (!current.is_array() || current.size() != desired.size()) {
      return false;
    }
    for (size_t i = 0; i < desired.size(); ++i) {
      if (!contains(current[i], desired[i])) {
        return false;
      }
    }
    return true;
  }
  return current == desired;
}

}  // namespace

json service_object(const sdk::EndpointSet& set) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", metadata(set, json::object())},
          {"spec", {{"clusterIP", "None"}, {"ports", json::array({client_port(set)})}}}};
}

json endpoints_object(const sdk::EndpointSet& set) {
  json ready = json::array();
  json not_ready = json::array();
  for (const auto& e : set.endpoints) {
    (e.ready ? ready : not_ready).push_back({{"ip", e.address}});
  }
  json subset = {{"ports", json::array({client_port(set)})}};
  if (!ready.empty()) {
    subset["addresses"] = ready;
  }
  if (!not_ready.empty()) {
    subset["notReadyAddresses"] = not_ready;
  }
  return {{"apiVersion", "v1"},
          {"kind", "Endpoints"},
          {"metadata", metadata(set, {{"endpointslice.kubernetes.io/skip-mirror", "true"}})},
          {"subsets", set.endpoints.empty() ? json::array() : json::array({subset})}};
}

json endpoint_slice_object(const sdk::EndpointSet& set, const std::string& group_version) {
  json endpoints = json::array();
  std::string address_type = "IPv4";
  for (const auto& e : set.endpoints) {
    if (e.address.find(':') != std::string::npos) {
      address_type = "IPv6";  // one slice holds one family; cke's members share theirs
    }
    endpoints.push_back({{"addresses", json::array({e.address})},
                         {"conditions", {{"ready", e.ready}}},
                         {"hostname", sdk::member_host_label(e.address)}});
  }
  return {{"apiVersion", group_version},
          {"kind", "EndpointSlice"},
          {"metadata", metadata(set, {{"kubernetes.io/service-name", set.service_name},
                                      {kSliceControllerLabel, kSliceController}})},
          {"addressType", address_type},
          {"endpoints", endpoints},
          {"ports", json::array({client_port(set)})}};
}

bool up_to_date(const nlohmann::json& current, const nlohmann::json& desired) {
  for (const auto& [key, value] : current.items()) {
    if (owned_list(key) && !desired.contains(key) && !value.empty()) {
      return false;
    }
  }
  for (const auto& [key, value] : desired.items()) {
    if (key == "metadata") {
      if (!contains(current.value("metadata", json::object()).value("labels", json::object()),
                    value.value("labels", json::object()))) {
        return false;
      }
    } else if (key != "apiVersion" && key != "kind" &&
               !contains(current.value(key, json()), value)) {
      return false;
    }
  }
  return true;
}

}  // namespace cke::plugins::kubernetes
