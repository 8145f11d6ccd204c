// The skydns form: the coredns publisher's records as SkyDNS messages in an etcd, which CoreDNS's
// `etcd` plugin serves. A name's key is the path followed by its labels in reverse order
// (cke-etcd.kube-system.svc.cluster.local -> /skydns/local/cluster/svc/kube-system/cke-etcd), and
// the plugin answers a name with every message at or below its key:
//   <path>/<service name reversed>/<label>                     {"host":"ADDRESS","ttl":T}
//   <path>/<_etcd-client-ssl._tcp.<domain> reversed>/<label>   {"host":"<label>.<service>",
//                                                               "port":P,"priority":10,"ttl":T}
//   <path>/<_etcd-server-ssl._tcp.<domain> reversed>/<label>   the same with the peer port
// for each ready member (every member when none is), <label> being sdk::member_host_label. So
// the service name answers with the ready members, and <label>.<service> with that member —
// only while it is ready, since its key lies below the service name's.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cke/sdk/publisher.hpp"

namespace cke::plugins::coredns {

struct SkydnsOptions {
  std::string path = "/skydns";  // CoreDNS's `path`, without a trailing slash
  uint32_t ttl = 30;
};

// The key of DNS `name` under `path`.
std::string skydns_key(const std::string& path, const std::string& name);

// The keys cke reads to find its records: the service name's and both SRV names'.
std::vector<std::string> skydns_prefixes(const sdk::EndpointSet& set, const SkydnsOptions& options);

// Every key and value for `set`.
std::map<std::string, std::string> skydns_records(const sdk::EndpointSet& set,
                                                  const SkydnsOptions& options);

// What cke owns of `existing` (the keys under skydns_prefixes): everything below the service
// name (cke-etcd is cke's name), and below the SRV names only the messages whose host is a name
// below the service name. Other SRV records of those names are someone else's.
std::map<std::string, std::string> skydns_owned(const std::map<std::string, std::string>& existing,
                                                const sdk::EndpointSet& set,
                                                const SkydnsOptions& options);

// The change from `owned` to `desired`: keys to delete, and keys to put (new or different).
struct SkydnsChange {
  std::vector<std::string> deletes;
  std::map<std::string, std::string> puts;
};
SkydnsChange skydns_change(const std::map<std::string, std::string>& owned,
                           const std::map<std::string, std::string>& desired);

}  // namespace cke::plugins::coredns
