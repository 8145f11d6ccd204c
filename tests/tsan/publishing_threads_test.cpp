// Publishing under ThreadSanitizer: controller passes offer endpoint sets and the API reads the
// publishers' status from other threads while the publisher thread writes zone files with the
// real coredns plugin. The last set offered must be the one published, and nothing may race.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "core/common/clock.hpp"
#include "core/plugin/registry.hpp"
#include "core/publish/publishing.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

cke::plugin::EndpointSet set_with(int members) {
  cke::plugin::EndpointSet set{"prod", "cke-etcd", "kube-system", "cluster.local", {}};
  for (int i = 1; i <= members; ++i) {
    const std::string address = "10.0.0." + std::to_string(i);
    set.endpoints.push_back({address, address, 2379, 2380, true});
  }
  return set;
}

TEST(PublishingThreads, OffersAndStatusReadsFromManyThreads) {
  const cke::test::TempDir dir;
  const cke::plugin::Registry registry({CKE_TEST_PLUGIN_DIR});
  const cke::SystemClock clock;
  cke::publish::Publishing publishing(registry, clock);
  const auto zone = dir.path() / "db.cluster.local";
  const std::vector<cke::config::PublisherConfig> publishers = {
      {"dns", "coredns", R"({"format":"zone-file","file":")" + zone.string() + R"("})"}};

  std::vector<std::jthread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        publishing.offer(publishers, set_with(1 + (round + t) % 5));
        (void)publishing.status();
      }
    });
  }
  threads.clear();  // joins
  publishing.offer(publishers, set_with(7));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::ifstream in(zone);
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find("IN A 10.0.0.7") != std::string::npos) {
      break;
    }
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << "the last set offered was not published";
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  const auto status = publishing.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, "published");
}

}  // namespace
