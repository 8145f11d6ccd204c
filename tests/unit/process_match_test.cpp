// The local runtime adopts or stops a process only when one of its arguments is exactly the
// member's data-dir flag: a process that merely contains it (another member's staging data, a
// reused PID running something else) is never taken for the member.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "plugins/runtime-local/process.hpp"

namespace {

// `sh -c 'sleep 30; :' sh ARG`: a live process whose command line holds ARG as one argument.
class ProcessWithArgument {
 public:
  explicit ProcessWithArgument(const std::string& argument) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execlp("sh", "sh", "-c", "sleep 30; :", "sh", argument.c_str(), nullptr);
      ::_exit(127);
    }
  }
  ProcessWithArgument(const ProcessWithArgument&) = delete;
  ProcessWithArgument& operator=(const ProcessWithArgument&) = delete;
  ~ProcessWithArgument() {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

TEST(ProcessMatch, OnlyAnExactArgumentMatches) {
  const ProcessWithArgument staging("--data-dir=/m/127.1.0.1/data.restore");
  const std::string exact = "--data-dir=/m/127.1.0.1/data.restore";
  // The command line shows up once exec has run: poll briefly.
  for (int i = 0; i < 200 && !cke::plugins::runtime_local::process_matches(staging.pid(), exact);
       ++i) {
    ::usleep(10000);
  }
  EXPECT_TRUE(cke::plugins::runtime_local::process_matches(staging.pid(), exact));
  EXPECT_FALSE(
      cke::plugins::runtime_local::process_matches(staging.pid(), "--data-dir=/m/127.1.0.1/data"));
  EXPECT_FALSE(cke::plugins::runtime_local::process_matches(staging.pid(), "data.restore"));
  EXPECT_FALSE(cke::plugins::runtime_local::process_matches(staging.pid(), "sleep 30; : sh"));
}

}  // namespace
