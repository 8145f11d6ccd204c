// The Kubernetes backup method's objects: what etcdbackup is given, where the PVC and its
// certificate go, and a CronJob that asks it for a backup on schedule.
#include "core/backup/etcdbackup_objects.hpp"

#include <gtest/gtest.h>

#include "core/backup/kubernetes_method.hpp"
#include "core/common/base64.hpp"

namespace {

using cke::backup::etcdbackup_objects;
using cke::backup::EtcdbackupSettings;

EtcdbackupSettings settings() {
  EtcdbackupSettings s;
  s.image = "registry.example/etcdbackup:0.1.0";
  s.pvc_name = "etcdbackup-pvc";
  s.schedule = "0 * * * *";
  s.rotate = 14;
  s.endpoints = {"https://10.0.0.1:2379", "https://10.0.0.2:2379"};
  s.ca_pem = "CA";
  s.cert_pem = "CERT";
  s.key_pem = "KEY";
  return s;
}

TEST(Base64, PaddedWithoutLineBreaks) {
  EXPECT_EQ(cke::base64_encode(""), "");
  EXPECT_EQ(cke::base64_encode("a"), "YQ==");
  EXPECT_EQ(cke::base64_encode("KEY"), "S0VZ");
  EXPECT_EQ(cke::base64_encode(std::string(100, 'x')).find('\n'), std::string::npos);
}

TEST(EtcdbackupObjects, FiveObjectsInKubeSystemLabelledByCke) {
  const auto objects = etcdbackup_objects(settings());
  ASSERT_EQ(objects.size(), 5U);
  const std::vector<std::string> kinds = {"ConfigMap", "Secret", "Deployment", "Service",
                                          "CronJob"};
  for (size_t i = 0; i < objects.size(); ++i) {
    EXPECT_EQ(objects[i]["kind"], kinds[i]);
    EXPECT_EQ(objects[i]["metadata"]["namespace"], "kube-system");
    EXPECT_EQ(objects[i]["metadata"]["labels"]["app.kubernetes.io/managed-by"], "cke");
  }
}

TEST(EtcdbackupObjects, TheConfigMapHoldsEtcdbackupsFlagsAsToml) {
  const auto config = etcdbackup_objects(settings())[0]["data"]["etcdbackup.toml"];
  EXPECT_EQ(config,
            "listen = \"0.0.0.0:8080\"\n"
            "endpoints = [\"https://10.0.0.1:2379\", \"https://10.0.0.2:2379\"]\n"
            "etcd-ca = \"/etc/etcdbackup/tls/ca.crt\"\n"
            "etcd-cert = \"/etc/etcdbackup/tls/tls.crt\"\n"
            "etcd-key = \"/etc/etcdbackup/tls/tls.key\"\n"
            "dir = \"/etcdbackup\"\n"
            "rotate = 14\n"
            "compressor = \"gzip\"\n");
}

TEST(EtcdbackupObjects, TheDeploymentMountsThePvcAndTheCertificate) {
  const auto objects = etcdbackup_objects(settings());
  EXPECT_EQ(objects[1]["data"]["tls.key"], "S0VZ");
  const auto& pod = objects[2]["spec"]["template"]["spec"];
  EXPECT_EQ(pod["volumes"][2]["persistentVolumeClaim"]["claimName"], "etcdbackup-pvc");
  EXPECT_EQ(pod["volumes"][1]["secret"]["defaultMode"], 0440);
  EXPECT_EQ(pod["containers"][0]["image"], "registry.example/etcdbackup:0.1.0");
  EXPECT_EQ(objects[2]["spec"]["strategy"]["type"], "Recreate");
  EXPECT_EQ(objects[3]["spec"]["selector"], objects[2]["spec"]["selector"]["matchLabels"]);
}

TEST(EtcdbackupObjects, TheCronJobPostsToTheServiceOnSchedule) {
  auto s = settings();
  s.cronjob_api_version = "batch/v1beta1";
  const auto cron = etcdbackup_objects(s)[4];
  EXPECT_EQ(cron["apiVersion"], "batch/v1beta1");
  EXPECT_EQ(cron["spec"]["schedule"], "0 * * * *");
  EXPECT_EQ(cron["spec"]["concurrencyPolicy"], "Forbid");
  const auto& command =
      cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["command"];
  EXPECT_EQ(command.back(), "http://etcdbackup.kube-system.svc:8080/api/v1/backup");
}

TEST(EtcdbackupObjects, TheServiceSelectsEtcdbackupsPodAndNeverAJobs) {
  const auto objects = etcdbackup_objects(settings());
  const auto& selector = objects[3]["spec"]["selector"];
  const auto selects = [&](const nlohmann::ordered_json& labels) {
    for (const auto& [key, value] : selector.items()) {
      if (!labels.contains(key) || labels[key] != value) {
        return false;
      }
    }
    return true;
  };
  EXPECT_TRUE(selects(objects[2]["spec"]["template"]["metadata"]["labels"]));
  EXPECT_FALSE(
      selects(objects[4]["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]));
}

TEST(EtcdbackupObjects, ANewCertificateOrSettingChangesThePodTemplate) {
  const auto hash = [](const EtcdbackupSettings& s) {
    return etcdbackup_objects(
               s)[2]["spec"]["template"]["metadata"]["annotations"]["cke/settings-sha256"]
        .get<std::string>();
  };
  auto renewed = settings();
  renewed.cert_pem = "RENEWED";
  auto rotated = settings();
  rotated.rotate = 5;
  auto rescheduled = settings();
  rescheduled.schedule = "30 2 * * *";
  EXPECT_EQ(hash(settings()).size(), 64U);
  EXPECT_NE(hash(renewed), hash(settings()));
  EXPECT_NE(hash(rotated), hash(settings()));
  // The schedule is the CronJob's alone: etcdbackup's Pod stays.
  EXPECT_EQ(hash(rescheduled), hash(settings()));
}

cke::config::ClusterConfig backup_config(bool enabled, const std::string& pvc_name) {
  cke::config::ClusterConfig config;
  config.nodes.push_back({"10.0.0.1", "", "", true});
  config.nodes.push_back({"10.0.0.2", "", "", false});
  config.etcd_backup.enabled = enabled;
  config.etcd_backup.pvc_name = pvc_name;
  config.etcd_backup.schedule = "0 * * * *";
  config.publishers = {
      {"dns", "coredns", "{}"}, {"k8s", "kubernetes", "{}"}, {"other", "kubernetes", "{}"}};
  return config;
}

TEST(KubernetesMethod, TheFirstKubernetesPublisherKeepsTheObjectsWhenEnabledWithAPvc) {
  const auto config = backup_config(true, "etcdbackup-pvc");
  ASSERT_NE(cke::config::kubernetes_backup_publisher(config), nullptr);
  EXPECT_EQ(cke::config::kubernetes_backup_publisher(config)->name, "k8s");
  EXPECT_EQ(cke::config::kubernetes_backup_publisher(backup_config(true, "")), nullptr);
  EXPECT_EQ(cke::config::kubernetes_backup_publisher(backup_config(false, "etcdbackup-pvc")),
            nullptr);
  auto no_kubernetes = config;
  no_kubernetes.publishers.resize(1);
  EXPECT_EQ(cke::config::kubernetes_backup_publisher(no_kubernetes), nullptr);
}

TEST(KubernetesMethod, TheObjectSetNamesEveryKindAndIsEmptyWithoutACertificate) {
  const auto config = backup_config(true, "etcdbackup-pvc");
  const auto none = cke::backup::etcdbackup_object_set(config, std::nullopt, "CA");
  EXPECT_EQ(none.set_name, "etcdbackup");
  EXPECT_EQ(none.kinds.size(), 5U);
  EXPECT_TRUE(none.objects.empty());
  const auto set = cke::backup::etcdbackup_object_set(
      config, cke::plugin::IssuedCertificate{"CERT", "KEY"}, "CA", "batch/v1beta1");
  ASSERT_EQ(set.objects.size(), 5U);
  const auto cron = nlohmann::json::parse(set.objects[4]);
  EXPECT_EQ(cron["apiVersion"], "batch/v1beta1");
  // Only control-plane nodes run members.
  const auto toml =
      nlohmann::json::parse(set.objects[0])["data"]["etcdbackup.toml"].get<std::string>();
  EXPECT_NE(toml.find(R"(endpoints = ["https://10.0.0.1:2379"])"), std::string::npos) << toml;
  EXPECT_TRUE(cke::backup::etcdbackup_object_set(backup_config(false, "etcdbackup-pvc"),
                                                 cke::plugin::IssuedCertificate{"CERT", "KEY"},
                                                 "CA")
                  .objects.empty());
}

}  // namespace
