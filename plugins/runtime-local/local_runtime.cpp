// The local node runtime: each member is an etcd process on this machine, detached from cke so
// it keeps serving when cke stops, with its files under the member directory:
//   MEMBER_DIR/data/      etcd's data directory
//   MEMBER_DIR/etcd.pid   the member's pid (written after a successful exec)
//   MEMBER_DIR/etcd.log   its output
//   MEMBER_DIR/data.restore/  restored data staged by stage_restore, swapped in by swap_staged
//   MEMBER_DIR/data.old/      the data swap_staged replaced, until drop_previous
// A restarted cke adopts a member only when the pid is alive, not a zombie, and its command line
// names MEMBER_DIR/data.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "cke/sdk/plugin.hpp"
#include "core/common/atomic_file.hpp"
#include "core/common/error.hpp"
#include "core/common/subprocess.hpp"
#include "core/common/unique_fd.hpp"
#include "etcd_version.hpp"
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
  LocalNode(sdk::NodeSpec spec, sdk::EventSink events, EtcdVersionCache& versions)
      : spec_(std::move(spec)), dir_(spec_.member_dir), events_(events), versions_(versions) {
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

  void stage_restore(const sdk::RestoreSpec& spec, sdk::Reader& snapshot) override {
    translating_errors([&] {
      ensure_private_dir(dir_);
      discard_staged();
      // The snapshot lands in a file of the member's directory first: etcdctl reads a file.
      const fs::path file = dir_ / ".restore-snapshot.db";
      const uint64_t size = receive(snapshot, file);
      // etcdctl snapshot restore took 7.3 s for 1.1 GB (ETCD-NOTES): a minute, and a minute per
      // GiB, leaves room for a slow disk without blocking for ever.
      const auto timeout = std::chrono::seconds(60) + std::chrono::seconds(60) * (size >> 30);
      CommandResult result;
      try {
        result = run_command(
            {"etcdctl", "snapshot", "restore", file.string(), "--name=" + spec.name,
             "--initial-cluster=" + spec.initial_cluster,
             "--initial-cluster-token=" + spec.cluster_token,
             "--initial-advertise-peer-urls=" + spec.peer_url, "--data-dir=" + staged().string()},
            timeout, {"ETCDCTL_API=3"});
      } catch (...) {
        fs::remove(file);
        discard_staged();
        throw;
      }
      fs::remove(file);
      if (result.exit_code != 0) {
        discard_staged();
        throw sdk::Error(CKE_INTERNAL, "etcdctl snapshot restore for " + spec_.address +
                                           " failed (exit " + std::to_string(result.exit_code) +
                                           "): " + result.output);
      }
      return 0;
    });
  }

  void discard_staged() override { remove_dir(staged()); }

  void swap_staged() override {
    if (running_pid() > 0) {
      throw sdk::Error(CKE_FAILED_PRECONDITION,
                       "stop the member on " + spec_.address + " before swapping its data");
    }
    std::error_code ec;
    if (!fs::exists(staged(), ec)) {
      return;  // swapped by an earlier call
    }
    translating_errors([&] {
      if (fs::exists(dir_ / "data")) {
        remove_dir(previous());
        fs::rename(dir_ / "data", previous());
      }
      fs::rename(staged(), dir_ / "data");
      sync_directory(dir_);
      return 0;
    });
  }

  void drop_previous() override { remove_dir(previous()); }

  void log_tail(size_t max_bytes, sdk::Writer& out) override {
    std::ifstream in(dir_ / "etcd.log", std::ios::binary | std::ios::ate);
    if (!in) {
      return;
    }
    const auto end = static_cast<size_t>(in.tellg());
    const size_t start = end > max_bytes ? end - max_bytes : 0;
    std::string text(end - start, '\0');
    in.seekg(static_cast<std::streamoff>(start));
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    out.write({reinterpret_cast<const uint8_t*>(text.data()), static_cast<size_t>(in.gcount())});
  }

  std::string etcd_version() override { return versions_.version(); }

 private:
  [[nodiscard]] fs::path staged() const { return dir_ / "data.restore"; }
  [[nodiscard]] fs::path previous() const { return dir_ / "data.old"; }

  static void remove_dir(const fs::path& path) {
    std::error_code ec;
    fs::remove_all(path, ec);
    if (ec) {
      throw sdk::Error(CKE_UNAVAILABLE, "cannot remove " + path.string() + ": " + ec.message());
    }
  }

  // Copies the stream into `file` (0600, synced); returns its size.
  static uint64_t receive(sdk::Reader& in, const fs::path& file) {
    const UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (!fd) {
      throw sdk::Error(CKE_UNAVAILABLE,
                       "cannot create " + file.string() + ": " + std::strerror(errno));
    }
    std::vector<uint8_t> buf(1 << 20);
    uint64_t total = 0;
    for (size_t n; (n = in.read(buf)) > 0;) {
      for (size_t done = 0; done < n;) {
        const ssize_t w = ::write(fd.get(), buf.data() + done, n - done);
        if (w < 0 && errno == EINTR) {
          continue;
        }
        if (w < 0) {
          const int e = errno;
          throw sdk::Error(e == ENOSPC ? CKE_RESOURCE_EXHAUSTED : CKE_UNAVAILABLE,
                           "cannot write " + file.string() + ": " + std::strerror(e));
        }
        done += static_cast<size_t>(w);
      }
      total += n;
    }
    if (::fsync(fd.get()) != 0) {
      throw sdk::Error(CKE_UNAVAILABLE,
                       "cannot sync " + file.string() + ": " + std::strerror(errno));
    }
    return total;
  }

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
  EtcdVersionCache& versions_;  // the runtime's: every node of this machine runs the same etcd
};

class LocalRuntime final : public sdk::Runtime {
 public:
  LocalRuntime(std::string_view config_json, sdk::EventSink events) : events_(events) {
    if (config_json.find_first_not_of(" \t\r\n{}") != std::string_view::npos) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "the local runtime takes no configuration");
    }
  }

  std::unique_ptr<sdk::Node> open_node(const sdk::NodeSpec& spec) override {
    return std::make_unique<LocalNode>(spec, events_, versions_);
  }

 private:
  sdk::EventSink events_;
  EtcdVersionCache versions_;
};

}  // namespace
}  // namespace cke::plugins::runtime_local

CKE_PLUGINS(cke::sdk::runtime_plugin<cke::plugins::runtime_local::LocalRuntime>(
    {"local", "1.0.0", "etcd members as detached processes on this machine",
     R"({"type":"object","additionalProperties":false})"}))
