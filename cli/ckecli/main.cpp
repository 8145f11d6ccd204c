// ckecli: the operator's command-line interface to cke.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/ckecli/commands.hpp"
#include "cli/ckecli/connection.hpp"
#include "cli/ckecli/plugins_command.hpp"
#include "cli/common/go_flags.hpp"
#include "core/common/error.hpp"

int main(int argc, char** argv) {
  // Logs go to stderr so that stdout stays clean for JSON.
  spdlog::set_default_logger(spdlog::stderr_color_st("ckecli"));
  spdlog::set_pattern("ckecli: %l: %v");

  CLI::App app{"ckecli: operate a cke-managed etcd cluster"};
  app.set_version_flag("--version", CKE_VERSION);
  app.require_subcommand(1);
  cke::cli::Connection connection;
  app.add_option("--server", connection.server,
                 "cke's API: unix:///PATH or HOST:PORT (default: $CKE_SERVER, else " +
                     std::string(cke::cli::kDefaultServer) + ")");
  app.add_option(
      "--tls-dir", connection.tls_dir,
      "for a HOST:PORT server: the directory cke --issue-admin-cert wrote (default: $CKE_TLS_DIR)");
  cke::cli::add_cluster_commands(app, connection);
  cke::cli::add_etcd_commands(app, connection);
  cke::cli::add_status_commands(app, connection);
  cke::cli::add_plugins_command(app);

  const std::vector<std::string> args = cke::cli::normalise_go_flags(argc, argv);
  std::vector<const char*> arg_pointers;
  arg_pointers.reserve(args.size());
  for (const auto& a : args) {
    arg_pointers.push_back(a.c_str());
  }
  try {
    try {
      app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    } catch (const cke::cli::LeaderRedirect& redirect) {
      // A follower refused the change before doing anything: the same command, at the leader,
      // which takes an operator certificate (the leader is reached over TCP).
      if (!connection.has_tls_dir()) {
        throw;
      }
      std::cerr << "ckecli: " << connection.address() << " follows; sending the command to the "
                << "leader at " << redirect.leader() << "\n";
      connection.leader = redirect.leader();
      app.parse(static_cast<int>(arg_pointers.size()), arg_pointers.data());
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const cke::Error& e) {
    std::cerr << "ckecli: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "ckecli: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
