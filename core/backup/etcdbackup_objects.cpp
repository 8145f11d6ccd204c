#include "core/backup/etcdbackup_objects.hpp"

#include "core/common/base64.hpp"
#include "core/common/sha256.hpp"

namespace cke::backup {
namespace {

using nlohmann::ordered_json;

constexpr const char* kName = "etcdbackup";
constexpr const char* kConfigDir = "/etc/etcdbackup";
constexpr const char* kTlsDir = "/etc/etcdbackup/tls";
constexpr const char* kBackupDir = "/etcdbackup";
constexpr int kUser = 65532;  // the image's user (packaging/etcdbackup.Containerfile)

ordered_json labels() {
  return {{"app.kubernetes.io/name", kName}, {"app.kubernetes.io/managed-by", "cke"}};
}

// The Pods apart: the Service must select etcdbackup's Pod, never a Job's.
ordered_json pod_labels(const char* component) {
  ordered_json l = labels();
  l["app.kubernetes.io/component"] = component;
  return l;
}

ordered_json metadata(const EtcdbackupSettings& s, const std::string& name) {
  return {{"name", name}, {"namespace", s.namespace_name}, {"labels", labels()}};
}

// A TOML string: etcdbackup reads its --config as TOML.
std::string toml_string(const std::string& text) { return ordered_json(text).dump(); }

std::string config_toml(const EtcdbackupSettings& s) {
  std::string endpoints;
  for (const auto& e : s.endpoints) {
    endpoints += (endpoints.empty() ? "" : ", ") + toml_string(e);
  }
  const std::string tls = kTlsDir;
  return "listen = " + toml_string("0.0.0.0:" + std::to_string(kEtcdbackupPort)) + "\n" +
         "endpoints = [" + endpoints + "]\n" + "etcd-ca = " + toml_string(tls + "/ca.crt") + "\n" +
         "etcd-cert = " + toml_string(tls + "/tls.crt") + "\n" +
         "etcd-key = " + toml_string(tls + "/tls.key") + "\n" + "dir = " + toml_string(kBackupDir) +
         "\n" + "rotate = " + std::to_string(s.rotate) + "\n" +
         "compressor = " + toml_string(s.compressor) + "\n";
}

ordered_json config_map(const EtcdbackupSettings& s) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", metadata(s, kName)},
          {"data", {{"etcdbackup.toml", config_toml(s)}}}};
}

ordered_json secret(const EtcdbackupSettings& s) {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", metadata(s, std::string(kName) + "-etcd")},
          {"type", "kubernetes.io/tls"},
          {"data",
           {{"ca.crt", base64_encode(s.ca_pem)},
            {"tls.crt", base64_encode(s.cert_pem)},
            {"tls.key", base64_encode(s.key_pem)}}}};
}

ordered_json deployment(const EtcdbackupSettings& s) {
  const ordered_json container = {
      {"name", kName},
      {"image", s.image},
      {"args", {std::string("--config=") + kConfigDir + "/etcdbackup.toml"}},
      {"ports", {{{"name", "http"}, {"containerPort", kEtcdbackupPort}, {"protocol", "TCP"}}}},
      {"readinessProbe", {{"httpGet", {{"path", "/health"}, {"port", kEtcdbackupPort}}}}},
      {"volumeMounts",
       {{{"name", "config"}, {"mountPath", kConfigDir}, {"readOnly", true}},
        {{"name", "tls"}, {"mountPath", kTlsDir}, {"readOnly", true}},
        {{"name", "backups"}, {"mountPath", kBackupDir}}}}};
  // etcdbackup reads its settings and certificate once, at start: a change of either rolls the
  // Pod over (a renewed certificate included).
  Sha256 settings_hash;
  for (const std::string* part : {&s.ca_pem, &s.cert_pem, &s.key_pem}) {
    settings_hash.update({reinterpret_cast<const uint8_t*>(part->data()), part->size()});
  }
  const std::string toml = config_toml(s);
  settings_hash.update({reinterpret_cast<const uint8_t*>(toml.data()), toml.size()});
  const ordered_json pod = {
      {"metadata",
       {{"labels", pod_labels("server")},
        {"annotations", {{kSettingsHashAnnotation, Sha256::hex(settings_hash.digest())}}}}},
      {"spec",
       {{"securityContext", {{"runAsUser", kUser}, {"runAsGroup", kUser}, {"fsGroup", kUser}}},
        {"containers", {container}},
        {"volumes",
         {{{"name", "config"}, {"configMap", {{"name", kName}}}},
          // 0440: the key is the group's through fsGroup, nobody else's (etcdbackup checks).
          {{"name", "tls"},
           {"secret", {{"secretName", std::string(kName) + "-etcd"}, {"defaultMode", 0440}}}},
          {{"name", "backups"}, {"persistentVolumeClaim", {{"claimName", s.pvc_name}}}}}}}}};
  return {{"apiVersion", "apps/v1"},
          {"kind", "Deployment"},
          {"metadata", metadata(s, kName)},
          {"spec",
           {{"replicas", 1},
            // A ReadWriteOnce volume takes one Pod at a time: the old one goes first.
            {"strategy", {{"type", "Recreate"}}},
            {"selector", {{"matchLabels", pod_labels("server")}}},
            {"template", pod}}}};
}

ordered_json service(const EtcdbackupSettings& s) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", metadata(s, kName)},
          {"spec",
           {{"selector", pod_labels("server")},
            {"ports",
             {{{"name", "http"},
               {"port", kEtcdbackupPort},
               {"targetPort", kEtcdbackupPort},
               {"protocol", "TCP"}}}}}}};
}

ordered_json cron_job(const EtcdbackupSettings& s) {
  const std::string url = "http://" + std::string(kName) + "." + s.namespace_name +
                          ".svc:" + std::to_string(kEtcdbackupPort) + "/api/v1/backup";
  const ordered_json container = {{"name", kName},
                                  {"image", s.image},
                                  {"command", {"curl", "-fsS", "-X", "POST", "--data", "", url}}};
  return {{"apiVersion", s.cronjob_api_version},
          {"kind", "CronJob"},
          {"metadata", metadata(s, kName)},
          {"spec",
           {{"schedule", s.schedule},
            // cke's schedules are UTC; so is the CronJob controller's (before timeZone existed).
            {"concurrencyPolicy", "Forbid"},
            {"successfulJobsHistoryLimit", 3},
            {"failedJobsHistoryLimit", 1},
            {"jobTemplate",
             {{"metadata", {{"labels", pod_labels("backup-job")}}},
              {"spec",
               {{"backoffLimit", 2},
                {"template",
                 {{"metadata", {{"labels", pod_labels("backup-job")}}},
                  {"spec",
                   {{"securityContext", {{"runAsUser", kUser}, {"runAsGroup", kUser}}},
                    {"restartPolicy", "Never"},
                    {"containers", {container}}}}}}}}}}}}};
}

}  // namespace

std::vector<ordered_json> etcdbackup_objects(const EtcdbackupSettings& settings) {
  return {config_map(settings), secret(settings), deployment(settings), service(settings),
          cron_job(settings)};
}

}  // namespace cke::backup
