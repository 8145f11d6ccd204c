// cke-test-etcdbackup-objects CRONJOB-API-VERSION: prints the Kubernetes backup method's objects
// (core/backup/etcdbackup_objects.hpp) for a fixed example setting, one JSON object a line, so that
// the end-to-end tests can hand them to a real or stand-in API server.
#include <iostream>

#include "core/backup/etcdbackup_objects.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: cke-test-etcdbackup-objects batch/v1|batch/v1beta1\n";
    return 2;
  }
  cke::backup::EtcdbackupSettings settings;
  settings.image = "registry.example/etcdbackup:0.1.0";
  settings.pvc_name = "etcdbackup-pvc";
  settings.schedule = "0 * * * *";
  settings.endpoints = {"https://10.0.0.1:2379"};
  settings.ca_pem = "CA";
  settings.cert_pem = "CERT";
  settings.key_pem = "KEY";
  settings.cronjob_api_version = argv[1];
  for (const auto& object : cke::backup::etcdbackup_objects(settings)) {
    std::cout << object.dump() << "\n";
  }
  return 0;
}
