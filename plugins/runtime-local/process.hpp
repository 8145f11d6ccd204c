// Processes of members on this machine: starting them detached, finding them again, stopping them.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cke::plugins::runtime_local {

// Starts argv (argv[0] searched in PATH) in its own session, with stdin /dev/null, stdout and
// stderr appended to `log_file`, no other inherited descriptor, `env` added to the environment,
// umask 077, in `workdir`. The process is not a child of the caller (double fork), so it
// outlives it. Returns its pid once exec succeeded; throws sdk::Error naming the reason otherwise.
pid_t spawn_detached(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                     const std::filesystem::path& workdir, const std::filesystem::path& log_file);

// True when `pid` is alive, not a zombie, and one argument of its command line is exactly
// `marker`.
bool process_matches(pid_t pid, const std::string& marker);

// Sends SIGTERM, waits up to timeout_ms for the process to go, then SIGKILL. Returns true when it
// had to kill.
bool terminate_process(pid_t pid, const std::string& marker, long timeout_ms);

}  // namespace cke::plugins::runtime_local
