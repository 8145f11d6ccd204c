// Waiting for a TCP port to accept connections, polling until a deadline.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace cke {

bool wait_for_tcp(const std::string& address, uint16_t port,
                  std::chrono::steady_clock::duration timeout);

}  // namespace cke
