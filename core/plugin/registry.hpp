// The plugin registry: finds plugin shared objects in the search directories, loads them with
// immediate binding, checks them against the ABI, and keeps them loaded for the life of the
// process. A bad file is skipped with one sentence; it never stops the others from loading.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cke/abi.h"
#include "core/plugin/kind.hpp"

namespace cke::plugin {

struct PluginRecord {
  Kind kind;
  std::string name;
  std::string version;
  std::string description;
  std::string config_schema;  // JSON schema text, or empty
  uint32_t abi_version;       // what the plugin was built against
  std::filesystem::path file;
  const void* table;  // the kind's function table, static data of the loaded library
};

// A file or plugin that was refused, with the sentence saying why.
struct LoadError {
  std::filesystem::path file;
  std::string message;
};

// A plugin hidden by a same-named one of the same kind found in an earlier search directory.
struct ShadowedPlugin {
  Kind kind;
  std::string name;
  std::filesystem::path file;
  std::filesystem::path shadowed_by;
};

class Registry {
 public:
  // Loads every "*.so" file of each directory in order (missing directories are skipped).
  explicit Registry(const std::vector<std::filesystem::path>& search_dirs);

  [[nodiscard]] const std::vector<std::filesystem::path>& search_dirs() const { return dirs_; }
  [[nodiscard]] const std::vector<PluginRecord>& plugins() const { return plugins_; }
  [[nodiscard]] const std::vector<LoadError>& errors() const { return errors_; }
  [[nodiscard]] const std::vector<ShadowedPlugin>& shadowed() const { return shadowed_; }

  [[nodiscard]] const PluginRecord* find(Kind kind, std::string_view name) const;
  // Like find, but throws cke::Error naming the plugin, what is available, and any load error
  // of a file that may have held it.
  [[nodiscard]] const PluginRecord& require(Kind kind, std::string_view name) const;

 private:
  void load_directory(const std::filesystem::path& dir);
  void load_file(const std::filesystem::path& file);
  void add_plugin(const std::filesystem::path& file, const cke_plugin_descriptor* descriptor,
                  const std::filesystem::path& dir);

  std::vector<std::filesystem::path> dirs_;
  std::vector<PluginRecord> plugins_;
  std::vector<std::filesystem::path> plugin_dirs_;  // the directory each plugins_ entry came from
  std::vector<LoadError> errors_;
  std::vector<ShadowedPlugin> shadowed_;
};

// The search order: `flag_dirs` (--plugin-dir), then CKE_PLUGIN_PATH (colon-separated), then
// ../lib/ARCH/cke/plugins-ABI_MAJOR relative to the running executable, then the install
// prefix's plugin directory; duplicates (after resolving) removed, first occurrence kept.
std::vector<std::filesystem::path> plugin_search_path(
    const std::vector<std::filesystem::path>& flag_dirs);

}  // namespace cke::plugin
