// Creating a plugin instance, with the same sentence for every kind when the plugin refuses.
#pragma once

#include <string>

#include "core/common/error.hpp"
#include "core/plugin/host.hpp"
#include "core/plugin/registry.hpp"

namespace cke::plugin {

// "compressor plugin "gzip" (/path/file.so)"
inline std::string describe(const PluginRecord& record) {
  return std::string(kind_name(record.kind)) + " plugin \"" + record.name + "\" (" +
         record.file.string() + ")";
}

// Calls `create(err)` (which returns a status and sets `*out`) after checking the record is of
// the `expected` kind; throws cke::Error naming the plugin and its file when it fails.
template <class Handle, class Create>
Handle* create_instance(const PluginRecord& record, Kind expected, Create&& create) {
  if (record.kind != expected) {
    throw Error("plugin \"" + record.name + "\" is a " + std::string(kind_name(record.kind)) +
                    " plugin, not a " + std::string(kind_name(expected)),
                CKE_INVALID_ARGUMENT);
  }
  Handle* out = nullptr;
  CallError err;
  const int32_t status = create(&out, err.get());
  if (status != CKE_OK || out == nullptr) {
    throw Error(describe(record) + " could not create an instance: " + err.message(status),
                status == CKE_OK ? CKE_INTERNAL : status);
  }
  return out;
}

// Throws cke::Error with the plugin's message when a call failed.
inline void check_call(int32_t status, const CallError& err, const PluginRecord& record) {
  if (status != CKE_OK) {
    throw Error(record.name + ": " + err.message(status), status);
  }
}

}  // namespace cke::plugin
