#include "core/backup/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "core/backup/catalog.hpp"
#include "core/common/cron.hpp"
#include "core/common/test_hooks.hpp"

namespace cke::backup {
namespace {

using std::chrono::system_clock;

int64_t unix_seconds(system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

}  // namespace

system_clock::time_point ScheduleClock::now() const {
  auto now = system_clock::now();
  if (const char* file = test_hook("CKE_TEST_SCHEDULE_OFFSET_FILE"); file != nullptr) {
    std::ifstream in(file);
    long long offset = 0;
    if (in >> offset) {
      now += std::chrono::seconds(offset);
    }
  }
  return now;
}

bool BackupScheduler::tick() {
  if (!controller_.leadership().leading()) {
    return false;  // the leader takes the scheduled backups; a follower would be refused
  }
  const auto status = controller_.status();
  // With a Kubernetes API, etcdbackup's CronJob takes them (kubernetes_method.hpp).
  if (!status.config || !status.config->etcd_backup.enabled ||
      config::kubernetes_backup_publisher(*status.config) != nullptr) {
    return false;
  }
  const auto& settings = status.config->etcd_backup;
  const auto schedule = CronSchedule::parse(settings.schedule);
  const auto now = clock_.now();
  const auto state = controller_.state();
  if (state.backup_schedule != settings.schedule || state.last_backup_fire == 0) {
    // A new schedule counts from now: enabling backups does not fire at once.
    controller_.update_state([&](state::State& s) {
      s.backup_schedule = settings.schedule;
      s.last_backup_fire = unix_seconds(now);
    });
    return false;
  }
  auto due = schedule.next_after(system_clock::from_time_t(state.last_backup_fire));
  if (due > now) {
    return false;
  }
  // Runs missed while cke was down are made up by one backup: skip to the latest fire time.
  for (auto later = schedule.next_after(due); later <= now; later = schedule.next_after(due)) {
    due = later;
  }
  // Recorded before the backup, so a crash during it does not cause a retry storm.
  controller_.update_state([&](state::State& s) { s.last_backup_fire = unix_seconds(due); });

  std::string name;
  uint64_t size = 0;
  std::string error;
  try {
    auto storage = target_.storage(settings);
    controller_.run_recorded("scheduled-backup", format_utc(due), [&] {
      const auto stored =
          backups_.take(*storage, settings.compressor, static_cast<size_t>(settings.rotate));
      name = stored.manifest.name;
      size = stored.manifest.stored_size;
      for (const auto& removed : stored.removed) {
        spdlog::info("rotated away backup {}", removed);
      }
    });
    spdlog::info("scheduled backup {} ({} bytes)", name, size);
  } catch (const std::exception& e) {
    error = e.what();
    spdlog::error("scheduled backup failed: {}", error);
  }
  controller_.update_state([&](state::State& s) {
    s.last_backup_name = name;
    s.last_backup_at = format_utc(system_clock::now());
    s.last_backup_result = error.empty() ? "ok" : "error";
    s.last_backup_size = size;
    s.last_backup_message = error;
  });
  return true;
}

void BackupScheduler::run(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    try {
      tick();
    } catch (const std::exception& e) {
      spdlog::error("backup schedule: {}", e.what());
    }
    std::mutex mutex;
    std::condition_variable_any wake;
    std::unique_lock lock(mutex);
    wake.wait_for(lock, stop, std::chrono::seconds(1), [] { return false; });
  }
}

}  // namespace cke::backup
