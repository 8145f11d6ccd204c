#!/usr/bin/env bash
# The ssh runtime when a node's sshd goes away: an observation, not a hang. The member shows
# runtime_state `unknown` with the SSH error, the cluster keeps serving, and a rolling restart
# that cluster.yml asks for meanwhile restarts what it can reach and waits for the rest: once the
# sshd is back, the node's member is restarted too, and nothing was done twice.
export CKE_E2E_RUNTIME=ssh
source "$(dirname "$0")/lib.sh"
e2e_setup 63
start_cke
wait_healthy 60
use_root_certificate

stop_node_sshd "$NODE3"
runtime_state_of() { members_json | jq -r --arg a "$1" '.[] | select(.address == $a) | .runtime_state'; }
unknown_with_error() {
  [ "$(runtime_state_of "$NODE3")" = unknown ] &&
    members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a) | .error | test("ssh .*cannot connect")' >/dev/null
}
wait_until 30 "$NODE3 shown unknown with the SSH error" unknown_with_error
etcdctl --endpoints=$NODE1:2379 put /during/outage yes >/dev/null || fail "the cluster does not serve while a node's sshd is down"

# A rolling restart (new etcd parameters) while NODE3 cannot be reached.
sed -i 's/extra_args: \["--heartbeat-interval=200", "--election-timeout=2000"\]/extra_args: ["--heartbeat-interval=200", "--election-timeout=2000", "--snapshot-count=20000"]/' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
restarted_ok() {
  ckecli history --limit 0 -output=json |
    jq -e --arg a "$1" '[.[] | select(.operation == "restart-member" and .target == $a and .result == "ok")] | length == 1' >/dev/null
}
wait_until 90 "the reachable members restarted" restarted_ok "$NODE1"
wait_until 90 "the reachable members restarted" restarted_ok "$NODE2"
# With NODE3's restart the only one left and impossible, cke settles: nothing more to do.
wait_until 30 "cke to settle with $NODE3 unreachable" phase_is healthy
kill -0 "$CKE_PID" || fail "cke exited while a node was unreachable"
restarted_ok "$NODE3" && fail "$NODE3 was restarted although its sshd was down"

start_node_sshd "$NODE3"
wait_until 90 "$NODE3 restarted once its sshd is back" restarted_ok "$NODE3"
wait_healthy 60
[ "$(runtime_state_of "$NODE3")" = running ] || fail "$NODE3 is not running: $(runtime_state_of "$NODE3")"
tr '\0' '\n' </proc/"$(member_pid "$NODE3")"/cmdline | has -x -- "--snapshot-count=20000" ||
  fail "$NODE3 does not run with the new parameters"
[ "$(etcdctl --endpoints=$NODE3:2379 get /during/outage --print-value-only)" = yes ] ||
  fail "the write made during the outage is not on $NODE3"
echo ok
