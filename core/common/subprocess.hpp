// Running a helper program (etcdctl) to completion, with its output captured for messages.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace cke {

struct CommandResult {
  int exit_code = -1;  // 128+N when killed by signal N
  std::string output;  // stdout and stderr together
};

// argv[0] is searched in PATH; the child's environment is PATH plus `env` ("NAME=value"). A
// command still running after `timeout` is killed, and cke::Error(CKE_DEADLINE_EXCEEDED) says so:
// it must not hold cke's operation lock for ever.
CommandResult run_command(const std::vector<std::string>& argv, std::chrono::seconds timeout,
                          const std::vector<std::string>& env = {});

}  // namespace cke
