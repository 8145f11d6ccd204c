#include "core/common/cron.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>
#include <sstream>
#include <vector>

#include "core/common/error.hpp"

namespace cke {
namespace {

struct Field {
  const char* name;
  int low;
  int high;
  const char* const* names;  // names for low..high, or null
};

constexpr std::array<const char*, 12> kMonthNames{"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                  "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr std::array<const char*, 8> kDayNames{"SUN", "MON", "TUE", "WED",
                                               "THU", "FRI", "SAT", "SUN"};

[[noreturn]] void invalid(const std::string& schedule, const std::string& why) {
  throw Error("invalid cron schedule \"" + schedule + "\": " + why, CKE_INVALID_ARGUMENT);
}

int value_of(const std::string& token, const Field& field, const std::string& schedule) {
  std::string upper = token;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  if (field.names != nullptr) {
    for (int v = field.low; v <= field.high; ++v) {
      if (upper == field.names[v - field.low]) {
        return v;
      }
    }
  }
  if (token.empty() ||
      !std::all_of(token.begin(), token.end(), [](unsigned char c) { return std::isdigit(c); }) ||
      token.size() > 4) {
    invalid(schedule, std::string(field.name) + ": \"" + token + "\" is not a number" +
                          (field.names != nullptr ? " or a name" : ""));
  }
  const int v = std::stoi(token);
  if (v < field.low || v > field.high) {
    invalid(schedule, std::string(field.name) + ": " + token + " is outside " +
                          std::to_string(field.low) + "-" + std::to_string(field.high));
  }
  return v;
}

// Sets the bits of `text` (one field) in `out` (indexed by value); returns whether it is `*`-like.
template <size_t N>
bool parse_field(const std::string& text, const Field& field, std::bitset<N>& out,
                 const std::string& schedule) {
  bool unrestricted = false;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    if (item.empty()) {
      invalid(schedule, std::string(field.name) + ": empty list item");
    }
    int step = 1;
    const size_t slash = item.find('/');
    std::string range = item;
    if (slash != std::string::npos) {
      const std::string step_text = item.substr(slash + 1);
      if (step_text.empty() ||
          !std::all_of(step_text.begin(), step_text.end(),
                       [](unsigned char c) { return std::isdigit(c); }) ||
          step_text.size() > 4 || std::stoi(step_text) == 0) {
        invalid(schedule, std::string(field.name) + ": bad step \"" + step_text + "\"");
      }
      step = std::stoi(step_text);
      range = item.substr(0, slash);
    }
    int low = field.low;
    int high = field.high;
    if (range == "*") {
      unrestricted = unrestricted || step == 1;
    } else {
      const size_t dash = range.find('-');
      low = value_of(range.substr(0, dash), field, schedule);
      if (dash != std::string::npos) {
        high = value_of(range.substr(dash + 1), field, schedule);
        if (high < low) {
          invalid(schedule, std::string(field.name) + ": range " + range + " runs backwards");
        }
      } else if (slash == std::string::npos) {
        high = low;  // a single value; "N/S" runs from N to the end
      }
    }
    for (int v = low; v <= high; v += step) {
      out.set(static_cast<size_t>(v));
    }
  }
  return unrestricted;
}

std::string expand_macro(const std::string& text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return text;
}

std::tm utc_of(std::chrono::system_clock::time_point t) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  return utc;
}

std::chrono::system_clock::time_point from_utc(std::tm utc) {
  return std::chrono::system_clock::from_time_t(::timegm(&utc));  // normalises overflowing fields
}

}  // namespace

CronSchedule CronSchedule::parse(const std::string& text) {
  CronSchedule s;
  s.text_ = text;
  const std::string expanded = expand_macro(text);
  if (!expanded.empty() && expanded.front() == '@') {
    invalid(text, "unknown macro (use @yearly, @monthly, @weekly, @daily or @hourly)");
  }
  std::istringstream fields(expanded);
  std::vector<std::string> parts;
  for (std::string part; fields >> part;) {
    parts.push_back(part);
  }
  if (parts.size() != 5) {
    invalid(text, "expected 5 fields (minute hour day-of-month month day-of-week), got " +
                      std::to_string(parts.size()));
  }
  parse_field(parts[0], {"minute", 0, 59, nullptr}, s.minutes_, text);
  parse_field(parts[1], {"hour", 0, 23, nullptr}, s.hours_, text);
  s.days_restricted_ = !parse_field(parts[2], {"day of month", 1, 31, nullptr}, s.days_, text);
  parse_field(parts[3], {"month", 1, 12, kMonthNames.data()}, s.months_, text);
  std::bitset<8> weekdays;
  s.weekdays_restricted_ =
      !parse_field(parts[4], {"day of week", 0, 7, kDayNames.data()}, weekdays, text);
  for (size_t d = 0; d < 7; ++d) {
    s.weekdays_[d] = weekdays[d];
  }
  if (weekdays[7]) {
    s.weekdays_[0] = true;  // 7 is Sunday too
  }
  // "0 0 30 2 *" never fires: some chosen day must exist in some chosen month (29 in February).
  if (s.days_restricted_ && !s.weekdays_restricted_) {
    constexpr std::array<int, 13> kLongest{0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool possible = false;
    for (int month = 1; month <= 12 && !possible; ++month) {
      for (int day = 1; day <= kLongest[static_cast<size_t>(month)] && !possible; ++day) {
        possible = s.months_[static_cast<size_t>(month)] && s.days_[static_cast<size_t>(day)];
      }
    }
    if (!possible) {
      invalid(text, "no chosen day exists in a chosen month, so it never fires");
    }
  }
  return s;
}

bool CronSchedule::day_matches(int day_of_month, int month, int weekday) const {
  if (!months_[static_cast<size_t>(month)]) {
    return false;
  }
  const bool by_day = days_[static_cast<size_t>(day_of_month)];
  const bool by_weekday = weekdays_[static_cast<size_t>(weekday)];
  if (days_restricted_ && weekdays_restricted_) {
    return by_day || by_weekday;
  }
  return by_day && by_weekday;
}

std::chrono::system_clock::time_point CronSchedule::next_after(
    std::chrono::system_clock::time_point after) const {
  std::tm t = utc_of(std::chrono::floor<std::chrono::minutes>(after) + std::chrono::minutes(1));
  // Walk forward a day, an hour or a minute at a time, skipping what cannot match. parse() refused
  // schedules that never fire; the guard (several millennia of days) only stops a bug.
  for (int guard = 0; guard < 3'000'000; ++guard) {
    if (!day_matches(t.tm_mday, t.tm_mon + 1, t.tm_wday)) {
      t.tm_mday += 1;
      t.tm_hour = 0;
      t.tm_min = 0;
      t = utc_of(from_utc(t));
      continue;
    }
    if (!hours_[static_cast<size_t>(t.tm_hour)]) {
      t.tm_hour += 1;
      t.tm_min = 0;
      t = utc_of(from_utc(t));
      continue;
    }
    if (!minutes_[static_cast<size_t>(t.tm_min)]) {
      t.tm_min += 1;
      t = utc_of(from_utc(t));
      continue;
    }
    return from_utc(t);
  }
  throw Error("cron schedule \"" + text_ + "\" never fires", CKE_INVALID_ARGUMENT);
}

}  // namespace cke
