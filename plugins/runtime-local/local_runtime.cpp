// The local node runtime: each member is an etcd process on this machine, detached from cke so
// it keeps serving when cke stops, with its files under the member directory:
//   MEMBER_DIR/data/      etcd's data directory
//   MEMBER_DIR/etcd.pid   the member's pid (written after a successful exec)
//   MEMBER_DIR/etcd.log   its output
// A restarted cke adopts a member only when the pid is alive, not a zombie, and its command line
// names MEMBER_DIR/data.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <mutex>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "process.hpp"

namespace fs = std::filesystem;

namespace cke::plugins::runtime_local {
namespace {

template <class Body>
auto translating_errors(Body&& body) {
  try {
    return body();
  } catch (const cke::Error& e) {
    throw sdk::Error(e.code(), e.what());
  }
}

class LocalNode final : public sdk::Node {
 public:
  LocalNode(sdk::NodeSpec spec, sdk::EventSink events)
      : spec_(std::move(spec)), dir_(spec_.member_dir), events_(events) {
    if (dir_.empty() || !dir_.is_absolute()) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "member_dir must be an absolute path, got \"" + spec_.member_dir + "\"");
    }
  }

  void write_file(const std::string& relative_path, uint32_t mode,
                  std::span<const uint8_t> data) override {
    const fs::path rel(relative_path);
    if (rel.empty() || rel.is_absolute() ||
        std::any_of(rel.begin(), rel.end(),
                    [](const fs::path& part) { return part == ".." || part == "."; })) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "refusing to write \"" + relative_path + "\": not a plain relative path");
    }
    translating_errors([&] {
      ensure_private_dir((dir_ / rel).parent_path());
      write_file_atomically(dir_ / rel, {reinterpret_cast<const char*>(data.data()), data.size()},
                            static_cast<mode_t>(mode));
      return 0;
    });
  }

  void start(const sdk::MemberCommand& command) override {
    if (command.argv.empty()) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "empty member command");
    }
    if (running_pid() > 0) {
      throw sdk::Error(CKE_ALREADY_EXISTS,
                       "the member on " + spec_.address + " is already running");
    }
    translating_errors([&] {
      ensure_private_dir(dir_);
      return 0;
    });
    const pid_t pid = spawn_detached(command.argv, command.env, dir_, dir_ / "etcd.log");
    translating_errors([&] {
      write_file_atomically(dir_ / "etcd.pid", std::to_string(pid) + "\n", 0600);
      return 0;
    });
    events_.emit(spec_.address, CKE_LOG_INFO, "started etcd, pid " + std::to_string(pid));
  }

  void stop(int64_t timeout_ms) override {
    const pid_t pid = running_pid();
    if (pid <= 0) {
      return;
    }
    const bool killed = terminate_process(pid, marker(), static_cast<long>(timeout_ms));
    if (!killed) {
      events_.emit(spec_.address, CKE_LOG_INFO, "stopped etcd, pid " + std::to_string(pid));
    } else if (timeout_ms == 0) {
      events_.emit(spec_.address, CKE_LOG_INFO, "killed etcd (pid " + std::to_string(pid) + ")");
    } else {
      events_.emit(spec_.address, CKE_LOG_WARN,
                   "killed etcd (pid " + std::to_string(pid) + ") after the stop timeout");
    }
  }

  sdk::MemberStatus inspect() override {
    if (const pid_t pid = running_pid(); pid > 0) {
      return {CKE_MEMBER_RUNNING, pid};
    }
    std::error_code ec;
    return {fs::exists(dir_ / "data" / "member", ec) ? CKE_MEMBER_STOPPED : CKE_MEMBER_ABSENT, 0};
  }

  void wipe() override {
    if (running_pid() > 0) {
      throw sdk::Error(CKE_FAILED_PRECONDITION,
                       "stop the member on " + spec_.address + " before wiping it");
    }
    std::error_code ec;
    fs::remove_all(dir_ / "data", ec);
    if (ec) {
      throw sdk::Error(CKE_UNAVAILABLE,
                       "cannot remove " + (dir_ / "data").string() + ": " + ec.message());
    }
  }

 private:
  // What the member's command line must contain for a pid to be this member.
  [[nodiscard]] std::string marker() const { return "--data-dir=" + (dir_ / "data").string(); }

  pid_t running_pid() const {
    std::ifstream in(dir_ / "etcd.pid");
    long pid = 0;
    if (!(in >> pid) || pid <= 0) {
      return 0;
    }
    return process_matches(static_cast<pid_t>(pid), marker()) ? static_cast<pid_t>(pid) : 0;
  }

  sdk::NodeSpec spec_;
  fs::path dir_;
  sdk::EventSink events_;
};

class LocalRuntime final : public sdk::Runtime {
 public:
  LocalRuntime(std::string_view config_json, sdk::EventSink events) : events_(events) {
    if (config_json.find_first_not_of(" \t\r\n{}") != std::string_view::npos) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "the local runtime takes no configuration");
    }
  }

  std::unique_ptr<sdk::Node> open_node(const sdk::NodeSpec& spec) override {
    return std::make_unique<LocalNode>(spec, events_);
  }

 private:
  sdk::EventSink events_;
};

}  // namespace
}  // namespace cke::plugins::runtime_local

CKE_PLUGINS(cke::sdk::runtime_plugin<cke::plugins::runtime_local::LocalRuntime>(
    {"local", "1.0.0", "etcd members as detached processes on this machine",
     R"({"type":"object","additionalProperties":false})"}))
