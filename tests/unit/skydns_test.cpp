// The coredns publisher's etcd form: SkyDNS keys and messages as CoreDNS's etcd plugin reads them,
// what cke owns of a prefix, the change it writes, and the etcd messages in protobuf's wire format.
#include "plugins/publish-coredns/skydns.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "plugins/publish-coredns/etcd_wire.hpp"
#include "tests/unit/dns_endpoint_set.hpp"

namespace {

using namespace cke::plugins::coredns;
using namespace std::string_literals;

// The etcd plugin's documented layout: the path, then the name's labels from the top down.
TEST(Skydns, KeysAreThePathAndTheLabelsReversed) {
  EXPECT_EQ(skydns_key("/skydns", "x1.skydns.local"), "/skydns/local/skydns/x1");
  EXPECT_EQ(skydns_key("/dns", "cke-etcd.kube-system.svc.cluster.local"),
            "/dns/local/cluster/svc/kube-system/cke-etcd");
}

TEST(Skydns, ReadyMembersUnderTheServiceNameAndBothSrvNames) {
  const std::map<std::string, std::string> want = {
      {"/skydns/local/cluster/svc/kube-system/cke-etcd/10-0-0-1",
       R"({"host":"10.0.0.1","ttl":30})"},
      {"/skydns/local/cluster/svc/kube-system/cke-etcd/fd00--3", R"({"host":"fd00::3","ttl":30})"},
      {"/skydns/local/cluster/_tcp/_etcd-client-ssl/10-0-0-1",
       R"({"host":"10-0-0-1.cke-etcd.kube-system.svc.cluster.local","port":2379,"priority":10,"ttl":30})"},
      {"/skydns/local/cluster/_tcp/_etcd-client-ssl/fd00--3",
       R"({"host":"fd00--3.cke-etcd.kube-system.svc.cluster.local","port":2379,"priority":10,"ttl":30})"},
      {"/skydns/local/cluster/_tcp/_etcd-server-ssl/10-0-0-1",
       R"({"host":"10-0-0-1.cke-etcd.kube-system.svc.cluster.local","port":2380,"priority":10,"ttl":30})"},
      {"/skydns/local/cluster/_tcp/_etcd-server-ssl/fd00--3",
       R"({"host":"fd00--3.cke-etcd.kube-system.svc.cluster.local","port":2380,"priority":10,"ttl":30})"},
  };
  EXPECT_EQ(skydns_records(cke::test::three_dns_members(false), {}), want);
}

TEST(Skydns, EveryMemberWhenNoneIsReady) {
  auto set = cke::test::three_dns_members(false);
  for (auto& e : set.endpoints) {
    e.ready = false;
  }
  EXPECT_EQ(skydns_records(set, {"/skydns", 5}).size(), 9U);
}

TEST(Skydns, OwnsTheServiceNameAndOnlySrvRecordsPointingIntoIt) {
  const std::map<std::string, std::string> existing = {
      {"/skydns/local/cluster/svc/kube-system/cke-etcd/old", "not even JSON"},
      {"/skydns/local/cluster/_tcp/_etcd-client-ssl/10-0-0-9",
       R"({"host":"10-0-0-9.cke-etcd.kube-system.svc.cluster.local","port":2379})"},
      {"/skydns/local/cluster/_tcp/_etcd-client-ssl/other", R"({"host":"etcd.example.org"})"},
      {"/skydns/local/cluster/_tcp/_etcd-server-ssl/bad", "[1,2]"},
  };
  const auto owned = skydns_owned(existing, cke::test::three_dns_members(true), {});
  EXPECT_EQ(owned.size(), 2U);
  EXPECT_TRUE(owned.contains("/skydns/local/cluster/svc/kube-system/cke-etcd/old"));
  EXPECT_TRUE(owned.contains("/skydns/local/cluster/_tcp/_etcd-client-ssl/10-0-0-9"));
}

TEST(Skydns, ChangeDeletesWhatIsGoneAndPutsOnlyWhatDiffers) {
  const auto change = skydns_change({{"/a", "1"}, {"/b", "2"}, {"/c", "3"}},
                                    {{"/b", "2"}, {"/c", "4"}, {"/d", "5"}});
  EXPECT_EQ(change.deletes, std::vector<std::string>{"/a"});
  EXPECT_EQ(change.puts, (std::map<std::string, std::string>{{"/c", "4"}, {"/d", "5"}}));
  const auto none = skydns_change({{"/b", "2"}}, {{"/b", "2"}});
  EXPECT_TRUE(none.deletes.empty());
  EXPECT_TRUE(none.puts.empty());
}

TEST(EtcdWire, RangeOfAPrefixEndsAfterIt) {
  // key (field 1) "/skydns/", range_end (field 2) "/skydns0": etcdctl get --prefix's range.
  EXPECT_EQ(encode_range_prefix("/skydns/"), "\x0a\x08/skydns/\x12\x08/skydns0"s);
  EXPECT_THROW(encode_range_prefix(""), std::invalid_argument);
}

TEST(EtcdWire, TxnDeletesThenPuts) {
  // success (2) RequestOp{request_delete_range (3) {key "/a"}}, then
  // success (2) RequestOp{request_put (2) {key "/b", value "v"}}
  EXPECT_EQ(encode_txn({"/a"}, {{"/b", "v"}}),
            "\x12\x06\x1a\x04\x0a\x02/a"
            "\x12\x09\x12\x07\x0a\x02/b\x12\x01v"s);
}

TEST(EtcdWire, RangeResponseKeysAndValuesWhateverElseItHolds) {
  // header (1) {cluster_id (1) 7}, kvs (2) {key "/k", create_revision (2) 5, value (5) "{}"},
  // count (4) 1
  const std::string response =
      "\x0a\x02\x08\x07"
      "\x12\x0a\x0a\x02/k\x10\x05\x2a\x02{}"
      "\x20\x01"s;
  EXPECT_EQ(decode_range_response(response), (std::map<std::string, std::string>{{"/k", "{}"}}));
  EXPECT_TRUE(decode_range_response("").empty());
}

TEST(EtcdWire, MalformedResponsesAreRefused) {
  EXPECT_THROW(decode_range_response("\x12\x05\x0a\x02"s), std::invalid_argument);  // cut short
  EXPECT_THROW(decode_range_response("\x0b"s), std::invalid_argument);              // wire type 3
  EXPECT_THROW(decode_range_response("\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"s),
               std::invalid_argument);                                      // a varint past 64 bits
  EXPECT_THROW(decode_range_response("\x00\x01"s), std::invalid_argument);  // field 0
}

}  // namespace
