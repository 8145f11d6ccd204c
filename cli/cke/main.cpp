// cke: the controller. Keeps its state in --data-dir, drives the etcd members towards the
// applied cluster.yml, and serves cke's API on DIR/cke.sock for ckecli.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "cli/cke/api_names.hpp"
#include "cli/cke/data_dir_lock.hpp"
#include "cli/cke/metrics_endpoint.hpp"
#include "cli/common/duration.hpp"
#include "cli/common/go_flags.hpp"
#include "core/api/api_service.hpp"
#include "core/backup/kubernetes_method.hpp"
#include "core/backup/scheduler.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/test_hooks.hpp"
#include "core/common/text_file.hpp"
#include "core/controller/controller.hpp"
#include "core/controller/decision.hpp"
#include "core/pki/backup_client.hpp"
#include "core/pki/revocation.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/runtime.hpp"
#include "core/state/ca_sync.hpp"
#include "core/state/etcd_state_store.hpp"
#include "core/state/file_state_store.hpp"
#include "core/state/leader_election.hpp"
#include "core/state/migration.hpp"

namespace fs = std::filesystem;

namespace {

struct Options {
  std::string data_dir = "/var/lib/cke";
  std::string cluster_file;
  std::vector<std::string> plugin_dirs;
  std::string runtime = "local";
  std::string runtime_config;  // a JSON file; "": {}
  std::string cert_backend = "local-ca";
  std::string cert_backend_config;  // a JSON file; "": local-ca's {"dir": DATA_DIR/pki}
  std::string log_level = "info";
  bool stop_members = false;
  std::string listen;            // HOST:PORT for the API over TCP with mutual TLS
  std::string issue_admin_cert;  // a directory to write an operator's ckecli certificate into
  std::string admin_ttl = "8760h";
  std::string interval = "1s";
  std::vector<std::string> api_sans;  // more names and addresses for the API's certificate
  std::string metrics_listen;         // HOST:PORT for Prometheus; "": no metrics
  std::string members_dir;            // "": DATA_DIR/members
  // cke's own etcd, for several cke processes (HA); "": the state file in the data directory.
  std::string state_etcd;  // host:port,host:port,...
  std::string state_etcd_cacert;
  std::string state_etcd_cert;
  std::string state_etcd_key;
  std::string state_etcd_prefix = "/cke/";
  std::string leader_ttl = "10s";
  bool migrate_state = false;
};

cke::state::StateEtcdConfig state_etcd_config(const Options& options) {
  cke::state::StateEtcdConfig config;
  std::stringstream endpoints(options.state_etcd);
  for (std::string endpoint; std::getline(endpoints, endpoint, ',');) {
    if (endpoint.starts_with("https://")) {
      endpoint = endpoint.substr(8);
    }
    if (endpoint.empty() || endpoint.find(':') == std::string::npos ||
        endpoint.find('/') != std::string::npos) {
      throw cke::Error(
          "--state-etcd: expected HOST:PORT[,HOST:PORT...], got \"" + options.state_etcd + "\"",
          CKE_INVALID_ARGUMENT);
    }
    config.endpoints.push_back(endpoint);
  }
  const auto read = [](const std::string& flag, const std::string& path) {
    if (path.empty()) {
      throw cke::Error(flag + " is required with --state-etcd (TLS to the state etcd)",
                       CKE_INVALID_ARGUMENT);
    }
    auto text = cke::read_text_file(path);
    if (!text) {
      throw cke::Error(flag + " " + path + ": cannot read it", CKE_NOT_FOUND);
    }
    return std::move(*text);
  };
  config.identity = {read("--state-etcd-cacert", options.state_etcd_cacert),
                     read("--state-etcd-cert", options.state_etcd_cert),
                     read("--state-etcd-key", options.state_etcd_key)};
  config.prefix = options.state_etcd_prefix;
  return config;
}

// A duration flag's value, within [low, high] (named as the flag's help says them).
std::chrono::seconds bounded_duration(const std::string& flag, const std::string& text,
                                      std::chrono::seconds low, std::chrono::seconds high,
                                      const std::string& range) {
  std::chrono::seconds value{};
  try {
    value = cke::cli::parse_duration(text);
  } catch (const std::exception& e) {
    throw cke::Error(flag + ": " + e.what(), CKE_INVALID_ARGUMENT);
  }
  if (value < low || value > high) {
    throw cke::Error(flag + " " + text + ": must be from " + range, CKE_INVALID_ARGUMENT);
  }
  return value;
}

// --leader-ttl: from 3s (the lease is 1 s shorter, and etcd's smallest is 2 s at its default
// election timeout) to 15s.
std::chrono::seconds leader_ttl(const Options& options) {
  return bounded_duration("--leader-ttl", options.leader_ttl, std::chrono::seconds(3),
                          std::chrono::seconds(15), "3s to 15s");
}

// "HOST:PORT" or "[V6]:PORT" → HOST.
std::string host_of(const std::string& listen) {
  if (!listen.empty() && listen.front() == '[') {
    const size_t close = listen.find(']');
    if (close != std::string::npos) {
      return listen.substr(1, close - 1);
    }
  }
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    throw cke::Error("--listen: expected HOST:PORT, got \"" + listen + "\"", CKE_INVALID_ARGUMENT);
  }
  return listen.substr(0, colon);
}

// Writes ca.crt, admin.crt and admin.key (all 0600) for `ckecli --server HOST:PORT --tls-dir DIR`.
int issue_admin_certificate(cke::pki::CertificateIssuer& issuer, const Options& options) {
  const auto ttl = cke::cli::parse_duration(options.admin_ttl);
  cke::pki::check_certificate_ttl(ttl, "--admin-ttl");
  const fs::path dir = options.issue_admin_cert;
  cke::ensure_private_dir(dir);
  const auto issued = issuer.api_client("cke-admin", ttl);
  cke::write_file_atomically(dir / "ca.crt", issuer.api_ca(), 0600);
  cke::write_file_atomically(dir / "admin.crt", issued.certificate_pem, 0600);
  cke::write_file_atomically(dir / "admin.key", issued.private_key_pem, 0600);
  std::cout << "wrote " << (dir / "ca.crt").string() << ", admin.crt, admin.key (valid "
            << options.admin_ttl << "); use: ckecli --server HOST:PORT --tls-dir " << dir.string()
            << "\n";
  return 0;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw cke::Error("cannot read " + path, CKE_NOT_FOUND);
  }
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// --interval, checked before anything starts.
std::chrono::seconds pass_interval(const Options& options) {
  return bounded_duration("--interval", options.interval, std::chrono::seconds(1),
                          std::chrono::minutes(5), "1s to 5m");
}

// Stops every member the state knows (the bootstrapped set, the control-plane nodes of the
// applied cluster.yml, and every member cke has a record of). Members otherwise outlive cke.
int stop_members(cke::cluster::Environment& env, cke::state::StateStore& store) {
  const auto state = store.load();
  env.describe_recorded(state.member_records);  // cluster.yml's, below, take precedence
  std::set<std::string> addresses(state.members.begin(), state.members.end());
  if (!state.cluster_yaml.empty()) {
    const auto config =
        cke::config::parse_cluster_config(state.cluster_yaml, state.cluster_source).config;
    env.describe_nodes(config.nodes);
    for (const auto& node : config.control_plane()) {
      addresses.insert(node.address);
    }
  }
  // Members cke started that are no longer members or control-plane nodes still have records.
  for (const auto& record : state.member_records) {
    addresses.insert(record.address);
  }
  for (const auto& address : addresses) {
    env.node(address).stop(10000);
    std::cout << "stopped the member on " << address << "\n";
  }
  return 0;
}

// The JSON text of a plugin's configuration file given by `flag`, or `fallback` without one.
std::string plugin_config(const std::string& flag, const std::string& path, const std::string& what,
                          const std::string& fallback) {
  if (path.empty()) {
    return fallback;
  }
  const auto text = cke::read_text_file(path);
  if (!text || !nlohmann::json::parse(*text, nullptr, false).is_object()) {
    throw cke::Error(
        flag + " " + path + ": cannot read it as a JSON object (the " + what + "'s settings)",
        CKE_INVALID_ARGUMENT);
  }
  return *text;
}

int run(const Options& options) {
  const fs::path data_dir = fs::absolute(options.data_dir);
  cke::ensure_private_dir(data_dir);
  // Issuing an operator certificate works beside a running cke; everything else takes the lock.
  std::optional<cke::cli::DataDirLock> lock;
  if (options.issue_admin_cert.empty()) {
    lock.emplace(data_dir);
  }
  const fs::path members_dir =
      options.members_dir.empty() ? data_dir / "members" : fs::absolute(options.members_dir);
  cke::ensure_private_dir(members_dir);

  std::vector<fs::path> dirs(options.plugin_dirs.begin(), options.plugin_dirs.end());
  const cke::plugin::Registry registry(cke::plugin::plugin_search_path(dirs));
  for (const auto& e : registry.errors()) {
    spdlog::warn("{}", e.message);
  }
  cke::plugin::Runtime runtime(
      registry.require(cke::plugin::Kind::runtime, options.runtime),
      plugin_config("--runtime-config", options.runtime_config, "runtime", "{}"),
      [](const std::string& node, int32_t level, const std::string& message) {
        spdlog::log(level >= CKE_LOG_WARN ? spdlog::level::warn : spdlog::level::info,
                    "member {}: {}", node, message);
      });
  // local-ca keeps its CAs in the data directory unless a configuration says otherwise.
  const std::string ca_config =
      plugin_config("--cert-backend-config", options.cert_backend_config, "certificate backend",
                    nlohmann::json{{"dir", (data_dir / "pki").string()}}.dump());
  const auto& cert_plugin = registry.require(cke::plugin::Kind::cert_backend, options.cert_backend);

  // The state: a file in the data directory, or cke's own etcd shared by several cke processes.
  std::unique_ptr<cke::state::StateEtcd> state_etcd;
  std::unique_ptr<cke::state::LeaderElection> election;
  std::unique_ptr<cke::state::StateStore> store_owner;
  cke::controller::Controller* woken_on_election = nullptr;  // set once the controller exists
  // After --migrate-state the data directory's state file is kept only as state.json.migrated:
  // a cke started on it without --state-etcd must not take it for a new cluster.
  const fs::path state_file = data_dir / "state.json";
  const fs::path migrated = data_dir / "state.json.migrated";
  if (fs::exists(migrated) && !fs::exists(state_file) &&
      (options.state_etcd.empty() || options.migrate_state)) {
    throw cke::Error(data_dir.string() +
                         ": its state was moved to a state etcd (cke --migrate-state; the old "
                         "file is state.json.migrated); start cke with --state-etcd and its TLS "
                         "files",
                     CKE_FAILED_PRECONDITION);
  }
  if (options.state_etcd.empty()) {
    store_owner = std::make_unique<cke::state::FileStateStore>(state_file);
  } else {
    state_etcd = std::make_unique<cke::state::StateEtcd>(state_etcd_config(options));
    if (options.migrate_state) {
      cke::state::FileStateStore file(state_file);
      cke::state::migrate_to_state_etcd(*state_etcd, file.load(), data_dir / "pki");
      fs::rename(state_file, migrated);
      std::cout << "migrated the state and CAs of " << data_dir.string() << " to the state etcd ("
                << options.state_etcd << ", " << options.state_etcd_prefix
                << "); start every cke with --state-etcd now\n";
      return 0;
    }
    if (options.listen.empty() && !options.stop_members && options.issue_admin_cert.empty()) {
      throw cke::Error(
          "--state-etcd needs --listen HOST:PORT: followers send operators to the leader there",
          CKE_INVALID_ARGUMENT);
    }
    election = std::make_unique<cke::state::LeaderElection>(
        *state_etcd, options.listen, leader_ttl(options), [&woken_on_election] {
          if (woken_on_election != nullptr) {
            woken_on_election->wake();
          }
        });
    store_owner = std::make_unique<cke::state::EtcdStateStore>(*state_etcd, *election);
    if (options.cert_backend == "local-ca") {
      cke::state::sync_ca_directory(*state_etcd, data_dir / "pki", [&] {
        cke::plugin::CertBackend maker(cert_plugin, ca_config);
        for (const char* name : {"server", "peer", "client", "api"}) {
          (void)maker.ca_certificate(name);
        }
      });
    }
  }
  cke::state::StateStore& store = *store_owner;
  cke::plugin::CertBackend certs(cert_plugin, ca_config);
  const cke::SystemClock clock;
  cke::pki::CertificateIssuer issuer(certs, clock);
  cke::announce_test_hooks();
  cke::cluster::Environment env(data_dir, runtime, issuer, store, clock,
                                cke::Failpoints::from_environment());
  env.set_members_dir(members_dir);
  if (options.stop_members) {
    return stop_members(env, store);
  }
  if (!options.issue_admin_cert.empty()) {
    return issue_admin_certificate(issuer, options);
  }

  cke::publish::Publishing publishing(registry, clock);
  // The Kubernetes backup method's objects: built here, above the controller, from etcdbackup's
  // certificate (read only while the method is in use) and the members' server CA.
  const auto backup_objects = [&](const cke::config::ClusterConfig& config) {
    if (cke::config::kubernetes_backup_publisher(config) == nullptr) {
      return cke::backup::etcdbackup_object_set(config, std::nullopt, "");
    }
    return cke::backup::etcdbackup_object_set(config, cke::pki::load_backup_client(data_dir),
                                              issuer.server_ca());
  };
  if (election) {
    election->round();  // leader or follower from the start: only a leader applies --cluster
  }
  cke::controller::Controller controller(env, pass_interval(options), &publishing, backup_objects,
                                         election.get());
  woken_on_election = &controller;
  if (!options.cluster_file.empty() && !controller.leadership().leading()) {
    spdlog::info("following the leader at {}; --cluster {} is for the leader to apply",
                 controller.leadership().leader_address(), options.cluster_file);
  } else if (!options.cluster_file.empty()) {
    const std::string yaml = read_file(options.cluster_file);
    std::vector<std::string> warnings;
    if (controller.set_cluster_if_none(yaml, options.cluster_file, warnings)) {
      spdlog::info("applied {}", options.cluster_file);
      for (const auto& w : warnings) {
        spdlog::warn("{}", w);
      }
    } else if (controller.state().cluster_yaml != yaml) {
      spdlog::warn(
          "{} differs from the applied cluster.yml, which is kept; change it with ckecli cluster "
          "set",
          options.cluster_file);
    }
  }

  const fs::path socket = data_dir / "cke.sock";
  fs::remove(socket);  // a stale socket of a stopped cke (we hold the lock, so it is not live)
  cke::backup::BackupService backups(controller, env, registry);
  cke::backup::BackupTarget backup_target(registry, data_dir);
  cke::api::ApiService service(controller, env, backups, backup_target, registry);
  grpc::ServerBuilder builder;
  // gRPC sets SO_REUSEPORT by default, so a second cke on the same --listen address would bind
  // beside the first and take half its connections (with the other's certificate): refuse.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort("unix://" + socket.string(), grpc::InsecureServerCredentials());
  std::optional<int64_t> api_certificate_expiry;
  if (!options.listen.empty()) {
    // Mutual TLS with the api CA: only operators' ckecli certificates get in.
    const auto names = cke::cli::api_names(host_of(options.listen), options.api_sans);
    const auto server_cert = issuer.api_server(names);
    api_certificate_expiry = cke::pki::certificate_info(server_cert.certificate_pem).not_after;
    grpc::SslServerCredentialsOptions tls(
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    tls.pem_root_certs = issuer.api_ca();
    tls.pem_key_cert_pairs.push_back({server_cert.private_key_pem, server_cert.certificate_pem});
    builder.AddListeningPort(options.listen, grpc::SslServerCredentials(tls));
    std::string listed;
    for (const auto& name : names) {
      listed += (listed.empty() ? "" : ", ") + name;
    }
    spdlog::info("cke serving on {} (TCP, mutual TLS with the api CA; certificate for {})",
                 options.listen, listed);
  }
  builder.RegisterService(&service);
  const std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server) {
    throw cke::Error("cannot serve the API on unix://" + socket.string() +
                         (options.listen.empty() ? std::string()
                                                 : " and " + options.listen +
                                                       " (is another process listening there?)"),
                     CKE_UNAVAILABLE);
  }
  ::chmod(socket.c_str(), 0600);  // gRPC creates it 0755; only the owner may drive cke
  spdlog::info("cke serving on unix://{} (data dir {})", socket.string(), data_dir.string());
  std::optional<cke::cli::MetricsEndpoint> metrics;
  if (!options.metrics_listen.empty()) {
    metrics.emplace(options.metrics_listen, controller, publishing, issuer, !options.listen.empty(),
                    api_certificate_expiry);
  }

  std::jthread elect;
  if (election) {
    elect = std::jthread([&election](const std::stop_token& stop) { election->run(stop); });
  }
  std::jthread loop([&controller](const std::stop_token& stop) { controller.run(stop); });
  const cke::backup::ScheduleClock schedule_clock;
  cke::backup::BackupScheduler scheduler(controller, backups, backup_target, schedule_clock);
  std::jthread schedule([&scheduler](const std::stop_token& stop) { scheduler.run(stop); });

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int received = 0;
  sigwait(&signals, &received);
  spdlog::info("stopping (signal {}); the members keep running", received);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  loop.request_stop();
  schedule.request_stop();
  controller.wake();
  loop.join();
  schedule.join();
  elect = {};  // gives leadership up (revokes the lease) once the loop has stopped
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("cke"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  // Signals are taken by sigwait in the main thread; block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A peer that closes its end (a member restarting, a node's sshd going away) turns a library's
  // next write on that socket into SIGPIPE, which would kill cke: the write's error is enough.
  ::signal(SIGPIPE, SIG_IGN);

  Options options;
  CLI::App app{"cke: bootstraps and maintains a secure etcd cluster"};
  app.set_version_flag("--version", CKE_VERSION);
  app.add_option("--data-dir", options.data_dir,
                 "state directory (0700): state, CAs, members, API socket")
      ->capture_default_str();
  app.add_option("--cluster", options.cluster_file,
                 "cluster.yml to apply at start when the data directory holds no cluster yet");
  app.add_option("--plugin-dir", options.plugin_dirs,
                 "search this plugin directory first (repeatable)");
  app.add_option("--runtime", options.runtime, "node runtime plugin")->capture_default_str();
  app.add_option("--runtime-config", options.runtime_config,
                 "a JSON file with the runtime plugin's configuration (e.g. the ssh runtime's "
                 "known_hosts and key)")
      ->check(CLI::ExistingFile);
  app.add_option("--cert-backend", options.cert_backend, "certificate backend plugin")
      ->capture_default_str();
  app.add_option("--cert-backend-config", options.cert_backend_config,
                 "a JSON file with the certificate backend's configuration (e.g. cfssl's servers); "
                 "default for local-ca: {\"dir\": DATA_DIR/pki}")
      ->check(CLI::ExistingFile);
  app.add_option("--log-level", options.log_level, "debug, info, warn or error")
      ->check(CLI::IsMember({"debug", "info", "warn", "error"}))
      ->capture_default_str();
  app.add_flag("--stop-members", options.stop_members,
               "stop every member of this data directory, then exit");
  app.add_option(
      "--listen", options.listen,
      "also serve the API on HOST:PORT over TCP with mutual TLS (see --issue-admin-cert)");
  app.add_option("--metrics-listen", options.metrics_listen,
                 "HOST:PORT to serve metrics for Prometheus at (plain HTTP, /metrics); bind it "
                 "to an address only your monitoring reaches");
  app.add_option("--api-san", options.api_sans,
                 "another DNS name or IP address for the --listen certificate (repeatable)");
  app.add_option(
      "--issue-admin-cert", options.issue_admin_cert,
      "write an operator certificate for ckecli --tls-dir into this directory, then exit");
  app.add_option("--admin-ttl", options.admin_ttl, "validity of --issue-admin-cert, a Go duration")
      ->capture_default_str();
  app.add_option("--members-dir", options.members_dir,
                 "where the members' files are on their nodes (default DATA_DIR/members); cke "
                 "processes sharing a state etcd use the same one");
  app.add_option("--state-etcd", options.state_etcd,
                 "keep the state in cke's own etcd at HOST:PORT[,HOST:PORT...] (TLS) and elect "
                 "one leader among the cke processes using it; default: DATA_DIR/state.json");
  app.add_option("--state-etcd-cacert", options.state_etcd_cacert,
                 "CA certificate that verifies the state etcd")
      ->check(CLI::ExistingFile);
  app.add_option("--state-etcd-cert", options.state_etcd_cert,
                 "client certificate for the state etcd (its common name is cke's etcd user)")
      ->check(CLI::ExistingFile);
  app.add_option("--state-etcd-key", options.state_etcd_key, "the client certificate's key")
      ->check(CLI::ExistingFile);
  app.add_option("--state-etcd-prefix", options.state_etcd_prefix,
                 "key prefix of cke's state in the state etcd")
      ->capture_default_str();
  app.add_option("--leader-ttl", options.leader_ttl,
                 "with a state etcd, a lost leader is replaced within this time, from 3s to 15s "
                 "(its lease is 1s shorter)")
      ->capture_default_str();
  app.add_flag("--migrate-state", options.migrate_state,
               "copy this data directory's state and CAs into the empty --state-etcd, then exit");
  app.add_option("--interval", options.interval,
                 "time between the controller's passes once the cluster is settled, a Go duration "
                 "from 1s to 5m: a failed member is acted on within it")
      ->capture_default_str();

  const auto args = cke::cli::normalise_go_flags(argc, argv);
  std::vector<const char*> pointers;
  for (const auto& a : args) {
    pointers.push_back(a.c_str());
  }
  try {
    app.parse(static_cast<int>(pointers.size()), pointers.data());
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  try {
    (void)pass_interval(options);  // a bad value stops cke before it touches anything
    (void)leader_ttl(options);
    if (options.migrate_state && options.state_etcd.empty()) {
      throw cke::Error("--migrate-state needs --state-etcd and its TLS files",
                       CKE_INVALID_ARGUMENT);
    }
    return run(options);
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
