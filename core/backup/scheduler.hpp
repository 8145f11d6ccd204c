// Scheduled backups when no Kubernetes API is configured: cke itself takes a backup into the
// configured storage whenever etcd_backup.schedule fires, then keeps the `rotate` newest. After
// downtime, missed runs are made up once, not in a burst.
#pragma once

#include <stop_token>

#include "core/backup/backup_service.hpp"
#include "core/backup/backup_target.hpp"
#include "core/common/clock.hpp"
#include "core/controller/controller.hpp"

namespace cke::backup {

class BackupScheduler {
 public:
  // `clock` is the schedule's clock (tests move it; see docs/failpoints.md).
  BackupScheduler(controller::Controller& controller, BackupService& backups, BackupTarget& target,
                  const Clock& clock)
      : controller_(controller), backups_(backups), target_(target), clock_(clock) {}

  // Takes the backup that is due, if one is; returns whether it tried.
  bool tick();
  void run(const std::stop_token& stop);

 private:
  controller::Controller& controller_;
  BackupService& backups_;
  BackupTarget& target_;
  const Clock& clock_;
};

// The system clock moved by the number of seconds in the file named by
// CKE_TEST_SCHEDULE_OFFSET_FILE (read at every call; absent or unset: no offset). Only schedules
// use it, so certificates stay valid while a test moves time.
class ScheduleClock final : public Clock {
 public:
  [[nodiscard]] std::chrono::system_clock::time_point now() const override;
};

}  // namespace cke::backup
