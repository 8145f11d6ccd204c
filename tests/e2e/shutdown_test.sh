#!/usr/bin/env bash
# A stop is always clean: SIGTERM while members die under cke, during a backup, during a restore
# and during an operation ends cke with exit status 0 — no abort, no core — and the next start
# resumes. (cke once aborted in gRPC's retry code on SIGTERM right after a member was killed.)
source "$(dirname "$0")/lib.sh"
e2e_setup 44
cd "$E2E_DIR"

# stop_cleanly WHAT: SIGTERM to cke; it must exit 0 within 60 s, and its log shows no abort.
stop_cleanly() {
  local status=0
  kill -TERM "$CKE_PID"
  local deadline=$((SECONDS + 60))
  while kill -0 "$CKE_PID" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || fail "$1: cke did not stop within 60 s of SIGTERM"
    sleep 0.1
  done
  wait "$CKE_PID" || status=$?
  CKE_PID=""
  [ "$status" = 0 ] || fail "$1: cke exited with status $status after SIGTERM"
  if has -e "Assertion" -e "terminate called" -e "Aborted" cke.log; then
    fail "$1: cke aborted: $(grep -e Assertion -e terminate -e Aborted cke.log | head -n 3)"
  fi
}
member_pid() { ckecli etcd member list -output=json | jq -r --arg a "$1" '.[] | select(.address == $a) | .pid'; }
random_delay() { printf '0.%03d' $((RANDOM % 1000)); }

# 1. The review's case, three times: a member killed and its data wiped, SIGTERM to cke, and the
#    other members stopped a second later.
for round in 1 2 3; do
  start_cke
  wait_healthy 60
  pid=$(member_pid "$NODE1")
  kill -9 "$pid"
  rm -rf "data/members/$NODE1/data"
  sleep "$(random_delay)"
  stop_cleanly "round $round"
  sleep 1
  cke --data-dir data --stop-members >/dev/null
  rm -rf data cke.log
done

# 2. SIGTERM at a random point of a bootstrap (once cke has begun an operation: a signal before
#    main() has run is the default action's), then the next start completes it.
for round in 1 2 3; do
  [ ! -d data ] || cke --data-dir data --stop-members >/dev/null
  rm -rf data
  : >cke.log
  start_cke
  wait_until 30 "cke to begin an operation" grep -q "info operation " cke.log
  sleep "$(random_delay)"
  stop_cleanly "bootstrap round $round"
  start_cke
  wait_healthy 60
  [ "$round" = 3 ] || stop_cleanly "after bootstrap round $round"
done
use_root_certificate
etcdctl --endpoints=$NODE1:2379 put /shutdown/marker 1 >/dev/null

# stop_during WHAT FAILPOINT COMMAND...: cke restarted with FAILPOINT held for 2 s; COMMAND runs
# in the background until cke reaches the failpoint; then SIGTERM at a random moment of the pause
# must stop cke cleanly; then cke starts again and the cluster must become healthy.
stop_during() {
  local what=$1 point=$2
  shift 2
  stop_cleanly "before $what"
  start_cke CKE_FAILPOINTS="$point=sleep:2"
  wait_healthy 30
  "$@" >"$point.out" 2>&1 &
  local running=$!
  wait_until 30 "$what to reach $point" grep -q "failpoint $point" cke.log
  sleep "$(random_delay)"
  stop_cleanly "during $what"
  wait "$running" 2>/dev/null || true
  start_cke
  wait_healthy 90
}

# 3. During a backup (its stream held mid-way): the next backup works.
stop_during "a backup" backup.mid-stream ckecli etcd local-backup --dir "$E2E_DIR/local"
ckecli etcd local-backup --dir "$E2E_DIR/local" | has "^created backup" || fail "the backup after the stop"

# 4. During a restore (held after its intent is recorded): the next start rolls it back or
#    finishes it, and the cluster has its data.
snapshot=$(ls "$E2E_DIR"/local/*.db.gz | tail -n 1)
stop_during "a restore" restore.after-intent ckecli etcd restore "$snapshot" --yes
[ "$(etcdctl --endpoints=$NODE1:2379 get /shutdown/marker --print-value-only)" = 1 ] || fail "the data after the stop"
stop_cleanly "at the end"
echo ok
