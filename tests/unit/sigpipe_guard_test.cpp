// SigpipeGuard: a write to a closed peer inside it fails with EPIPE instead of killing the
// process (the defect: a cke follower died of SIGPIPE when a member it was reading a certificate
// from was restarted mid-handshake, in e2e.ha), and no SIGPIPE is left behind.
#include "core/common/sigpipe_guard.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "core/common/unique_fd.hpp"

namespace {

bool sigpipe_pending() {
  sigset_t pending;
  sigpending(&pending);
  return sigismember(&pending, SIGPIPE) == 1;
}

bool sigpipe_blocked() {
  sigset_t mask;
  pthread_sigmask(SIG_SETMASK, nullptr, &mask);
  return sigismember(&mask, SIGPIPE) == 1;
}

TEST(SigpipeGuard, AWriteToAClosedPipeFailsInsteadOfKilling) {
  ASSERT_EQ(signal(SIGPIPE, SIG_DFL), SIG_DFL);  // as in cke: the default kills
  int ends[2];
  ASSERT_EQ(pipe(ends), 0);
  cke::UniqueFd reader(ends[0]);
  const cke::UniqueFd writer(ends[1]);
  ::close(reader.release());
  {
    const cke::SigpipeGuard guard;
    EXPECT_EQ(::write(writer.get(), "x", 1), -1);
    EXPECT_EQ(errno, EPIPE);
  }
  EXPECT_FALSE(sigpipe_pending());  // taken off before SIGPIPE is unblocked again
  EXPECT_FALSE(sigpipe_blocked());  // the mask is as it was
}

}  // namespace
