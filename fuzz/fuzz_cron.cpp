// etcd_backup.schedule: any text gets a schedule or a cke::Error; a schedule's next fire time
// is later than the time it is asked from.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/common/cron.hpp"
#include "core/common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const auto schedule =
        cke::CronSchedule::parse(std::string(reinterpret_cast<const char*>(data), size));
    const auto from = std::chrono::system_clock::from_time_t(1767225600);  // 2026-01-01
    if (schedule.next_after(from) <= from) {
      std::abort();
    }
  } catch (const cke::Error&) {
  }
  return 0;
}
