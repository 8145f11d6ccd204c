// Writing files so that a reader (or a crash) never sees them half-written: a temporary name in
// the same directory, fsync, rename over the target, fsync the directory.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace cke {

void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode);

// Creates `dir` (and parents) with `mode` (e.g. 0700) when it is missing. An existing directory
// is never changed: it is checked with check_safe_dir.
void ensure_private_dir(const std::filesystem::path& dir, mode_t mode = 0700);

// Throws cke::Error with a sentence naming `dir` unless it is a directory owned by this user or
// root that neither group nor others can write to (or that has the sticky bit, as /tmp does).
void check_safe_dir(const std::filesystem::path& dir);

// fsyncs a directory so a rename or creation inside it survives a crash.
void sync_directory(const std::filesystem::path& dir);

}  // namespace cke
