// The -output flag the commands share.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace cke::cli {

// Adds `-output` to `command`, one of `choices`, defaulting to `fallback`, stored in `format`.
inline CLI::Option* add_output_flag(CLI::App& command, std::string& format,
                                    const std::string& fallback = "table",
                                    const std::vector<std::string>& choices = {"table", "json"}) {
  format = fallback;
  return command.add_option("--output,-o", format, "output format")
      ->check(CLI::IsMember(choices))
      ->capture_default_str();
}

}  // namespace cke::cli
