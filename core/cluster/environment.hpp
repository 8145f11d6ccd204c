// What operations work with: the data directory, the plugins, the state, cke's etcd access, the
// clock and the failpoints. One per controller; no globals.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "core/cluster/etcd_access.hpp"
#include "core/common/clock.hpp"
#include "core/common/failpoints.hpp"
#include "core/config/cluster_config.hpp"
#include "core/pki/certificate_issuer.hpp"
#include "core/plugin/runtime.hpp"
#include "core/state/state.hpp"

namespace cke::cluster {

class Environment {
 public:
  Environment(std::filesystem::path data_dir, plugin::Runtime& runtime,
              pki::CertificateIssuer& issuer, state::StateStore& store, const Clock& clock,
              Failpoints failpoints)
      : data_dir_(std::move(data_dir)),
        members_dir_(data_dir_ / "members"),
        runtime_(runtime),
        issuer_(issuer),
        store_(store),
        clock_(clock),
        failpoints_(std::move(failpoints)),
        etcd_(issuer, clock) {}

  [[nodiscard]] const std::filesystem::path& data_dir() const { return data_dir_; }
  [[nodiscard]] std::filesystem::path member_dir(const std::string& address) const {
    return members_dir_ / address;
  }
  // Where the members' directories are on the nodes (default DATA_DIR/members). cke processes
  // that share a state etcd use one path, so that each finds the members another started.
  void set_members_dir(std::filesystem::path dir) { members_dir_ = std::move(dir); }
  [[nodiscard]] const std::filesystem::path& members_dir() const { return members_dir_; }
  // The runtime's handle for the node with this address (opened once, kept), opened with the
  // host name and login user cluster.yml gives the node (see describe_nodes).
  plugin::NodeHandle& node(const std::string& address);
  // What cluster.yml says of the nodes: their host names and login users go into the spec of
  // each node handle opened afterwards (a remote runtime logs in with them).
  void describe_nodes(const std::vector<config::Node>& nodes);
  // Nodes cluster.yml no longer names, as recorded when cke started their members (never
  // overriding what cluster.yml says): a member left behind there can still be stopped.
  void describe_recorded(const std::vector<state::MemberRecord>& records);

  [[nodiscard]] const std::string& runtime_name() const { return runtime_.name(); }
  pki::CertificateIssuer& issuer() { return issuer_; }
  state::StateStore& store() { return store_; }
  const Clock& clock() const { return clock_; }
  EtcdAccess& etcd() { return etcd_; }
  void failpoint(const std::string& name) const { failpoints_.hit(name); }
  [[nodiscard]] const Failpoints& failpoints() const { return failpoints_; }

 private:
  std::filesystem::path data_dir_;
  std::filesystem::path members_dir_;
  plugin::Runtime& runtime_;
  pki::CertificateIssuer& issuer_;
  state::StateStore& store_;
  const Clock& clock_;
  Failpoints failpoints_;
  EtcdAccess etcd_;
  std::mutex nodes_mutex_;
  std::map<std::string, std::unique_ptr<plugin::NodeHandle>> nodes_;
  std::map<std::string, config::Node> described_;
};

}  // namespace cke::cluster
