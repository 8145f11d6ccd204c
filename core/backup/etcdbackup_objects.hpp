// The Kubernetes objects of the seed's Kubernetes backup method, as a pure function of the
// settings: a ConfigMap with etcdbackup's settings, a Secret with its etcd client certificate, the
// etcdbackup Deployment mounting the PersistentVolumeClaim, its Service, and a CronJob that asks
// it for a backup on schedule. Each is labelled app.kubernetes.io/name: etcdbackup and
// app.kubernetes.io/managed-by: cke. cke applies them; `ckecli etcd backup manifests` prints them.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cke::backup {

struct EtcdbackupSettings {
  std::string namespace_name = "kube-system";
  std::string image;     // etcdbackup's container image (docs/etcdbackup.md says what it holds)
  std::string pvc_name;  // etcd_backup.pvc_name
  std::string schedule;  // etcd_backup.schedule (five fields, UTC)
  int rotate = 14;
  std::string compressor = "gzip";
  std::vector<std::string> endpoints;  // the members' client URLs, https://ADDRESS:2379
  std::string ca_pem;                  // the CA of the members' server certificates
  std::string cert_pem;                // the `backup` user's client certificate and key
  std::string key_pem;
  std::string cronjob_api_version = "batch/v1";  // or batch/v1beta1, as discovery finds
};

inline constexpr int kEtcdbackupPort = 8080;
// On the Deployment's Pod template: the hash of etcdbackup's settings and certificate.
inline constexpr const char* kSettingsHashAnnotation = "cke/settings-sha256";
// Every kind etcdbackup_objects() returns, as "apiVersion/Kind".
inline const std::vector<std::string> kEtcdbackupKinds{
    "v1/ConfigMap", "v1/Secret", "apps/v1/Deployment", "v1/Service", "batch/v1/CronJob"};

// ConfigMap, Secret, Deployment, Service, CronJob, in the order they are applied.
std::vector<nlohmann::ordered_json> etcdbackup_objects(const EtcdbackupSettings& settings);

}  // namespace cke::backup
