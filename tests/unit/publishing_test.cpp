// Publishing as a step of every pass: the endpoint set from an observation, and the publisher
// threads in front of the real coredns plugin (a zone file in a temporary directory) — published
// on change only, retried with backoff, shown in the status, withdrawn when cluster.yml drops it,
// a slow publisher delaying no other.
#include "core/publish/publishing.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/common/unique_fd.hpp"
#include "core/publish/endpoint_set.hpp"
#include "tests/compress/compress_test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using cke::publish::PublisherStatus;

cke::config::ClusterConfig three_node_config() {
  cke::config::ClusterConfig config;
  config.name = "prod";
  for (const char* address : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    config.nodes.push_back({address, "", "", true});
  }
  return config;
}

cke::cluster::MemberObservation member(const std::string& address, bool serving,
                                       bool learner = false) {
  cke::cluster::MemberObservation m;
  m.address = address;
  m.runtime.state = cke::plugin::MemberState::running;
  m.runtime_known = true;
  m.in_member_list = true;
  m.is_learner = learner;
  m.reachable = serving;
  m.in_sync = serving;
  return m;
}

TEST(EndpointSet, ListsEveryListedMemberReadyWhenAServingVoter) {
  cke::cluster::ClusterObservation observed;
  observed.member_list_known = true;
  observed.members = {member("10.0.0.3", true), member("10.0.0.1", true), member("10.0.0.2", false),
                      member("10.0.0.4", true, true)};
  auto outside = member("10.0.0.9", true);
  outside.in_member_list = false;  // a node cke is about to add: not a member yet
  observed.members.push_back(outside);
  const auto set = cke::publish::endpoint_set(three_node_config(), observed);
  EXPECT_EQ(set.service_name, "cke-etcd");
  EXPECT_EQ(set.namespace_name, "kube-system");
  EXPECT_EQ(set.cluster_domain, "cluster.local");
  ASSERT_EQ(set.endpoints.size(), 4u);
  const std::vector<std::pair<std::string, bool>> expected = {
      {"10.0.0.1", true}, {"10.0.0.2", false}, {"10.0.0.3", true}, {"10.0.0.4", false}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(set.endpoints[i].address, expected[i].first);
    EXPECT_EQ(set.endpoints[i].ready, expected[i].second) << expected[i].first;
    EXPECT_EQ(set.endpoints[i].port, 2379);
    EXPECT_EQ(set.endpoints[i].peer_port, 2380);
  }
}

TEST(EndpointSet, WithoutAMemberListTheControlPlaneIsPublishedNotReady) {
  const auto set = cke::publish::endpoint_set(three_node_config(), {});
  ASSERT_EQ(set.endpoints.size(), 3u);
  for (const auto& e : set.endpoints) {
    EXPECT_FALSE(e.ready) << e.address;
  }
}

std::string read(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

cke::plugin::EndpointSet set_of(std::vector<std::string> ready) {
  cke::plugin::EndpointSet set{"prod", "cke-etcd", "kube-system", "cluster.local", {}};
  for (const auto& address : ready) {
    set.endpoints.push_back({address, address, 2379, 2380, true});
  }
  return set;
}

cke::config::PublisherConfig zone_publisher(const fs::path& file) {
  return {"dns", "coredns", R"({"format":"zone-file","file":")" + file.string() + R"("})"};
}

// Polls until `done` or 5 s pass.
template <class Done>
bool eventually(Done done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

class PublishingTest : public ::testing::Test {
 protected:
  PublisherStatus first_status() {
    const auto all = publishing_.status();
    return all.empty() ? PublisherStatus{} : all.front();
  }

  cke::test::TempDir tmp_;
  cke::SystemClock clock_;
  cke::publish::Publishing publishing_{cke::test::built_plugins(), clock_};
};

TEST_F(PublishingTest, PublishesAChangedSetAtOnceAndAnUnchangedOneNever) {
  const fs::path zone = tmp_.path() / "db.cluster.local";
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1", "10.0.0.2"}));
  ASSERT_TRUE(eventually([&] { return first_status().state == "published"; }))
      << first_status().error;
  EXPECT_EQ(first_status().endpoints, 2u);
  EXPECT_EQ(first_status().ready, 2u);
  EXPECT_NE(read(zone).find("cke-etcd.kube-system.svc.cluster.local. 30 IN A 10.0.0.2"),
            std::string::npos);

  // The same set again: no write (the file is left alone, its inode too).
  struct stat before {};
  ASSERT_EQ(::stat(zone.c_str(), &before), 0);
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1", "10.0.0.2"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  struct stat after {};
  ASSERT_EQ(::stat(zone.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);

  // A member gone: published within the deadline the issue sets (2 s).
  const auto offered = std::chrono::steady_clock::now();
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return read(zone).find("10.0.0.2") == std::string::npos; }));
  EXPECT_LT(std::chrono::steady_clock::now() - offered, std::chrono::seconds(2));
}

TEST_F(PublishingTest, AFailingPublisherIsShownAndRetriedWithBackoffUntilItWorks) {
  const fs::path zone = tmp_.path() / "missing-dir" / "db.cluster.local";
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return first_status().state == "failing"; }));
  EXPECT_NE(first_status().error.find("missing-dir"), std::string::npos) << first_status().error;
  fs::create_directory(tmp_.path() / "missing-dir");
  // Retried after 1 s, then 2 s: within the 5 s of eventually().
  ASSERT_TRUE(eventually([&] { return first_status().state == "published"; }))
      << first_status().error;
  EXPECT_EQ(first_status().failures, 0);
  EXPECT_TRUE(fs::exists(zone));
}

TEST_F(PublishingTest, APublisherDroppedFromClusterYmlIsWithdrawn) {
  const fs::path zone = tmp_.path() / "db.cluster.local";
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return fs::exists(zone); }));
  publishing_.offer({}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return !fs::exists(zone); }));
  EXPECT_TRUE(publishing_.status().empty());
}

TEST_F(PublishingTest, ASlowPublisherDelaysNoOther) {
  // A DNS server that takes the connection and never answers: each update waits out its timeout.
  const cke::UniqueFd silent(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  ASSERT_EQ(::bind(silent.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  ASSERT_EQ(::listen(silent.get(), 8), 0);
  ASSERT_EQ(::getsockname(silent.get(), reinterpret_cast<sockaddr*>(&address), &length), 0);
  const cke::config::PublisherConfig slow{"slow", "coredns",
                                          R"({"format":"rfc2136","server":"127.0.0.1","port":)" +
                                              std::to_string(ntohs(address.sin_port)) + "}"};
  const fs::path zone = tmp_.path() / "db.cluster.local";
  publishing_.offer({slow, zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return fs::exists(zone); }));
  const auto offered = std::chrono::steady_clock::now();
  publishing_.offer({slow, zone_publisher(zone)}, set_of({"10.0.0.1", "10.0.0.2"}));
  ASSERT_TRUE(eventually([&] { return read(zone).find("10.0.0.2") != std::string::npos; }));
  EXPECT_LT(std::chrono::steady_clock::now() - offered, std::chrono::seconds(1));
  const auto statuses = publishing_.status();
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].name, "slow");  // cluster.yml's order
  EXPECT_NE(statuses[0].state, "published");
}

TEST_F(PublishingTest, AChangedConfigurationForTheSameTargetIsNotUndoneByTheWithdrawal) {
  const fs::path zone = tmp_.path() / "db.cluster.local";
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return fs::exists(zone); }));
  auto longer_ttl = zone_publisher(zone);
  longer_ttl.config_json = R"({"format":"zone-file","ttl":60,"file":")" + zone.string() + R"("})";
  publishing_.offer({longer_ttl}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(
      eventually([&] { return read(zone).find(" 60 IN A 10.0.0.1") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // a late withdrawal would show
  EXPECT_TRUE(fs::exists(zone));
}

TEST_F(PublishingTest, AnUnknownPluginIsReportedNotFatal) {
  publishing_.offer({{"k8s", "no-such-publisher", "{}"}}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return first_status().state == "failing"; }));
  EXPECT_NE(first_status().error.find("no-such-publisher"), std::string::npos)
      << first_status().error;
}

TEST_F(PublishingTest, AZoneFileCkeDidNotWriteIsLeftAlone) {
  const fs::path zone = tmp_.path() / "db.cluster.local";
  std::ofstream(zone) << "$ORIGIN cluster.local.\n; someone else's\n";
  publishing_.offer({zone_publisher(zone)}, set_of({"10.0.0.1"}));
  ASSERT_TRUE(eventually([&] { return first_status().state == "failing"; }));
  EXPECT_NE(first_status().error.find("not written by cke"), std::string::npos)
      << first_status().error;
  EXPECT_EQ(read(zone), "$ORIGIN cluster.local.\n; someone else's\n");
}

}  // namespace
