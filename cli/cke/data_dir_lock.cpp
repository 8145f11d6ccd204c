#include "cli/cke/data_dir_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "core/common/error.hpp"

namespace cke::cli {

DataDirLock::DataDirLock(const std::filesystem::path& data_dir) {
  const auto path = data_dir / "cke.lock";
  fd_.reset(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd_) {
    throw Error("cannot open " + path.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
  }
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    char holder[32] = {};
    const ssize_t n = ::pread(fd_.get(), holder, sizeof holder - 1, 0);
    std::string pid = n > 0 ? std::string(holder, static_cast<size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) {
      pid.pop_back();
    }
    throw Error("another cke is already running on " + data_dir.string() +
                    (pid.empty() ? "" : " (pid " + pid + ")") +
                    "; stop it first or use another --data-dir",
                CKE_FAILED_PRECONDITION);
  }
  const std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_.get(), 0) != 0 || ::pwrite(fd_.get(), pid.data(), pid.size(), 0) < 0) {
    throw Error("cannot write " + path.string() + ": " + std::strerror(errno), CKE_UNAVAILABLE);
  }
}

}  // namespace cke::cli
