// Standard five-field cron schedules, evaluated in UTC: minute hour day-of-month month
// day-of-week, each a list of `*`, `N`, `N-M`, with `/STEP`, month and weekday names (JAN, MON),
// 7 as Sunday, and the macros @yearly @annually @monthly @weekly @daily @midnight @hourly.
// As in Vixie cron, when both day fields are restricted a day matching either one fires.
#pragma once

#include <bitset>
#include <chrono>
#include <string>

namespace cke {

class CronSchedule {
 public:
  // Throws cke::Error(CKE_INVALID_ARGUMENT) with a sentence naming the bad part.
  static CronSchedule parse(const std::string& text);

  // The first time strictly after `after` (whole minutes, UTC) the schedule fires.
  [[nodiscard]] std::chrono::system_clock::time_point next_after(
      std::chrono::system_clock::time_point after) const;

  [[nodiscard]] const std::string& text() const { return text_; }

 private:
  [[nodiscard]] bool day_matches(int day_of_month, int month, int weekday) const;

  std::string text_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0-6, Sunday 0
  bool days_restricted_ = false;
  bool weekdays_restricted_ = false;
};

}  // namespace cke
