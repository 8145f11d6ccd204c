// Cron parsing and next-fire computation against known schedules, in UTC.
#include "core/common/cron.hpp"

#include <gtest/gtest.h>

#include <ctime>

#include "core/common/clock.hpp"
#include "core/common/error.hpp"

namespace {

using cke::CronSchedule;

std::chrono::system_clock::time_point at(const char* text) {  // "2024-02-28T23:59:30Z"
  std::tm utc{};
  strptime(text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

std::string next(const char* schedule, const char* after) {
  return cke::format_utc(CronSchedule::parse(schedule).next_after(at(after)));
}

TEST(Cron, EveryMinuteAndHourly) {
  EXPECT_EQ(next("* * * * *", "2018-12-26T05:47:10Z"), "2018-12-26T05:48:00Z");
  EXPECT_EQ(next("* * * * *", "2018-12-26T05:47:00Z"), "2018-12-26T05:48:00Z");  // strictly after
  EXPECT_EQ(next("0 * * * *", "2018-12-26T05:47:10Z"), "2018-12-26T06:00:00Z");
  EXPECT_EQ(next("@hourly", "2018-12-26T23:59:59Z"), "2018-12-27T00:00:00Z");
}

TEST(Cron, ListsRangesStepsAndNames) {
  EXPECT_EQ(next("*/15 * * * *", "2024-01-01T10:46:00Z"), "2024-01-01T11:00:00Z");
  EXPECT_EQ(next("5,35 9-17/4 * * *", "2024-01-01T09:36:00Z"), "2024-01-01T13:05:00Z");
  EXPECT_EQ(next("0 12 * JAN,jul mon-fri", "2024-01-31T12:00:00Z"), "2024-07-01T12:00:00Z");
  EXPECT_EQ(next("30 2 * * 7", "2024-03-04T00:00:00Z"), "2024-03-10T02:30:00Z");  // 7 = Sunday
  EXPECT_EQ(next("10/20 * * * *", "2024-01-01T00:31:00Z"), "2024-01-01T00:50:00Z");
}

TEST(Cron, MonthEndsAndLeapYears) {
  EXPECT_EQ(next("0 0 31 * *", "2024-04-01T00:00:00Z"), "2024-05-31T00:00:00Z");  // April has 30
  EXPECT_EQ(next("0 0 29 2 *", "2023-03-01T00:00:00Z"), "2024-02-29T00:00:00Z");
  EXPECT_EQ(next("@monthly", "2024-12-31T23:59:00Z"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("@yearly", "2024-06-01T00:00:00Z"), "2025-01-01T00:00:00Z");
  EXPECT_EQ(next("59 23 28-31 * *", "2023-02-28T23:59:00Z"), "2023-03-28T23:59:00Z");
}

TEST(Cron, DayOfMonthOrDayOfWeekWhenBothAreRestricted) {
  // The 13th, or any Friday: from Monday 2024-09-02 the first is Friday the 6th.
  EXPECT_EQ(next("0 0 13 * 5", "2024-09-02T00:00:00Z"), "2024-09-06T00:00:00Z");
  // Only the day of month restricted: the 13th, whatever weekday.
  EXPECT_EQ(next("0 0 13 * *", "2024-09-02T00:00:00Z"), "2024-09-13T00:00:00Z");
  // Only the weekday restricted.
  EXPECT_EQ(next("0 0 * * 5", "2024-09-07T00:00:00Z"), "2024-09-13T00:00:00Z");
  EXPECT_EQ(next("@weekly", "2024-09-07T00:00:00Z"), "2024-09-08T00:00:00Z");
}

TEST(Cron, RefusesWithASentence) {
  for (const char* bad : {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *",
                          "* * * 13 *", "* * * * 8", "*/0 * * * *", "5-1 * * * *", "a * * * *",
                          "* * * FOO *", "@often", "0 0 30 2 *", "1,,2 * * * *"}) {
    EXPECT_THROW(CronSchedule::parse(bad), cke::Error) << bad;
  }
  try {
    CronSchedule::parse("61 * * * *");
  } catch (const cke::Error& e) {
    EXPECT_STREQ(e.what(), "invalid cron schedule \"61 * * * *\": minute: 61 is outside 0-59");
  }
}

}  // namespace
