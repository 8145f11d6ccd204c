#include "core/plugin/registry.hpp"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <regex>
#include <system_error>

#include "core/common/error.hpp"
#include "core/plugin/host.hpp"
#include "core/plugin/library_pin.hpp"

namespace fs = std::filesystem;

namespace cke::plugin {
namespace {

std::string version_text(uint32_t v) {
  return std::to_string(CKE_ABI_VERSION_MAJOR(v)) + "." + std::to_string(CKE_ABI_VERSION_MINOR(v));
}

const std::string kHostAbi = version_text(CKE_ABI_VERSION);

bool valid_plugin_name(std::string_view name) {
  static const std::regex pattern("[a-z0-9][a-z0-9._-]{0,63}");
  return std::regex_match(name.begin(), name.end(), pattern);
}

std::string in_quotes(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

Registry::Registry(const std::vector<fs::path>& search_dirs) : dirs_(search_dirs) {
  for (const auto& dir : dirs_) {
    load_directory(dir);
  }
}

void Registry::load_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return;
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".so" && entry.is_regular_file(ec)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());  // a stable order decides which duplicate wins
  for (const auto& file : files) {
    load_file(file);
  }
}

void Registry::load_file(const fs::path& file) {
  const std::string where = file.string() + ": ";
  // Immediate binding makes a missing symbol fail here, not at the first call; RTLD_NODELETE
  // keeps the code mapped for the life of the process even when the handle is released, so no
  // function pointer handed out can ever dangle.
  const auto mode = static_cast<boost::dll::load_mode::type>(RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
  boost::dll::shared_library library;
  boost::dll::fs::error_code ec;
  ::dlerror();  // clear any stale error so the message below is this load's
  library.load(file, mode, ec);
  if (ec || !library.is_loaded()) {
    const char* reason = ::dlerror();
    errors_.push_back({file, where + "skipped: cannot load it as a shared object (" +
                                 (reason != nullptr ? std::string(reason) : ec.message()) + ")"});
    return;
  }
  if (!library.has(CKE_PLUGIN_ENTRY_SYMBOL)) {
    errors_.push_back({file, where +
                                 "skipped: no entry symbol " CKE_PLUGIN_ENTRY_SYMBOL
                                 " (not a cke plugin, or built for another ABI major; this cke "
                                 "speaks ABI " +
                                 kHostAbi + ")"});
    return;
  }
  auto entry = library.get<const cke_plugin_list*(const cke_host*)>(CKE_PLUGIN_ENTRY_SYMBOL);
  pin_library(std::move(library));

  const cke_plugin_list* list = entry(host_table());
  if (list == nullptr) {
    errors_.push_back({file, where + "skipped: its entry point returned no plugin list"});
    return;
  }
  if (list->struct_size < sizeof(cke_plugin_list)) {
    errors_.push_back({file, where + "skipped: its plugin list is " +
                                 std::to_string(list->struct_size) + " bytes, ABI " + kHostAbi +
                                 " needs " + std::to_string(sizeof(cke_plugin_list))});
    return;
  }
  if (CKE_ABI_VERSION_MAJOR(list->abi_version) != CKE_ABI_MAJOR) {
    errors_.push_back({file, where + "skipped: built for ABI " + version_text(list->abi_version) +
                                 ", this cke speaks ABI " + kHostAbi + " (the major must match)"});
    return;
  }
  const fs::path dir = file.parent_path();
  for (uint32_t i = 0; i < list->count; ++i) {
    add_plugin(file, list->plugins[i], dir);
  }
}

void Registry::add_plugin(const fs::path& file, const cke_plugin_descriptor* d,
                          const fs::path& dir) {
  std::string where = file.string() + ": ";
  auto refuse = [&](const std::string& why) {
    errors_.push_back({file, where + "skipped: " + why});
  };

  if (d == nullptr || d->struct_size < sizeof(cke_plugin_descriptor)) {
    refuse("a plugin descriptor is missing or shorter than ABI " + kHostAbi + " requires (" +
           std::to_string(d == nullptr ? 0 : d->struct_size) + " < " +
           std::to_string(sizeof(cke_plugin_descriptor)) + " bytes)");
    return;
  }
  const std::string name = d->name != nullptr ? d->name : "";
  where += "plugin " + in_quotes(name) + ": ";
  if (!valid_plugin_name(name)) {
    refuse("invalid name (expected [a-z0-9][a-z0-9._-]*, at most 64 characters)");
    return;
  }
  if (CKE_ABI_VERSION_MAJOR(d->abi_version) != CKE_ABI_MAJOR) {
    refuse("built for ABI " + version_text(d->abi_version) + ", this cke speaks ABI " + kHostAbi +
           " (the major must match)");
    return;
  }
  const auto kind = kind_from_abi(d->kind);
  if (!kind) {
    refuse("unknown plugin kind " + std::to_string(d->kind));
    return;
  }
  const uint32_t minor = CKE_ABI_VERSION_MINOR(d->abi_version);
  const size_t needed = minimum_table_size(*kind, minor);
  const auto* table_size = static_cast<const uint32_t*>(d->table);
  if (table_size == nullptr || *table_size < needed) {
    refuse("its " + std::string(kind_name(*kind)) + " table is " +
           std::to_string(table_size == nullptr ? 0 : *table_size) + " bytes, but ABI " +
           version_text(d->abi_version) + " (which it claims) needs at least " +
           std::to_string(needed));
    return;
  }
  if (!table_is_complete(*kind, d->table)) {
    refuse("its " + std::string(kind_name(*kind)) + " table has an empty function pointer");
    return;
  }
  for (size_t i = 0; i < plugins_.size(); ++i) {
    const PluginRecord& other = plugins_[i];
    if (other.kind != *kind || other.name != name) {
      continue;
    }
    if (plugin_dirs_[i] != dir) {
      shadowed_.push_back({*kind, name, file, other.file});
      spdlog::warn("{}plugin {} is shadowed by the same-named {} plugin in {}",
                   file.string() + ": ", in_quotes(name), kind_name(*kind), other.file.string());
    } else {
      refuse("duplicate " + std::string(kind_name(*kind)) + " plugin name, already loaded from " +
             other.file.string());
    }
    return;
  }
  plugins_.push_back(PluginRecord{*kind, name, d->version != nullptr ? d->version : "",
                                  d->description != nullptr ? d->description : "",
                                  d->config_schema != nullptr ? d->config_schema : "",
                                  d->abi_version, file, d->table});
  plugin_dirs_.push_back(dir);
}

const PluginRecord* Registry::find(Kind kind, std::string_view name) const {
  for (const auto& p : plugins_) {
    if (p.kind == kind && p.name == name) {
      return &p;
    }
  }
  return nullptr;
}

const PluginRecord& Registry::require(Kind kind, std::string_view name) const {
  if (const auto* p = find(kind, name)) {
    return *p;
  }
  std::string available;
  for (const auto& p : plugins_) {
    if (p.kind == kind) {
      available += (available.empty() ? "" : ", ") + p.name;
    }
  }
  std::string message = "no " + std::string(kind_name(kind)) + " plugin named " + in_quotes(name) +
                        " (available: " + (available.empty() ? "none" : available) + ")";
  for (const auto& e : errors_) {
    if (e.message.find(in_quotes(name)) != std::string::npos ||
        e.file.stem().string().find(name) != std::string::npos) {
      message += "; " + e.message;
    }
  }
  throw Error(message, CKE_NOT_FOUND);
}

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& flag_dirs) {
  std::vector<fs::path> candidates = flag_dirs;
  if (const char* env = std::getenv("CKE_PLUGIN_PATH"); env != nullptr) {
    std::string_view rest(env);
    while (!rest.empty()) {
      const size_t colon = rest.find(':');
      const std::string_view part = rest.substr(0, colon);
      if (!part.empty()) {
        candidates.emplace_back(std::string(part));
      }
      rest = colon == std::string_view::npos ? std::string_view() : rest.substr(colon + 1);
    }
  }
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path().parent_path() / CKE_RELATIVE_PLUGIN_DIR);
  }
  candidates.emplace_back(CKE_INSTALL_PLUGIN_DIR);

  std::vector<fs::path> result;
  std::vector<fs::path> seen;
  for (const auto& dir : candidates) {
    fs::path key = fs::weakly_canonical(dir, ec);
    if (ec) {
      key = dir.lexically_normal();
    }
    if (std::find(seen.begin(), seen.end(), key) == seen.end()) {
      seen.push_back(key);
      result.push_back(dir);
    }
  }
  return result;
}

}  // namespace cke::plugin
