#include "skydns.hpp"

#include <nlohmann/json.hpp>

#include "zone_file.hpp"

namespace cke::plugins::coredns {
namespace {

std::string service_name(const sdk::EndpointSet& set) {
  return set.service_name + "." + set.namespace_name + ".svc." + set.cluster_domain;
}

}  // namespace

std::string skydns_key(const std::string& path, const std::string& name) {
  std::string key = path;
  size_t end = name.size();
  while (end > 0) {
    const size_t dot = name.rfind('.', end - 1);
    const size_t start = dot == std::string::npos ? 0 : dot + 1;
    key += "/" + name.substr(start, end - start);
    if (dot == std::string::npos) {
      break;
    }
    end = dot;
  }
  return key;
}

std::vector<std::string> skydns_prefixes(const sdk::EndpointSet& set,
                                         const SkydnsOptions& options) {
  return {skydns_key(options.path, service_name(set)) + "/",
          skydns_key(options.path, "_etcd-client-ssl._tcp." + set.cluster_domain) + "/",
          skydns_key(options.path, "_etcd-server-ssl._tcp." + set.cluster_domain) + "/"};
}

std::map<std::string, std::string> skydns_records(const sdk::EndpointSet& set,
                                                  const SkydnsOptions& options) {
  const auto prefixes = skydns_prefixes(set, options);
  const std::string service = service_name(set);
  std::map<std::string, std::string> records;
  for (const auto* e : answering_endpoints(set)) {
    const std::string label = sdk::member_host_label(e->address);
    records[prefixes[0] + label] =
        nlohmann::json{{"host", e->address}, {"ttl", options.ttl}}.dump();
    const std::string member_name = label + "." + service;  // in the member's certificates
    const auto srv = [&](uint32_t port) {
      return nlohmann::json{
          {"host", member_name}, {"port", port}, {"priority", 10}, {"ttl", options.ttl}}
          .dump();
    };
    records[prefixes[1] + label] = srv(e->port);
    if (e->peer_port != 0) {
      records[prefixes[2] + label] = srv(e->peer_port);
    }
  }
  return records;
}

std::map<std::string, std::string> skydns_owned(const std::map<std::string, std::string>& existing,
                                                const sdk::EndpointSet& set,
                                                const SkydnsOptions& options) {
  const auto prefixes = skydns_prefixes(set, options);
  const std::string below_service = "." + service_name(set);
  std::map<std::string, std::string> owned;
  for (const auto& [key, value] : existing) {
    if (key.starts_with(prefixes[0])) {
      owned.emplace(key, value);
      continue;
    }
    const auto message = nlohmann::json::parse(value, nullptr, false);
    if (message.is_object() && message.contains("host") && message["host"].is_string() &&
        message["host"].get<std::string>().ends_with(below_service)) {
      owned.emplace(key, value);
    }
  }
  return owned;
}

SkydnsChange skydns_change(const std::map<std::string, std::string>& owned,
                           const std::map<std::string, std::string>& desired) {
  SkydnsChange change;
  for (const auto& [key, value] : owned) {
    if (!desired.contains(key)) {
      change.deletes.push_back(key);
    }
  }
  for (const auto& [key, value] : desired) {
    const auto it = owned.find(key);
    if (it == owned.end() || it->second != value) {
      change.puts.emplace(key, value);
    }
  }
  return change;
}

}  // namespace cke::plugins::coredns
