#!/usr/bin/env bash
# The ssh runtime's SSH client (plugins/ssh-client) against a real sshd from Debian's
# openssh-server, run in the foreground on a loopback address with a temporary host key: an
# unknown host key is refused unless new keys may be accepted, then recorded; a changed host key
# is refused even then; a login through the SSH agent works; commands run with their exit status; a file is written atomically with
# its mode over SFTP; a command that does not finish is given up at its deadline; a user other than
# root works through password-less sudo (as root) and gets a clear error without it; a stopped
# sshd is a quick, one-line error.
source "$(dirname "$0")/lib.sh"
: "${CKE_TEST_SSH:?CKE_TEST_SSH must name the cke-test-ssh tool}"
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || fail "no $SSHD: run packaging/install-deps.sh (openssh-server)"
e2e_setup 60
ADDRESS=$NODE1
PORT=18060
ssh_dir=$E2E_DIR/ssh
mkdir -p "$ssh_dir/files"
# sshd needs its privilege-separation directory, which only an init system would create.
[ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || sudo -n mkdir -p /run/sshd ||
  fail "cannot create /run/sshd"
for key in host_key other_host_key user_key; do
  ssh-keygen -q -t ed25519 -N '' -C "$key" -f "$ssh_dir/$key" || fail "ssh-keygen $key failed"
done
cp "$ssh_dir/user_key.pub" "$ssh_dir/authorized_keys"
USER_NAME=$(id -un)

stop_sshd() {
  if [ -n "${SSHD_PID:-}" ] && kill "$SSHD_PID" 2>/dev/null; then wait "$SSHD_PID" 2>/dev/null || true; fi
  SSHD_PID=""
}
E2E_ON_CLEANUP=stop_sshd
sshd_listens() {
  (exec 3<>"/dev/tcp/$ADDRESS/$PORT") 2>/dev/null && return 0
  kill -0 "$SSHD_PID" 2>/dev/null || fail "sshd exited: $(tail -n 5 "$ssh_dir/sshd.log")"
  return 1
}
start_sshd() { # HOST_KEY
  write_sshd_config "$ssh_dir/sshd_config" "$ADDRESS" "$PORT" "$1" "$ssh_dir/authorized_keys"
  "$SSHD" -D -e -f "$ssh_dir/sshd_config" >>"$ssh_dir/sshd.log" 2>&1 &
  SSHD_PID=$!
  wait_until 20 "sshd to listen on $ADDRESS:$PORT" sshd_listens
}
known_hosts=$ssh_dir/known_hosts
ssh_call() { "$CKE_TEST_SSH" "$@"; }
target=("$ADDRESS" "$PORT" "$USER_NAME" "$ssh_dir/user_key" "$known_hosts")

start_sshd "$ssh_dir/host_key"

# --- host keys: unknown refused, then accepted on request and recorded --------------------------
: >"$known_hosts"
expect_failure "an unknown host key" "unknown host key SHA256:" ssh_call "${target[@]}" exec true
[ "$(ssh_call --accept-new "${target[@]}" exec 'echo hello')" = hello ] ||
  fail "a command through a newly accepted host key did not print hello"
has -F "[$ADDRESS]:$PORT" "$known_hosts" || fail "the accepted host key is not in known_hosts: $(cat "$known_hosts")"
[ "$(ssh_call "${target[@]}" exec 'echo again')" = again ] || fail "the recorded host key is not accepted"

# --- the SSH agent: no key file, the key from SSH_AUTH_SOCK ----------------------------------------
agent_out=$(ssh-agent -s -a "$ssh_dir/agent.sock") || fail "ssh-agent did not start"
AGENT_PID=$(sed -n 's/^SSH_AGENT_PID=\([0-9]*\);.*/\1/p' <<<"$agent_out")
stop_agent() { [ -z "${AGENT_PID:-}" ] || kill "$AGENT_PID" 2>/dev/null || true; }
stop_agent_and_sshd() { stop_agent; stop_sshd; }
E2E_ON_CLEANUP=stop_agent_and_sshd
expect_failure "a login through an agent without the key" "SSH agent keys" \
  env SSH_AUTH_SOCK="$ssh_dir/agent.sock" "$CKE_TEST_SSH" "$ADDRESS" "$PORT" "$USER_NAME" "" "$known_hosts" exec true
SSH_AUTH_SOCK="$ssh_dir/agent.sock" ssh-add -q "$ssh_dir/user_key" 2>/dev/null || fail "ssh-add failed"
[ "$(SSH_AUTH_SOCK="$ssh_dir/agent.sock" "$CKE_TEST_SSH" "$ADDRESS" "$PORT" "$USER_NAME" "" "$known_hosts" exec 'echo agent')" = agent ] ||
  fail "a login with the agent's key did not run the command"
stop_agent

# --- commands: output, exit status, deadline --------------------------------------------------------
status=0
ssh_call "${target[@]}" exec 'exit 3' || status=$?
[ "$status" = 3 ] || fail "the exit status of 'exit 3' came back as $status"
started=$(date +%s%N)
expect_failure "a command past its deadline" "did not finish within 1000 ms" \
  ssh_call --timeout-ms 1000 "${target[@]}" exec 'sleep 30'
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
[ "$elapsed_ms" -lt 5000 ] || fail "the deadline of 1 s took ${elapsed_ms} ms to end the call"

# --- files: written whole, with their mode, replacing what was there ------------------------------
file=$ssh_dir/files/key.pem
printf 'first\n' | ssh_call "${target[@]}" write "$file" 600 || fail "the first write failed"
printf 'second secret\n' | ssh_call "${target[@]}" write "$file" 600 || fail "the overwrite failed"
[ "$(cat "$file")" = "second secret" ] || fail "the file holds: $(cat "$file")"
[ "$(stat -c %a "$file")" = 600 ] || fail "the file's mode is $(stat -c %a "$file"), not 600"
printf 'public\n' | ssh_call "${target[@]}" write "$ssh_dir/files/ca.crt" 644 || fail "a 0644 write failed"
[ "$(stat -c %a "$ssh_dir/files/ca.crt")" = 644 ] || fail "the 0644 file's mode is $(stat -c %a "$ssh_dir/files/ca.crt")"
[ "$(ls -A "$ssh_dir/files" | tr '\n' ' ')" = "ca.crt key.pem " ] ||
  fail "temporary files were left: $(ls -A "$ssh_dir/files")"
expect_failure "a write into a missing directory" "cannot create" \
  sh -c "echo x | \"$CKE_TEST_SSH\" $(printf '%q ' "${target[@]}") write $ssh_dir/none/file 600"

# --- a user other than root: everything through password-less sudo, as root -------------------------
create_sudo_user
chmod 711 "$ssh_dir" && chmod 644 "$ssh_dir/authorized_keys"
sudo_target=("$ADDRESS" "$PORT" "$E2E_SUDO_USER" "$ssh_dir/user_key" "$known_hosts")
[ "$(ssh_call "${sudo_target[@]}" exec 'id -un')" = root ] || fail "a command through sudo did not run as root"
printf 'through sudo\n' | ssh_call "${sudo_target[@]}" write "$ssh_dir/files/sudo.pem" 600 ||
  fail "a write through sudo failed"
[ "$(stat -c '%U %a' "$ssh_dir/files/sudo.pem")" = "root 600" ] ||
  fail "the file written through sudo is $(stat -c '%U %a' "$ssh_dir/files/sudo.pem")"
sudo_rule ""  # no sudo rights any more: a sentence that says what the user lacks
expect_failure "a user without sudo rights" "password-less sudo" ssh_call "${sudo_target[@]}" exec true
expect_failure "SFTP for a user without sudo rights" "password-less sudo" \
  sh -c "echo x | \"$CKE_TEST_SSH\" $(printf '%q ' "${sudo_target[@]}") write $ssh_dir/files/x 600"
[ ! -e "$ssh_dir/files/x" ] || fail "a write without sudo rights left a file"

# --- a changed host key: refused, even when new keys may be accepted -------------------------------
stop_sshd
start_sshd "$ssh_dir/other_host_key"
expect_failure "a changed host key" "differs from the one" ssh_call --accept-new "${target[@]}" exec true

# --- no sshd: a quick error, not a hang ----------------------------------------------------------------
stop_sshd
started=$(date +%s%N)
expect_failure "a stopped sshd" "cannot connect" ssh_call "${target[@]}" exec true
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
[ "$elapsed_ms" -lt 6000 ] || fail "a refused connection took ${elapsed_ms} ms to report"
echo ok
