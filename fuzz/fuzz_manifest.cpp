// NAME.manifest.json as read back from a storage target (which a third-party plugin or a
// tampered disk controls): any bytes give a manifest or a cke::Error.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/backup/manifest.hpp"
#include "core/common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto manifest = cke::backup::manifest_from_json(
        std::string(reinterpret_cast<const char*>(data), size), "fuzz.manifest.json");
    // What was read writes back and reads again to the same manifest.
    const auto again = cke::backup::manifest_from_json(cke::backup::to_json(manifest), "again");
    if (again.name != manifest.name || again.raw_size != manifest.raw_size) {
      __builtin_trap();
    }
  } catch (const cke::Error&) {
  }
  return 0;
}
