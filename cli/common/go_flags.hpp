// Go-style long flags: the seed writes `ckecli etcd issue -ttl=24h -output=json USER`, with one
// dash. CLI parsers read `-ttl` as the short options -t -t -l, so argv is normalised first.
#pragma once

#include <string>
#include <vector>

namespace cke::cli {

// Returns argv with every token that has one dash and a name of two or more characters starting
// with a letter (`-ttl=24h`, `-output`) rewritten to two dashes, up to a bare `--`. Single-letter
// options (`-h`), negative numbers and everything after `--` are kept as they are.
std::vector<std::string> normalise_go_flags(int argc, const char* const* argv);

}  // namespace cke::cli
