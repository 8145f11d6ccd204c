#include "process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string_view>
#include <thread>

#include "cke/sdk/error.hpp"
#include "core/common/exec_args.hpp"
#include "core/common/unique_fd.hpp"

namespace cke::plugins::runtime_local {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw sdk::Error(CKE_UNAVAILABLE, what + ": " + std::strerror(errno));
}

// Writes all of `size` bytes; only async-signal-safe calls (used between fork and exec).
void write_all(int fd, const void* data, size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n <= 0 && errno != EINTR) {
      return;
    }
    if (n > 0) {
      p += n;
      size -= static_cast<size_t>(n);
    }
  }
}

size_t read_full(int fd, void* data, size_t size) {
  auto* p = static_cast<char*>(data);
  size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, p + done, size - done);
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      break;
    }
    done += static_cast<size_t>(n);
  }
  return done;
}

std::string read_proc(pid_t pid, const char* file) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/" + file, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool alive(pid_t pid) {
  if (::kill(pid, 0) != 0 && errno == ESRCH) {
    return false;
  }
  // "PID (comm) S ...": the state letter follows the last ')'.
  const std::string stat = read_proc(pid, "stat");
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z' &&
         stat[paren + 2] != 'X';
}

// Gone for good: reaped, or a zombie with no thread left. A multi-threaded process's leader turns
// zombie before its other threads have exited, and the files they share (the member's listening
// sockets among them) close only with the last one: a port is free only once the process is gone.
bool gone(pid_t pid) {
  if (alive(pid)) {
    return false;
  }
  std::error_code ec;  // no /proc/PID/task: reaped
  const std::filesystem::directory_iterator tasks("/proc/" + std::to_string(pid) + "/task", ec);
  return ec || std::distance(tasks, std::filesystem::directory_iterator()) <= 1;
}

}  // namespace

pid_t spawn_detached(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::filesystem::path& workdir, const std::filesystem::path& log_file) {
  // Everything the children need is prepared before fork: after it, only async-signal-safe calls.
  // A member gets a clean environment plus the member's own variables (cluster.yml's extra_env).
  const ExecArgs exec(argv, env, ExecArgs::Base::path_only);

  const UniqueFd null_in(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  const UniqueFd log(::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!null_in || !log) {
    fail("cannot open " + log_file.string());
  }
  int status_pipe[2];
  if (::pipe2(status_pipe, O_CLOEXEC) != 0) {
    fail("pipe");
  }
  const UniqueFd status_read(status_pipe[0]);
  UniqueFd status_write(status_pipe[1]);

  const pid_t middle = ::fork();
  if (middle < 0) {
    fail("fork");
  }
  if (middle == 0) {
    ::setsid();
    const pid_t member = ::fork();
    if (member != 0) {
      ::_exit(member < 0 ? 1 : 0);
    }
    const pid_t self = ::getpid();
    const int64_t pid64 = self;
    int fd = status_write.get();
    const bool redirected = ::dup2(null_in.get(), 0) >= 0 && ::dup2(log.get(), 1) >= 0 &&
                            ::dup2(log.get(), 2) >= 0 && ::chdir(workdir.c_str()) == 0;
    const int redirect_error = errno;
    // Then the status pipe onto 3 and everything above closed: the member inherits only 0-2.
    if (fd != 3) {
      ::dup2(fd, 3);
      fd = 3;
    }
    ::fcntl(fd, F_SETFD, FD_CLOEXEC);
    if (!redirected) {
      write_all(fd, &pid64, sizeof pid64);
      write_all(fd, &redirect_error, sizeof redirect_error);
      ::_exit(127);
    }
    ::close_range(4, ~0U, 0);
    ::umask(077);
    write_all(fd, &pid64, sizeof pid64);
    ::execvpe(exec.argv()[0], exec.argv(), exec.envp());
    const int error = errno;
    write_all(fd, &error, sizeof error);
    ::_exit(127);
  }
  status_write.reset();  // the only write ends left are the children's
  int middle_status = 0;
  ::waitpid(middle, &middle_status, 0);

  int64_t pid = 0;
  if (read_full(status_read.get(), &pid, sizeof pid) != sizeof pid) {
    throw sdk::Error(CKE_UNAVAILABLE, "could not start " + argv[0] + ": the launcher failed");
  }
  int exec_error = 0;
  if (read_full(status_read.get(), &exec_error, sizeof exec_error) == sizeof exec_error) {
    throw sdk::Error(CKE_FAILED_PRECONDITION,
                     "could not start " + argv[0] + ": " + std::strerror(exec_error) +
                         (exec_error == ENOENT ? " (is it installed and in PATH?)" : ""));
  }
  return static_cast<pid_t>(pid);
}

bool process_matches(pid_t pid, const std::string& marker) {
  if (pid <= 0 || !alive(pid)) {
    return false;
  }
  // One whole argument equal to `marker`: "--data-dir=D/data" must not match a process whose
  // argument is "--data-dir=D/data.restore", nor one that merely mentions it in a longer string.
  const std::string cmdline = read_proc(pid, "cmdline");
  for (size_t start = 0; start < cmdline.size();) {
    const size_t end = std::min(cmdline.find('\0', start), cmdline.size());
    if (std::string_view(cmdline).substr(start, end - start) == marker) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

bool terminate_process(pid_t pid, const std::string& marker, long timeout_ms) {
  using clock = std::chrono::steady_clock;
  if (!process_matches(pid, marker)) {
    return false;
  }
  if (timeout_ms > 0) {
    ::kill(pid, SIGTERM);
  }
  const auto deadline = clock::now() + std::chrono::milliseconds(timeout_ms);
  while (clock::now() < deadline) {
    if (gone(pid)) {
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  const auto kill_deadline = clock::now() + std::chrono::seconds(5);
  while (!gone(pid) && clock::now() < kill_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace cke::plugins::runtime_local
