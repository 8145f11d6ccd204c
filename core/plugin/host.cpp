#include "core/plugin/host.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <cstring>

namespace cke::plugin {
namespace {

void host_log(int32_t level, const char* plugin, const char* message) {
  const char* who = plugin != nullptr ? plugin : "?";
  const char* text = message != nullptr ? message : "";
  switch (level) {
    case CKE_LOG_DEBUG: spdlog::debug("plugin {}: {}", who, text); break;
    case CKE_LOG_WARN: spdlog::warn("plugin {}: {}", who, text); break;
    case CKE_LOG_ERROR: spdlog::error("plugin {}: {}", who, text); break;
    default: spdlog::info("plugin {}: {}", who, text); break;
  }
}

void host_clear_error(cke_error* err) {
  if (err == nullptr) {
    return;
  }
  std::free(err->message);  // NOLINT(cppcoreguidelines-no-malloc): the C boundary's allocator
  err->message = nullptr;
  err->code = 0;
}

void host_set_error(cke_error* err, int32_t code, const char* message) {
  if (err == nullptr) {
    return;
  }
  host_clear_error(err);
  err->code = code;
  err->message = ::strdup(message != nullptr ? message : "");
}

constexpr cke_host kHost{sizeof(cke_host), CKE_ABI_VERSION, &host_log, &host_set_error,
                         &host_clear_error};

}  // namespace

const cke_host* host_table() noexcept { return &kHost; }

void set_error(cke_error* err, int32_t code, const std::string& message) noexcept {
  host_set_error(err, code, message.c_str());
}

CallError::~CallError() { host_clear_error(&err_); }

std::string CallError::message(int32_t status) const {
  if (err_.message != nullptr && err_.message[0] != '\0') {
    return err_.message;
  }
  return "failed with status " + std::to_string(status);
}

}  // namespace cke::plugin
