#!/usr/bin/env bash
# Space: a cluster forced into NOSPACE (a 16 MiB --quota-backend-bytes, then a key overwritten
# with 100 KB values until etcd refuses) is compacted, defragmented and disarmed by cke, and takes
# writes again with no acknowledged write lost. Then a member whose file is mostly free pages
# (after an operator's compaction) is defragmented, followers first, the leader last.
source "$(dirname "$0")/lib.sh"
e2e_setup 49
sed -i 's/"--election-timeout=2000"\]/"--election-timeout=2000", "--quota-backend-bytes=16777216"]/' "$E2E_DIR/cluster.yml"
VALUE=$(head -c 100000 /dev/zero | tr '\0' x)
ENDPOINTS="$NODE1:2379,$NODE2:2379,$NODE3:2379"

# fill_until_refused: overwrites /filler until etcd refuses for lack of space.
fill_until_refused() {
  local i out
  for i in $(seq 1 400); do
    if ! out=$(etcdctl --endpoints=$NODE1:2379 put /filler "$VALUE" 2>&1); then
      echo "$out" | has "database space exceeded" || fail "put $i failed otherwise: $out"
      echo "refused after $i puts of 100 KB"
      return 0
    fi
  done
  fail "400 puts of 100 KB did not exhaust a 16 MiB quota"
}
db_bytes() { etcdctl --endpoints=$ENDPOINTS endpoint status -w json | jq '[.[].Status.dbSize] | add'; }
no_alarm() { [ -z "$(etcdctl --endpoints=$ENDPOINTS alarm list)" ]; }
recovered() { [ "$(count_history recover-space)" -ge 1 ] && no_alarm && phase_is healthy; }

start_cke
wait_healthy 60
use_root_certificate
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"

fill_until_refused
etcdctl --endpoints=$ENDPOINTS alarm list | has NOSPACE || fail "no NOSPACE alarm raised"
wait_until 120 "cke to recover the space" recovered
etcdctl --endpoints=$NODE1:2379 put /after-nospace yes >/dev/null || fail "still not writable"
ckecli history --limit 0 -output=json | jq -e '[.[] | select(.operation == "recover-space" and .result == "ok")] | length >= 1' >/dev/null ||
  fail "no successful recover-space"
stop_writer
check_acked_writes "$ENDPOINTS"

# --- defragmentation of mostly-free files (threshold lowered to 1 MiB for the test) -------------
# cke is stopped while the files fill and an operator compacts, and started once every member has
# finished compacting, so that it sees all of them mostly free at once (followers first is then
# its choice, not the order compactions finished in).
# (etcd counts freed pages as free only after its next commit, so each poll writes a key.)
mostly_free_everywhere() {
  etcdctl --endpoints=$NODE1:2379 put /nudge x >/dev/null
  etcdctl --endpoints=$ENDPOINTS endpoint status -w json |
    jq -e 'all(.[]; .Status.dbSizeInUse * 2 < .Status.dbSize)' >/dev/null
}
defragments_ok() { ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == "defragment" and .result == "ok")] | length'; }
defragments=$(defragments_ok)
stop_cke
for i in $(seq 1 40); do etcdctl --endpoints=$NODE1:2379 put /filler "$VALUE" >/dev/null; done
before=$(db_bytes)
revision=$(etcdctl --endpoints=$NODE1:2379 endpoint status -w json | jq '.[0].Status.header.revision')
etcdctl --endpoints=$NODE1:2379 compact "$revision" --physical >/dev/null
wait_until 30 "every member compacted" mostly_free_everywhere
leader=$(etcdctl --endpoints=$ENDPOINTS endpoint status -w json |
  jq -r '.[] | select(.Status.leader == .Status.header.member_id) | .Endpoint | sub(":2379$"; "")')
start_cke CKE_TEST_DEFRAG_MIN_FREE_BYTES=1048576
three_more_defragmentations() { [ "$(defragments_ok)" -ge $((defragments + 3)) ]; }
wait_until 60 "three defragmentations after the compaction" three_more_defragmentations
wait_healthy 30
after=$(db_bytes)
[ "$after" -lt $((before / 2)) ] || fail "the members' files did not shrink: $before -> $after bytes"
last=$(ckecli history --limit 0 -output=json | jq -r '[.[] | select(.operation == "defragment")] | last | .target')
[ "$last" = "$leader" ] || fail "the leader $leader was not defragmented last (last: $last)"
echo "defragmented: $before -> $after bytes in all"
echo ok
