// ckecli's arguments: Go durations (-ttl=…) and the Go-style flag rewriting. Any text gets a
// duration or a cke::Error; any argv is rewritten without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/common/duration.hpp"
#include "cli/common/go_flags.hpp"
#include "core/common/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    cke::cli::parse_duration(text);
  } catch (const cke::Error&) {
  }
  // The same bytes as an argv: NUL-separated arguments after the program name.
  std::vector<std::string> args{"ckecli"};
  size_t start = 0;
  while (start <= text.size()) {
    const size_t end = std::min(text.find('\0', start), text.size());
    args.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::vector<const char*> argv;
  for (const auto& a : args) {
    argv.push_back(a.c_str());
  }
  cke::cli::normalise_go_flags(static_cast<int>(argv.size()), argv.data());
  return 0;
}
