// The RFC 1035 zone file the coredns publisher writes for CoreDNS's `file` plugin (and any DNS
// server that loads zone files): cke's records, and an SOA whose serial always grows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cke/sdk/publisher.hpp"

namespace cke::plugins::coredns {

struct ZoneOptions {
  std::string zone;        // the zone's origin without the final dot; "" = the cluster domain
  uint32_t ttl = 30;       // of every record, and the SOA's negative-caching time
  std::string nameserver;  // the NS (and SOA MNAME) target, absolute, without the final dot
};

// The members DNS answers with: the ready ones, or every member when none is ready (a name that
// stops resolving during an outage would only make clients give up sooner).
std::vector<const sdk::Endpoint*> answering_endpoints(const sdk::EndpointSet& set);

// Names under `<domain>` (the endpoint set's cluster domain):
//   cke-etcd.kube-system.svc.<domain>           A/AAAA  every ready member (all when none is)
//   <label>.cke-etcd.kube-system.svc.<domain>   A/AAAA  each member (sdk::member_host_label)
//   _etcd-client-ssl._tcp.<domain>              SRV     0 0 CLIENT-PORT <label>… per ready member
//   _etcd-server-ssl._tcp.<domain>              SRV     0 0 PEER-PORT <label>… per ready member
// One record a line, absolute names, sorted; throws sdk::Error(CKE_INVALID_ARGUMENT) when a
// name falls outside `zone`.
std::string zone_records(const sdk::EndpointSet& set, const ZoneOptions& options);

// Dynamic updates (RFC 2136) change only the names cke owns. Which member names it published
// before lives in the zone itself, as TXT strings at this name, so that a restarted cke still
// removes the names of members that left while it was down:
//   _cke-owned.cke-etcd.kube-system.svc.<domain>  TXT  "<label> <label> …"
std::string ownership_name(const sdk::EndpointSet& set);
// The ownership record for `set`, a zone-file line.
std::string ownership_record(const sdk::EndpointSet& set, uint32_t ttl);
// The member labels in the ownership record's strings; anything that is not a label is ignored.
std::vector<std::string> owned_labels(const std::vector<std::string>& txt_strings);
// The RRsets ("NAME TYPE") an update deletes before adding the current records: the service
// name's A and AAAA, both SRV names, the ownership TXT, and A and AAAA of every member label in
// `set` or in `previous_labels`.
std::vector<std::string> owned_rrsets(const sdk::EndpointSet& set,
                                      const std::vector<std::string>& previous_labels);

// The whole file: a header naming cke, $ORIGIN, $TTL, SOA, NS, then `records`.
std::string zone_file(const std::string& records, const ZoneOptions& options, uint32_t serial,
                      const std::string& cluster_name);

// What a file zone_file wrote holds: its serial and records; nullopt for any other file.
struct WrittenZone {
  uint32_t serial = 0;
  std::string records;
};
std::optional<WrittenZone> read_written_zone(const std::string& text);

// The serial after `previous` at time `now`: the unix time when it is larger (serials then say
// when), else previous + 1, so it always grows in RFC 1982's sense.
uint32_t next_serial(std::optional<uint32_t> previous, uint32_t now);

}  // namespace cke::plugins::coredns
