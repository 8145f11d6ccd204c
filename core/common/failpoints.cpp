#include "core/common/failpoints.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "core/common/error.hpp"
#include "core/common/test_hooks.hpp"

namespace cke {
namespace {

// "sleep:SECONDS" → SECONDS (1 to 3600); anything else → 0.
int sleep_seconds(const std::string& action) {
  constexpr std::string_view prefix = "sleep:";
  if (!action.starts_with(prefix) || action.size() == prefix.size() ||
      action.size() > prefix.size() + 4) {
    return 0;
  }
  int seconds = 0;
  for (const char c : action.substr(prefix.size())) {
    if (c < '0' || c > '9') {
      return 0;
    }
    seconds = seconds * 10 + (c - '0');
  }
  return seconds <= 3600 ? seconds : 0;
}

}  // namespace

Failpoints Failpoints::from_environment() {
  const char* spec = test_hook("CKE_FAILPOINTS");
  return spec != nullptr ? parse(spec) : Failpoints();
}

Failpoints Failpoints::parse(const std::string& spec) {
  Failpoints out;
  size_t start = 0;
  while (start < spec.size()) {
    size_t end = spec.find(',', start);
    if (end == std::string::npos) {
      end = spec.size();
    }
    const std::string item = spec.substr(start, end - start);
    start = end + 1;
    if (item.empty()) {
      continue;
    }
    const size_t eq = item.find('=');
    const std::string action = eq == std::string::npos ? "" : item.substr(eq + 1);
    if (eq == 0 || (action != "crash" && action != "pause" && action != "error" &&
                    sleep_seconds(action) == 0)) {
      throw Error("CKE_FAILPOINTS: \"" + item + "\": expected NAME=crash|pause|error|sleep:SECONDS",
                  CKE_INVALID_ARGUMENT);
    }
    out.armed_[item.substr(0, eq)] = action;
  }
  return out;
}

void Failpoints::hit(const std::string& name) const {
  const auto it = armed_.find(name);
  if (it == armed_.end()) {
    return;
  }
  spdlog::warn("failpoint {}: {}", name, it->second);
  spdlog::default_logger()->flush();
  if (const int seconds = sleep_seconds(it->second); seconds > 0) {
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    return;
  }
  if (it->second == "crash") {
    ::kill(::getpid(), SIGKILL);
  } else if (it->second == "pause") {
    for (;;) {
      ::pause();
    }
  }
  throw Error("failpoint " + name + " triggered", CKE_ABORTED);
}

}  // namespace cke
