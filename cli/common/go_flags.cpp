#include "cli/common/go_flags.hpp"

#include <cctype>

namespace cke::cli {

std::vector<std::string> normalise_go_flags(int argc, const char* const* argv) {
  std::vector<std::string> out;
  out.reserve(static_cast<size_t>(argc));
  bool after_separator = false;
  for (int i = 0; i < argc; ++i) {
    std::string token = argv[i];
    if (i == 0 || after_separator) {
      out.push_back(std::move(token));
      continue;
    }
    if (token == "--") {
      after_separator = true;
    } else if (token.size() >= 3 && token[0] == '-' && token[1] != '-' &&
               std::isalpha(static_cast<unsigned char>(token[1])) != 0) {
      const size_t name_end = token.find('=');
      const size_t name_length = (name_end == std::string::npos ? token.size() : name_end) - 1;
      if (name_length >= 2) {
        token = "-" + token;  // (not insert(): GCC 12 warns falsely on it)
      }
    }
    out.push_back(std::move(token));
  }
  return out;
}

}  // namespace cke::cli
