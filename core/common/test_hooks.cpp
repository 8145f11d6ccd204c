#include "core/common/test_hooks.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace cke {
namespace {

bool hooks_enabled() {
  const char* value = std::getenv("CKE_ENABLE_TEST_HOOKS");
  return value != nullptr && std::strcmp(value, "1") == 0;
}

bool is_hook_variable(std::string_view entry) {
  return entry.starts_with("CKE_FAILPOINTS=") || entry.starts_with("CKE_TEST_");
}

}  // namespace

const char* test_hook(const char* name) { return hooks_enabled() ? std::getenv(name) : nullptr; }

int64_t test_hook_number(const char* name, int64_t minimum, int64_t fallback) {
  const char* text = test_hook(name);
  if (text == nullptr) {
    return fallback;
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text, text + std::strlen(text), value);
  if (error != std::errc() || *end != '\0' || value < minimum) {
    spdlog::warn("{}=\"{}\" is not a whole number of at least {}; using {}", name, text, minimum,
                 fallback);
    return fallback;
  }
  return value;
}

void announce_test_hooks() {
  if (hooks_enabled()) {
    spdlog::warn(
        "test hooks are enabled (CKE_ENABLE_TEST_HOOKS=1): failpoints and test clocks are live; "
        "never run a production cluster like this");
    return;
  }
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (is_hook_variable(*entry)) {
      const std::string_view text(*entry);
      spdlog::warn("ignoring {}: test hooks are off (they need CKE_ENABLE_TEST_HOOKS=1)",
                   text.substr(0, text.find('=')));
    }
  }
}

}  // namespace cke
