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
