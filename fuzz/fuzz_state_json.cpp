// cke's state as JSON, read from state.json or from the state etcd's PREFIX/state (which any
// etcd user allowed to write there controls): any bytes give a State or a cke::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/state/state_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto state = cke::state::state_from_json(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz", "restore it");
    // What was read writes back and reads again to the same state.
    const auto again = cke::state::state_from_json(cke::state::state_to_json(state), "again", "");
    if (again.history.size() != state.history.size() || again.members != state.members ||
        again.cluster_yaml != state.cluster_yaml) {
      __builtin_trap();
    }
  } catch (const cke::Error&) {
  }
  return 0;
}
