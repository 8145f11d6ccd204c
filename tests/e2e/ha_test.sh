#!/usr/bin/env bash
# Several cke processes sharing cke's own etcd (the "state etcd"): a real three-member etcd with
# TLS and RBAC started here, three cke processes electing a leader in it.
#   1. One cke with a data directory bootstraps the cluster; `cke --migrate-state` moves its
#      state, history and CAs into the state etcd; three cke processes take the running members
#      over without a second bootstrap.
#   2. Only cke's etcd user reads the CA keys in the state etcd.
#   3. ckecli against a follower: reads answer there, a change is sent on to the leader.
#   4. kill -9 of the leader while an operation sleeps at a failpoint: another cke leads within
#      the lease TTL, the operation is completed once, no acknowledged write is lost.
#   5. A leader stopped (SIGSTOP) past its TTL and continued writes nothing to the state.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/state_etcd.sh"
e2e_setup 65
TTL=5
export STATE_LEADER_TTL=$TTL
STATE=(127.65.1.1 127.65.1.2 127.65.1.3)
API=(127.65.2.1:9443 127.65.2.2:9443 127.65.2.3:9443)
NAMES=(a b c)
declare -A HA_PID=()

E2E_EXTRA_LOGS="$E2E_DIR/cke-a.log $E2E_DIR/cke-b.log $E2E_DIR/cke-c.log"
stop_state_side() {
  for n in "${!HA_PID[@]}"; do kill -CONT "${HA_PID[$n]}" 2>/dev/null || true; kill "${HA_PID[$n]}" 2>/dev/null || true; done
  for n in "${!HA_PID[@]}"; do wait "${HA_PID[$n]}" 2>/dev/null || true; done
  # The members, as the state etcd knows them (the data directory's state was migrated).
  [ -z "${STATE_FLAGS:-}" ] || cke --data-dir "$E2E_DIR/cke-stop" --members-dir "$E2E_DIR/data/members" \
    "${STATE_FLAGS[@]}" --stop-members >/dev/null 2>&1 || true
  stop_state_etcd
}
E2E_ON_CLEANUP=stop_state_side

start_state_etcd "${STATE[@]}"

# --- 1. one cke, then the migration -----------------------------------------------------------
start_cke
wait_healthy 90
use_root_certificate
etcdctl --endpoints="$NODE1:2379" put /before-migration yes >/dev/null
pids_before=$(members_json | jq -r '[.[].pid] | sort | join(",")')
stop_cke
cke --data-dir "$E2E_DIR/data" "${STATE_FLAGS[@]}" --migrate-state | has "migrated the state and CAs" ||
  fail "--migrate-state"
expect_failure "a second migration" "moved to a state etcd" \
  cke --data-dir "$E2E_DIR/data" "${STATE_FLAGS[@]}" --migrate-state

dir_of() { [ "$1" = a ] && echo "$E2E_DIR/data" || echo "$E2E_DIR/cke-$1"; }
sock_of() { echo "unix://$(dir_of "$1")/cke.sock"; }
# start_ha N [ENV=VALUE...]: cke N (a, b or c) on its own data dir and API address, the members
# in cke a's member directory (where the first cke started them).
start_ha() {
  local n=$1 i
  shift
  case $n in a) i=0 ;; b) i=1 ;; c) i=2 ;; esac
  env "$@" cke --data-dir "$(dir_of "$n")" --members-dir "$E2E_DIR/data/members" \
    --cluster "$E2E_DIR/cluster.yml" --listen "${API[$i]}" "${STATE_FLAGS[@]}" \
    >>"$E2E_DIR/cke-$n.log" 2>&1 &
  HA_PID[$n]=$!
}
leader_address() { state_leader; }
leader_is() { [ "$(leader_address)" = "$1" ]; }
name_of() { local i; for i in 0 1 2; do if [ "${API[$i]}" = "$1" ]; then echo "${NAMES[$i]}"; fi; done; }
# cke a leads first, with a failpoint that holds a member restart (section 4).
start_ha a CKE_FAILPOINTS=restart-member.after-stop=sleep:600
wait_until 30 "cke a to lead" leader_is "${API[0]}"
start_ha b
start_ha c
export CKE_SERVER
CKE_SERVER=$(sock_of a)
wait_healthy 60
for n in b c; do
  wait_until 30 "cke $n to serve" test -S "$(dir_of "$n")/cke.sock"
  CKE_SERVER=$(sock_of "$n") wait_healthy 30
done
CKE_SERVER=$(sock_of a)
[ "$(count_history bootstrap)" = 1 ] || fail "a second bootstrap after the migration"
[ "$(members_json | jq -r '[.[].pid] | sort | join(",")')" = "$pids_before" ] ||
  fail "the members were restarted instead of adopted"
[ "$(etcdctl --endpoints="$NODE1:2379" get /before-migration --print-value-only)" = yes ] ||
  fail "data written before the migration is gone"
echo "migrated: one bootstrap in history, members adopted (pids $pids_before)"

# --- 2. the CA keys: cke's user reads them, another user does not -------------------------------
state_ctl cke get /cke/pki/client-ca.key --print-value-only | has "PRIVATE KEY" ||
  fail "cke's etcd user cannot read the CA key"
if out=$(state_ctl reader get /cke/pki/client-ca.key 2>&1); then fail "another etcd user read a CA key"; fi
echo "$out" | has "permission denied" || fail "another etcd user's read of a CA key: $out"

# --- 3. ckecli against a follower ----------------------------------------------------------------
CKE_SERVER=$(sock_of b)
[ "$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == "bootstrap")] | length')" = 1 ] ||
  fail "a follower's history"
ckecli status -output=json | jq -r .phase_detail | has "following the leader at ${API[0]}" ||
  fail "a follower's status does not name the leader"
# A follower names the leader once, not at each look at the leader key (it used to forget the
# leader between two looks, and a status taken then named none).
for n in b c; do
  [ "$(grep -c "info following the leader at ${API[0]}\$" "$E2E_DIR/cke-$n.log")" = 1 ] ||
    fail "cke $n logged 'following the leader' more than once: it forgot the leader between looks"
done
[ "$(ckecli etcd member list -output=json | jq '[.[] | select(.healthy)] | length')" = 3 ] ||
  fail "a follower's member list"
cke --data-dir "$(dir_of b)" --issue-admin-cert "$E2E_DIR/admin" >/dev/null
out=$(ckecli --server "${API[1]}" --tls-dir "$E2E_DIR/admin" etcd user-add hauser /ha/ 2>&1) ||
  fail "user-add through a follower: $out"
echo "$out" | has "sending the command to the leader at ${API[0]}" || fail "no redirect: $out"
echo "$out" | has "added user hauser" || fail "user-add through a follower: $out"
expect_failure "a change on a follower's socket without an operator certificate" \
  "the leader serves the API at ${API[0]}" ckecli etcd user-add hauser2 /ha2/
CKE_SERVER=$(sock_of a)
[ "$(count_history user-add)" = 1 ] || fail "user-add recorded $(count_history user-add) times"

# --- 4. kill -9 of the leader mid-operation -------------------------------------------------------
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"
sed -i 's/"--election-timeout=2000"\]/"--election-timeout=2000", "--snapshot-count=20000"]/' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
restart_running() {
  ckecli history --limit 0 -output=json |
    jq -e '[.[] | select(.operation == "restart-member" and .result == "running")] | length == 1'
}
wait_until 60 "cke a to hold a restart at its failpoint" restart_running
last_id=$(ckecli history --limit 0 -output=json | jq '[.[].id] | max')
kill -9 "${HA_PID[a]}"
killed_at=$(date +%s%N)
wait "${HA_PID[a]}" 2>/dev/null || true
unset 'HA_PID[a]'
new_leader() { local l; l=$(leader_address); [ -n "$l" ] && [ "$l" != "${API[0]}" ]; }
wait_until 30 "another cke to lead" new_leader
leader=$(name_of "$(leader_address)")
# From the kill to the new leader's own log line (not to this script's next poll).
elected_at=$(grep -F "elected leader" "$E2E_DIR/cke-$leader.log" | tail -n 1 | cut -d' ' -f1)
elected_ms=$(($(date -d "$elected_at" +%s%N) / 1000000 - killed_at / 1000000))
echo "cke $leader leads ${elected_ms} ms after kill -9 of the leader (--leader-ttl ${TTL}s)"
# (half a second for this machine's scheduling while it runs other tests)
[ "$elected_ms" -le $((TTL * 1000 + 500)) ] || fail "a new leader only after $elected_ms ms (--leader-ttl ${TTL}s)"
CKE_SERVER=$(sock_of "$leader")
# Every member restarted once with the new flag, the held restart recorded as interrupted.
restarted_all() {
  ckecli history --limit 0 -output=json | jq -e --argjson after "$last_id" '
    [.[] | select(.id >= $after and (.operation == "restart-member" or .operation == "start-member") and .result == "ok") | .target]
    | (length == 3 and (unique | length) == 3)' && is_healthy_with_auth
}
wait_until 120 "the new leader to restart every member once" restarted_all
history=$(ckecli history --limit 0 -output=json)
[ "$(echo "$history" | jq '[.[] | select(.result == "interrupted")] | length')" = 1 ] ||
  fail "expected one interrupted operation: $(echo "$history" | jq -c '[.[] | select(.id >= '"$last_id"')]')"
[ "$(echo "$history" | jq '[.[] | select(.result == "running")] | length')" = 0 ] ||
  fail "an operation still recorded as running"
for node in "$NODE1" "$NODE2" "$NODE3"; do
  tr '\0' '\n' <"/proc/$(member_pid "$node")/cmdline" | has -x -- "--snapshot-count=20000" ||
    fail "the member on $node runs without the new flag"
done
stop_writer
check_acked_writes "$NODE1:2379"

all_running() {
  local n status
  for n in "${!HA_PID[@]}"; do
    if ! kill -0 "${HA_PID[$n]}" 2>/dev/null; then
      status=0
      wait "${HA_PID[$n]}" || status=$?
      fail "cke $n exited with status $status: $(tail -n 3 "$E2E_DIR/cke-$n.log")"
    fi
  done
}
all_running

# --- 5. a stopped leader, continued past its TTL, writes nothing ----------------------------------
old=$leader
kill -STOP "${HA_PID[$old]}"
E2E_STOPPED_PIDS="${HA_PID[$old]}"
old_api=$(leader_address)
other_leads() { local l; l=$(leader_address); [ -n "$l" ] && [ "$l" != "$old_api" ]; }
wait_until 30 "the third cke to lead" other_leads
leader=$(name_of "$(leader_address)")
CKE_SERVER=$(sock_of "$leader")
ckecli etcd user-add hauser3 /ha3/ >/dev/null
state_rev() { state_ctl cke get /cke/state -w json | jq '.kvs[0].mod_revision'; }
rev=$(state_rev)
kill -CONT "${HA_PID[$old]}"
E2E_STOPPED_PIDS=""
follows() { CKE_SERVER=$(sock_of "$old") ckecli status -output=json | jq -r .phase_detail | has "following the leader at $(leader_address)"; }
wait_until 30 "the continued cke to follow" follows
[ "$(state_rev)" = "$rev" ] || fail "the state was written after the old leader continued"
has -F "no longer the leader" "$E2E_DIR/cke-$old.log" || fail "the old leader did not step down"
[ "$(count_history user-add)" = 2 ] || fail "user-add recorded $(count_history user-add) times"
echo ok
