// Base64 (RFC 4648, with padding, no line breaks), as Kubernetes Secrets carry their data.
#pragma once

#include <string>
#include <string_view>

namespace cke {

std::string base64_encode(std::string_view bytes);

}  // namespace cke
