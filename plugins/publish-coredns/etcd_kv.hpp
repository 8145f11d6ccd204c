// A minimal etcd v3 KV client for the skydns form: read a prefix, apply deletes and puts in one
// transaction. gRPC over TLS with a client certificate (etcd takes the user from its common
// name), the messages in etcd_wire.hpp; endpoints are tried in order until one answers.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace cke::plugins::coredns {

struct EtcdAccess {
  std::vector<std::string> endpoints;  // host:port or https://host:port
  std::string ca_pem;                  // verifies the members' server certificates
  std::string cert_pem;                // the client certificate (its CN is the etcd user)
  std::string key_pem;
};

class EtcdKv {
 public:
  explicit EtcdKv(EtcdAccess access) : access_(std::move(access)) {}

  // Every key under `prefix` with its value. Throws sdk::Error when no endpoint answers.
  std::map<std::string, std::string> range_prefix(const std::string& prefix) const;

  // Deletes `deletes` and puts `puts` atomically (nothing when both are empty).
  void apply(const std::vector<std::string>& deletes,
             const std::map<std::string, std::string>& puts) const;

 private:
  std::string call(const std::string& method, const std::string& request) const;

  EtcdAccess access_;
};

}  // namespace cke::plugins::coredns
