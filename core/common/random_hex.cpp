#include "core/common/random_hex.hpp"

#include <random>

namespace cke {

std::string random_hex(size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::random_device random;
  std::string out;
  out.reserve(digits);
  while (out.size() < digits) {
    unsigned value = random();
    for (int i = 0; i < 8 && out.size() < digits; ++i, value >>= 4U) {
      out.push_back(kDigits[value & 0xFU]);
    }
  }
  return out;
}

}  // namespace cke
