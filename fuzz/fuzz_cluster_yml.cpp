// cluster.yml from ckecli cluster set or cke --cluster: any text gets a parsed cluster or a
// cke::Error, within bounded memory and time (alias bombs included).
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/common/error.hpp"
#include "core/config/cluster_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    cke::config::parse_cluster_config(std::string(reinterpret_cast<const char*>(data), size),
                                      "fuzz.yml");
  } catch (const cke::Error&) {
  }
  return 0;
}
