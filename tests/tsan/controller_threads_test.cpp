// The controller and the backup scheduler under ThreadSanitizer: the controller's loop and the
// scheduler's loop run while other threads record operations, change the state, read the status
// and wake the loop, as the API's handlers do. Every change must land (no lost update between an
// operation's copy of the state and bookkeeping beside it), and nothing may race.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/backup/backup_service.hpp"
#include "core/backup/backup_target.hpp"
#include "core/backup/scheduler.hpp"
#include "core/common/clock.hpp"
#include "core/controller/controller.hpp"
#include "core/plugin/cert_backend.hpp"
#include "core/plugin/registry.hpp"
#include "core/plugin/runtime.hpp"
#include "core/state/file_state_store.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

constexpr int kThreads = 3;
constexpr int kRounds = 60;

TEST(ControllerThreads, LoopsStateAndOperationsFromManyThreads) {
  const cke::test::TempDir dir;
  const cke::plugin::Registry registry({CKE_TEST_PLUGIN_DIR});
  cke::plugin::Runtime runtime(registry.require(cke::plugin::Kind::runtime, "local"), "{}",
                               [](const std::string&, int32_t, const std::string&) {});
  cke::plugin::CertBackend certs(registry.require(cke::plugin::Kind::cert_backend, "local-ca"),
                                 nlohmann::json{{"dir", (dir.path() / "pki").string()}}.dump());
  const cke::SystemClock clock;
  cke::pki::CertificateIssuer issuer(certs, clock);
  cke::state::FileStateStore store(dir.path() / "state.json");
  cke::cluster::Environment env(dir.path(), runtime, issuer, store, clock, {});
  cke::controller::Controller controller(env);
  cke::backup::BackupService backups(controller, env, registry);
  cke::backup::BackupTarget target(registry, dir.path());
  const cke::backup::ScheduleClock schedule_clock;
  cke::backup::BackupScheduler scheduler(controller, backups, target, schedule_clock);

  {
    std::jthread loop([&](const std::stop_token& stop) { controller.run(stop); });
    std::jthread schedule([&](const std::stop_token& stop) { scheduler.run(stop); });
    std::vector<std::jthread> callers;
    for (int t = 0; t < kThreads; ++t) {
      callers.emplace_back([&, t] {
        for (int i = 0; i < kRounds; ++i) {
          controller.update_state([](cke::state::State& s) { ++s.last_backup_fire; });
          controller.run_exclusive("test-exclusive", std::to_string(t),
                                   [](cke::state::State& s) { ++s.last_backup_size; });
          controller.run_recorded("test-recorded", std::to_string(t), [] {});
          if (i % 10 == 0) {
            EXPECT_THROW(controller.run_exclusive("test-failing", "",
                                                  [](cke::state::State&) {
                                                    throw std::runtime_error("failed on purpose");
                                                  }),
                         std::runtime_error);
          }
          controller.wake();
          EXPECT_FALSE(controller.status().phase.empty());
        }
      });
    }
  }  // joins the callers, then stops and joins both loops

  const auto s = controller.state();
  EXPECT_EQ(s.last_backup_fire, kThreads * kRounds) << "an update_state was lost";
  EXPECT_EQ(s.last_backup_size, static_cast<uint64_t>(kThreads * kRounds))
      << "an operation's change was lost";
  int recorded = 0;
  int failed = 0;
  for (const auto& r : s.history) {
    recorded += r.operation == "test-recorded" && r.result == "ok" ? 1 : 0;
    failed += r.operation == "test-failing" && r.result == "error" ? 1 : 0;
  }
  EXPECT_EQ(recorded, kThreads * kRounds);
  EXPECT_EQ(failed, kThreads * (kRounds / 10));
  // What is saved is what the controller holds.
  EXPECT_EQ(store.load().last_backup_fire, s.last_backup_fire);
}

}  // namespace
