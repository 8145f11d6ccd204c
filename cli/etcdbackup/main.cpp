// etcdbackup: the backup agent of the seed's Kubernetes backup method. It serves an HTTP API
// (backup_server.hpp) that takes compressed, rotated etcd snapshots into a directory — the
// PersistentVolumeClaim mounted into its Pod — through the `pvc` storage plugin, and lists and
// serves them. A CronJob asks it for a backup on schedule; ckecli reaches it through the API
// server's service proxy. Settings come from flags or a TOML file (--config, the ConfigMap).
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "cli/etcdbackup/backup_server.hpp"
#include "core/backup/catalog.hpp"
#include "core/common/error.hpp"
#include "core/common/failpoints.hpp"
#include "core/common/test_hooks.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/storage.hpp"

namespace {

using cke::Error;

std::string read_pem(const std::string& path, const std::string& flag, bool private_key) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    throw Error(flag + " " + path + ": " + std::strerror(errno), CKE_INVALID_ARGUMENT);
  }
  // Group read is allowed: a Pod reads its Secret's files through its fsGroup.
  if (private_key && (st.st_mode & 007) != 0) {
    throw Error(flag + " " + path +
                    " is readable by others; chmod 600 it (or defaultMode 0440 on its Secret "
                    "volume)",
                CKE_INVALID_ARGUMENT);
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in || text.str().empty()) {
    throw Error(flag + " " + path + ": cannot read it, or it is empty", CKE_INVALID_ARGUMENT);
  }
  return text.str();
}

// host:port, "[v6]:port" or ":port" -> host and port.
std::pair<std::string, int> split_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  int port = 0;
  if (colon != std::string::npos) {
    try {
      port = std::stoi(listen.substr(colon + 1));
    } catch (const std::exception&) {
      port = 0;
    }
  }
  if (colon == std::string::npos || port <= 0 || port > 65535) {
    throw Error("--listen " + listen + ": expected HOST:PORT, e.g. 0.0.0.0:8080",
                CKE_INVALID_ARGUMENT);
  }
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return {host.empty() ? "0.0.0.0" : host, port};
}

struct Options {
  std::string listen = "0.0.0.0:8080";
  std::vector<std::string> endpoints;
  std::string etcd_ca;
  std::string etcd_cert;
  std::string etcd_key;
  std::string dir;
  bool require_mount = true;
  size_t rotate = 14;
  std::string compressor = "gzip";
  std::string tls_cert;
  std::string tls_key;
  std::vector<std::string> plugin_dirs;
};

int serve(const Options& options) {
  cke::etcdbackup::ServerSettings settings;
  settings.endpoints = options.endpoints;
  settings.identity.ca_pem = read_pem(options.etcd_ca, "--etcd-ca", false);
  settings.identity.cert_pem = read_pem(options.etcd_cert, "--etcd-cert", false);
  settings.identity.key_pem = read_pem(options.etcd_key, "--etcd-key", true);
  settings.compressor = options.compressor;
  settings.rotate = options.rotate;
  cke::announce_test_hooks();
  settings.failpoints = cke::Failpoints::from_environment();
  const auto [host, port] = split_listen(options.listen);
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    throw Error("--tls-cert and --tls-key go together", CKE_INVALID_ARGUMENT);
  }

  std::vector<std::filesystem::path> dirs(options.plugin_dirs.begin(), options.plugin_dirs.end());
  const cke::plugin::Registry registry(cke::plugin::plugin_search_path(dirs));
  (void)registry.require(cke::plugin::Kind::compressor, options.compressor);  // refused now
  cke::plugin::Storage storage(
      registry.require(cke::plugin::Kind::storage, "pvc"),
      nlohmann::json{{"dir", options.dir}, {"require_mount", options.require_mount}}.dump());
  // What a backup killed mid-way left: data without a manifest is never listed; remove it.
  for (const auto& orphan : cke::backup::clean_orphans(storage)) {
    spdlog::info("removed {}, left by an interrupted backup", orphan);
  }

  std::unique_ptr<httplib::Server> server;
  if (options.tls_cert.empty()) {
    server = std::make_unique<httplib::Server>();
  } else {
    server =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!server->is_valid()) {
      throw Error("cannot serve HTTPS with --tls-cert " + options.tls_cert + " and --tls-key " +
                      options.tls_key,
                  CKE_INVALID_ARGUMENT);
    }
  }
  // A snapshot of a large database takes a while to stream: give the client time.
  server->set_write_timeout(std::chrono::minutes(10));
  cke::etcdbackup::BackupServer backups(settings, registry, storage);
  backups.route(*server);

  // SIGTERM and SIGINT stop the server; a backup in progress is abandoned (nothing is listed).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread stopper([&] {
    int signal = 0;
    sigwait(&signals, &signal);
    spdlog::info("stopping (signal {})", signal);
    server->stop();
  });
  stopper.detach();

  if (!server->bind_to_port(host, port)) {
    throw Error("cannot listen on " + options.listen + ": " + std::strerror(errno),
                CKE_UNAVAILABLE);
  }
  spdlog::info("etcdbackup serving on {}://{}:{}, backups in {} ({}, keeping {})",
               options.tls_cert.empty() ? "http" : "https", host, port, options.dir,
               options.compressor, options.rotate);
  server->listen_after_bind();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  Options options;
  CLI::App app{
      "etcdbackup: takes, rotates, lists and serves compressed snapshots of a cke-managed etcd "
      "over HTTP, into a directory (a PersistentVolumeClaim)",
      "etcdbackup"};
  // A flag given twice (or in --config and on the command line): the last one counts.
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.set_config("--config", "", "a TOML file with these options (keys as the long names)");
  app.add_option("--listen", options.listen, "HOST:PORT to serve on")->capture_default_str();
  app.add_option("--endpoints", options.endpoints, "the etcd client URLs (https://HOST:2379)")
      ->required()
      ->delimiter(',')
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--etcd-ca", options.etcd_ca, "the CA of the etcd server certificates")
      ->required();
  app.add_option("--etcd-cert", options.etcd_cert,
                 "a client certificate whose user has etcd's root role (snapshots need it)")
      ->required();
  app.add_option("--etcd-key", options.etcd_key, "its private key (readable by its owner only)")
      ->required();
  app.add_option("--dir", options.dir, "the directory backups go to (the mounted PVC)")->required();
  app.add_option("--require-mount", options.require_mount,
                 "refuse a --dir that is not a mount point: without its volume, backups would go "
                 "into the container's own filesystem and vanish with it")
      ->capture_default_str();
  app.add_option("--rotate", options.rotate, "how many backups to keep (the newest)")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  app.add_option("--compressor", options.compressor, "gzip, zstd, xz or none")
      ->capture_default_str();
  app.add_option("--tls-cert", options.tls_cert, "serve HTTPS with this certificate");
  app.add_option("--tls-key", options.tls_key, "and this key");
  app.add_option("--plugin-dir", options.plugin_dirs, "more plugin directories, searched first")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "etcdbackup: " << e.what() << " (see etcdbackup --help)\n";
    return 2;
  }
  try {
    return serve(options);
  } catch (const std::exception& e) {
    std::cerr << "etcdbackup: " << e.what() << "\n";
    return 1;
  }
}
