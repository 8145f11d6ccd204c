#include "core/common/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "core/common/error.hpp"
#include "core/common/random_hex.hpp"
#include "core/common/unique_fd.hpp"

namespace cke {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  const int32_t code = errno == ENOSPC   ? CKE_RESOURCE_EXHAUSTED
                       : errno == EACCES ? CKE_PERMISSION_DENIED
                                         : CKE_UNAVAILABLE;
  throw Error(what + " " + path.string() + ": " + std::strerror(errno), code);
}

}  // namespace

void sync_directory(const std::filesystem::path& dir) {
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd || ::fsync(fd.get()) != 0) {
    fail("cannot sync directory", dir);
  }
}

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const std::filesystem::path temp =
      dir / ("." + path.filename().string() + ".tmp-" + random_hex());
  {
    const UniqueFd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (!fd) {
      fail("cannot create", temp);
    }
    ::fchmod(fd.get(), mode);  // the umask must not widen or narrow what the caller asked for
    for (size_t done = 0; done < content.size();) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        const int saved = errno;
        ::unlink(temp.c_str());
        errno = saved;
        fail("cannot write", temp);
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      const int saved = errno;
      ::unlink(temp.c_str());
      errno = saved;
      fail("cannot sync", temp);
    }
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    errno = saved;
    fail("cannot rename into", path);
  }
  sync_directory(dir);
}

void ensure_private_dir(const std::filesystem::path& dir, mode_t mode) {
  bool created = ::mkdir(dir.c_str(), mode) == 0;
  if (!created && errno == ENOENT) {
    std::error_code ec;
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) {
      throw Error("cannot create directory " + dir.parent_path().string() + ": " + ec.message(),
                  CKE_UNAVAILABLE);
    }
    created = ::mkdir(dir.c_str(), mode) == 0;
  }
  if (created) {
    if (::chmod(dir.c_str(), mode) != 0) {  // exactly `mode`, whatever the umask
      fail("cannot set the mode of", dir);
    }
    return;
  }
  if (errno != EEXIST) {
    fail("cannot create directory", dir);
  }
  check_safe_dir(dir);
}

void check_safe_dir(const std::filesystem::path& dir) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    fail("cannot use directory", dir);
  }
  if (!S_ISDIR(st.st_mode)) {
    throw Error(dir.string() + " is not a directory", CKE_FAILED_PRECONDITION);
  }
  // Never change a directory this process did not create: refuse one that others could use to
  // plant or swap files, and say how to fix it.
  if (st.st_uid != ::geteuid() && st.st_uid != 0) {
    throw Error(dir.string() + " is owned by uid " + std::to_string(st.st_uid) +
                    ", not by this user (uid " + std::to_string(::geteuid()) +
                    ") or root: use a directory of your own",
                CKE_PERMISSION_DENIED);
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (st.st_mode & S_ISVTX) == 0) {
    char mode_text[8];
    std::snprintf(mode_text, sizeof mode_text, "%04o", st.st_mode & 07777);
    throw Error(dir.string() + " is writable by group or others (mode " + mode_text +
                    ") without the sticky bit: run chmod go-w on it or use another directory",
                CKE_PERMISSION_DENIED);
  }
}

}  // namespace cke
