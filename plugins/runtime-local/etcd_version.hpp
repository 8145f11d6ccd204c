// The version of the etcd binary this machine would start, remembered while the file is
// unchanged: cke asks on every pass, and `etcd --version` costs a process start.
#pragma once

#include <sys/types.h>

#include <mutex>
#include <string>

namespace cke::plugins::runtime_local {

class EtcdVersionCache {
 public:
  // `etcd --version`'s "etcd Version: X" for the `etcd` found in PATH (as the member's start
  // finds it). Throws sdk::Error: CKE_NOT_FOUND when PATH has no etcd.
  std::string version();

 private:
  struct Identity {
    std::string path;
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    long long mtime_ns = 0;
    bool operator==(const Identity&) const = default;
  };

  std::mutex mutex_;
  Identity cached_for_;
  std::string cached_;
};

// The version in `etcd --version`'s output ("etcd Version: 3.4.23" → "3.4.23"); "" when absent.
std::string parse_etcd_version(const std::string& output);

}  // namespace cke::plugins::runtime_local
