#include "core/backup/backup_name.hpp"

#include <ctime>
#include <regex>

#include "core/common/error.hpp"

namespace cke::backup {

std::string backup_name(std::chrono::system_clock::time_point time, const std::string& extension) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  ::gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y%m%d_%H%M%S", &utc);
  return "snapshot-" + std::string(text) + ".db" + extension;
}

std::string manifest_name(const std::string& backup) { return backup + ".manifest.json"; }

std::optional<ParsedName> parse_backup_name(const std::string& name) {
  static const std::regex pattern(
      R"(snapshot-(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})\.db(\.gz|\.zst|\.xz)?)");
  std::smatch m;
  if (!std::regex_match(name, m, pattern)) {
    return std::nullopt;
  }
  std::tm utc{};
  utc.tm_year = std::stoi(m[1]) - 1900;
  utc.tm_mon = std::stoi(m[2]) - 1;
  utc.tm_mday = std::stoi(m[3]);
  utc.tm_hour = std::stoi(m[4]);
  utc.tm_min = std::stoi(m[5]);
  utc.tm_sec = std::stoi(m[6]);
  // Years a system_clock time point holds (nanoseconds since 1970 in 64 bits reach 1677–2262):
  // beyond them the conversion overflows (found by fuzz_backup_name).
  if (utc.tm_year < 70 || utc.tm_year > 2200 - 1900) {
    return std::nullopt;
  }
  ParsedName parsed{std::chrono::system_clock::from_time_t(::timegm(&utc)), m[7].str()};
  // Only the one spelling a time has (no 31 February, no second 60): names and times map 1:1.
  if (backup_name(parsed.time, parsed.extension) != name) {
    return std::nullopt;
  }
  return parsed;
}

ParsedName check_backup_name(const std::string& name) {
  if (auto parsed = parse_backup_name(name)) {
    return *parsed;
  }
  std::string shown;
  for (const char c : name) {
    shown += (c >= 0x20 && c < 0x7f) ? std::string(1, c) : "?";
  }
  throw Error(
      "invalid backup name \"" + shown + "\": expected snapshot-YYYYMMDD_HHMMSS.db[.gz|.zst|.xz]",
      CKE_INVALID_ARGUMENT);
}

}  // namespace cke::backup
