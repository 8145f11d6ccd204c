// ckecli cluster set FILE | cluster get
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/ckecli/commands.hpp"
#include "cli/common/output_format.hpp"
#include "core/common/error.hpp"
#include "core/config/cluster_config.hpp"

namespace cke::cli {
namespace {

struct ClusterOptions {
  std::string file;
  std::string output;
  bool force = false;
};

nlohmann::ordered_json binds_json(const std::vector<config::Bind>& binds) {
  auto out = nlohmann::ordered_json::array();
  for (const auto& b : binds) {
    out.push_back(
        {{"source", b.source}, {"destination", b.destination}, {"read_only", b.read_only}});
  }
  return out;
}

// The applied cluster as JSON, in cluster.yml's own key names (docs/cluster-yml.md).
nlohmann::ordered_json cluster_json(const config::ClusterConfig& c) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const auto& n : c.nodes) {
    nodes.push_back({{"address", n.address},
                     {"hostname", n.hostname},
                     {"user", n.user},
                     {"control_plane", n.control_plane}});
  }
  nlohmann::ordered_json env = nlohmann::ordered_json::object();
  for (const auto& [k, v] : c.etcd.extra_env) {
    env[k] = v;
  }
  return {{"name", c.name},
          {"nodes", nodes},
          {"options",
           {{"etcd",
             {{"extra_args", c.etcd.extra_args},
              {"extra_env", env},
              {"extra_binds", binds_json(c.etcd.extra_binds)},
              {"client_port", c.etcd.client_port},
              {"peer_port", c.etcd.peer_port},
              {"auto_compaction_mode", c.etcd.auto_compaction_mode},
              {"auto_compaction_retention", c.etcd.auto_compaction_retention}}},
            {"kubelet",
             {{"extra_binds", binds_json(c.kubelet.extra_binds)},
              {"config", {{"clusterDomain", c.kubelet.cluster_domain}}}}}}},
          {"etcd_backup",
           {{"enabled", c.etcd_backup.enabled},
            {"pvc_name", c.etcd_backup.pvc_name},
            {"schedule", c.etcd_backup.schedule},
            {"rotate", c.etcd_backup.rotate}}}};
}

}  // namespace

void add_cluster_commands(CLI::App& app, const Connection& connection) {
  auto* cluster =
      app.add_subcommand("cluster", "apply or show the cluster description (cluster.yml)");
  cluster->require_subcommand(1);
  auto options = std::make_shared<ClusterOptions>();

  auto* set = cluster->add_subcommand("set", "validate FILE and make it the desired cluster");
  set->add_option("FILE", options->file, "cluster.yml")->required();
  set->add_flag("--force", options->force,
                "apply even when the file removes half or more of the etcd members at once "
                "(shrinking on purpose, e.g. 3 to 1)");
  set->callback([options, &connection] {
    std::ifstream in(options->file);
    if (!in) {
      throw Error("cannot read " + options->file, CKE_NOT_FOUND);
    }
    std::stringstream text;
    text << in.rdbuf();
    // Validated here first so a bad file is reported even when cke is not running; the warnings
    // are cke's (it knows what its runtime and storage ignore).
    (void)config::parse_cluster_config(text.str(), options->file);
    v1::ClusterSetRequest request;
    request.set_yaml(text.str());
    request.set_source(options->file);
    request.set_force(options->force);
    v1::ClusterSetResponse response;
    auto context = call_context();
    connection.check(connection.stub()->ClusterSet(context.get(), request, &response));
    for (const auto& w : response.warnings()) {
      std::cerr << "ckecli: warning: " << w << "\n";
    }
    std::cout << "applied " << options->file << "\n";
  });

  auto* get = cluster->add_subcommand("get", "print the applied cluster.yml (or its JSON form)");
  add_output_flag(*get, options->output, "yaml", {"yaml", "json"});
  get->callback([options, &connection] {
    v1::ClusterGetResponse response;
    auto context = call_context();
    connection.check(connection.stub()->ClusterGet(context.get(), v1::Empty(), &response));
    if (options->output == "json") {
      const auto parsed = config::parse_cluster_config(response.yaml(), response.source());
      std::cout << cluster_json(parsed.config).dump(2) << "\n";
    } else {
      std::cout << response.yaml();
    }
  });
}

}  // namespace cke::cli
