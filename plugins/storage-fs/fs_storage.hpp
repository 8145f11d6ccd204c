// Storage targets on a filesystem: `local` (a directory) and `pvc` (a filesystem mounted from a
// PersistentVolumeClaim, which must be a mount point unless {"require_mount": false}).
// Configuration: {"dir": ABSOLUTE_PATH}. Objects are plain files (0600) in that directory (created
// 0700; an existing one is used only if check_safe_dir accepts it, and never changed); a put
// writes ".KEY.RANDOM.partial", fsyncs it, renames it over KEY and fsyncs the directory, so an
// object is visible only once complete and survives a crash once put returns.
#pragma once

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <vector>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/random_hex.hpp"
#include "core/common/unique_fd.hpp"

namespace cke::plugins::storage_fs {

namespace fs = std::filesystem;

inline constexpr size_t kChunk = size_t{256} * 1024;

[[noreturn]] inline void fail_errno(const std::string& what) {
  const int32_t code = errno == ENOSPC || errno == EDQUOT  ? CKE_RESOURCE_EXHAUSTED
                       : errno == ENOENT                   ? CKE_NOT_FOUND
                       : errno == EACCES || errno == EPERM ? CKE_PERMISSION_DENIED
                                                           : CKE_UNAVAILABLE;
  throw sdk::Error(code, what + ": " + std::strerror(errno));
}

inline bool is_mount_point(const fs::path& dir) {
  struct stat self {};
  struct stat parent {};
  return ::stat(dir.c_str(), &self) == 0 && ::stat((dir / "..").c_str(), &parent) == 0 &&
         (self.st_dev != parent.st_dev || self.st_ino == parent.st_ino);
}

template <bool kPvc>
class FsStorage final : public sdk::Storage {
 public:
  explicit FsStorage(std::string_view config_json) {
    const char* name = kPvc ? "pvc" : "local";
    nlohmann::json config;
    try {
      config = nlohmann::json::parse(config_json);
    } catch (const nlohmann::json::exception& e) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       std::string(name) + " storage configuration is not JSON: " + e.what());
    }
    if (!config.is_object() || !config.contains("dir") || !config["dir"].is_string() ||
        config["dir"].get<std::string>().empty() ||
        config["dir"].get<std::string>().front() != '/') {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       std::string(name) + " storage needs {\"dir\": ABSOLUTE_PATH}");
    }
    for (const auto& [key, value] : config.items()) {
      if (key != "dir" && !(kPvc && key == "require_mount")) {
        throw sdk::Error(CKE_INVALID_ARGUMENT,
                         std::string(name) + " storage configuration: unknown key \"" + key + "\"");
      }
    }
    dir_ = config["dir"].get<std::string>();
    if constexpr (kPvc) {
      const bool require_mount = config.value("require_mount", true);
      if (require_mount && !is_mount_point(dir_)) {
        throw sdk::Error(CKE_FAILED_PRECONDITION,
                         dir_.string() +
                             " is not a mount point: mount the PersistentVolumeClaim there, or set "
                             "\"require_mount\": false");
      }
    }
    try {
      ensure_private_dir(dir_);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), e.what());
    }
    remove_orphans(name);
  }

  void put(const std::string& key, sdk::Reader& source) override {
    const fs::path target = dir_ / key;
    const fs::path partial = dir_ / partial_name(key);
    const UniqueFd writing = lock_directory(LOCK_SH);  // until the partial file is gone
    {
      const UniqueFd fd(
          ::open(partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
      if (!fd) {
        fail_errno("cannot create " + partial.string());
      }
      std::vector<uint8_t> buf(kChunk);
      try {
        while (const size_t n = source.read(buf)) {
          for (size_t done = 0; done < n;) {
            const ssize_t w = ::write(fd.get(), buf.data() + done, n - done);
            if (w < 0 && errno == EINTR) {
              continue;
            }
            if (w < 0) {
              fail_errno("cannot write " + partial.string());
            }
            done += static_cast<size_t>(w);
          }
        }
        if (::fsync(fd.get()) != 0) {
          fail_errno("cannot sync " + partial.string());
        }
      } catch (...) {
        ::unlink(partial.c_str());  // nothing partial stays behind
        throw;
      }
    }
    if (::rename(partial.c_str(), target.c_str()) != 0) {
      const int saved = errno;
      ::unlink(partial.c_str());
      errno = saved;
      fail_errno("cannot rename into " + target.string());
    }
    sync_dir();
  }

  void get(const std::string& key, sdk::Writer& sink) override {
    const fs::path path = dir_ / key;
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      fail_errno("cannot open " + path.string());
    }
    std::vector<uint8_t> buf(kChunk);
    for (;;) {
      const ssize_t n = ::read(fd.get(), buf.data(), buf.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0) {
        fail_errno("cannot read " + path.string());
      }
      if (n == 0) {
        return;
      }
      sink.write({buf.data(), static_cast<size_t>(n)});
    }
  }

  sdk::ObjectInfo stat(const std::string& key) override {
    struct stat st {};
    if (::stat((dir_ / key).c_str(), &st) != 0) {
      fail_errno("cannot stat " + (dir_ / key).string());
    }
    return {key, static_cast<uint64_t>(st.st_size),
            st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000};
  }

  void remove(const std::string& key) override {
    if (::unlink((dir_ / key).c_str()) != 0) {
      fail_errno("cannot remove " + (dir_ / key).string());
    }
    sync_dir();
  }

  void list(const std::string& prefix,
            const std::function<bool(const sdk::ObjectInfo&)>& each) override {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      // Hidden names are puts in progress (or left by a crash): never objects.
      if (name.empty() || name.front() == '.' || name.rfind(prefix, 0) != 0 ||
          !entry.is_regular_file(ec)) {
        continue;
      }
      if (!each(stat(name))) {
        return;
      }
    }
    if (ec) {
      throw sdk::Error(CKE_UNAVAILABLE, "cannot list " + dir_.string() + ": " + ec.message());
    }
  }

 private:
  static constexpr std::string_view kPartialSuffix = ".partial";
  static constexpr size_t kRandomHex = 16;

  // ".KEY.RANDOM.partial": hidden, so never listed, and unique, so two puts never share one.
  static std::string partial_name(const std::string& key) {
    return "." + key + "." + cke::random_hex(kRandomHex) + std::string(kPartialSuffix);
  }

  // Whether `file` has the shape partial_name gives, around a plain object key.
  static bool is_partial_name(const std::string& file) {
    if (file.size() < 1 + 1 + 1 + kRandomHex + kPartialSuffix.size() || file.front() != '.' ||
        !file.ends_with(kPartialSuffix)) {
      return false;
    }
    const size_t dot = file.size() - kPartialSuffix.size() - kRandomHex - 1;
    if (file[dot] != '.' || file.find_first_not_of("0123456789abcdef", dot + 1) !=
                                file.size() - kPartialSuffix.size()) {
      return false;
    }
    const std::string key = file.substr(1, dot - 1);
    return std::isalnum(static_cast<unsigned char>(key.front())) != 0 &&
           key.find_first_not_of(
               "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
               std::string::npos;
  }

  // Every put holds DIR/.cke-storage.lock shared while its partial file exists. Whoever holds it
  // exclusively knows that no put of any process is under way here.
  [[nodiscard]] UniqueFd lock_directory(int how) const {
    const fs::path path = dir_ / ".cke-storage.lock";
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) {
      fail_errno("cannot open " + path.string());
    }
    if (::flock(fd.get(), how) != 0) {
      if (errno == EWOULDBLOCK) {
        return UniqueFd();
      }
      fail_errno("cannot lock " + path.string());
    }
    return fd;
  }

  // A put interrupted by a crash leaves its partial file. Removed only when nobody is writing
  // here (the exclusive lock), and only files of our own naming scheme, owned by this user: never
  // another program's hidden files.
  void remove_orphans(const char* name) {
    const UniqueFd alone = lock_directory(LOCK_EX | LOCK_NB);
    if (!alone) {
      return;  // a put is under way: its partial file is not an orphan; the next instance looks
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string file = entry.path().filename().string();
      struct stat st {};
      if (is_partial_name(file) && ::lstat(entry.path().c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
          st.st_uid == ::geteuid() && ::unlink(entry.path().c_str()) == 0) {
        sdk::log(CKE_LOG_WARN, name,
                 "removed " + entry.path().string() + ", left by an interrupted write");
      }
    }
  }

  void sync_dir() {
    try {
      sync_directory(dir_);
    } catch (const cke::Error& e) {
      throw sdk::Error(e.code(), e.what());
    }
  }

  fs::path dir_;
};

}  // namespace cke::plugins::storage_fs
