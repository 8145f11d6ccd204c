// Running a helper program (etcdctl) to completion, with its output captured for messages.
#pragma once

#include <string>
#include <vector>

namespace cke {

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string output;  // stdout and stderr together
};

// argv[0] is searched in PATH; `env` entries ("NAME=value") are added to the environment.
CommandResult run_command(const std::vector<std::string>& argv,
                          const std::vector<std::string>& env = {});

}  // namespace cke
