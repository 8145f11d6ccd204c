#include "core/config/cluster_config.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/common/error.hpp"

namespace {

using cke::config::parse_cluster_config;
using ::testing::HasSubstr;

std::string error_of(const std::string& yaml) {
  try {
    parse_cluster_config(yaml, "cluster.yml");
  } catch (const cke::Error& e) {
    EXPECT_EQ(e.code(), CKE_INVALID_ARGUMENT);
    return e.what();
  }
  return "accepted";
}

TEST(ClusterConfig, NameAndThreeLoopbackNodesAreACompleteCluster) {
  const auto parsed = parse_cluster_config(
      "name: local\nnodes:\n- {address: 127.0.9.1, control_plane: true}\n"
      "- {address: 127.0.9.2, control_plane: true}\n- {address: 127.0.9.3, control_plane: true}\n",
      "cluster.yml");
  EXPECT_TRUE(parsed.warnings.empty());
  const auto& c = parsed.config;
  EXPECT_EQ(c.name, "local");
  ASSERT_EQ(c.control_plane().size(), 3U);
  EXPECT_EQ(c.etcd.client_port, 2379);
  EXPECT_EQ(c.etcd.peer_port, 2380);
  EXPECT_EQ(c.kubelet.cluster_domain, "cluster.local");
  EXPECT_FALSE(c.etcd_backup.enabled);
  EXPECT_EQ(c.etcd_backup.rotate, 14);
}

TEST(ClusterConfig, SeedBackupFragmentWithEnableIsAccepted) {
  const auto c = parse_cluster_config(R"(
name: seed
nodes: [{address: 10.0.0.101, control_plane: true, user: cybozu}]
options:
  kubelet:
    extra_binds:
    - source: /mnt/disks
      destination: /mnt/disks
      read_only: false
    config: {clusterDomain: example.org}
etcd_backup:
  enabled: enable
  pvc_name: etcdbackup-pvc
  schedule: "0 * * * *"
  rotate: 14
)",
                                      "cluster.yml")
                     .config;
  EXPECT_TRUE(c.etcd_backup.enabled);
  EXPECT_EQ(c.etcd_backup.pvc_name, "etcdbackup-pvc");
  EXPECT_EQ(c.etcd_backup.schedule, "0 * * * *");
  EXPECT_EQ(c.kubelet.cluster_domain, "example.org");
  EXPECT_EQ(c.nodes[0].user, "cybozu");
  ASSERT_EQ(c.kubelet.extra_binds.size(), 1U);
  EXPECT_EQ(c.kubelet.extra_binds[0].source, "/mnt/disks");
}

TEST(ClusterConfig, BooleansInEveryYamlSpellingAndDisable) {
  const std::string nodes = "name: x\nnodes: [{address: 127.0.9.1, control_plane: yes}]\n";
  EXPECT_TRUE(parse_cluster_config(nodes, "f").config.nodes[0].control_plane);
  EXPECT_FALSE(parse_cluster_config(nodes + "etcd_backup: {enabled: disable}\n", "f")
                   .config.etcd_backup.enabled);
  EXPECT_TRUE(
      parse_cluster_config(nodes + "etcd_backup: {enabled: true, schedule: '@hourly'}\n", "f")
          .config.etcd_backup.enabled);
}

TEST(ClusterConfig, ErrorsNameTheFileFieldPathAndValue) {
  const std::string two =
      "name: x\nnodes:\n- {address: 127.0.9.1, control_plane: true}\n- {address: 127.0.9.2}\n";
  EXPECT_EQ(error_of(two + "- {address: 10.0.0.x}\n"),
            "cluster.yml: nodes[2].address: invalid IP address \"10.0.0.x\"");
  EXPECT_EQ(error_of(two + "- {address: 127.0.9.2}\n"),
            "cluster.yml: nodes[2].address: duplicate address \"127.0.9.2\"");
  EXPECT_THAT(error_of("name: x\nnodes: [{address: 127.0.9.1}]\n"),
              HasSubstr("nodes: no control-plane node"));
  EXPECT_THAT(
      error_of(two + "options: {etcd: {extra_binds: [{source: rel, destination: /x}]}}\n"),
      HasSubstr("options.etcd.extra_binds[0].source: must be an absolute path, got \"rel\""));
  EXPECT_THAT(error_of(two + "options: {etcd: {client_port: 2380}}\n"),
              HasSubstr("options.etcd.peer_port: must differ"));
  EXPECT_THAT(error_of(two + "options: {etcd: {extra_args: [heartbeat]}}\n"),
              HasSubstr("options.etcd.extra_args[0]: expected an etcd flag"));
  EXPECT_THAT(error_of(two + "etcd_backup: {enabled: true}\n"),
              HasSubstr("etcd_backup.schedule: required"));
  EXPECT_THAT(error_of(two + "etcd_backup: {rotate: many, schedule: '* * * * *'}\n"),
              HasSubstr("etcd_backup.rotate: expected an integer, got \"many\""));
  EXPECT_THAT(error_of("nodes: []\n"), HasSubstr("name: missing"));
  EXPECT_THAT(error_of("name: x\n"), HasSubstr("nodes: missing"));
  EXPECT_THAT(error_of("- a list\n"), HasSubstr("expected a mapping"));
  EXPECT_THAT(error_of("name: [\n"), HasSubstr("cluster.yml: line"));
}

TEST(ClusterConfig, PublishersNameTheirPluginAndPassTheirConfigAsJson) {
  const auto parsed = parse_cluster_config(
      "name: p\nnodes: [{address: 127.0.9.1, control_plane: true}]\npublishers:\n"
      "- plugin: coredns\n  config: {format: zone-file, file: /z, ttl: 5}\n"
      "- {plugin: coredns, name: second-zone}\n",
      "cluster.yml");
  ASSERT_EQ(parsed.config.publishers.size(), 2u);
  EXPECT_EQ(parsed.config.publishers[0].name, "coredns");
  EXPECT_EQ(parsed.config.publishers[0].plugin, "coredns");
  EXPECT_EQ(parsed.config.publishers[0].config_json,
            R"({"file":"/z","format":"zone-file","ttl":5})");
  EXPECT_EQ(parsed.config.publishers[1].name, "second-zone");
  EXPECT_EQ(parsed.config.publishers[1].config_json, "{}");
}

TEST(ClusterConfig, PublisherErrorsNameTheEntry) {
  const std::string head = "name: p\nnodes: [{address: 127.0.9.1, control_plane: true}]\n";
  EXPECT_THAT(error_of(head + "publishers: {plugin: coredns}\n"),
              HasSubstr("cluster.yml: publishers: expected a list"));
  EXPECT_THAT(error_of(head + "publishers: [{name: x}]\n"),
              HasSubstr("publishers[0].plugin: missing"));
  EXPECT_THAT(error_of(head + "publishers: [{plugin: coredns}, {plugin: coredns}]\n"),
              HasSubstr("publishers[1].name: \"coredns\" names two publishers"));
  EXPECT_THAT(error_of(head + "publishers: [{plugin: coredns, name: ../x}]\n"),
              HasSubstr("publishers[0].name: \"../x\" is not a valid publisher name"));
  EXPECT_THAT(error_of(head + "publishers: [{plugin: coredns, config: [1]}]\n"),
              HasSubstr("publishers[0].config: expected a mapping"));
  const auto parsed =
      parse_cluster_config(head + "publishers: [{plugin: coredns, zone: x}]\n", "cluster.yml");
  ASSERT_EQ(parsed.warnings.size(), 1u);
  EXPECT_THAT(parsed.warnings[0], HasSubstr("publishers[0].zone: unknown key"));
}

TEST(ClusterConfig, UnknownKeysAreWarnedAboutWithTheirPath) {
  const auto parsed = parse_cluster_config(
      "name: x\nsurprise: 1\nnodes: [{address: 127.0.9.1, control_plane: true, colour: red}]\n"
      "options: {etcd: {speed: 11}}\n",
      "c.yml");
  EXPECT_THAT(parsed.warnings,
              ::testing::ElementsAre("c.yml: surprise: unknown key, ignored",
                                     "c.yml: nodes[0].colour: unknown key, ignored",
                                     "c.yml: options.etcd.speed: unknown key, ignored"));
}

}  // namespace

namespace {

const std::string kHeader = "name: c\nnodes:\n- {address: 127.0.9.1, control_plane: true}\n";

// A few lines of nested aliases that expand to 10^9 values (the 652-byte file of the review).
std::string alias_bomb() {
  std::string yaml = kHeader + "x:\n  a: &a [1,1,1,1,1,1,1,1,1,1]\n";
  std::string previous = "a";
  for (char level = 'b'; level <= 'i'; ++level) {
    yaml += std::string("  ") + level + ": &" + level + " [";
    for (int i = 0; i < 10; ++i) {
      yaml += (i == 0 ? "*" : ",*") + previous;
    }
    yaml += "]\n";
    previous = std::string(1, level);
  }
  return yaml + "etcd_backup:\n  storage: {plugin: local, config: {dir: /b, bomb: *i}}\n";
}

TEST(ClusterConfigHardening, AnAliasBombIsRefusedWithoutExpandingIt) {
  const std::string bomb = alias_bomb();
  EXPECT_LT(bomb.size(), 1024U);
  EXPECT_THAT(error_of(bomb), HasSubstr("etcd_backup.storage.config.bomb"));
  EXPECT_THAT(error_of(bomb), HasSubstr("aliases"));
}

TEST(ClusterConfigHardening, AliasesWithinTheBudgetStillWork) {
  const auto parsed = parse_cluster_config(
      kHeader +
          "common: &dir {dir: /backups}\netcd_backup:\n  storage: {plugin: local, config: *dir}\n",
      "cluster.yml");
  EXPECT_EQ(parsed.config.etcd_backup.storage_config, R"({"dir":"/backups"})");
}

TEST(ClusterConfigHardening, AFileOverOneMebibyteIsRefused) {
  const std::string huge = kHeader + "# " + std::string(size_t{1} << 20, 'x') + "\n";
  EXPECT_THAT(error_of(huge), HasSubstr("a cluster.yml may be at most 1024 KiB"));
}

TEST(ClusterConfigHardening, ExtraArgsCannotTakeOverTlsAuthOrMembership) {
  for (const std::string flag :
       {"--client-cert-auth=false", "--listen-client-urls=http://0.0.0.0:2379", "--auto-tls",
        "--trusted-ca-file=/tmp/other.crt", "--initial-cluster-state=new", "--enable-v2=true",
        "--data-dir=/tmp/x", "--peer-client-cert-auth=false", "--config-file=/tmp/etcd.yml",
        "--client-crl-file=/dev/null", "--force-new-cluster"}) {
    const std::string name = flag.substr(0, flag.find('='));
    EXPECT_THAT(error_of(kHeader + "options:\n  etcd:\n    extra_args: [\"" + flag + "\"]\n"),
                HasSubstr("options.etcd.extra_args[0]: " + name + " is set by cke"))
        << flag;
  }
  EXPECT_NO_THROW(parse_cluster_config(
      kHeader + "options:\n  etcd:\n    extra_args: [--heartbeat-interval=200, "
                "--quota-backend-bytes=8589934592, --auto-compaction-retention=1]\n",
      "cluster.yml"));
}

TEST(ClusterConfigHardening, ExtraEnvRefusesLoaderVariablesAndOwnedEtcdFlags) {
  const auto env_error = [](const std::string& name) {
    return error_of(kHeader + "options:\n  etcd:\n    extra_env: {" + name + ": x}\n");
  };
  EXPECT_THAT(
      env_error("LD_PRELOAD"),
      HasSubstr("options.etcd.extra_env.LD_PRELOAD: LD_PRELOAD changes how etcd is loaded"));
  EXPECT_THAT(env_error("LD_LIBRARY_PATH"), HasSubstr("refused"));
  EXPECT_THAT(env_error("GCONV_PATH"), HasSubstr("refused"));
  EXPECT_THAT(env_error("ETCD_CLIENT_CERT_AUTH"), HasSubstr("sets etcd's --client-cert-auth"));
  EXPECT_THAT(env_error("ETCD_LISTEN_CLIENT_URLS"), HasSubstr("which cke owns"));
  EXPECT_NO_THROW(parse_cluster_config(
      kHeader + "options:\n  etcd:\n    extra_env: {GOMAXPROCS: 2, ETCD_LOG_LEVEL: warn}\n",
      "cluster.yml"));
}

TEST(ClusterConfigHardening, OtherSpellingsOfOneAddressAreDuplicates) {
  const auto nodes = [](const std::string& a, const std::string& b) {
    return error_of("name: c\nnodes:\n- {address: \"" + a +
                    "\", control_plane: true}\n- {address: \"" + b + "\"}\n");
  };
  EXPECT_THAT(nodes("fd00::1", "fd00:0:0::0:1"), HasSubstr("nodes[1].address: duplicate address"));
  EXPECT_THAT(nodes("fd00::a", "FD00::A"), HasSubstr("duplicate address"));
  EXPECT_THAT(nodes("10.0.0.1", "::ffff:10.0.0.1"), HasSubstr("duplicate address"));
  EXPECT_EQ(nodes("fd00::1", "fd00::2"), "accepted");
}

TEST(ClusterConfigHardening, KeysMustBeScalars) {
  EXPECT_THAT(error_of(kHeader + "options:\n  etcd:\n    extra_env: {[a]: x}\n"),
              HasSubstr("options.etcd.extra_env.<key>: expected a string"));
}

}  // namespace

namespace {

// Inputs fuzz_cluster_yml found (kept in fuzz/corpus/cluster_yml as regression seeds).
TEST(ClusterConfigFuzzFindings, InvalidUtf8IsRefusedNotThrownAsAJsonError) {
  EXPECT_THAT(
      error_of(kHeader + "etcd_backup:\n  storage: {plugin: local, config: {dir: /b\xff}}\n"),
      HasSubstr("is not UTF-8 text"));
}

TEST(ClusterConfigFuzzFindings, AMissingBindDestinationIsNamed) {
  EXPECT_THAT(error_of(kHeader + "options:\n  kubelet:\n    extra_binds:\n    - source: /mnt\n"),
              HasSubstr("options.kubelet.extra_binds[0].destination: missing"));
}

}  // namespace

namespace {

TEST(ClusterConfig, EtcdbackupsPvcNameAndImage) {
  const std::string base = "name: x\nnodes: [{address: 127.0.9.1, control_plane: true}]\n";
  const auto c = parse_cluster_config(base +
                                          "etcd_backup: {enabled: true, schedule: '@hourly', "
                                          "pvc_name: backups.pvc-1}\n",
                                      "f")
                     .config;
  EXPECT_EQ(c.etcd_backup.image, cke::config::default_etcdbackup_image());
  EXPECT_EQ(c.etcd_backup.image.rfind("etcdbackup:", 0), 0U);
  EXPECT_EQ(
      parse_cluster_config(base + "etcd_backup: {image: registry.example/etcdbackup:1}\n", "f")
          .config.etcd_backup.image,
      "registry.example/etcdbackup:1");
  EXPECT_THAT(error_of(base + "etcd_backup: {pvc_name: ../etc}\n"),
              testing::HasSubstr("etcd_backup.pvc_name"));
  EXPECT_THAT(error_of(base + "etcd_backup: {pvc_name: Upper}\n"),
              testing::HasSubstr("not a Kubernetes object name"));
  EXPECT_THAT(error_of(base + "etcd_backup: {image: 'a b'}\n"),
              testing::HasSubstr("etcd_backup.image"));
}

}  // namespace
