// What every plugin descriptor says about itself, and how the SDK builds the descriptor.
#pragma once

#include "cke/abi.h"

namespace cke::sdk {

struct PluginInfo {
  const char* name;                     // unique per kind: [a-z0-9][a-z0-9._-]*
  const char* version;                  // the plugin's own version
  const char* description = nullptr;    // one line
  const char* config_schema = nullptr;  // JSON schema of the configuration object
};

namespace detail {

inline cke_plugin_descriptor make_descriptor(uint32_t kind, const PluginInfo& info,
                                             const void* table) {
  return cke_plugin_descriptor{sizeof(cke_plugin_descriptor),
                               CKE_ABI_VERSION,
                               kind,
                               info.name,
                               info.version,
                               info.description,
                               info.config_schema,
                               table};
}

}  // namespace detail
}  // namespace cke::sdk
