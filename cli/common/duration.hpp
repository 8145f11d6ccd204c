// Go-style durations, as the seed writes them: "24h", "90m", "1h30m", "2s", "1.5h", "87600h".
#pragma once

#include <chrono>
#include <string>

namespace cke::cli {

// Throws cke::Error(CKE_INVALID_ARGUMENT) naming the text for anything else, for a duration
// under one second, and for one that is not positive.
std::chrono::seconds parse_duration(const std::string& text);

}  // namespace cke::cli
