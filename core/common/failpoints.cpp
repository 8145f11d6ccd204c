#include "core/common/failpoints.hpp"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdlib>

#include "core/common/error.hpp"

namespace cke {

Failpoints Failpoints::from_environment() {
  const char* spec = std::getenv("CKE_FAILPOINTS");
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
    if (eq == 0 || (action != "crash" && action != "pause" && action != "error")) {
      throw Error("CKE_FAILPOINTS: \"" + item + "\": expected NAME=crash|pause|error",
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
