// Plugins of every kind built from the frozen ABI 1.0 headers (tests/abi/fixtures-1.0, compiled
// against tests/abi/frozen-1.0/include only) load on the current core and work: the core reads
// their 1.0 tables and structs no further than their struct_size, and gives them structs whose
// 1.0 fields they read as they always did.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/common/error.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/compressor.hpp"
#include "core/plugin/publisher.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/runtime.hpp"
#include "core/plugin/storage.hpp"
#include "core/stream/memory_stream.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using cke::plugin::Kind;
namespace fs = std::filesystem;

const fs::path kFixtureDir = CKE_TEST_ABI_1_0_PLUGIN_DIR;

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string drain(cke::stream::ByteReader& reader) {
  std::string out;
  uint8_t buffer[256];
  for (size_t n; (n = reader.read(buffer)) > 0;) {
    out.append(reinterpret_cast<const char*>(buffer), n);
  }
  return out;
}

class Abi10Fixtures : public ::testing::Test {
 protected:
  cke::plugin::Registry registry{{kFixtureDir}};
  const cke::plugin::PluginRecord& plugin(Kind kind, const char* name) {
    return registry.require(kind, name);
  }
};

TEST_F(Abi10Fixtures, AllLoadClaimingAbi10) {
  EXPECT_TRUE(registry.errors().empty()) << registry.errors().front().message;
  for (const auto& [kind, name] :
       std::vector<std::pair<Kind, const char*>>{{Kind::compressor, "fixture-copy"},
                                                 {Kind::storage, "fixture-memory"},
                                                 {Kind::cert_backend, "fixture-ca"},
                                                 {Kind::publisher, "fixture-log"},
                                                 {Kind::runtime, "fixture-runtime"}}) {
    const auto* record = registry.find(kind, name);
    ASSERT_NE(record, nullptr) << name;
    EXPECT_EQ(record->abi_version, CKE_ABI_MAKE_VERSION(1, 0)) << name;
  }
}

TEST_F(Abi10Fixtures, CompressorRoundTrips) {
  cke::plugin::Compressor copy(plugin(Kind::compressor, "fixture-copy"));
  cke::stream::StringWriter compressed;
  {
    auto writer = copy.compress_into(compressed);
    writer->write({reinterpret_cast<const uint8_t*>("hello, 1.0"), 10});
    writer->finish();
  }
  EXPECT_EQ(compressed.text(), "CPY1hello, 1.0");
  const std::string stored = compressed.text();
  cke::stream::SpanReader source({reinterpret_cast<const uint8_t*>(stored.data()), stored.size()});
  auto reader = copy.decompress_from(source);
  EXPECT_EQ(drain(*reader), "hello, 1.0");
}

TEST_F(Abi10Fixtures, StoragePutGetListRemove) {
  cke::plugin::Storage storage(plugin(Kind::storage, "fixture-memory"), "{}");
  const std::string body = "snapshot bytes";
  cke::stream::SpanReader source({reinterpret_cast<const uint8_t*>(body.data()), body.size()});
  storage.put("snapshot-1.db", source);
  cke::stream::StringWriter got;
  storage.get("snapshot-1.db", got);
  EXPECT_EQ(got.text(), body);
  const auto listed = storage.list("snapshot-");
  ASSERT_EQ(listed.size(), 1U);
  EXPECT_EQ(listed[0].key, "snapshot-1.db");
  EXPECT_EQ(listed[0].size, body.size());
  storage.remove("snapshot-1.db");
  EXPECT_TRUE(storage.list().empty());
  cke::stream::StringWriter none;
  try {
    storage.get("snapshot-1.db", none);
    FAIL() << "a removed object was read";
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_NOT_FOUND);
  }
}

TEST_F(Abi10Fixtures, CertBackendReadsEveryField) {
  cke::plugin::CertBackend ca(plugin(Kind::cert_backend, "fixture-ca"), "{}");
  EXPECT_EQ(ca.ca_certificate("server"), "fixture CA server\n");
  cke::plugin::CertificateRequest request;
  request.ca_name = "server";
  request.common_name = "node1";
  request.dns_names = {"node1", "localhost"};
  request.ip_addresses = {"10.0.0.1"};
  request.usages = CKE_USAGE_SERVER_AUTH | CKE_USAGE_CLIENT_AUTH;
  request.ttl_seconds = 3600;
  const auto issued = ca.issue(request);
  EXPECT_EQ(issued.certificate_pem,
            "ca=server cn=node1 usages=3 key=1 ttl=3600 dns=node1 dns=localhost ip=10.0.0.1\n");
  EXPECT_EQ(issued.private_key_pem, "fixture key\n");
  EXPECT_FALSE(ca.can_sign_crl());  // sign_crl came with 1.1
}

TEST_F(Abi10Fixtures, PublisherGetsThe10FieldsOfEachEndpoint) {
  const cke::test::TempDir dir;
  const fs::path file = dir.path() / "published";
  cke::plugin::Publisher log(plugin(Kind::publisher, "fixture-log"),
                             R"({"file": ")" + file.string() + R"("})");
  cke::plugin::EndpointSet set{"prod", "cke-etcd", "kube-system", "cluster.local", {}};
  set.endpoints = {{"10.0.0.1", "10.0.0.1", 2379, 2380, true},
                   {"10.0.0.2", "10.0.0.2", 2379, 2380, false}};
  log.publish(set);
  log.withdraw(set);
  EXPECT_EQ(read_all(file),
            "publish prod kube-system/cke-etcd cluster.local: 10.0.0.1=10.0.0.1:2379/ready "
            "10.0.0.2=10.0.0.2:2379/not-ready\n"
            "withdraw prod kube-system/cke-etcd cluster.local: 10.0.0.1=10.0.0.1:2379/ready "
            "10.0.0.2=10.0.0.2:2379/not-ready\n");
  EXPECT_FALSE(cke::plugin::keeps_objects(plugin(Kind::publisher, "fixture-log")));
}

TEST_F(Abi10Fixtures, RuntimeWritesStartsStopsWipes) {
  const cke::test::TempDir dir;
  cke::plugin::Runtime runtime(plugin(Kind::runtime, "fixture-runtime"), "{}", nullptr);
  auto node = runtime.open_node({"10.0.0.1", "node1", "root", dir.path().string()});
  node->write_file("server.key", 0600, "secret\n");
  EXPECT_EQ(read_all(dir.path() / "server.key"), "secret\n");
  EXPECT_EQ(fs::status(dir.path() / "server.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(node->inspect().state, cke::plugin::MemberState::absent);
  node->start({"etcd", "--name=10.0.0.1"}, {"ETCDCTL_API=3"});
  EXPECT_EQ(read_all(dir.path() / "started"), "etcd --name=10.0.0.1\n");
  EXPECT_EQ(node->inspect().state, cke::plugin::MemberState::running);
  node->stop(1000);
  EXPECT_EQ(node->inspect().state, cke::plugin::MemberState::stopped);
  node->wipe();
  EXPECT_EQ(node->inspect().state, cke::plugin::MemberState::absent);
  EXPECT_EQ(node->etcd_version(), "");  // etcd_version came with 1.3: a 1.0 runtime cannot tell
}

}  // namespace
