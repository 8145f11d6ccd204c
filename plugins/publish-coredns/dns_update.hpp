// RFC 2136 dynamic updates signed with TSIG (RFC 8945), and plain queries, through ldns: how the
// coredns publisher changes records in a zone that BIND, Knot or another primary serves.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace cke::plugins::coredns {

struct TsigKey {
  std::string name;  // the key's name, as the server knows it
  std::string algorithm = "hmac-sha256";
  std::string secret;  // base64; never logged
};

struct DnsServer {
  std::string address;  // an IP address
  uint16_t port = 53;
  std::string zone;  // the zone the updates go to, without the final dot
  TsigKey key;       // no name: unsigned (the server must then allow that by address)
  std::chrono::seconds timeout{3};
};

// One UPDATE message, applied by the server all or nothing: first deletes every RRset in
// `delete_rrsets` ("NAME TYPE", absolute names without the final dot), then adds `add_records`
// (zone-file lines with absolute names). Throws sdk::Error with a sentence saying what the
// server answered (NOTAUTH for a wrong key, REFUSED when updates are not allowed).
void send_update(const DnsServer& server, const std::vector<std::string>& delete_rrsets,
                 const std::vector<std::string>& add_records);

// The TXT strings at `name` (empty when there is none), asked of the server itself over TCP.
std::vector<std::string> query_txt(const DnsServer& server, const std::string& name);

}  // namespace cke::plugins::coredns
