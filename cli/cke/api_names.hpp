// The names clients may reach cke's API over TCP by, for its server certificate.
#pragma once

#include <string>
#include <vector>

namespace cke::cli {

// The --listen host; for a wildcard host (0.0.0.0, ::), every address of this machine and its
// host name instead, since no client connects to 0.0.0.0; then every --api-san.
std::vector<std::string> api_names(const std::string& host, const std::vector<std::string>& sans);

}  // namespace cke::cli
