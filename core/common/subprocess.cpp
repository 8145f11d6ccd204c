#include "core/common/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/common/error.hpp"
#include "core/common/exec_args.hpp"
#include "core/common/unique_fd.hpp"

namespace cke {

CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const std::vector<std::string>& env) {
  // Only PATH and `env`: a helper must not pick up ETCDCTL_* or loader variables cke has.
  const ExecArgs exec(argv, env, ExecArgs::Base::path_only);
  const auto deadline = std::chrono::steady_clock::now() + timeout;

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    throw Error(std::string("pipe: ") + std::strerror(errno), CKE_UNAVAILABLE);
  }
  UniqueFd read_end(fds[0]);
  UniqueFd write_end(fds[1]);
  const pid_t pid = ::fork();
  if (pid < 0) {
    throw Error(std::string("fork: ") + std::strerror(errno), CKE_UNAVAILABLE);
  }
  if (pid == 0) {
    ::dup2(write_end.get(), 1);
    ::dup2(write_end.get(), 2);
    const int null_in = ::open("/dev/null", O_RDONLY);
    ::dup2(null_in, 0);
    ::execvpe(exec.argv()[0], exec.argv(), exec.envp());
    const char* message = "exec failed\n";
    // Nothing is left to do if even this fails (a (void) cast does not silence
    // warn_unused_result under _FORTIFY_SOURCE).
    [[maybe_unused]] const ssize_t written = ::write(2, message, std::strlen(message));
    ::_exit(127);
  }
  write_end.reset();
  CommandResult result;
  char buf[4096];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd ready{read_end.get(), POLLIN, 0};
    const int polled =
        left.count() > 0
            ? ::poll(&ready, 1, static_cast<int>(std::min<int64_t>(left.count(), 60000)))
            : 0;
    if (polled < 0 && errno == EINTR) {
      continue;
    }
    if (polled == 0 && std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
      }
      throw Error(argv.front() + " did not finish within " + std::to_string(timeout.count()) +
                      " s and was killed",
                  CKE_DEADLINE_EXCEEDED);
    }
    if (polled == 0) {
      continue;
    }
    const ssize_t n = ::read(read_end.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    result.output.append(buf, static_cast<size_t>(n));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

}  // namespace cke
