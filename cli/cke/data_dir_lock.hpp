// The exclusive lock a running controller holds on its data directory (DIR/cke.lock): a second
// cke on the same directory refuses to start. Opened close-on-exec so members never inherit it.
#pragma once

#include <filesystem>

#include "core/common/unique_fd.hpp"

namespace cke::cli {

class DataDirLock {
 public:
  // Throws cke::Error naming the directory (and the holder's pid) when it is taken.
  explicit DataDirLock(const std::filesystem::path& data_dir);

 private:
  UniqueFd fd_;
};

}  // namespace cke::cli
