// The host side of the plugin boundary: the cke_host table handed to every plugin, and an
// owning wrapper for the error details a plugin call fills.
#pragma once

#include <string>

#include "cke/abi.h"

namespace cke::plugin {

// The process's host table (static data, valid for the life of the process).
const cke_host* host_table() noexcept;

// Sets a host-allocated message in *err, as the host's set_error does (used by the core's own
// stream callbacks when a plugin called them and they failed).
void set_error(cke_error* err, int32_t code, const std::string& message) noexcept;

// A cke_error the core passes to a plugin; frees the host-allocated message when destroyed.
class CallError {
 public:
  CallError() = default;
  CallError(const CallError&) = delete;
  CallError& operator=(const CallError&) = delete;
  ~CallError();

  cke_error* get() noexcept { return &err_; }
  // The plugin's message, or a fallback naming the status when it gave none.
  [[nodiscard]] std::string message(int32_t status) const;

 private:
  cke_error err_{sizeof(cke_error), 0, nullptr};
};

}  // namespace cke::plugin
