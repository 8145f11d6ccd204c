// Reading a whole file as text, for files small enough to hold in memory (keys, certificates,
// zone files).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace cke {

// The file's bytes, or nullopt when it cannot be opened (absent, unreadable).
std::optional<std::string> read_text_file(const std::filesystem::path& path);

}  // namespace cke
