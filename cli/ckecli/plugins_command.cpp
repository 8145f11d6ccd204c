#include "cli/ckecli/plugins_command.hpp"

#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "cli/common/output_format.hpp"
#include "core/plugin/registry.hpp"

namespace cke::cli {
namespace {

struct PluginsListOptions {
  std::vector<std::string> plugin_dirs;
  std::string output;
};

std::string abi_text(uint32_t v) {
  return std::to_string(CKE_ABI_VERSION_MAJOR(v)) + "." + std::to_string(CKE_ABI_VERSION_MINOR(v));
}

nlohmann::ordered_json to_json(const plugin::Registry& registry) {
  nlohmann::ordered_json out;
  out["plugins"] = nlohmann::ordered_json::array();
  for (const auto& p : registry.plugins()) {
    out["plugins"].push_back({{"kind", plugin::kind_name(p.kind)},
                              {"name", p.name},
                              {"version", p.version},
                              {"abi_version", abi_text(p.abi_version)},
                              {"file", p.file.string()},
                              {"description", p.description}});
  }
  out["shadowed"] = nlohmann::ordered_json::array();
  for (const auto& s : registry.shadowed()) {
    out["shadowed"].push_back({{"kind", plugin::kind_name(s.kind)},
                               {"name", s.name},
                               {"file", s.file.string()},
                               {"shadowed_by", s.shadowed_by.string()}});
  }
  out["errors"] = nlohmann::ordered_json::array();
  for (const auto& e : registry.errors()) {
    out["errors"].push_back({{"file", e.file.string()}, {"message", e.message}});
  }
  out["search_path"] = nlohmann::ordered_json::array();
  for (const auto& dir : registry.search_dirs()) {
    out["search_path"].push_back(dir.string());
  }
  return out;
}

void print_table(const plugin::Registry& registry) {
  std::printf("%-20s %-12s %-8s %-5s %s\n", "KIND", "NAME", "VERSION", "ABI", "FILE");
  for (const auto& p : registry.plugins()) {
    std::printf("%-20s %-12s %-8s %-5s %s\n", std::string(plugin::kind_name(p.kind)).c_str(),
                p.name.c_str(), p.version.c_str(), abi_text(p.abi_version).c_str(), p.file.c_str());
  }
  for (const auto& s : registry.shadowed()) {
    std::printf("shadowed: %s plugin \"%s\" in %s (by %s)\n",
                std::string(plugin::kind_name(s.kind)).c_str(), s.name.c_str(), s.file.c_str(),
                s.shadowed_by.c_str());
  }
  for (const auto& e : registry.errors()) {
    std::printf("error: %s\n", e.message.c_str());
  }
}

}  // namespace

void add_plugins_command(CLI::App& app) {
  auto* plugins = app.add_subcommand("plugins", "inspect the plugins this installation has");
  plugins->require_subcommand(1);
  auto options = std::make_shared<PluginsListOptions>();
  auto* list = plugins->add_subcommand(
      "list",
      "list loaded plugins (kind, name, version, ABI, file) and the files that were refused");
  list->add_option("--plugin-dir", options->plugin_dirs,
                   "search this directory first (repeatable); then CKE_PLUGIN_PATH, then "
                   "../lib/ARCH/cke/plugins-1 next to the binary, then the install prefix");
  add_output_flag(*list, options->output);
  list->callback([options] {
    std::vector<std::filesystem::path> dirs(options->plugin_dirs.begin(),
                                            options->plugin_dirs.end());
    const plugin::Registry registry(plugin::plugin_search_path(dirs));
    if (options->output == "json") {
      std::cout << to_json(registry).dump(2) << "\n";
    } else {
      print_table(registry);
    }
  });
}

}  // namespace cke::cli
