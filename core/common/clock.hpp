// The time the core goes by. Certificates lifetimes and (later) schedules read it through this
// interface so tests can move time without sleeping.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace cke {

class Clock {
 public:
  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;
  [[nodiscard]] virtual std::chrono::system_clock::time_point now() const = 0;

  [[nodiscard]] int64_t unix_seconds() const {
    return std::chrono::duration_cast<std::chrono::seconds>(now().time_since_epoch()).count();
  }
};

class SystemClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point now() const override {
    return std::chrono::system_clock::now();
  }
};

// RFC 3339 in UTC with seconds: "2018-12-26T05:47:10Z".
std::string format_utc(std::chrono::system_clock::time_point t);
// The unix seconds of what format_utc writes; nullopt for anything else.
std::optional<int64_t> parse_utc(const std::string& text);

}  // namespace cke
