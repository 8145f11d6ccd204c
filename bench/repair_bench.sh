#!/usr/bin/env bash
# Time to repair: from `kill -9` of one member and the loss of its data to the replacement being
# healthy and in sync, done by cke, against the same steps run by hand with etcdctl on the same
# cluster in the same run (member remove, member add --learner, start etcd, promote, wait until
# it serves). Then, with the writer client running, the longest write outage while cke takes the
# cluster 3 → 5 → 3 and while it restarts every member for a changed extra_args value.
#   bench/repair_bench.sh [MIB]     (default 0: an empty database; 1024 for the 1 GiB figure)
set -euo pipefail
mib=${1:-0}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CKE_BIN:-$root/build/bin}
load=${CKE_LOAD:-$root/build/bench/etcd_load}
writer=${CKE_TEST_WRITER:-$root/build/tests/cke-test-writer}
export PATH="$bin:$PATH" ETCDCTL_API=3
nodes=(127.62.0.1 127.62.0.2 127.62.0.3 127.62.0.4 127.62.0.5)
work=$(mktemp -d /tmp/cke-bench-XXXXXX)
data=$work/data
export CKE_SERVER="unix://$data/cke.sock"
source "$root/bench/bench_lib.sh"
cke_pid="" writer_pid=""
cleanup() {
  if [ -n "$writer_pid" ]; then kill "$writer_pid" 2>/dev/null || true; fi
  if [ -n "$cke_pid" ]; then kill "$cke_pid" 2>/dev/null || true; wait "$cke_pid" 2>/dev/null || true; fi
  pkill -f "data-dir=$work/" 2>/dev/null || true
  while pgrep -f "data-dir=$work/" >/dev/null; do sleep 0.1; done
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
start_cke() {
  cke --data-dir "$data" --cluster "$work/cluster.yml" >>"$work/cke.log" 2>&1 &
  cke_pid=$!
}
stop_cke() { kill "$cke_pid"; wait "$cke_pid" 2>/dev/null || true; cke_pid=""; }
members() { ckecli etcd member list -output=json; }
# cluster_yml N [EXTRA_ARG]: the first N nodes as control plane.
cluster_yml() {
  {
    echo "name: bench"
    echo "nodes:"
    for i in $(seq 0 $(($1 - 1))); do echo "  - {address: ${nodes[$i]}, control_plane: true}"; done
    echo "options:"
    echo "  etcd:"
    echo "    extra_args: [\"--heartbeat-interval=200\", \"--election-timeout=2000\"${2:+, \"$2\"}]"
  } >"$work/cluster.yml"
}
# serving ADDRESS...: cke observes exactly these members, each a voter that serves.
serving() {
  local want got
  want=$(printf '%s\n' "$@" | sort | paste -sd,)
  got=$(members | jq -r '[.[] | select(.id != "") | .address] | sort | join(",")')
  [ "$got" = "$want" ] && members | jq -e '[.[] | select(.id != "")] | all(.is_learner == false and .healthy and .in_sync)' >/dev/null
}
pid_of() { cat "$data/members/$1/etcd.pid"; }
# kill_member ADDRESS: kill -9, then wait until the process is gone (a member with 1 GiB loaded
# takes a moment to die, and holds its ports until it has).
kill_member() {
  local pid
  pid=$(pid_of "$1")
  kill -9 "$pid"
  while kill -0 "$pid" 2>/dev/null; do sleep 0.02; done
}

cluster_yml 3
start_cke
wait_for serving "${nodes[@]:0:3}"
wait_for status_is "healthy true"
CERT=$(ckecli etcd root-issue)
echo "$CERT" | jq -r .ca_certificate >"$work/ca.crt"
echo "$CERT" | jq -r .certificate >"$work/root.crt"
echo "$CERT" | jq -r .private_key >"$work/root.key"
export ETCDCTL_CACERT=$work/ca.crt ETCDCTL_CERT=$work/root.crt ETCDCTL_KEY=$work/root.key
endpoints="${nodes[0]}:2379,${nodes[1]}:2379"
if [ "$mib" -gt 0 ]; then
  "$load" --endpoint "${nodes[0]}:2379" --cacert "$work/ca.crt" --cert "$work/root.crt" \
    --key "$work/root.key" --mib "$mib" >/dev/null
fi
db=$(etcdctl --endpoints="${nodes[0]}:2379" endpoint status -w json | jq '.[0].Status.dbSize')
victim=${nodes[2]}

# --- cke repairs ---------------------------------------------------------------------------
old_id=$(members | jq -r --arg a "$victim" '.[] | select(.address == $a) | .id')
tr '\0' '\n' <"/proc/$(pid_of "$victim")/cmdline" >"$work/argv"
rm -rf "$data/members/$victim/data"
kill_member "$victim"
t0=$(now)
new_id() { members | jq -r --arg a "$victim" '.[] | select(.address == $a) | .id'; }
replaced() { id=$(new_id) && [ -n "$id" ] && [ "$id" != "$old_id" ] && serving "${nodes[@]:0:3}"; }
wait_for replaced
t1=$(now)
cke_s=$(elapsed "$t0" "$t1")

# --- the same by hand ------------------------------------------------------------------------
stop_cke  # the members keep running
# (The table, not JSON: member IDs are 64-bit and jq reads numbers as doubles.)
old_id=$(etcdctl --endpoints="$endpoints" member list | awk -F', ' -v u="https://$victim:2380" '$4 == u {print $1}')
rm -rf "$data/members/$victim/data"
kill_member "$victim"
t2=$(now)
etcdctl --endpoints="$endpoints" member remove "$old_id" >/dev/null
sleep_to_next_second() { sleep "0.$(printf '%03d' $((1000 - 10#$(date +%N | cut -c1-3))))"; }
sleep_to_next_second  # the same peer URL re-added within the second gets the removed ID back
add_learner() {
  out=$(etcdctl --endpoints="$endpoints" member add "$victim" --learner --peer-urls="https://$victim:2380")
}
wait_for add_learner
# The new ID from the member list: `member add` prints it with %16x, space-padded when its top
# nibble is zero.
new=$(etcdctl --endpoints="$endpoints" member list | awk -F', ' -v u="https://$victim:2380" '$4 == u {print $1}')
[ -n "$new" ] || { echo "bench: the learner for $victim is not in the member list" >&2; exit 1; }
initial=$(echo "$out" | sed -n 's/^ETCD_INITIAL_CLUSTER="\(.*\)"$/\1/p')
mapfile -t argv <"$work/argv"
for i in "${!argv[@]}"; do
  case "${argv[$i]}" in
    --initial-cluster=*) argv[$i]="--initial-cluster=$initial" ;;
    --initial-cluster-state=*) argv[$i]="--initial-cluster-state=existing" ;;
  esac
done
"${argv[@]}" >"$work/hand.log" 2>&1 &
# MemberPromote with auth on works only at the leader (ETCD-NOTES).
leader_endpoint() {
  etcdctl --endpoints="$endpoints" endpoint status -w json |
    jq -r '.[] | select(.Status.leader == .Status.header.member_id) | .Endpoint'
}
promote() { etcdctl --endpoints="$(leader_endpoint)" member promote "$new" >/dev/null 2>&1; }
wait_for promote
in_sync() {
  local leader mine
  leader=$(etcdctl --endpoints="$endpoints" endpoint status -w json | jq '[.[].Status.header.revision] | max')
  mine=$(etcdctl --endpoints="$victim:2379" endpoint status -w json | jq '.[0].Status.header.revision')
  [ "$mine" -ge "$leader" ]
}
wait_for in_sync
t3=$(now)
hand_s=$(elapsed "$t2" "$t3")
pkill -f "data-dir=$data/members/$victim/" || true
while pgrep -f "data-dir=$data/members/$victim/" >/dev/null; do sleep 0.05; done
printf 'repair, %d MiB database (%d bytes): cke %.2f s, by hand %.2f s, ratio %.2f\n' \
  "$mib" "$db" "$cke_s" "$hand_s" "$(echo "$cke_s / $hand_s" | bc -l)"
if [ "$mib" -gt 0 ]; then
  echo "target: ratio <= 1.2"
else
  echo "target: cke <= 15 s"
fi

# cke takes the hand-made member over: it has no record of it, so it restarts it once.
start_cke
wait_for serving "${nodes[@]:0:3}"

# --- write outages ---------------------------------------------------------------------------
# start_writer / stop_writer: the writer client against every node; prints its longest outage.
start_writer() {
  : >"$work/acked"
  "$writer" "$(printf '%s:2379,' "${nodes[@]}")" "$work/ca.crt" "$work/root.crt" "$work/root.key" \
    /bench/ "$work/acked" >"$work/writer.out" 2>&1 &
  writer_pid=$!
  wait_for test -s "$work/acked"
}
# stop_writer: sets outage_ms (not in a subshell: writer_pid must be cleared here).
stop_writer() {
  kill "$writer_pid"; wait "$writer_pid"; writer_pid=""
  outage_ms=$(sed -n 's/.*longest outage \([0-9]*\) ms.*/\1/p' "$work/writer.out")
}
wait_for status_is "healthy true"
start_writer
t4=$(now)
cluster_yml 5
ckecli cluster set "$work/cluster.yml" >/dev/null
wait_for serving "${nodes[@]}"
cluster_yml 3
ckecli cluster set "$work/cluster.yml" >/dev/null
wait_for serving "${nodes[@]:0:3}"
t5=$(now)
stop_writer
printf '3 -> 5 -> 3: %.1f s, longest write outage %s ms (target <= 3000)\n' "$(elapsed "$t4" "$t5")" "$outage_ms"

wait_for status_is "healthy true"
restarts() { ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == "restart-member" and .result == "ok")] | length'; }
before=$(restarts)
start_writer
t6=$(now)
cluster_yml 3 "--snapshot-count=50000"
ckecli cluster set "$work/cluster.yml" >/dev/null
restarted_all() { [ "$(restarts)" -ge $((before + 3)) ] && serving "${nodes[@]:0:3}"; }
wait_for restarted_all
t7=$(now)
stop_writer
printf 'rolling restart of 3 members: %.1f s, longest write outage %s ms (target <= 1000)\n' \
  "$(elapsed "$t6" "$t7")" "$outage_ms"
