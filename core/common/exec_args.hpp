// The argv and envp arrays execvpe needs, built before fork (after a fork in a threaded
// process only async-signal-safe calls may run, so nothing may be allocated there).
#pragma once

#include <string>
#include <string_view>
#include <vector>

extern char** environ;

namespace cke {

class ExecArgs {
 public:
  // What the child's environment starts from, before `env` is added: this process's whole
  // environment, or only its PATH (so that nothing cke was started with, such as LD_PRELOAD or
  // ETCD_* variables, reaches the child unasked).
  enum class Base { inherit, path_only };

  // `env` entries ("NAME=value") are added to the base environment.
  ExecArgs(const std::vector<std::string>& argv, const std::vector<std::string>& env,
           Base base = Base::inherit)
      : argv_strings_(argv) {
    for (char** e = environ; *e != nullptr; ++e) {
      if (base == Base::inherit || std::string_view(*e).starts_with("PATH=")) {
        env_strings_.emplace_back(*e);
      }
    }
    env_strings_.insert(env_strings_.end(), env.begin(), env.end());
    for (auto& a : argv_strings_) {
      argv_.push_back(a.data());
    }
    argv_.push_back(nullptr);
    for (auto& e : env_strings_) {
      envp_.push_back(e.data());
    }
    envp_.push_back(nullptr);
  }
  ExecArgs(const ExecArgs&) = delete;
  ExecArgs& operator=(const ExecArgs&) = delete;

  [[nodiscard]] char* const* argv() const { return argv_.data(); }
  [[nodiscard]] char* const* envp() const { return envp_.data(); }

 private:
  std::vector<std::string> argv_strings_;
  std::vector<std::string> env_strings_;
  std::vector<char*> argv_;
  std::vector<char*> envp_;
};

}  // namespace cke
