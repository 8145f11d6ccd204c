// ckecli's command groups; each adds its subcommands to the app.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/ckecli/connection.hpp"

namespace cke::cli {

void add_cluster_commands(CLI::App& app, const Connection& connection);
void add_etcd_commands(CLI::App& app, const Connection& connection);
void add_status_commands(CLI::App& app, const Connection& connection);
// Under `etcd`: local-backup and backup list|get|verify|delete|take.
void add_backup_commands(CLI::App& etcd, const Connection& connection);

}  // namespace cke::cli
