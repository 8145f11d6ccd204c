#include "core/common/names.hpp"

#include <regex>

#include "core/common/error.hpp"

namespace cke {

bool valid_user_name(const std::string& name) {
  static const std::regex pattern("[A-Za-z0-9][A-Za-z0-9._:-]{0,63}");
  return std::regex_match(name, pattern);
}

void check_user_name(const std::string& name) {
  if (name.empty()) {
    throw Error("user name is empty", CKE_INVALID_ARGUMENT);
  }
  if (!valid_user_name(name)) {
    throw Error("invalid user name \"" + name +
                    "\": use letters, digits, '.', '_', ':' and '-', starting with a letter or "
                    "digit, at most 64 characters",
                CKE_INVALID_ARGUMENT);
  }
  if (name == "root" || name == "backup") {
    throw Error("user name \"" + name + "\" is reserved for cke", CKE_INVALID_ARGUMENT);
  }
}

}  // namespace cke
