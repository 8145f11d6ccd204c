// The coredns publisher's zone file: the records for a set, the file around them, and serials.
#include "plugins/publish-coredns/zone_file.hpp"

#include <gtest/gtest.h>

#include "tests/unit/dns_endpoint_set.hpp"

namespace {

using cke::plugins::coredns::next_serial;
using cke::plugins::coredns::read_written_zone;
using cke::plugins::coredns::zone_file;
using cke::plugins::coredns::zone_records;
using cke::plugins::coredns::ZoneOptions;

TEST(ZoneRecords, ReadyMembersBehindTheServiceNameAndEveryMemberUnderItsOwn) {
  EXPECT_EQ(zone_records(cke::test::three_dns_members(), {"cluster.local", 30, "localhost"}),
            "10-0-0-1.cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.1\n"
            "10-0-0-2.cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.2\n"
            "_etcd-client-ssl._tcp.cluster.local. 30 IN SRV 0 0 2379 "
            "10-0-0-1.cke-etcd.kube-system.svc.cluster.local.\n"
            "_etcd-client-ssl._tcp.cluster.local. 30 IN SRV 0 0 2379 "
            "fd00--3.cke-etcd.kube-system.svc.cluster.local.\n"
            "_etcd-server-ssl._tcp.cluster.local. 30 IN SRV 0 0 2380 "
            "10-0-0-1.cke-etcd.kube-system.svc.cluster.local.\n"
            "_etcd-server-ssl._tcp.cluster.local. 30 IN SRV 0 0 2380 "
            "fd00--3.cke-etcd.kube-system.svc.cluster.local.\n"
            "cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.1\n"
            "cke-etcd.kube-system.svc.cluster.local. 30 IN AAAA fd00::3\n"
            "fd00--3.cke-etcd.kube-system.svc.cluster.local. 30 IN AAAA fd00::3\n");
}

TEST(ZoneRecords, WithNoMemberReadyEveryMemberStaysBehindTheServiceName) {
  auto set = cke::test::three_dns_members();
  for (auto& e : set.endpoints) {
    e.ready = false;
  }
  const std::string records = zone_records(set, {"cluster.local", 30, "localhost"});
  for (const char* line : {"cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.1\n",
                           "cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.2\n",
                           "cke-etcd.kube-system.svc.cluster.local. 30 IN AAAA fd00::3\n"}) {
    EXPECT_NE(records.find(line), std::string::npos) << line;
  }
}

TEST(ZoneRecords, ARecordOutsideTheZoneIsRefusedNamingBoth) {
  try {
    zone_records(cke::test::three_dns_members(), {"svc.cluster.local", 30, "localhost"});
    FAIL() << "a record outside the zone was written";
  } catch (const cke::sdk::Error& e) {
    EXPECT_NE(std::string(e.what()).find("_etcd-client-ssl._tcp.cluster.local lies outside the "
                                         "zone svc.cluster.local"),
              std::string::npos)
        << e.what();
  }
}

TEST(ZoneFile, CarriesItsSerialInTheSoaAndReadsBackWhatItWrote) {
  const ZoneOptions options{"cluster.local", 30, "ns1.example.org"};
  const std::string records = zone_records(cke::test::three_dns_members(), options);
  const std::string text = zone_file(records, options, 1764690000, "prod");
  EXPECT_NE(text.find("@ IN SOA ns1.example.org. hostmaster.cluster.local. 1764690000 30 10 3600 "
                      "30\n@ IN NS ns1.example.org.\n"),
            std::string::npos)
      << text;
  const auto back = read_written_zone(text);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->serial, 1764690000u);
  EXPECT_EQ(back->records, records);
}

TEST(ZoneFile, AFileCkeDidNotWriteIsNotTakenForItsOwn) {
  EXPECT_FALSE(read_written_zone("$ORIGIN cluster.local.\n@ IN SOA a. b. 1 2 3 4 5\n"));
  EXPECT_FALSE(read_written_zone("; written by cke's coredns publisher, serial x\n"));
  EXPECT_FALSE(read_written_zone(""));
}

TEST(ZoneSerial, IsTheTimeWhenLaterElseOneMoreAndWrapsAsRfc1982Says) {
  EXPECT_EQ(next_serial(std::nullopt, 1000), 1000u);
  EXPECT_EQ(next_serial(900, 1000), 1000u);
  EXPECT_EQ(next_serial(1000, 1000), 1001u);         // twice in one second
  EXPECT_EQ(next_serial(5000, 1000), 5001u);         // a clock that went back
  EXPECT_EQ(next_serial(0xffffffffu, 1000), 1000u);  // 1000 is after 2^32 - 1
}

}  // namespace

namespace {

using cke::plugins::coredns::owned_labels;
using cke::plugins::coredns::owned_rrsets;
using cke::plugins::coredns::ownership_record;

TEST(DnsUpdateRecords, TheOwnershipRecordListsEveryMembersLabel) {
  EXPECT_EQ(ownership_record(cke::test::three_dns_members(), 30),
            "_cke-owned.cke-etcd.kube-system.svc.cluster.local. 30 IN TXT "
            "\"10-0-0-1 10-0-0-2 fd00--3\"");
}

TEST(DnsUpdateRecords, OnlyLabelsAreTakenFromTheOwnershipRecord) {
  EXPECT_EQ(owned_labels({"10-0-0-1  10-0-0-9", "x.y ../z 10-0-0-7"}),
            (std::vector<std::string>{"10-0-0-1", "10-0-0-9", "10-0-0-7"}));
  EXPECT_TRUE(owned_labels({}).empty());
}

TEST(DnsUpdateRecords, AnUpdateDeletesCkesNamesAndThoseOfMembersThatLeft) {
  const auto rrsets = owned_rrsets(cke::test::three_dns_members(), {"10-0-0-9"});
  const std::vector<std::string> expected = {
      "cke-etcd.kube-system.svc.cluster.local A",
      "cke-etcd.kube-system.svc.cluster.local AAAA",
      "_etcd-client-ssl._tcp.cluster.local SRV",
      "_etcd-server-ssl._tcp.cluster.local SRV",
      "_cke-owned.cke-etcd.kube-system.svc.cluster.local TXT",
      "10-0-0-1.cke-etcd.kube-system.svc.cluster.local A",
      "10-0-0-1.cke-etcd.kube-system.svc.cluster.local AAAA",
      "10-0-0-2.cke-etcd.kube-system.svc.cluster.local A",
      "10-0-0-2.cke-etcd.kube-system.svc.cluster.local AAAA",
      "10-0-0-9.cke-etcd.kube-system.svc.cluster.local A",
      "10-0-0-9.cke-etcd.kube-system.svc.cluster.local AAAA",
      "fd00--3.cke-etcd.kube-system.svc.cluster.local A",
      "fd00--3.cke-etcd.kube-system.svc.cluster.local AAAA"};
  EXPECT_EQ(rrsets, expected);
}

}  // namespace
