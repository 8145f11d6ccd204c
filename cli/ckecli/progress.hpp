// A progress bar on stderr for long transfers, shown only when stdout is a terminal.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace cke::cli {

class Progress {
 public:
  Progress(std::string label, uint64_t total)
      : label_(std::move(label)), total_(total), shown_(::isatty(1) != 0) {}
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  ~Progress() {
    if (shown_ && drawn_) {
      std::fputc('\n', stderr);
    }
  }

  void advance(uint64_t bytes) {
    done_ += bytes;
    const auto now = std::chrono::steady_clock::now();
    if (!shown_ || (now - last_ < std::chrono::milliseconds(100) && done_ < total_)) {
      return;
    }
    last_ = now;
    drawn_ = true;
    const double fraction =
        total_ > 0 ? static_cast<double>(done_) / static_cast<double>(total_) : 1.0;
    const int width = 30;
    const int filled = static_cast<int>(fraction * width);
    std::fprintf(stderr, "\r%s [%s%s] %3.0f%% %.1f/%.1f MiB", label_.c_str(),
                 std::string(filled, '#').c_str(), std::string(width - filled, ' ').c_str(),
                 fraction * 100, static_cast<double>(done_) / 1048576.0,
                 static_cast<double>(total_) / 1048576.0);
  }

 private:
  std::string label_;
  uint64_t total_;
  uint64_t done_ = 0;
  bool shown_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace cke::cli
