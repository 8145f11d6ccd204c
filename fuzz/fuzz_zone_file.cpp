// The coredns publisher reads back the zone file at its path before replacing it, and that file
// may have been changed by anyone: any text is cke's own (serial and records) or not, never a
// crash; and what zone_file writes always reads back as written.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "plugins/publish-coredns/zone_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cke::plugins::coredns;
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (const auto zone = read_written_zone(text)) {
    const std::string again =
        zone_file(zone->records, {"cluster.local", 30, "localhost"}, zone->serial, "fuzz");
    const auto back = read_written_zone(again);
    if (!back || back->serial != zone->serial || back->records != zone->records) {
      std::abort();
    }
  }
  return 0;
}
