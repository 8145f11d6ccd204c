// Random hexadecimal text for names that must not collide (temporary files, cluster tokens).
// Not for secrets: keys come from OpenSSL.
#pragma once

#include <cstddef>
#include <string>

namespace cke {

// `digits` lowercase hexadecimal digits from std::random_device.
std::string random_hex(size_t digits = 16);

}  // namespace cke
