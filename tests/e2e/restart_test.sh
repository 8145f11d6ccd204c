#!/usr/bin/env bash
# kill -9 of cke: the members keep serving; a restarted cke adopts them (same pids, no second
# bootstrap). A second cke on the same data dir refuses to start. --stop-members stops them; a
# restarted cke starts them again from their data.
source "$(dirname "$0")/lib.sh"
e2e_setup 34

start_cke
wait_healthy 60
use_root_certificate
etcdctl --endpoints=$NODE1:2379 put /survivor yes >/dev/null
pids_before=$(ckecli etcd member list -output=json | jq -c '[.[].pid]')

# A second cke on the same data dir refuses, naming the directory.
out=$(cke --data-dir "$E2E_DIR/data" 2>&1) && fail "a second cke started"
echo "$out" | has "another cke is already running on $E2E_DIR/data" || fail "second cke said: $out"

kill -9 "$CKE_PID"
wait "$CKE_PID" 2>/dev/null || true
CKE_PID=""
[ "$(etcdctl --endpoints=$NODE2:2379 get /survivor --print-value-only)" = yes ] || fail "members stopped serving"
etcdctl --endpoints=$NODE3:2379 put /while-cke-is-down 1 >/dev/null || fail "cannot write while cke is down"

start_cke
wait_healthy 30
[ "$(ckecli etcd member list -output=json | jq -c '[.[].pid]')" = "$pids_before" ] || fail "members were restarted, not adopted"
[ "$(count_history bootstrap)" = 1 ] || fail "history shows $(count_history bootstrap) bootstraps"
[ "$(count_history start-member)" = 0 ] || fail "members were started again"

# Stop the members; a new cke starts them from their data, one by one, without bootstrapping.
stop_cke
cke --data-dir "$E2E_DIR/data" --stop-members | grep -c stopped | has -x 3 || fail "--stop-members"
if etcdctl --endpoints=$NODE1:2379 --command-timeout=2s get /survivor >/dev/null 2>&1; then fail "a member still serves"; fi
start_cke
wait_healthy 60
[ "$(count_history bootstrap)" = 1 ] || fail "a second bootstrap after --stop-members"
[ "$(count_history start-member)" = 3 ] || fail "expected 3 start-member operations, got $(count_history start-member)"
[ "$(etcdctl --endpoints=$NODE1:2379 get /while-cke-is-down --print-value-only)" = 1 ] || fail "data lost"

# Every member's data gone after a bootstrap: needs-restore, never a new empty cluster.
stop_cke
cke --data-dir "$E2E_DIR/data" --stop-members >/dev/null
rm -rf "$E2E_DIR"/data/members/*/data
start_cke
wait_until 20 "phase needs-restore" sh -c '[ "$(ckecli status -output=json | jq -r .phase)" = needs-restore ]'
sleep 1  # (a moment for a wrong decision to show: none may start a member)
[ "$(count_history bootstrap)" = 1 ] || fail "a second bootstrap on lost data"
pgrep -f "data-dir=$E2E_DIR/data/members" >/dev/null && fail "a member was started on lost data"
echo ok
