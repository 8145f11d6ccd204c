#include "cli/common/duration.hpp"

#include <cctype>
#include <cmath>

#include "core/common/error.hpp"

namespace cke::cli {

std::chrono::seconds parse_duration(const std::string& text) {
  const auto invalid = [&](const std::string& why) {
    return Error(
        "invalid duration \"" + text + "\": " + why + " (use Go's form, e.g. 24h, 90m, 1h30m, 45s)",
        CKE_INVALID_ARGUMENT);
  };
  if (text.empty()) {
    throw invalid("empty");
  }
  double total = 0;
  size_t i = 0;
  while (i < text.size()) {
    const size_t number_start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.')) {
      ++i;
    }
    if (i == number_start) {
      throw invalid("expected a number at \"" + text.substr(i) + "\"");
    }
    double value = 0;
    try {
      value = std::stod(text.substr(number_start, i - number_start));
    } catch (const std::exception&) {
      throw invalid("bad number");
    }
    const size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0) {
      ++i;
    }
    const std::string unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "h") {
      scale = 3600;
    } else if (unit == "m") {
      scale = 60;
    } else if (unit == "s") {
      scale = 1;
    } else if (unit == "ms") {
      scale = 0.001;
    } else {
      throw invalid(unit.empty() ? "missing unit" : "unknown unit \"" + unit + "\"");
    }
    total += value * scale;
  }
  if (total < 1) {
    throw invalid("must be at least 1s");
  }
  // Far beyond any certificate or schedule, and far inside what a 64-bit count of seconds holds.
  constexpr double kLongest = 1e12;
  if (!std::isfinite(total) || total > kLongest) {
    throw invalid("too long");
  }
  return std::chrono::seconds(static_cast<long long>(std::llround(total)));
}

}  // namespace cke::cli
