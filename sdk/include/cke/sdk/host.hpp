// Access to the host table the core hands the plugin's entry point. Each plugin shared object
// has its own copy of this state (symbols other than the entry point are not exported).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "cke/abi.h"

namespace cke::sdk {
namespace detail {

inline const cke_host* host_table = nullptr;  // set once by the entry point, read-only after

inline void set_host(const cke_host* host) noexcept { host_table = host; }

inline bool host_has_clear_error() noexcept {
  return host_table != nullptr && host_table->struct_size >= offsetof(cke_host, clear_error) +
                                                                 sizeof(host_table->clear_error);
}

inline void set_error(cke_error* err, int32_t code, const char* message) noexcept {
  if (host_table != nullptr && host_table->set_error != nullptr) {
    host_table->set_error(err, code, message);
  } else if (err != nullptr) {
    err->code = code;  // no host (a unit test of the class): the code alone
  }
}

inline void clear_error(cke_error* err) noexcept {
  if (host_has_clear_error()) {
    host_table->clear_error(err);
  }
}

}  // namespace detail

// Writes a log line through the host, attributed to `plugin`. Never pass secrets.
inline void log(int32_t level, const char* plugin, const std::string& message) noexcept {
  if (detail::host_table != nullptr && detail::host_table->log != nullptr) {
    detail::host_table->log(level, plugin, message.c_str());
  }
}

}  // namespace cke::sdk
