#!/usr/bin/env bash
# kill -9 of cke (a failpoint that crashes it) at each step of add-learner, promote, remove-member
# and the leadership move before a removal: a restarted cke converges to what cluster.yml says,
# with no stray learner, no member added but never started, no removed member left running, and
# no acknowledged write lost.
source "$(dirname "$0")/lib.sh"
e2e_setup 46
NODE4=127.46.0.4

# (A function, not `sh -c`: pgrep -f would find the shell whose command line holds the pattern.)
no_member_process() { ! pgrep -f "data-dir=$E2E_DIR/data/members/$1/" >/dev/null; }

# crash_then_converge FAILPOINT NODES: cke armed to crash at FAILPOINT applies the cluster.yml of
# the first NODES nodes, crashes there, and a cke started again without failpoints converges.
crash_then_converge() {
  local failpoint=$1 nodes=$2
  stop_cke
  start_cke CKE_FAILPOINTS="$failpoint=crash"
  wait_healthy 60
  ckecli cluster set "$(control_plane_file "$nodes")" >/dev/null
  wait_until 60 "cke to crash at $failpoint" sh -c "! kill -0 $CKE_PID"
  wait "$CKE_PID" 2>/dev/null || true
  CKE_PID=""
  has "failpoint $failpoint" "$E2E_DIR/cke.log" || fail "cke stopped, but not at $failpoint"
  start_cke
  if [ "$nodes" = 4 ]; then
    wait_until 90 "four voters after a crash at $failpoint" voters_are $NODE1 $NODE2 $NODE3 $NODE4
  else
    wait_until 90 "three voters after a crash at $failpoint" voters_are $NODE1 $NODE2 $NODE3
    wait_until 20 "the removed member stopped" no_member_process $NODE4
  fi
  wait_healthy 30
  echo "crash at $failpoint: converged"
}

start_cke
wait_healthy 60
use_root_certificate
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379" "$NODE4:2379"

crash_then_converge add-learner.after-add 4
crash_then_converge remove-member.after-remove 3
crash_then_converge add-learner.after-start 4
# Leadership moves to node4, so that removing it needs the move first.
etcdctl --endpoints=$NODE1:2379,$NODE2:2379,$NODE3:2379,$NODE4:2379 move-leader "$(member_id $NODE4)" >/dev/null
wait_until 20 "$NODE4 leads" sh -c "ckecli status -output=json | jq -e '.leader == \"$NODE4\"'"
crash_then_converge move-leader.after 3
crash_then_converge promote.before 4
ckecli cluster set "$(control_plane_file 3)" >/dev/null
wait_until 90 "three voters" voters_are $NODE1 $NODE2 $NODE3
crash_then_converge promote.after 4

stop_writer
check_acked_writes "$NODE1:2379,$NODE2:2379,$NODE3:2379,$NODE4:2379"
echo ok
