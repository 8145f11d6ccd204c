#include "etcd_version.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "cke/sdk/plugin.hpp"
#include "core/common/error.hpp"
#include "core/common/subprocess.hpp"

namespace cke::plugins::runtime_local {

std::string parse_etcd_version(const std::string& output) {
  static constexpr std::string_view kPrefix = "etcd Version: ";
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(kPrefix)) {
      std::string version = line.substr(kPrefix.size());
      version.erase(version.find_last_not_of(" \t\r") + 1);
      return version;
    }
  }
  return "";
}

std::string EtcdVersionCache::version() {
  // The member's exec searches cke's PATH for "etcd"; search it the same way.
  const char* path_env = std::getenv("PATH");
  std::istringstream dirs(path_env != nullptr ? path_env : "/usr/bin:/bin");
  Identity found;
  for (std::string dir; std::getline(dirs, dir, ':');) {
    const std::string candidate = (dir.empty() ? "." : dir) + "/etcd";
    struct stat st {};
    if (::access(candidate.c_str(), X_OK) == 0 && ::stat(candidate.c_str(), &st) == 0 &&
        S_ISREG(st.st_mode)) {
      found = {candidate, st.st_dev, st.st_ino, st.st_size,
               static_cast<long long>(st.st_mtim.tv_sec) * 1'000'000'000LL + st.st_mtim.tv_nsec};
      break;
    }
  }
  if (found.path.empty()) {
    throw sdk::Error(CKE_NOT_FOUND, "no etcd in PATH");
  }
  const std::lock_guard lock(mutex_);
  if (found == cached_for_) {
    return cached_;
  }
  CommandResult result;
  try {
    result = run_command({found.path, "--version"}, std::chrono::seconds(10));
  } catch (const cke::Error& e) {
    throw sdk::Error(e.code(), e.what());
  }
  std::string version = parse_etcd_version(result.output);
  if (result.exit_code != 0 || version.empty()) {
    throw sdk::Error(CKE_INTERNAL, found.path +
                                       " --version did not print \"etcd Version: …\" (exit " +
                                       std::to_string(result.exit_code) + ")");
  }
  cached_for_ = found;
  cached_ = version;
  return version;
}

}  // namespace cke::plugins::runtime_local
