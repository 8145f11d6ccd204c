// Writing files so that a reader (or a crash) never sees them half-written: a temporary name in
// the same directory, fsync, rename over the target, fsync the directory.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace cke {

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode);

// Creates `dir` (and parents) if needed and sets its mode (e.g. 0700).
void ensure_private_dir(const std::filesystem::path& dir, mode_t mode = 0700);

// fsyncs a directory so a rename or creation inside it survives a crash.
void sync_directory(const std::filesystem::path& dir);

}  // namespace cke
