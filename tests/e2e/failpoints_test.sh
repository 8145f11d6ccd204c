#!/usr/bin/env bash
# A cke crashed (SIGKILL, by failpoint) at each step of bootstrap and auth set-up completes it
# after a restart: one bootstrap in history, users root and kube-apiserver with their roles, auth
# enabled. Then a user-add crashed half-way is completed by the next user-add.
source "$(dirname "$0")/lib.sh"
e2e_setup 35

failpoints=(
  bootstrap.after-intent
  bootstrap.after-files
  bootstrap.after-start
  resume-bootstrap.after-start
  complete-bootstrap.before-record
  auth.after-user-root
  auth.after-role-root
  auth.after-grant-root
  auth.kube-apiserver.after-user
  auth.kube-apiserver.after-role
  auth.kube-apiserver.after-permission
  auth.kube-apiserver.after-grant
  auth.before-enable
  auth.after-enable
)

# A client whose CN is no etcd user: once auth is on, its reads are denied.
make_stranger() {
  local CERT
  CERT=$(ckecli etcd issue -ttl=1h stranger)
  echo "$CERT" | jq -r .certificate >"$E2E_DIR/stranger.crt"
  echo "$CERT" | jq -r .private_key >"$E2E_DIR/stranger.key"
}

users_are_complete() {
  [ "$(etcdctl --endpoints=$NODE1:2379 user list | sort | tr '\n' ' ')" = "kube-apiserver root " ]
}
root_has_role() { etcdctl --endpoints=$NODE1:2379 user get root | has "Roles: root"; }
kube_apiserver_has_prefix() {
  etcdctl --endpoints=$NODE1:2379 role get kube-apiserver | has '\[/registry/, /registry0)'
}

stranger_is_denied() {
  local out
  if out=$(etcdctl_as "$E2E_DIR/stranger.crt" "$E2E_DIR/stranger.key" --endpoints=$NODE1:2379 get /x 2>&1); then
    fail "auth is not enabled: a stranger read /x"
  fi
  echo "$out" | has "permission denied"
}

for point in "${failpoints[@]}"; do
  echo "--- $point"
  cke --data-dir "$E2E_DIR/data" --stop-members >/dev/null 2>&1 || true
  rm -rf "$E2E_DIR/data"
  if [ "$point" = resume-bootstrap.after-start ]; then
    # Reach resume-bootstrap first: crash after the first member started, then crash again there.
    start_cke CKE_FAILPOINTS=bootstrap.after-start=crash
    wait "$CKE_PID" 2>/dev/null || true
  fi
  start_cke CKE_FAILPOINTS="$point=crash"
  wait_until 60 "cke to crash at $point" sh -c "! kill -0 $CKE_PID 2>/dev/null"
  wait "$CKE_PID" 2>/dev/null || true
  grep -q "failpoint $point: crash" "$E2E_DIR/cke.log" || fail "$point was not reached"
  CKE_PID=""
  start_cke
  wait_healthy 60
  [ "$(count_history bootstrap)" = 1 ] || fail "$point: $(count_history bootstrap) bootstraps in history"
  use_root_certificate
  # Reads through raft can fail transiently (a leader election on a loaded machine): poll them.
  wait_until 20 "$point: users kube-apiserver and root" users_are_complete
  wait_until 20 "$point: root to hold role root" root_has_role
  wait_until 20 "$point: kube-apiserver's role to grant /registry/" kube_apiserver_has_prefix
  make_stranger
  wait_until 20 "$point: a stranger's read to be denied" stranger_is_denied
  stop_cke
done

# A user-add crashed after creating the user: the next user-add completes it.
start_cke CKE_FAILPOINTS=user-add.after-user=crash
wait_healthy 30
ckecli etcd user-add alice /app/alice/ >/dev/null 2>&1 && fail "user-add did not crash"
wait "$CKE_PID" 2>/dev/null || true
CKE_PID=""
start_cke
wait_healthy 30
ckecli etcd user-add alice /app/alice/ | has "completed user alice" || fail "the half-done user-add was not completed"
etcdctl --endpoints=$NODE2:2379 role get alice | has '\[/app/alice/, /app/alice0)' || fail "alice lacks her prefix"
expect_failure "user-add of a complete user" 'user "alice" already exists' ckecli etcd user-add alice /app/alice/
echo ok
