// TCP connections with a deadline: waiting for a port to accept, and connecting once.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/common/unique_fd.hpp"

namespace cke {

// A connected, blocking socket to address:port (an IPv4 or IPv6 literal), or an empty UniqueFd
// when it cannot connect before `deadline` (refused, unreachable, not an address).
UniqueFd connect_tcp(const std::string& address, uint16_t port,
                     std::chrono::steady_clock::time_point deadline);

bool wait_for_tcp(const std::string& address, uint16_t port,
                  std::chrono::steady_clock::duration timeout);

}  // namespace cke
