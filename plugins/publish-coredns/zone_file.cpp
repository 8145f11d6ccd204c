#include "zone_file.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>
#include <vector>

namespace cke::plugins::coredns {
namespace {

constexpr std::string_view kHeader = "; written by cke's coredns publisher, serial ";
constexpr std::string_view kRecordsMark = "; cke's records\n";

bool is_ipv6(const std::string& address) { return address.find(':') != std::string::npos; }

// `name` (absolute, no final dot) must lie in `zone`.
void check_in_zone(const std::string& name, const std::string& zone) {
  if (name != zone && !name.ends_with("." + zone)) {
    throw sdk::Error(CKE_INVALID_ARGUMENT, "the record " + name + " lies outside the zone " + zone +
                                               "; set the publisher's zone to a suffix of it");
  }
}

}  // namespace

std::vector<const sdk::Endpoint*> answering_endpoints(const sdk::EndpointSet& set) {
  std::vector<const sdk::Endpoint*> answering;
  for (const auto& e : set.endpoints) {
    if (e.ready) {
      answering.push_back(&e);
    }
  }
  if (answering.empty()) {
    for (const auto& e : set.endpoints) {
      answering.push_back(&e);
    }
  }
  return answering;
}

std::string zone_records(const sdk::EndpointSet& set, const ZoneOptions& options) {
  const std::string& domain = set.cluster_domain;
  const std::string zone = options.zone.empty() ? domain : options.zone;
  const std::string service =
      set.service_name + "." + set.namespace_name + ".svc." + domain;  // cke-etcd.kube-system…
  const std::string client_srv = "_etcd-client-ssl._tcp." + domain;
  const std::string server_srv = "_etcd-server-ssl._tcp." + domain;
  for (const auto* name : {&service, &client_srv, &server_srv}) {
    check_in_zone(*name, zone);
  }
  const auto ready = answering_endpoints(set);
  const std::string ttl = std::to_string(options.ttl);
  const auto address_record = [&](const std::string& name, const std::string& address) {
    return name + ". " + ttl + " IN " + (is_ipv6(address) ? "AAAA " : "A ") + address;
  };
  std::set<std::string> lines;  // sorted and without repeats: the same set gives the same text
  for (const auto& e : set.endpoints) {
    lines.insert(address_record(sdk::member_host_label(e.address) + "." + service, e.address));
  }
  for (const auto* e : ready) {
    const std::string target = sdk::member_host_label(e->address) + "." + service + ".";
    lines.insert(address_record(service, e->address));
    lines.insert(client_srv + ". " + ttl + " IN SRV 0 0 " + std::to_string(e->port) + " " + target);
    if (e->peer_port != 0) {
      lines.insert(server_srv + ". " + ttl + " IN SRV 0 0 " + std::to_string(e->peer_port) + " " +
                   target);
    }
  }
  std::string out;
  for (const auto& line : lines) {
    out += line + "\n";
  }
  return out;
}

std::string zone_file(const std::string& records, const ZoneOptions& options, uint32_t serial,
                      const std::string& cluster_name) {
  const std::string ttl = std::to_string(options.ttl);
  const std::string s = std::to_string(serial);
  // SOA: refresh, retry, expire matter only to secondaries; the minimum (negative caching) is
  // the records' TTL, so a member that appears is found as soon as one that goes is forgotten.
  return std::string(kHeader) + s + "\n; for the etcd cluster " + cluster_name +
         "; replaced as a whole on every change\n$ORIGIN " + options.zone + ".\n$TTL " + ttl +
         "\n@ IN SOA " + options.nameserver + ". hostmaster." + options.zone + ". " + s + " " +
         ttl + " 10 3600 " + ttl + "\n@ IN NS " + options.nameserver + ".\n" +
         std::string(kRecordsMark) + records;
}

std::optional<WrittenZone> read_written_zone(const std::string& text) {
  if (!text.starts_with(kHeader)) {
    return std::nullopt;
  }
  const char* first = text.data() + kHeader.size();
  const char* last = text.data() + text.size();
  WrittenZone zone;
  const auto [end, error] = std::from_chars(first, last, zone.serial);
  const auto mark = text.find(kRecordsMark);
  if (error != std::errc() || end == last || *end != '\n' || mark == std::string::npos) {
    return std::nullopt;
  }
  zone.records = text.substr(mark + kRecordsMark.size());
  return zone;
}

std::string ownership_name(const sdk::EndpointSet& set) {
  return "_cke-owned." + set.service_name + "." + set.namespace_name + ".svc." + set.cluster_domain;
}

std::string ownership_record(const sdk::EndpointSet& set, uint32_t ttl) {
  std::string labels;
  for (const auto& e : set.endpoints) {
    labels += (labels.empty() ? "" : " ") + sdk::member_host_label(e.address);
  }
  return ownership_name(set) + ". " + std::to_string(ttl) + " IN TXT \"" + labels + "\"";
}

std::vector<std::string> owned_labels(const std::vector<std::string>& txt_strings) {
  std::vector<std::string> labels;
  for (const auto& text : txt_strings) {
    std::istringstream words(text);
    for (std::string word; words >> word;) {
      const bool label = word.size() <= 63 && std::all_of(word.begin(), word.end(), [](char c) {
                           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                  (c >= '0' && c <= '9') || c == '-';
                         });
      if (label) {
        labels.push_back(word);
      }
    }
  }
  return labels;
}

std::vector<std::string> owned_rrsets(const sdk::EndpointSet& set,
                                      const std::vector<std::string>& previous_labels) {
  const std::string service =
      set.service_name + "." + set.namespace_name + ".svc." + set.cluster_domain;
  std::set<std::string> labels(previous_labels.begin(), previous_labels.end());
  for (const auto& e : set.endpoints) {
    labels.insert(sdk::member_host_label(e.address));
  }
  std::vector<std::string> out = {
      service + " A", service + " AAAA", "_etcd-client-ssl._tcp." + set.cluster_domain + " SRV",
      "_etcd-server-ssl._tcp." + set.cluster_domain + " SRV", ownership_name(set) + " TXT"};
  for (const auto& label : labels) {
    out.push_back(label + "." + service + " A");
    out.push_back(label + "." + service + " AAAA");
  }
  return out;
}

uint32_t next_serial(std::optional<uint32_t> previous, uint32_t now) {
  if (!previous) {
    return now;
  }
  // RFC 1982: `now` is later than `previous` when (now - previous) mod 2^32 is in (0, 2^31).
  const uint32_t ahead = now - *previous;
  return ahead > 0 && ahead < (1u << 31) ? now : *previous + 1;
}

}  // namespace cke::plugins::coredns
