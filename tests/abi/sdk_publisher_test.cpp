// The C++ SDK's publisher layer: a class behind cke_publisher_table receives the endpoint set the
// host passed, and an exception comes back as a status code, never as an unwinding exception.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

#include "cke/sdk/publisher.hpp"

namespace {

std::vector<cke::sdk::EndpointSet> published;  // what the test publisher saw, in order

class RecordingPublisher final : public cke::sdk::Publisher {
 public:
  explicit RecordingPublisher(std::string_view config) {
    if (config.find("refuse") != std::string_view::npos) {
      throw cke::sdk::Error(CKE_INVALID_ARGUMENT, "refused configuration");
    }
  }
  void publish(const cke::sdk::EndpointSet& set) override { published.push_back(set); }
  void withdraw(const cke::sdk::EndpointSet& /*set*/) override {
    throw cke::sdk::Error(CKE_UNAVAILABLE, "target unreachable");
  }
};

const cke_publisher_table& table() {
  const auto* descriptor =
      cke::sdk::publisher_plugin<RecordingPublisher>({"recording", "1.0", "test publisher"});
  EXPECT_EQ(descriptor->kind, CKE_KIND_PUBLISHER);
  return *static_cast<const cke_publisher_table*>(descriptor->table);
}

TEST(SdkPublisher, PublishReceivesTheHostsEndpointSet) {
  const auto& t = table();
  ASSERT_EQ(t.struct_size, sizeof(cke_publisher_table));
  cke_error err{sizeof(cke_error), 0, nullptr};
  cke_publisher* instance = nullptr;
  ASSERT_EQ(t.create("{}", &instance, &err), CKE_OK);

  const cke_endpoint ready{sizeof(cke_endpoint), "127.0.0.1", "127.0.0.1", 2379, 1, 2380};
  // As a host of ABI 1.2 passes it: no peer_port, which the plugin must not read.
  const cke_endpoint lagging{
      offsetof(cke_endpoint, peer_port), "127.0.0.2", "127.0.0.2", 2379, 2, 9999};
  const cke_endpoint* const endpoints[] = {&ready, &lagging};
  const cke_endpoint_set set{sizeof(cke_endpoint_set), "example", "cke-etcd", "kube-system",
                             "cluster.local",          endpoints, 2};
  published.clear();
  ASSERT_EQ(t.publish(instance, &set, &err), CKE_OK);
  ASSERT_EQ(published.size(), 1U);
  const auto& seen = published[0];
  EXPECT_EQ(seen.service_name, "cke-etcd");
  EXPECT_EQ(seen.namespace_name, "kube-system");
  ASSERT_EQ(seen.endpoints.size(), 2U);
  EXPECT_EQ(seen.endpoints[0].address, "127.0.0.1");
  EXPECT_TRUE(seen.endpoints[0].ready);
  EXPECT_EQ(seen.endpoints[0].peer_port, 2380U);
  EXPECT_FALSE(seen.endpoints[1].ready);
  EXPECT_EQ(seen.endpoints[1].peer_port, 0U);

  EXPECT_EQ(t.withdraw(instance, &set, &err), CKE_UNAVAILABLE);
  t.destroy(instance);
}

TEST(SdkPublisher, AThrowingConstructorIsAStatus) {
  cke_error err{sizeof(cke_error), 0, nullptr};
  cke_publisher* instance = nullptr;
  EXPECT_EQ(table().create(R"({"mode":"refuse"})", &instance, &err), CKE_INVALID_ARGUMENT);
  EXPECT_EQ(instance, nullptr);
}

// ABI 1.4: a publisher that keeps objects gets apply_objects and fetch; others leave them NULL.
std::vector<cke::sdk::ObjectSet> applied;

class KeepingPublisher final : public cke::sdk::ObjectPublisher {
 public:
  explicit KeepingPublisher(std::string_view /*config*/) {}
  void publish(const cke::sdk::EndpointSet& /*set*/) override {}
  void withdraw(const cke::sdk::EndpointSet& /*set*/) override {}
  void apply_objects(const cke::sdk::ObjectSet& set) override { applied.push_back(set); }
  void fetch(const std::string& path, cke::sdk::Writer& sink) override {
    if (path == "/missing") {
      throw cke::sdk::Error(CKE_NOT_FOUND, "no such path");
    }
    const std::string body = "body of " + path;
    sink.write({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  }
};

int32_t append(void* ctx, const uint8_t* data, size_t size, cke_error* /*err*/) {
  static_cast<std::string*>(ctx)->append(reinterpret_cast<const char*>(data), size);
  return CKE_OK;
}

TEST(SdkPublisher, OnlyAnObjectPublisherFillsTheCallsOfAbi14) {
  EXPECT_EQ(table().apply_objects, nullptr);
  EXPECT_EQ(table().fetch, nullptr);

  const auto* descriptor =
      cke::sdk::publisher_plugin<KeepingPublisher>({"keeping", "1.0", "test publisher"});
  const auto& t = *static_cast<const cke_publisher_table*>(descriptor->table);
  ASSERT_TRUE(CKE_HAS_FIELD(cke_publisher_table, &t, fetch));
  ASSERT_NE(t.apply_objects, nullptr);
  ASSERT_NE(t.fetch, nullptr);
  cke_error err{sizeof(cke_error), 0, nullptr};
  cke_publisher* instance = nullptr;
  ASSERT_EQ(t.create("{}", &instance, &err), CKE_OK);

  const char* const kinds[] = {"v1/ConfigMap", "batch/v1/CronJob"};
  const char* const objects[] = {R"({"kind":"ConfigMap"})"};
  const cke_object_set set{
      sizeof(cke_object_set), "etcdbackup", "kube-system", kinds, 2, objects, 1};
  applied.clear();
  ASSERT_EQ(t.apply_objects(instance, &set, &err), CKE_OK);
  ASSERT_EQ(applied.size(), 1U);
  EXPECT_EQ(applied[0].set_name, "etcdbackup");
  EXPECT_EQ(applied[0].namespace_name, "kube-system");
  EXPECT_EQ(applied[0].kinds, (std::vector<std::string>{"v1/ConfigMap", "batch/v1/CronJob"}));
  EXPECT_EQ(applied[0].objects, (std::vector<std::string>{R"({"kind":"ConfigMap"})"}));

  std::string received;
  const cke_writer sink{sizeof(cke_writer), &received, &append};
  ASSERT_EQ(t.fetch(instance, "/api/v1/backup", &sink, &err), CKE_OK);
  EXPECT_EQ(received, "body of /api/v1/backup");
  EXPECT_EQ(t.fetch(instance, "/missing", &sink, &err), CKE_NOT_FOUND);
  t.destroy(instance);
}

}  // namespace
