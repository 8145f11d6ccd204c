// Backup names from ckecli (backup get|verify|delete|restore NAME) and from storage listings:
// a name is accepted only when it is a plain file name, and then formats back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/backup/backup_name.hpp"
#include "core/common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string name(reinterpret_cast<const char*>(data), size);
  const auto parsed = cke::backup::parse_backup_name(name);
  if (parsed && (name.find('/') != std::string::npos || name.find('\0') != std::string::npos ||
                 name.starts_with("."))) {
    std::abort();  // would become a path outside the storage
  }
  try {
    cke::backup::check_backup_name(name);
    if (!parsed) {
      std::abort();  // the two must agree
    }
  } catch (const cke::Error&) {
    if (parsed) {
      std::abort();
    }
  }
  return 0;
}
