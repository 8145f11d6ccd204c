// A kubeconfig the kubernetes publisher reads: any text gives credentials or an sdk::Error with a
// sentence, never a crash or another exception.
#include <cstddef>
#include <cstdint>
#include <string>

#include "cke/sdk/error.hpp"
#include "plugins/kube-client/kubeconfig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto credentials = cke::kube::parse_kubeconfig(
        std::string(reinterpret_cast<const char*>(data), size), "/nonexistent/kubeconfig");
    if (!credentials.server.starts_with("https://")) {
      __builtin_trap();
    }
  } catch (const cke::sdk::Error&) {
  }
  return 0;
}
