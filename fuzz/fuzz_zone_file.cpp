// The coredns publisher reads back the zone file at its path before replacing it, and the TXT
// strings of its ownership record from a DNS server; anyone may have changed either. Any text is
// cke's own zone (serial and records) or not, never a crash, and what zone_file writes always
// reads back as written; any TXT strings give labels of letters, digits and '-' only.
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
  for (const auto& label : owned_labels({text})) {
    if (label.empty() || label.size() > 63 ||
        label.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") !=
            std::string::npos) {
      std::abort();
    }
  }
  return 0;
}
