#include "core/plugin/library_pin.hpp"

#include <mutex>
#include <vector>

namespace cke::plugin {

void pin_library(boost::dll::shared_library library) {
  // Function-local statics: destroyed only after main returns. The libraries are also opened
  // with RTLD_NODELETE, so even then their code stays mapped.
  static std::mutex mutex;
  static std::vector<boost::dll::shared_library> pinned;
  const std::lock_guard lock(mutex);
  pinned.push_back(std::move(library));
}

}  // namespace cke::plugin
