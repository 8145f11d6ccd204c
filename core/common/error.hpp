// The core's error type: a status code (gRPC numbering, as at the plugin boundary) and a
// sentence meant for the user.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "cke/abi.h"

namespace cke {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, int32_t code = CKE_UNKNOWN)
      : std::runtime_error(message), code_(code) {}
  [[nodiscard]] int32_t code() const noexcept { return code_; }

 private:
  int32_t code_;
};

}  // namespace cke
