// The few etcd v3 KV messages the skydns form needs, in protobuf's wire format, written and read
// by hand: this plugin cannot link the generated etcd protobuf code, which the core already
// registers in the process (a second registration aborts it). Field numbers are etcd 3.4's
// (api/etcdserverpb/rpc.proto, api/mvccpb/kv.proto).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cke::plugins::coredns {

// RangeRequest for every key that starts with `prefix` (non-empty).
std::string encode_range_prefix(std::string_view prefix);

// TxnRequest without comparisons whose success branch deletes `deletes` (single keys) and puts
// `puts`, applied atomically by etcd. The two must not share a key (etcd refuses that).
std::string encode_txn(const std::vector<std::string>& deletes,
                       const std::map<std::string, std::string>& puts);

// The keys and values of a RangeResponse. Throws std::invalid_argument on malformed input.
std::map<std::string, std::string> decode_range_response(std::string_view message);

}  // namespace cke::plugins::coredns
