#!/usr/bin/env bash
# Failover of the HA controller: three cke processes sharing a real three-member state etcd on
# this machine; the leader is killed with kill -9 and an operator, through a surviving cke, asks
# for a change (ckecli etcd user-add, redirected to whoever leads) until it is done. Prints, for
# each run, the time from the kill to the new leader's key in the state etcd and to that
# operation's completion, beside the configured lease TTL.
#   bench/failover_bench.sh [RUNS] [TTL_SECONDS]     (defaults 3 and 10, cke's default TTL)
set -euo pipefail
runs=${1:-3}
export STATE_LEADER_TTL=${2:-10}
export CKE_BIN=${CKE_BIN:-$(cd "$(dirname "$0")/../build/bin" && pwd)}
source "$(dirname "$0")/../tests/e2e/lib.sh"
source "$(dirname "$0")/../tests/e2e/state_etcd.sh"
source "$(dirname "$0")/bench_lib.sh"
e2e_setup 66
API=(127.66.2.1:9443 127.66.2.2:9443 127.66.2.3:9443)
declare -A PIDS=()
stop_all() {
  local i
  for i in "${!PIDS[@]}"; do kill "${PIDS[$i]}" 2>/dev/null || true; wait "${PIDS[$i]}" 2>/dev/null || true; done
  [ -z "${STATE_FLAGS:-}" ] || cke --data-dir "$E2E_DIR/stop" --members-dir "$E2E_DIR/members" \
    "${STATE_FLAGS[@]}" --stop-members >/dev/null 2>&1 || true
  stop_state_etcd
}
E2E_ON_CLEANUP=stop_all
start_state_etcd 127.66.1.1 127.66.1.2 127.66.1.3
start() {  # start INDEX
  cke --data-dir "$E2E_DIR/cke-$1" --members-dir "$E2E_DIR/members" --cluster "$E2E_DIR/cluster.yml" \
    --listen "${API[$1]}" "${STATE_FLAGS[@]}" >>"$E2E_DIR/cke-$1.log" 2>&1 &
  PIDS[$1]=$!
}
for i in 0 1 2; do start "$i"; done
export CKE_SERVER="unix://$E2E_DIR/cke-0/cke.sock"
wait_for status_is "healthy true"
cke --data-dir "$E2E_DIR/cke-0" --issue-admin-cert "$E2E_DIR/admin" >/dev/null
index_of() { local i; for i in 0 1 2; do if [ "${API[$i]}" = "$1" ]; then echo "$i"; fi; done; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
new_leader() { local l; l=$(state_leader); [ -n "$l" ] && [ "$l" != "$old" ]; }

printf '%-4s %16s %22s %8s\n' run "new leader ms" "operation done ms" "TTL s"
for run in $(seq "$runs"); do
  old=$(state_leader)
  victim=$(index_of "$old")
  survivor=$(((victim + 1) % 3))
  kill -9 "${PIDS[$victim]}"
  t0=$(now_ms)
  wait "${PIDS[$victim]}" 2>/dev/null || true
  add_user() {
    ckecli --server "${API[$survivor]}" --tls-dir "$E2E_DIR/admin" etcd user-add "failover$run" "/failover$run/" >/dev/null
  }
  leader_ms=""
  until [ -n "$leader_ms" ] && add_user 2>/dev/null; do
    if [ -z "$leader_ms" ] && new_leader; then leader_ms=$(($(now_ms) - t0)); fi
    [ $(($(now_ms) - t0)) -lt 120000 ] || { echo "bench: no operation within 120 s of the kill" >&2; exit 1; }
    sleep 0.05
  done
  done_ms=$(($(now_ms) - t0))
  printf '%-4s %16s %22s %8s\n' "$run" "$leader_ms" "$done_ms" "$STATE_LEADER_TTL"
  start "$victim"  # back to three
  wait_for test -S "$E2E_DIR/cke-$victim/cke.sock"
done
echo "target: the new leader within the TTL (the lease is 1 s shorter: the rest is the time to notice its expiry)"
