#include "ssh_session.hpp"

#include <fcntl.h>
#include <libssh/sftp.h>

#include <algorithm>
#include <cstdio>
#include <vector>

#include "cke/sdk/error.hpp"
#include "core/common/base64.hpp"
#include "core/common/random_hex.hpp"

namespace cke::ssh {
namespace {

struct SftpFileFree {
  void operator()(sftp_file f) const { sftp_close(f); }
};
struct KeyFree {
  void operator()(ssh_key k) const { ssh_key_free(k); }
};
struct StringFree {
  void operator()(char* s) const { ssh_string_free_char(s); }
};

// Where Debian, Red Hat, Arch and the BSDs install OpenSSH's SFTP server: a user other than
// root runs it through sudo, as root, so that the files cke writes are root's.
constexpr const char* kFindSftpServer =
    "for p in /usr/lib/openssh/sftp-server /usr/libexec/openssh/sftp-server "
    "/usr/lib/ssh/sftp-server /usr/libexec/sftp-server; do [ -x \"$p\" ] && { echo \"$p\"; "
    "exit 0; }; done; exit 127";

// Files up to this size go through the shell in one command (an argument of sh -c may hold
// 128 KiB on Linux; base64 makes 64 KiB into 87 KiB); larger ones over SFTP.
constexpr size_t kLargestShellFile = 64 * 1024;

std::string dirname_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

// A file is written under this name in its directory, then renamed: nobody reads half of it.
std::string temporary_name_beside(const std::string& path) {
  return dirname_of(path) + "/.cke-" + random_hex(8) + ".tmp";
}

}  // namespace

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (const char c : text) {
    quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return quoted + "'";
}

void Session::SftpFree::operator()(sftp_session s) const { sftp_free(s); }

void Session::ChannelFree::operator()(ssh_channel c) const {
  ssh_channel_close(c);
  ssh_channel_free(c);
}

bool Session::as_root() const { return target_.user == "root"; }

std::string Session::why() const {
  // libssh leaves its message empty when a blocking call ran out of time (connect_timeout).
  const char* text = ssh_get_error(session_.get());
  return text != nullptr && *text != '\0'
             ? std::string(text)
             : "no answer within " + std::to_string(target_.connect_timeout.count()) + " s";
}

Session::Channel Session::open_channel(const std::string& command) {
  Channel channel(ssh_channel_new(session_.get()));
  const std::string line = as_root() ? command : "sudo -n -- /bin/sh -c " + shell_quote(command);
  if (!channel || ssh_channel_open_session(channel.get()) != SSH_OK ||
      ssh_channel_request_exec(channel.get(), line.c_str()) != SSH_OK) {
    fail(CKE_UNAVAILABLE, std::string("cannot open a channel: ") + why());
  }
  return channel;
}

sftp_session Session::sftp() {
  if (!sftp_) {
    if (as_root()) {
      sftp_.reset(sftp_new(session_.get()));
    } else {
      // Found through the shell first: that also proves sudo works, which the SFTP handshake
      // would not report (it waits on a server that never came).
      const ExecResult found = exec(kFindSftpServer, target_.connect_timeout);
      if (found.exit_status != 0) {
        fail(CKE_UNAVAILABLE,
             "no sftp-server in /usr/lib/openssh, /usr/libexec/openssh, "
             "/usr/lib/ssh or /usr/libexec on the node (install OpenSSH's server)");
      }
      Channel channel = open_channel("exec " + found.out.substr(0, found.out.find('\n')));
      sftp_.reset(sftp_new_channel(session_.get(), channel.get()));
      if (sftp_) {
        channel.release();  // the SFTP session owns it now
      }
    }
    if (!sftp_ || sftp_init(sftp_.get()) != SSH_OK) {
      sftp_.reset();
      fail(CKE_UNAVAILABLE,
           std::string("cannot start SFTP: ") + why() +
               (as_root() ? "" : " (the user needs password-less sudo for the SFTP server)"));
    }
  }
  return sftp_.get();
}

ssh_channel Session::shell() {
  if (shell_ &&
      (ssh_channel_is_eof(shell_.get()) != 0 || ssh_channel_is_closed(shell_.get()) != 0)) {
    shell_.reset();
  }
  if (!shell_) {
    shell_ = open_channel("exec /bin/sh");
    end_marker_ = "cke-end-" + random_hex(16);
  }
  return shell_.get();
}

void Session::make_directories(const std::string& path, int mode) {
  // The umask gives every directory mkdir -p creates the mode; existing ones are left alone.
  char umask[8];
  std::snprintf(umask, sizeof umask, "%03o", ~static_cast<unsigned>(mode) & 0777U);
  const auto made = exec(std::string("umask ") + umask + " && mkdir -p -- " + shell_quote(path));
  if (made.exit_status != 0) {
    fail(CKE_UNAVAILABLE,
         "cannot create the directory " + path + ": " + made.err.substr(0, made.err.find('\n')));
  }
}

void Session::SessionFree::operator()(ssh_session s) const {
  ssh_disconnect(s);
  ssh_free(s);
}

Session::Session(Target target) : target_(std::move(target)), session_(ssh_new()) {
  if (!session_) {
    fail(CKE_INTERNAL, "cannot create an SSH session");
  }
  ssh_session s = session_.get();
  const long timeout = static_cast<long>(target_.connect_timeout.count());
  const int no = 0;
  ssh_options_set(s, SSH_OPTIONS_HOST, target_.host.c_str());
  ssh_options_set(s, SSH_OPTIONS_PORT, &target_.port);
  ssh_options_set(s, SSH_OPTIONS_USER, target_.user.c_str());
  ssh_options_set(s, SSH_OPTIONS_TIMEOUT, &timeout);
  // Small requests and answers back to back: Nagle's algorithm would hold each for a delayed
  // ACK (tens of milliseconds per command).
  const int yes = 1;
  ssh_options_set(s, SSH_OPTIONS_NODELAY, &yes);
  // Only what this target says: no ~/.ssh/config, and host keys from its own known_hosts file
  // alone (the global one could vouch for a key the operator never saw).
  ssh_options_set(s, SSH_OPTIONS_PROCESS_CONFIG, &no);
  ssh_options_set(s, SSH_OPTIONS_KNOWNHOSTS, target_.known_hosts.c_str());
  ssh_options_set(s, SSH_OPTIONS_GLOBAL_KNOWNHOSTS, "/dev/null");
  if (ssh_connect(s) != SSH_OK) {
    fail(CKE_UNAVAILABLE, std::string("cannot connect: ") + why());
  }
  check_host_key();
  log_in();
}

Session::~Session() = default;

void Session::fail(int32_t code, const std::string& what) const {
  throw sdk::Error(code, "ssh " + target_.user + "@" + target_.host + ":" +
                             std::to_string(target_.port) + ": " + what);
}

void Session::check_host_key() {
  ssh_session s = session_.get();
  ssh_key raw = nullptr;
  if (ssh_get_server_publickey(s, &raw) != SSH_OK) {
    fail(CKE_UNAVAILABLE, std::string("no host key: ") + why());
  }
  const std::unique_ptr<ssh_key_struct, KeyFree> key(raw);
  unsigned char* hash = nullptr;
  size_t hash_len = 0;
  std::string fingerprint = "(unknown)";
  if (ssh_get_publickey_hash(key.get(), SSH_PUBLICKEY_HASH_SHA256, &hash, &hash_len) == 0) {
    const std::unique_ptr<char, StringFree> text(
        ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hash_len));
    ssh_clean_pubkey_hash(&hash);
    if (text) {
      fingerprint = text.get();
    }
  }
  switch (ssh_session_is_known_server(s)) {
    case SSH_KNOWN_HOSTS_OK: return;
    case SSH_KNOWN_HOSTS_CHANGED:
    case SSH_KNOWN_HOSTS_OTHER:
      fail(CKE_PERMISSION_DENIED,
           "the host key (" + fingerprint + ") differs from the one " + target_.known_hosts +
               " holds for this host: refused (if the node was reinstalled, check the new key and "
               "replace its line in that file)");
    case SSH_KNOWN_HOSTS_UNKNOWN:
    case SSH_KNOWN_HOSTS_NOT_FOUND:
      if (!target_.accept_new_host_keys) {
        fail(CKE_PERMISSION_DENIED, "unknown host key " + fingerprint +
                                        ": refused (add the node's key to " + target_.known_hosts +
                                        ", e.g. with ssh-keyscan after checking it, or allow new "
                                        "keys with accept_new_host_keys)");
      }
      if (ssh_session_update_known_hosts(s) != SSH_OK) {
        fail(CKE_UNAVAILABLE,
             "cannot record the host key in " + target_.known_hosts + ": " + why());
      }
      return;
    case SSH_KNOWN_HOSTS_ERROR:
    default:
      fail(CKE_UNAVAILABLE,
           "cannot check the host key against " + target_.known_hosts + ": " + why());
  }
}

void Session::log_in() {
  ssh_session s = session_.get();
  int result = SSH_AUTH_ERROR;
  if (target_.identity_file.empty()) {
    result = ssh_userauth_agent(s, nullptr);
  } else {
    ssh_key raw = nullptr;
    if (ssh_pki_import_privkey_file(target_.identity_file.c_str(), nullptr, nullptr, nullptr,
                                    &raw) != SSH_OK) {
      fail(CKE_INVALID_ARGUMENT, "cannot read the private key " + target_.identity_file +
                                     " (an unencrypted OpenSSH or PEM key)");
    }
    const std::unique_ptr<ssh_key_struct, KeyFree> key(raw);
    result = ssh_userauth_publickey(s, nullptr, key.get());
  }
  if (result != SSH_AUTH_SUCCESS) {
    fail(CKE_PERMISSION_DENIED,
         "login refused (" +
             (target_.identity_file.empty() ? std::string("SSH agent keys")
                                            : "key " + target_.identity_file) +
             "): add its public key to the user's authorized_keys");
  }
}

bool Session::alive() const { return ssh_is_connected(session_.get()) != 0; }

ExecResult Session::exec(const std::string& command, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  ssh_channel channel = shell();
  // After the command, its status on stdout and a line on stderr, each behind the shell's
  // marker, say where its output ends.
  const std::string line = "/bin/sh -c " + shell_quote(command) +
                           " </dev/null; printf '\\n%s %d\\n' " + end_marker_ +
                           " \"$?\"; printf '\\n%s\\n' " + end_marker_ + " >&2\n";
  for (size_t written = 0; written < line.size();) {
    const int n = ssh_channel_write(channel, line.data() + written,
                                    static_cast<uint32_t>(line.size() - written));
    if (n < 0) {
      shell_.reset();
      fail(CKE_UNAVAILABLE, std::string("cannot send a command: ") + why());
    }
    written += static_cast<size_t>(n);
  }
  const std::string out_end = "\n" + end_marker_ + " ";
  const std::string err_end = "\n" + end_marker_ + "\n";
  std::string out;
  std::string err;
  size_t out_end_at = std::string::npos;
  char buffer[16384];
  while (out_end_at == std::string::npos || out.find('\n', out_end_at + 1) == std::string::npos ||
         err.find(err_end) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      shell_.reset();  // the command may still run; the next call gets a new shell
      fail(CKE_DEADLINE_EXCEEDED, "the command did not finish within " +
                                      std::to_string(timeout.count()) + " ms: " + command);
    }
    const int wait_ms = static_cast<int>(std::min<int64_t>(left.count(), 200));
    const int e = ssh_channel_read_nonblocking(channel, buffer, sizeof buffer, 1);
    if (e > 0) {
      err.append(buffer, static_cast<size_t>(e));
    }
    const bool out_done = out_end_at != std::string::npos;
    const int n = ssh_channel_read_timeout(channel, buffer, sizeof buffer, out_done ? 1 : 0,
                                           e > 0 ? 0 : wait_ms);
    if (n > 0) {
      (out_done ? err : out).append(buffer, static_cast<size_t>(n));
    }
    if (n == SSH_ERROR || e == SSH_ERROR) {
      shell_.reset();
      fail(CKE_UNAVAILABLE, std::string("the connection broke: ") + why());
    }
    if (!out_done) {
      out_end_at = out.find(out_end);
    }
    if (n <= 0 && e <= 0 && ssh_channel_is_eof(channel) != 0) {
      shell_.reset();
      fail(CKE_UNAVAILABLE,
           "the shell on the node ended" +
               (err.empty() ? std::string() : ": " + err.substr(0, err.find('\n'))) +
               (as_root() ? "" : " (the user needs password-less sudo)"));
    }
  }
  ExecResult result;
  result.exit_status = std::atoi(out.c_str() + out_end_at + out_end.size());
  result.out = out.substr(0, out_end_at);
  result.err = err.substr(0, err.find(err_end));
  return result;
}

void Session::write_file(const std::string& path, const std::string& content, int mode) {
  if (content.size() > kLargestShellFile) {
    size_t offset = 0;
    write_stream(
        path,
        [&](std::span<uint8_t> buffer) {
          const size_t n = std::min(buffer.size(), content.size() - offset);
          std::copy_n(content.data() + offset, n, buffer.data());
          offset += n;
          return n;
        },
        mode);
    return;
  }
  // A certificate or key: one command through the shell, as base64 (any bytes survive it),
  // instead of an SFTP session's start and a dozen round trips.
  const std::string temporary = shell_quote(temporary_name_beside(path));
  char octal[8];
  std::snprintf(octal, sizeof octal, "%o", static_cast<unsigned>(mode) & 07777U);
  const auto written = exec("umask 077 && printf %s " + shell_quote(base64_encode(content)) +
                            " | base64 -d >" + temporary + " && chmod " + octal + " " + temporary +
                            " && sync -- " + temporary + " && mv -f -- " + temporary + " " +
                            shell_quote(path) + " && sync -- " + shell_quote(dirname_of(path)) +
                            " || { status=$?; rm -f -- " + temporary + "; exit $status; }");
  if (written.exit_status != 0) {
    fail(CKE_UNAVAILABLE,
         "cannot write " + path + ": " + written.err.substr(0, written.err.find('\n')));
  }
}

uint64_t Session::write_stream(const std::string& path,
                               const std::function<size_t(std::span<uint8_t>)>& read, int mode) {
  sftp_session sftp = this->sftp();
  const std::string temporary = temporary_name_beside(path);
  uint64_t total = 0;
  try {
    const std::unique_ptr<sftp_file_struct, SftpFileFree> file(
        sftp_open(sftp, temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, static_cast<mode_t>(mode)));
    if (!file) {
      fail(CKE_UNAVAILABLE, "cannot create " + temporary + ": " + why());
    }
    std::vector<uint8_t> buffer(32768);
    for (size_t n; (n = read(buffer)) > 0;) {
      for (size_t done = 0; done < n;) {
        const ssize_t w = sftp_write(file.get(), buffer.data() + done, n - done);
        if (w <= 0) {
          fail(CKE_UNAVAILABLE, "cannot write " + temporary + ": " + why());
        }
        done += static_cast<size_t>(w);
      }
      total += n;
    }
    // The umask may have narrowed the mode it was created with; and the data must be on disk
    // before the rename makes it the file.
    sftp_chmod(sftp, temporary.c_str(), static_cast<mode_t>(mode));
    if (sftp_fsync(file.get()) != 0) {
      fail(CKE_UNAVAILABLE, "cannot fsync " + temporary + " (the server lacks fsync@openssh.com)");
    }
  } catch (...) {
    sftp_unlink(sftp, temporary.c_str());
    throw;
  }
  // SFTP version 3 cannot rename over an existing file; rename(2) on the node can.
  const auto moved = exec("mv -f -- " + shell_quote(temporary) + " " + shell_quote(path) +
                          " && sync -- " + shell_quote(dirname_of(path)));
  if (moved.exit_status != 0) {
    sftp_unlink(sftp, temporary.c_str());
    fail(CKE_UNAVAILABLE, "cannot rename " + temporary + " to " + path + ": " + moved.err);
  }
  return total;
}

}  // namespace cke::ssh
