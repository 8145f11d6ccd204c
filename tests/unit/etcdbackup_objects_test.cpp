// The Kubernetes backup method's objects: what etcdbackup is given, where the PVC and its
// certificate go, and a CronJob that asks it for a backup on schedule.
#include "core/backup/etcdbackup_objects.hpp"

#include <gtest/gtest.h>

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

}  // namespace
