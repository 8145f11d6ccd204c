// The ssh node runtime: each member is an etcd process on its own node, reached over SSH as the
// node's `user` from cluster.yml (root, or a user with password-less sudo: either way the
// member's files and process are root's), with the
// same files as the local runtime, in the same directory on the node as the controller's member
// directory (DATA_DIR/members/ADDRESS):
//   data/  etcd.pid  etcd.log  data.restore/  data.old/  and the certificates cke writes
// Where systemd runs on the node, the member is a systemd unit (cke-etcd-ADDRESS-HASH.service,
// restarted on failure, enabled while cke wants it running); elsewhere it runs detached (setsid,
// output to etcd.log), so it keeps serving when the SSH connection or cke goes. A later cke adopts
// a member through its unit, or through etcd.pid when that names a live process whose command line
// carries --data-dir=DIR/data (a member started detached is still found on a node that runs
// systemd now). Each node keeps one connection, opened on first use and
// opened again after it broke; an unreachable node makes its calls fail (an observation for the
// controller), each within the configured deadlines.
#include <cctype>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>

#include "cke/sdk/plugin.hpp"
#include "etcd_version.hpp"
#include "ssh_session.hpp"

namespace cke::plugins::runtime_ssh {
namespace {

using nlohmann::json;
using ssh::shell_quote;

constexpr const char* kSchema = R"({"type":"object","additionalProperties":false,"properties":{
"port":{"type":"integer","description":"the nodes' SSH port; default 22"},
"identity_file":{"type":"string","description":"the private key to log in with; default: the SSH agent"},
"known_hosts":{"type":"string","description":"the known_hosts file host keys are checked against; default ~/.ssh/known_hosts"},
"accept_new_host_keys":{"type":"boolean","description":"record the key of a host not yet in known_hosts (a changed key is always refused); default false"},
"connect_timeout_seconds":{"type":"integer","description":"default 10"},
"command_timeout_seconds":{"type":"integer","description":"default 30"},
"service_manager":{"enum":["auto","systemd","detached"],"description":"how members run: systemd units, detached processes, or auto: systemd where it runs on the node; default auto"}}})";

[[noreturn]] void config_error(const std::string& why) {
  throw sdk::Error(CKE_INVALID_ARGUMENT, "ssh runtime: " + why);
}

enum class ServiceManager { automatic, systemd, detached };

struct Settings {
  ssh::Target base;  // everything but the host and user
  std::chrono::seconds command_timeout{30};
  ServiceManager service_manager = ServiceManager::automatic;
};

Settings parse_settings(std::string_view config_json) {
  const auto config = json::parse(config_json.empty() ? "{}" : config_json, nullptr, false);
  if (!config.is_object()) {
    config_error("the configuration is not a JSON object");
  }
  Settings s;
  const char* home = std::getenv("HOME");
  s.base.known_hosts = std::string(home != nullptr ? home : "") + "/.ssh/known_hosts";
  for (const auto& [key, value] : config.items()) {
    const auto number = [&](int minimum, int maximum) {
      if (!value.is_number_integer() || value.get<int64_t>() < minimum ||
          value.get<int64_t>() > maximum) {
        config_error(key + " must be an integer from " + std::to_string(minimum) + " to " +
                     std::to_string(maximum));
      }
      return value.get<int>();
    };
    const auto text = [&] {
      if (!value.is_string() || value.get<std::string>().empty()) {
        config_error(key + " must be a non-empty string");
      }
      return value.get<std::string>();
    };
    if (key == "port") {
      s.base.port = number(1, 65535);
    } else if (key == "identity_file") {
      s.base.identity_file = text();
    } else if (key == "known_hosts") {
      s.base.known_hosts = text();
    } else if (key == "accept_new_host_keys") {
      if (!value.is_boolean()) {
        config_error(key + " must be true or false");
      }
      s.base.accept_new_host_keys = value.get<bool>();
    } else if (key == "connect_timeout_seconds") {
      s.base.connect_timeout = std::chrono::seconds(number(1, 300));
    } else if (key == "command_timeout_seconds") {
      s.command_timeout = std::chrono::seconds(number(1, 3600));
    } else if (key == "service_manager") {
      const std::string name = text();
      if (name == "auto") {
        s.service_manager = ServiceManager::automatic;
      } else if (name == "systemd") {
        s.service_manager = ServiceManager::systemd;
      } else if (name == "detached") {
        s.service_manager = ServiceManager::detached;
      } else {
        config_error("service_manager must be auto, systemd or detached, got \"" + name + "\"");
      }
    } else {
      config_error("unknown key \"" + key +
                   "\" (port, identity_file, known_hosts, accept_new_host_keys, "
                   "connect_timeout_seconds, command_timeout_seconds, service_manager)");
    }
  }
  return s;
}

// A shell script that sends TERM (`term`), waits up to `tenths` tenths of a second while `alive`
// holds, then sends KILL (`kill`) and waits for the end. It prints "stopped $pid" or
// "killed $pid".
std::string term_then_kill_script(const std::string& alive, const std::string& term,
                                  const std::string& kill, int64_t tenths) {
  return term + "; i=0; while " + alive + " && [ $i -lt " + std::to_string(tenths) +
         " ]; do sleep 0.1; i=$((i+1)); done; if " + alive + "; then " + kill + "; while " + alive +
         "; do sleep 0.05; done; echo killed $pid; else echo stopped $pid; fi";
}

class SshNode final : public sdk::Node {
 public:
  SshNode(sdk::NodeSpec spec, const Settings& settings, sdk::EventSink events)
      : spec_(std::move(spec)), settings_(settings), events_(events), dir_(spec_.member_dir) {
    if (dir_.empty() || dir_.front() != '/' || dir_.find('\'') != std::string::npos) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "member_dir must be an absolute path, got \"" + spec_.member_dir + "\"");
    }
    if (spec_.user.empty()) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "node " + spec_.address +
                                                 " has no user in cluster.yml: the ssh runtime "
                                                 "logs in as it (root, or a user with "
                                                 "password-less sudo)");
    }
  }

  void write_file(const std::string& relative_path, uint32_t mode,
                  std::span<const uint8_t> data) override {
    check_relative(relative_path);
    const std::string path = dir_ + "/" + relative_path;
    with_session([&](ssh::Session& s) {
      s.make_directories(parent_of(path), 0700);
      s.write_file(path, {reinterpret_cast<const char*>(data.data()), data.size()},
                   static_cast<int>(mode));
    });
  }

  void start(const sdk::MemberCommand& command) override {
    if (command.argv.empty()) {
      throw sdk::Error(CKE_INVALID_ARGUMENT, "empty member command");
    }
    std::string line = "env -i";
    for (const auto& e : command.env) {
      line += " " + shell_quote(e);
    }
    for (const auto& a : command.argv) {
      line += " " + shell_quote(a);
    }
    std::string how;
    const std::string pid = with_session([&](ssh::Session& s) {
      if (!member_pid(s).empty()) {
        throw sdk::Error(CKE_ALREADY_EXISTS,
                         "the member on " + spec_.address + " is already running");
      }
      if (use_systemd(s)) {
        how = " as the systemd unit " + unit_name();
        return start_unit(s, line);
      }
      // A background job of a non-interactive shell is not a process group leader, so setsid
      // makes it one without forking: $! is etcd's pid.
      return trimmed(run(s, "mkdir -p -m 700 -- " + q(dir_) + " && cd -- " + q(dir_) +
                                " && umask 077 && { setsid " + line +
                                " >>etcd.log 2>&1 </dev/null & echo $! >etcd.pid.tmp; } && "
                                "mv -f etcd.pid.tmp etcd.pid && cat etcd.pid"));
    });
    events_.emit(spec_.address, CKE_LOG_INFO, "started etcd over SSH" + how + ", pid " + pid);
  }

  void stop(int64_t timeout_ms) override {
    const int64_t tenths = std::max<int64_t>(timeout_ms / 100, 0);
    const auto timeout = std::chrono::milliseconds(timeout_ms) + settings_.command_timeout;
    const std::string result = with_session([&](ssh::Session& s) {
      if (use_systemd(s)) {
        // Disabled first, so that a reboot does not bring back a member cke stopped; then TERM
        // through systemd.
        const std::string unit = q(unit_name());
        const std::string main_pid = "systemctl show -p MainPID --value " + unit;
        const std::string stopped =
            trimmed(run(s,
                        "pid=$(" + main_pid + " 2>/dev/null); [ \"${pid:-0}\" != 0 ] || exit 0; " +
                            "systemctl disable --quiet " + unit + " 2>/dev/null; " +
                            term_then_kill_script("[ \"$(" + main_pid + ")\" != 0 ]",
                                                  "systemctl stop --no-block " + unit,
                                                  "systemctl kill -s KILL " + unit, tenths),
                        timeout));
        if (!stopped.empty()) {
          return stopped;
        }
      }
      const std::string pid = running_pid(s);
      if (pid.empty()) {
        return std::string();
      }
      return trimmed(
          run(s,
              "pid=" + pid + "; " +
                  term_then_kill_script("kill -0 $pid 2>/dev/null", "kill -TERM $pid 2>/dev/null",
                                        "kill -KILL $pid", tenths),
              timeout));
    });
    if (!result.empty()) {
      events_.emit(spec_.address,
                   result.rfind("killed", 0) == 0 && timeout_ms > 0 ? CKE_LOG_WARN : CKE_LOG_INFO,
                   result.rfind("killed", 0) == 0 ? "killed etcd (" + result + ")"
                                                  : "stopped etcd (" + result + ")");
    }
  }

  sdk::MemberStatus inspect() override {
    return with_session([&](ssh::Session& s) -> sdk::MemberStatus {
      if (const std::string pid = member_pid(s); !pid.empty()) {
        return {CKE_MEMBER_RUNNING, std::stoll(pid)};
      }
      const auto has_data =
          s.exec("test -d " + q(dir_ + "/data/member"), settings_.command_timeout);
      return {has_data.exit_status == 0 ? CKE_MEMBER_STOPPED : CKE_MEMBER_ABSENT, 0};
    });
  }

  void wipe() override {
    with_session([&](ssh::Session& s) {
      if (!member_pid(s).empty()) {
        throw sdk::Error(CKE_FAILED_PRECONDITION,
                         "stop the member on " + spec_.address + " before wiping it");
      }
      run(s, "rm -rf -- " + q(dir_ + "/data"));
    });
  }

  void stage_restore(const sdk::RestoreSpec& spec, sdk::Reader& snapshot) override {
    with_session([&](ssh::Session& s) {
      run(s, "mkdir -p -m 700 -- " + q(dir_) + " && rm -rf -- " + q(staged()));
      const std::string file = dir_ + "/.restore-snapshot.db";
      const uint64_t size = s.write_stream(
          file, [&](std::span<uint8_t> buffer) { return snapshot.read(buffer); }, 0600);
      // As the local runtime: a minute, and a minute per GiB.
      const auto timeout = std::chrono::seconds(60) + std::chrono::seconds(60) * (size >> 30);
      const auto result = s.exec("ETCDCTL_API=3 etcdctl snapshot restore " + q(file) + " " +
                                     q("--name=" + spec.name) + " " +
                                     q("--initial-cluster=" + spec.initial_cluster) + " " +
                                     q("--initial-cluster-token=" + spec.cluster_token) + " " +
                                     q("--initial-advertise-peer-urls=" + spec.peer_url) + " " +
                                     q("--data-dir=" + staged()) + " 2>&1; status=$?; rm -f -- " +
                                     q(file) + "; exit $status",
                                 timeout);
      if (result.exit_status != 0) {
        s.exec("rm -rf -- " + q(staged()), settings_.command_timeout);
        throw sdk::Error(CKE_INTERNAL, "etcdctl snapshot restore on " + spec_.address +
                                           " failed (exit " + std::to_string(result.exit_status) +
                                           "): " + result.out);
      }
    });
  }

  void discard_staged() override {
    with_session([&](ssh::Session& s) { run(s, "rm -rf -- " + q(staged())); });
  }

  void swap_staged() override {
    with_session([&](ssh::Session& s) {
      if (!member_pid(s).empty()) {
        throw sdk::Error(CKE_FAILED_PRECONDITION,
                         "stop the member on " + spec_.address + " before swapping its data");
      }
      run(s, "cd -- " + q(dir_) +
                 " && if [ -d data.restore ]; then if [ -d data ]; then rm -rf "
                 "data.old && mv data data.old; fi && mv data.restore data && sync .; fi");
    });
  }

  void drop_previous() override {
    with_session([&](ssh::Session& s) { run(s, "rm -rf -- " + q(dir_ + "/data.old")); });
  }

  void log_tail(size_t max_bytes, sdk::Writer& out) override {
    const std::string text = with_session([&](ssh::Session& s) {
      return s
          .exec("tail -c " + std::to_string(max_bytes) + " -- " + q(dir_ + "/etcd.log") +
                    " 2>/dev/null",
                settings_.command_timeout)
          .out;
    });
    out.write({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  }

  std::string etcd_version() override {
    // cke asks on every pass; `etcd --version` on the node is a process start there, so the
    // answer is kept a minute (a package upgrade is noticed within it).
    const std::lock_guard lock(version_mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!version_.empty() && now < version_checked_ + std::chrono::minutes(1)) {
      return version_;
    }
    version_ = with_session([&](ssh::Session& s) {
      const auto result = s.exec("etcd --version", settings_.command_timeout);
      const std::string version = runtime_local::parse_etcd_version(result.out);
      if (version.empty()) {
        throw sdk::Error(CKE_NOT_FOUND, "node " + spec_.address +
                                            ": etcd --version did not print \"etcd Version: …\" "
                                            "(is etcd installed there?)");
      }
      return version;
    });
    version_checked_ = now;
    return version_;
  }

 private:
  static std::string q(const std::string& text) { return shell_quote(text); }
  [[nodiscard]] std::string staged() const { return dir_ + "/data.restore"; }

  static std::string parent_of(const std::string& path) { return path.substr(0, path.rfind('/')); }

  static std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
      text.pop_back();
    }
    return text;
  }

  static void check_relative(const std::string& path) {
    bool valid = !path.empty() && path.front() != '/';
    size_t start = 0;
    while (valid && start <= path.size()) {
      const size_t end = std::min(path.find('/', start), path.size());
      const std::string part = path.substr(start, end - start);
      valid = !part.empty() && part != "." && part != "..";
      start = end + 1;
    }
    if (!valid) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "refusing to write \"" + path + "\": not a plain relative path");
    }
  }

  // Runs `script`; a non-zero exit is an error naming the node and what the script said.
  std::string run(ssh::Session& s, const std::string& script,
                  std::optional<std::chrono::milliseconds> timeout = std::nullopt) {
    const auto result = s.exec(script, timeout.value_or(settings_.command_timeout));
    if (result.exit_status != 0) {
      throw sdk::Error(CKE_UNAVAILABLE, "node " + spec_.address + ": a command failed (exit " +
                                            std::to_string(result.exit_status) +
                                            "): " + trimmed(result.err + result.out));
    }
    return result.out;
  }

  // Whether members run as systemd units on this node: systemd is its init (sd_booted's test)
  // and systemctl is there, unless the configuration says which.
  bool use_systemd(ssh::Session& s) {
    if (!systemd_) {
      systemd_ = settings_.service_manager == ServiceManager::automatic
                     ? s.exec("[ -d /run/systemd/system ] && command -v systemctl >/dev/null",
                              settings_.command_timeout)
                               .exit_status == 0
                     : settings_.service_manager == ServiceManager::systemd;
    }
    return *systemd_;
  }

  // cke-etcd-ADDRESS-HASH.service: the address for people, the member directory's hash so that
  // two data directories' members on one node never share a unit.
  [[nodiscard]] std::string unit_name() const {
    std::string name = "cke-etcd-";
    for (const char c : spec_.address) {
      name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '-';
    }
    uint32_t hash = 2166136261U;  // FNV-1a: the same on every build, unlike std::hash
    for (const char c : dir_) {
      hash = (hash ^ static_cast<uint8_t>(c)) * 16777619U;
    }
    char hex[9];
    std::snprintf(hex, sizeof hex, "%08x", hash);
    return name + "-" + hex + ".service";
  }

  // Writes the member's command as DIR/etcd.start and its unit (reloading systemd only when the
  // unit changed), enables and starts it; returns its main pid.
  std::string start_unit(ssh::Session& s, const std::string& command_line) {
    // A unit file takes a path with no quoting of its own in StandardOutput=: keep to characters
    // that need none.
    if (dir_.find_first_not_of(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") !=
        std::string::npos) {
      throw sdk::Error(CKE_INVALID_ARGUMENT,
                       "the member directory " + dir_ +
                           " has characters a systemd unit cannot hold (letters, digits and "
                           "/._- only): choose another --data-dir or service_manager detached");
    }
    const std::string unit = unit_name();
    const std::string unit_path = "/etc/systemd/system/" + unit;
    const std::string unit_text =
        "# Written by cke for the etcd member on " + spec_.address +
        ": cke rewrites it, do not edit.\n"
        "[Unit]\nDescription=etcd member " +
        spec_.address +
        " (cke)\nAfter=network-online.target\nWants=network-online.target\n\n"
        "[Service]\nType=exec\nExecStart=/bin/sh " +
        dir_ + "/etcd.start\nStandardOutput=append:" + dir_ +
        "/etcd.log\nStandardError=inherit\nUMask=0077\nRestart=on-failure\nRestartSec=5\n"
        "LimitNOFILE=65536\n\n[Install]\nWantedBy=multi-user.target\n";
    s.make_directories(dir_, 0700);
    s.write_file(dir_ + "/etcd.start", "#!/bin/sh\nexec " + command_line + "\n", 0700);
    if (s.exec("cat -- " + q(unit_path), settings_.command_timeout).out != unit_text) {
      s.write_file(unit_path, unit_text, 0644);
      run(s, "systemctl daemon-reload");
    }
    return trimmed(run(s, "systemctl reset-failed " + q(unit) +
                              " 2>/dev/null; systemctl enable --quiet " + q(unit) +
                              " && systemctl start " + q(unit) +
                              " && systemctl show -p MainPID --value " + q(unit)));
  }

  // The member's pid: its unit's main process, or a detached process (started so by this or an
  // earlier cke); "" when it does not run.
  std::string member_pid(ssh::Session& s) {
    if (use_systemd(s)) {
      const std::string pid = trimmed(
          s.exec("systemctl show -p MainPID --value " + q(unit_name()), settings_.command_timeout)
              .out);
      if (!pid.empty() && pid != "0" && pid.find_first_not_of("0123456789") == std::string::npos) {
        return pid;
      }
    }
    return running_pid(s);
  }

  // The pid in etcd.pid when that process lives, is no zombie, and runs this member's data.
  std::string running_pid(ssh::Session& s) {
    const std::string marker = "--data-dir=" + dir_ + "/data";
    const auto result =
        s.exec("pid=$(cat -- " + q(dir_ + "/etcd.pid") +
                   " 2>/dev/null) && [ -n \"$pid\" ] && [ -r /proc/$pid/cmdline ] && "
                   "[ \"$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)\" != Z ] && "
                   "tr '\\0' '\\n' </proc/$pid/cmdline | grep -qxF -- " +
                   q(marker) + " && echo $pid",
               settings_.command_timeout);
    return result.exit_status == 0 ? trimmed(result.out) : std::string();
  }

  // One call at a time per node, on its connection; a broken connection is dropped, so the
  // next call connects again.
  template <class Body>
  std::invoke_result_t<Body&, ssh::Session&> with_session(Body&& body) {
    const std::lock_guard lock(mutex_);
    if (session_ && !session_->alive()) {
      session_.reset();
    }
    if (!session_) {
      ssh::Target target = settings_.base;
      target.host = spec_.address;
      target.user = spec_.user;
      session_ = std::make_unique<ssh::Session>(target);
    }
    try {
      return body(*session_);
    } catch (const sdk::Error& e) {
      if (e.code() == CKE_UNAVAILABLE || e.code() == CKE_DEADLINE_EXCEEDED) {
        session_.reset();
      }
      throw;
    }
  }

  sdk::NodeSpec spec_;
  const Settings& settings_;
  sdk::EventSink events_;
  std::string dir_;
  std::mutex mutex_;
  std::unique_ptr<ssh::Session> session_;
  std::optional<bool> systemd_;  // use_systemd()'s answer, asked once
  // etcd_version()'s answer, kept a minute.
  std::mutex version_mutex_;  // taken before mutex_, never after
  std::string version_;
  std::chrono::steady_clock::time_point version_checked_{};
};

class SshRuntime final : public sdk::Runtime {
 public:
  SshRuntime(std::string_view config_json, sdk::EventSink events)
      : settings_(parse_settings(config_json)), events_(events) {}

  std::unique_ptr<sdk::Node> open_node(const sdk::NodeSpec& spec) override {
    return std::make_unique<SshNode>(spec, settings_, events_);
  }

 private:
  Settings settings_;
  sdk::EventSink events_;
};

}  // namespace
}  // namespace cke::plugins::runtime_ssh

CKE_PLUGINS(cke::sdk::runtime_plugin<cke::plugins::runtime_ssh::SshRuntime>(
    {"ssh", "1.0.0", "etcd members on their own nodes, over SSH (libssh)",
     cke::plugins::runtime_ssh::kSchema}))
