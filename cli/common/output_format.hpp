// The -output flag every listing command shares.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace cke::cli {

// Adds `-output` (table|json) to `command`, defaulting to `fallback`, and stores it in `format`.
inline CLI::Option* add_output_flag(CLI::App& command, std::string& format,
                                    const std::string& fallback = "table") {
  format = fallback;
  return command.add_option("--output,-o", format, "output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

}  // namespace cke::cli
