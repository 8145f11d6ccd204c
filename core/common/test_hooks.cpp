#include "core/common/test_hooks.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

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
