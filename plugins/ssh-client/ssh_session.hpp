// One SSH connection to a node, over libssh: what the ssh runtime runs its members through.
// The server's host key is checked against a known_hosts file: an unknown key is refused unless
// new keys may be accepted (then it is recorded), and a changed key is always refused; nothing is
// ever accepted blindly. Every call has a deadline, so an unreachable node is an error, never a
// hang. Not for concurrent use: the ssh runtime serialises the calls on one node.
// A user other than root works through password-less sudo: the connection's shell and its SFTP
// server run as root (`sudo -n`), so what the runtime writes and starts is root's either way.
#pragma once

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>

namespace cke::ssh {

struct Target {
  std::string host;  // an address or a DNS name
  int port = 22;
  std::string user;                   // root, or a user with password-less sudo (sudo -n)
  std::string identity_file;          // a private key file; "": the SSH agent (SSH_AUTH_SOCK)
  std::string known_hosts;            // the known_hosts file host keys are checked against
  bool accept_new_host_keys = false;  // record an unknown host key (never a changed one)
  std::chrono::seconds connect_timeout{10};
};

struct ExecResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};

class Session {
 public:
  // Connects, checks the host key and logs in; throws sdk::Error with one line naming the
  // target and what to do (CKE_UNAVAILABLE when it cannot connect, CKE_PERMISSION_DENIED for a
  // refused host key or login).
  explicit Session(Target target);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  ~Session();

  // Runs `command` (as root; stdin empty) through the connection's shell, in an `sh -c` of its
  // own so that its exit, a syntax error or a `cd` ends with it; gives up after `timeout` (the
  // shell is closed then, and the next call starts another). Throws only when the command cannot
  // be run or times out.
  ExecResult exec(const std::string& command,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Writes `content` to `path` with `mode` so that no reader ever sees it half-written: a new
  // file beside it (with the mode, fsynced), renamed over it, the directory synced. Up to 64 KiB
  // (certificates, keys) in one command through the shell, larger over SFTP.
  void write_file(const std::string& path, const std::string& content, int mode);
  // The same for a stream: `read` fills the buffer it is given and returns the count, 0 at the
  // end (a snapshot of any size, in constant memory). Returns the bytes written.
  uint64_t write_stream(const std::string& path,
                        const std::function<size_t(std::span<uint8_t>)>& read, int mode);

  // Creates `path` and its missing parents with `mode`; an existing directory is left as it is.
  void make_directories(const std::string& path, int mode);

  // Whether the connection still works (a dropped one is reconnected by the caller).
  [[nodiscard]] bool alive() const;
  [[nodiscard]] const Target& target() const { return target_; }

 private:
  struct SessionFree {
    void operator()(ssh_session s) const;
  };
  struct SftpFree {
    void operator()(sftp_session s) const;
  };
  struct ChannelFree {
    void operator()(ssh_channel c) const;
  };
  using Channel = std::unique_ptr<ssh_channel_struct, ChannelFree>;

  // The connection's SFTP session, started on first use and kept: each start is a process on
  // the node.
  sftp_session sftp();
  // A new channel running `command` (wrapped in `sudo -n` for a user other than root).
  Channel open_channel(const std::string& command);
  // The connection's shell, started on first use and kept while it lives: a channel costs sshd
  // a process and a login's work (~85 ms measured), one more command through the shell ~1 ms.
  ssh_channel shell();

  [[nodiscard]] bool as_root() const;
  // libssh's last error, or what an empty one means.
  [[nodiscard]] std::string why() const;
  [[noreturn]] void fail(int32_t code, const std::string& what) const;
  void check_host_key();
  void log_in();

  Target target_;
  std::unique_ptr<ssh_session_struct, SessionFree> session_;
  // Both are destroyed before session_.
  std::unique_ptr<sftp_session_struct, SftpFree> sftp_;
  Channel shell_;
  std::string end_marker_;  // ends each command's output on the shell; new for every shell
};

// `text` as one word of a POSIX shell command line: '…' with each ' written as '\''.
std::string shell_quote(const std::string& text);

}  // namespace cke::ssh
