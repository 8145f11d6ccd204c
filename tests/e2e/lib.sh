# Shared helpers for the end-to-end tests: a cke data directory and a three-member cluster on
# loopback addresses of the test's own (127.SUBNET.0.1-3, never 127.0.0.1), the real etcdctl and
# jq, polling with deadlines, and a cleanup that stops everything the test started.
# Usage: source lib.sh; e2e_setup SUBNET; ...
set -euo pipefail
# fd 3 is the test's stderr, so that fail() is heard from inside wait_until's silenced polls.
exec 3>&2

: "${CKE_BIN:?CKE_BIN must point to the directory holding cke and ckecli}"
export PATH="$CKE_BIN:$PATH"
export ETCDCTL_API=3
# The tests arm failpoints and test clocks; cke reads them only with this opt-in.
export CKE_ENABLE_TEST_HOOKS=1
# In the sanitize build, AddressSanitizer and UBSan stay on here, LeakSanitizer does not: at the
# exit of a process that has dlopened the plugins (libcurl brings Kerberos, whose libraries use
# thread-local storage), GCC 12's LSan tracer now and then crashes ("Tracer caught signal 11")
# and fails the process. The unit tests keep LeakSanitizer. (No effect on other builds.)
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

fail() {
  echo "FAIL: $*" >&3
  [ -n "${E2E_DIR:-}" ] && [ -f "$E2E_DIR/cke.log" ] && { echo "--- cke.log (tail)" >&3; tail -n 30 "$E2E_DIR/cke.log" >&3; }
  # E2E_EXTRA_LOGS: more logs of the test's (several cke processes, its own servers).
  for log in ${E2E_EXTRA_LOGS:-}; do
    [ -f "$log" ] && { echo "--- $(basename "$log") (tail)" >&3; tail -n 20 "$log" >&3; }
  done
  [ -n "${E2E_DIR:-}" ] && [ -S "$E2E_DIR/data/cke.sock" ] && { echo "--- ckecli history (last 15)" >&3; timeout 5 ckecli history --limit 15 >&3 2>&1 || true; }
  exit 1
}

# has GREP-ARGS...: like grep -q, but reads its input to the end. grep -q exits at the first match,
# and under pipefail a producer that writes again afterwards (etcdctl, openssl) dies of SIGPIPE and
# fails the pipeline although the line was there.
has() { grep "$@" >/dev/null; }

# stored_files DIR: the files in DIR (hidden ones too) except the lock files cke and ckecli keep
# there (.cke-storage.lock, .cke-local-backup.lock), one a line.
stored_files() { ls -A "$1" 2>/dev/null | grep -v -x -e '.cke-storage.lock' -e '.cke-local-backup.lock' || true; }

e2e_cleanup() {
  local status=$?
  # A test's own servers first (E2E_ON_CLEANUP names a function), then cke and the members.
  if [ -n "${E2E_ON_CLEANUP:-}" ]; then "$E2E_ON_CLEANUP" || true; fi
  if [ -n "${E2E_DIR:-}" ] && [ -d "$E2E_DIR" ]; then
    if [ -n "${WRITER_PID:-}" ]; then kill "$WRITER_PID" 2>/dev/null || true; fi
    stop_cke
    stop_cfssl_servers
    for mount in ${E2E_MOUNTS:-}; do umount "$mount" 2>/dev/null || true; done
    for pid in ${E2E_STOPPED_PIDS:-}; do kill -CONT "$pid" 2>/dev/null || true; done
    # The local runtime stops members the ssh runtime started too: they run on this machine,
    # in the same member directories.
    cke --data-dir "$E2E_DIR/data" --stop-members >/dev/null 2>&1 || true
    stop_node_sshds
    stop_node_container
    remove_sudo_user
    [ -n "${E2E_KEEP:-}" ] || rm -rf "$E2E_DIR"  # E2E_KEEP=1: kept, to look at
  fi
  exit $status
}

# e2e_setup SUBNET [extra cluster.yml text]: a data dir and cluster.yml for 127.SUBNET.0.{1,2,3}.
e2e_setup() {
  E2E_SUBNET=$1
  E2E_DIR=$(mktemp -d /tmp/cke-e2e-XXXXXX)
  trap e2e_cleanup EXIT
  export CKE_SERVER="unix://$E2E_DIR/data/cke.sock"
  # E2E_ADDRESS_PREFIX: other addresses than 127.SUBNET.0.x, for tests whose counterpart refuses
  # loopback addresses (the test adds them to lo itself).
  local prefix=${E2E_ADDRESS_PREFIX:-127.$E2E_SUBNET.0}
  NODE1=$prefix.1
  NODE2=$prefix.2
  NODE3=$prefix.3
  cat >"$E2E_DIR/cluster.yml" <<YAML
name: e2e-$E2E_SUBNET
nodes:
  - {address: $NODE1, hostname: node1, control_plane: true}
  - {address: $NODE2, hostname: node2, control_plane: true}
  - {address: $NODE3, hostname: node3, control_plane: true}
options:
  etcd:
    extra_args: ["--heartbeat-interval=200", "--election-timeout=2000"]
${2:-}
YAML
  [ "${CKE_E2E_CERTS:-local-ca}" != cfssl ] || start_cfssl_servers "127.$E2E_SUBNET.0.20"
  if [ "${CKE_E2E_RUNTIME:-local}" = ssh ]; then
    [ "${CKE_E2E_SSH_USER:-}" != sudo ] || create_sudo_user
    [ "${CKE_E2E_SERVICE_MANAGER:-}" != systemd ] || boot_node_container
    sed -i "s/control_plane: true}/control_plane: true$(ssh_user_key)}/" "$E2E_DIR/cluster.yml"
    start_node_sshds
  fi
}

source "$(dirname "${BASH_SOURCE[0]}")/cfssl_servers.sh"

# CKE_E2E_SERVICE_MANAGER=systemd (with CKE_E2E_RUNTIME=ssh): the nodes are one container booted
# from CKE_NODE_ROOTFS (tests/e2e/node_rootfs.sh) with a real systemd as its PID 1; the nodes' sshd
# run inside it, so the ssh runtime finds systemd there and runs the members as units.
E2E_NODE_PID=""
boot_node_container() {
  local root=${CKE_NODE_ROOTFS:?CKE_NODE_ROOTFS must name the node root file system}
  [ -f "$root/.complete" ] || fail "no node root file system at $root: run tests/e2e/node_rootfs.sh $root"
  unshare --pid --mount --fork --propagation private "$(dirname "${BASH_SOURCE[0]}")/node_container.sh" \
    "$root" "$E2E_DIR" >>"$E2E_DIR/node-container.log" 2>&1 &
  E2E_NODE_UNSHARE_PID=$!
  wait_until 10 "the node container's systemd" node_systemd_pid
  E2E_NODE_PID=$(node_systemd_pid)
  wait_until 30 "systemd in the node container" node_systemd_running
  in_node mkdir -p /run/sshd
}
node_systemd_pid() { pgrep -P "$E2E_NODE_UNSHARE_PID" -x systemd; }
node_systemd_running() { [[ "$(in_node systemctl is-system-running)" =~ ^(running|degraded)$ ]]; }
# in_node COMMAND...: COMMAND inside the node container (its processes, mounts and systemd).
in_node() { nsenter -t "$E2E_NODE_PID" -m -p -r -w "$@"; }
stop_node_container() {
  [ -n "$E2E_NODE_PID" ] || return 0
  # The units cke wrote go with the container's members: the root file system is reused.
  in_node sh -c 'rm -f /etc/systemd/system/cke-etcd-*.service /etc/systemd/system/*.wants/cke-etcd-*.service' || true
  # PID 1 of the namespace: its end kills every process in it, members and sshd included.
  kill -KILL "$E2E_NODE_PID" 2>/dev/null || true
  wait "$E2E_NODE_UNSHARE_PID" 2>/dev/null || true
  E2E_NODE_PID=""
}

# CKE_E2E_SSH_USER=sudo (with CKE_E2E_RUNTIME=ssh): cke logs in as a user the test creates,
# cke-e2e-SUBNET, that may run anything as root without a password through a sudoers.d file;
# cleanup removes both. The test's directory becomes traversable (0711) so that sshd, reading
# authorized_keys as that user, can reach the file.
create_sudo_user() {
  command -v sudo >/dev/null || fail "no sudo: run packaging/install-deps.sh"
  E2E_SUDO_USER=cke-e2e-$E2E_SUBNET
  remove_sudo_user  # one a killed run left behind
  # Password "*": no password login, but not a locked account, which sshd would refuse.
  useradd --no-create-home --home-dir / --shell /bin/sh --password '*' "$E2E_SUDO_USER" ||
    fail "cannot create the user $E2E_SUDO_USER"
  sudo_rule "$E2E_SUDO_USER ALL=(root) NOPASSWD: ALL"
  chmod 711 "$E2E_DIR"
}
# sudo_rule LINE: the test user's sudoers.d file holds LINE ("" removes the file).
sudo_rule() {
  local file=/etc/sudoers.d/$E2E_SUDO_USER
  if [ -z "$1" ]; then rm -f "$file"; return; fi
  printf '%s\n' "$1" >"$file.tmp" && chmod 440 "$file.tmp" && visudo -q -c -f "$file.tmp" >/dev/null &&
    mv -f "$file.tmp" "$file" || fail "cannot write $file"
}
remove_sudo_user() {
  [ -n "${E2E_SUDO_USER:-}" ] || return 0
  sudo_rule ""
  if id "$E2E_SUDO_USER" >/dev/null 2>&1; then
    userdel "$E2E_SUDO_USER" || echo "cannot remove the test user $E2E_SUDO_USER" >&2
  fi
}

# CKE_E2E_RUNTIME=ssh runs a test's members through the ssh runtime: each node address gets a
# real sshd of its own (openssh-server, in the foreground, with a temporary host key, on
# NODE:E2E_SSH_PORT), known to cke through a known_hosts file the test writes, and cke logs in
# with a temporary key. Members still share this machine and its file system, so each member's
# directory is the same path cke would use locally.
E2E_SSH_PORT=18022
declare -A E2E_SSHD_PID=()
start_node_sshds() {
  local ssh=$E2E_DIR/node-ssh node
  mkdir -p "$ssh"
  [ -d /run/sshd ] || mkdir -p /run/sshd 2>/dev/null || sudo -n mkdir -p /run/sshd ||
    fail "cannot create /run/sshd for sshd"
  ssh-keygen -q -t ed25519 -N '' -C cke -f "$ssh/user_key" || fail "ssh-keygen failed"
  cp "$ssh/user_key.pub" "$ssh/authorized_keys"
  if [ -n "${E2E_SUDO_USER:-}" ]; then chmod 711 "$ssh" && chmod 644 "$ssh/authorized_keys"; fi
  : >"$ssh/known_hosts"
  # Five nodes: the membership tests grow the cluster to 127.SUBNET.0.4 and .5.
  for node in $NODE1 $NODE2 $NODE3 "${NODE1%.1}.4" "${NODE1%.1}.5"; do
    ssh-keygen -q -t ed25519 -N '' -C "$node" -f "$ssh/host_key_$node" || fail "ssh-keygen failed"
    echo "[$node]:$E2E_SSH_PORT $(cut -d' ' -f1,2 "$ssh/host_key_$node.pub")" >>"$ssh/known_hosts"
    write_sshd_config "$ssh/sshd_config_$node" "$node" "$E2E_SSH_PORT" "$ssh/host_key_$node" \
      "$ssh/authorized_keys"
    start_node_sshd "$node"
  done
  printf '{"port": %s, "identity_file": "%s", "known_hosts": "%s"}\n' "$E2E_SSH_PORT" \
    "$ssh/user_key" "$ssh/known_hosts" >"$ssh/runtime.json"
}
# write_sshd_config FILE ADDRESS PORT HOST_KEY AUTHORIZED_KEYS: a foreground sshd for tests, key
# logins only (root included), with Debian's SFTP server.
write_sshd_config() {
  cat >"$1" <<CONF
Port $3
ListenAddress $2
HostKey $4
AuthorizedKeysFile $5
PidFile none
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
CONF
}
# start_node_sshd ADDRESS / stop_node_sshd ADDRESS: one node's sshd (the node "reachable" or not).
start_node_sshd() {
  local run=()
  [ -z "$E2E_NODE_PID" ] || run=(in_node)
  "${run[@]}" /usr/sbin/sshd -D -e -f "$E2E_DIR/node-ssh/sshd_config_$1" >>"$E2E_DIR/node-ssh/sshd_$1.log" 2>&1 &
  E2E_SSHD_PID[$1]=$!
  wait_until 20 "sshd on $1:$E2E_SSH_PORT" sshd_listens "$1"
}
stop_node_sshd() {
  local pid=${E2E_SSHD_PID[$1]:-}
  # Its connections too (sshd serves each in a child of its own), as when the node goes away.
  # Members are not among them: they run in sessions of their own.
  [ -z "$pid" ] || pkill -TERM -P "$pid" 2>/dev/null || true
  if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  E2E_SSHD_PID[$1]=""
}
sshd_listens() { (exec 3<>"/dev/tcp/$1/$E2E_SSH_PORT") 2>/dev/null; }
stop_node_sshds() {
  local node
  for node in "${!E2E_SSHD_PID[@]}"; do stop_node_sshd "$node"; done
}
# ", user: NAME" for a node of cluster.yml under the ssh runtime (the login user); "" otherwise.
ssh_user_key() { [ "${CKE_E2E_RUNTIME:-local}" != ssh ] || echo ", user: ${E2E_SUDO_USER:-$(id -un)}"; }
# stop_members: `cke --stop-members` through the test's runtime (members in a node container are
# out of the local runtime's reach).
stop_members() {
  local flags
  mapfile -t flags < <(runtime_flags)
  cke --data-dir "$E2E_DIR/data" "${flags[@]}" --stop-members
}
# The flags that make cke use the test's runtime and certificate backend.
runtime_flags() {
  if [ "${CKE_E2E_RUNTIME:-local}" = ssh ]; then
    printf '%s\n' --runtime ssh --runtime-config "$E2E_DIR/node-ssh/runtime.json"
  fi
  if [ "${CKE_E2E_CERTS:-local-ca}" = cfssl ]; then
    printf '%s\n' --cert-backend cfssl --cert-backend-config "$E2E_DIR/cfssl/backend.json"
  fi
}

# start_cke [ENV=VALUE...]: cke in the background on the test's data dir and cluster.yml.
start_cke() {
  local flags
  mapfile -t flags < <(runtime_flags)
  env "$@" cke --data-dir "$E2E_DIR/data" --cluster "$E2E_DIR/cluster.yml" "${flags[@]}" >>"$E2E_DIR/cke.log" 2>&1 &
  CKE_PID=$!
}

stop_cke() {
  if [ -n "${CKE_PID:-}" ] && kill -0 "$CKE_PID" 2>/dev/null; then
    kill "$CKE_PID" 2>/dev/null || true
    wait "$CKE_PID" 2>/dev/null || true
  fi
  CKE_PID=""
}

# wait_until SECONDS DESCRIPTION COMMAND...: polls COMMAND until it succeeds or time runs out.
wait_until() {
  local timeout=$1 what=$2
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}

is_healthy_with_auth() {
  if [ -n "${CKE_PID:-}" ] && ! kill -0 "$CKE_PID" 2>/dev/null; then fail "cke exited"; fi
  [ "$(ckecli status -output=json | jq -r '.phase + " " + (.auth_enabled|tostring)')" = "healthy true" ]
}

wait_healthy() {
  wait_until "${1:-60}" "a healthy cluster with auth enabled" is_healthy_with_auth
  # Under the ssh runtime, the members must have been started through it.
  [ "${CKE_E2E_RUNTIME:-local}" != ssh ] || has -F "started etcd over SSH" "$E2E_DIR/cke.log" ||
    fail "CKE_E2E_RUNTIME=ssh, but no member was started over SSH"
  # Under cfssl: the members serve certificates that CFSSL's server CA signed.
  if [ "${CKE_E2E_CERTS:-local-ca}" = cfssl ]; then
    local issuer
    issuer=$({ openssl s_client -connect "$NODE1:2379" </dev/null 2>/dev/null || true; } | openssl x509 -noout -issuer)
    [ "$issuer" = "issuer=CN = cfssl server CA" ] || fail "the member on $NODE1 serves a certificate of '$issuer'"
  fi
  # Under systemd: the members are its units, and they run.
  if [ -n "$E2E_NODE_PID" ]; then
    local unit units
    units=$(sed -n 's/.*as the systemd unit \(cke-etcd-[^ ,]*\),.*/\1/p' "$E2E_DIR/cke.log" | sort -u)
    [ -n "$units" ] || fail "CKE_E2E_SERVICE_MANAGER=systemd, but no member was started as a systemd unit"
    for unit in $units; do
      [ "$(in_node systemctl is-active "$unit")" = active ] || fail "the unit $unit is not active"
    done
  fi
  # Through sudo: logged in as the test user, and the members are root's all the same.
  if [ -n "${E2E_SUDO_USER:-}" ]; then
    cat "$E2E_DIR"/node-ssh/sshd_*.log | has -F "Accepted publickey for $E2E_SUDO_USER " ||
      fail "no login as $E2E_SUDO_USER in the nodes' sshd logs"
    local pid
    pid=$(cat "$E2E_DIR/data/members/$NODE1/etcd.pid")
    [ "$(ps -o user= -p "$pid")" = root ] || fail "the member on $NODE1 runs as $(ps -o user= -p "$pid"), not root"
    [ "$(stat -c %U:%a "$E2E_DIR/data/members/$NODE1/data")" = root:700 ] ||
      fail "the member's data directory is $(stat -c %U:%a "$E2E_DIR/data/members/$NODE1/data")"
  fi
}

# use_root_certificate: the seed's Administration block, as written.
use_root_certificate() {
  local CERT
  CERT=$(ckecli etcd root-issue)
  echo "$CERT" | jq -r .ca_certificate >"$E2E_DIR/etcd-ca.crt"
  echo "$CERT" | jq -r .certificate >"$E2E_DIR/etcd-root.crt"
  echo "$CERT" | jq -r .private_key >"$E2E_DIR/etcd-root.key"
  export ETCDCTL_CACERT=$E2E_DIR/etcd-ca.crt
  export ETCDCTL_CERT=$E2E_DIR/etcd-root.crt
  export ETCDCTL_KEY=$E2E_DIR/etcd-root.key
}

# count_history OPERATION: how many times history records that operation.
count_history() {
  ckecli history --limit 0 -output=json | jq --arg op "$1" '[.[] | select(.operation == $op)] | length'
}

# expect_failure DESCRIPTION EXPECTED_TEXT COMMAND...: the command must fail with one line
# containing EXPECTED_TEXT on stderr.
expect_failure() {
  local what=$1 expected=$2
  shift 2
  local out status=0
  out=$("$@" 2>&1 >/dev/null) || status=$?
  [ $status -ne 0 ] || fail "$what: succeeded, expected a failure"
  [ "$(printf '%s\n' "$out" | grep -c .)" -eq 1 ] || fail "$what: expected one line, got: $out"
  case "$out" in
    *"$expected"*) ;;
    *) fail "$what: expected '$expected' in: $out" ;;
  esac
}

# etcdctl_as CERT KEY ARGS...: etcdctl with another client identity (etcdctl refuses flags that
# shadow ETCDCTL_* variables, so those are unset for it).
etcdctl_as() {
  local cert=$1 key=$2
  shift 2
  env -u ETCDCTL_CERT -u ETCDCTL_KEY -u ETCDCTL_CACERT \
    etcdctl --cacert="$E2E_DIR/etcd-ca.crt" --cert="$cert" --key="$key" "$@"
}

# start_writer ENDPOINT...: the writer client (tests/support/etcd_writer.cpp) writes a counter
# under /writer/ through any of the endpoints, recording each acknowledged key. Needs
# use_root_certificate first.
start_writer() {
  local endpoints
  endpoints=$(IFS=,; echo "$*")
  : >"$E2E_DIR/acked"
  "$CKE_TEST_WRITER" "$endpoints" "$ETCDCTL_CACERT" "$ETCDCTL_CERT" "$ETCDCTL_KEY" /writer/ \
    "$E2E_DIR/acked" >"$E2E_DIR/writer.out" 2>&1 &
  WRITER_PID=$!
  wait_until 20 "the writer's first acknowledged write" test -s "$E2E_DIR/acked"
}

# stop_writer: stops the writer and prints its summary; WRITER_OUTAGE_MS is its longest outage.
stop_writer() {
  kill "$WRITER_PID"
  wait "$WRITER_PID" || fail "the writer failed: $(cat "$E2E_DIR/writer.out")"
  WRITER_PID=""
  echo "writer: $(cat "$E2E_DIR/writer.out")"
  WRITER_OUTAGE_MS=$(sed -n 's/.*longest outage \([0-9]*\) ms.*/\1/p' "$E2E_DIR/writer.out")
  [ -n "$WRITER_OUTAGE_MS" ] || fail "no summary from the writer: $(cat "$E2E_DIR/writer.out")"
}

# check_acked_writes ENDPOINT: every write the writer saw acknowledged is readable.
check_acked_writes() {
  etcdctl --endpoints="$1" get /writer/ --prefix --keys-only | grep . | sort >"$E2E_DIR/stored"
  sort "$E2E_DIR/acked" >"$E2E_DIR/acked.sorted"
  local missing
  missing=$(comm -23 "$E2E_DIR/acked.sorted" "$E2E_DIR/stored" | wc -l)
  [ "$missing" -eq 0 ] || fail "$missing acknowledged writes are missing, e.g. $(comm -23 "$E2E_DIR/acked.sorted" "$E2E_DIR/stored" | head -3 | tr '\n' ' ')"
  echo "all $(wc -l <"$E2E_DIR/acked") acknowledged writes are readable"
}

# control_plane_file N: the test's cluster.yml with nodes 127.SUBNET.0.1 to .N, all control plane;
# prints the file's name.
control_plane_file() {
  local file=$E2E_DIR/cluster-$1.yml
  {
    sed '/^nodes:/,$d' "$E2E_DIR/cluster.yml"
    echo "nodes:"
    for i in $(seq 1 "$1"); do
      echo "  - {address: 127.$E2E_SUBNET.0.$i, hostname: node$i, control_plane: true$(ssh_user_key)}"
    done
    sed -n '/^options:/,$p' "$E2E_DIR/cluster.yml"
  } >"$file"
  echo "$file"
}

# restart_cke_republished PUBLISHER: restarts cke and waits until PUBLISHER has published again
# (cke publishes every set once after it starts). published_at has whole seconds and a restart may
# take less, so the log's lines are counted instead.
restart_cke_republished() {
  local line="publisher $1: published" before
  before=$(log_lines "$line")
  stop_cke
  start_cke
  wait_healthy 60
  wait_until 30 "publisher $1 to publish again after the restart" more_log_lines "$line" "$before"
}
log_lines() { grep -c -F "$1" "$E2E_DIR/cke.log" || true; }
more_log_lines() { [ "$(log_lines "$1")" -gt "$2" ]; }

members_json() { ckecli etcd member list -output=json; }
member_id() { members_json | jq -r --arg a "$1" '.[] | select(.address == $a) | .id'; }
member_pid() { members_json | jq -r --arg a "$1" '.[] | select(.address == $a) | .pid'; }
phase_is() { [ "$(ckecli status -output=json | jq -r .phase)" = "$1" ]; }

# voters_are ADDRESS...: etcd lists exactly these members, every one a started voter, healthy and
# in sync (no learner left, no member added but never started).
voters_are() {
  local want got
  want=$(printf '%s\n' "$@" | sort | paste -sd,)
  got=$(members_json | jq -r '[.[] | select(.id != "") | .address] | sort | join(",")')
  [ "$got" = "$want" ] || return 1
  members_json | jq -e '[.[] | select(.id != "")] | all(.is_learner == false and .healthy and .in_sync)' >/dev/null
}
