// `ckecli plugins list`: what plugins this installation has and which files were refused.
#pragma once

#include <CLI/CLI.hpp>

namespace cke::cli {

void add_plugins_command(CLI::App& app);

}  // namespace cke::cli
