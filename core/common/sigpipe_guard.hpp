// Writing to a socket the peer has closed raises SIGPIPE, which kills the process. OpenSSL on a
// plain file descriptor writes with write(2), not send(MSG_NOSIGNAL); so while a SigpipeGuard
// lives, SIGPIPE is blocked in this thread (a write's SIGPIPE goes to the thread that wrote), and
// one that arrived meanwhile is taken off the thread's pending set before it is unblocked.
#pragma once

#include <signal.h>

#include <ctime>

namespace cke {

class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous_);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pipe;
      sigemptyset(&pipe);
      sigaddset(&pipe, SIGPIPE);
      const timespec now{0, 0};
      while (sigtimedwait(&pipe, nullptr, &now) == SIGPIPE) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }

 private:
  sigset_t previous_{};
  bool was_pending_ = false;
};

}  // namespace cke
