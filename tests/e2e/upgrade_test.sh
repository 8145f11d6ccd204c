#!/usr/bin/env bash
# Upgrading cke keeps existing clusters. fixtures/data-dir-before-format-2.tar.xz is a data
# directory written by the release before state format 2 (its members stopped with
# `cke --stop-members`; keys and a user written through it). This cke adopts it: the members
# start from their data, with no second bootstrap, the data and the user are there, and the state
# is rewritten as format 2. Then, with the members running, a state without member records (as
# that release left it while its members ran) makes cke restart each member once, one at a time.
source "$(dirname "$0")/lib.sh"
e2e_setup 48
tar -xJf "$(dirname "$0")/fixtures/data-dir-before-format-2.tar.xz" -C "$E2E_DIR"
chmod 0700 "$E2E_DIR/data"
[ "$(jq -r '.format // "none"' "$E2E_DIR/data/state.json")" = none ] || fail "the fixture is not a format-1 state"

start_cke
wait_healthy 60
[ "$(count_history bootstrap)" = 1 ] || fail "a second bootstrap: $(count_history bootstrap)"
[ "$(count_history start-member)" = 3 ] || fail "expected the 3 members started from their data, got $(count_history start-member)"
[ "$(jq -r .format "$E2E_DIR/data/state.json")" = 2 ] || fail "the state was not migrated to format 2"
use_root_certificate
[ "$(etcdctl --endpoints=$NODE1:2379 get /written-by-the-old-release/5 --print-value-only)" = value-5 ] ||
  fail "the old release's data is not there"
ckecli etcd user-list -output=json | jq -e '.[] | select(.name == "app") | .prefixes == ["/app/"]' >/dev/null ||
  fail "the old release's user app is not there"
[ "$(ckecli status -output=json | jq -r .cluster_id)" = "$(jq -r .cluster_id "$E2E_DIR/data/state.json")" ] ||
  fail "the cluster ID changed"

# Running members that an older cke started (no member records): adopted, then restarted once.
stop_cke
jq 'del(.format) | del(.member_records)' "$E2E_DIR/data/state.json" >"$E2E_DIR/state.tmp"
cat "$E2E_DIR/state.tmp" >"$E2E_DIR/data/state.json"
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"
start_cke
wait_until 120 "three restarts" sh -c "[ \$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == \"restart-member\" and .result == \"ok\")] | length') -ge 3 ]"
wait_healthy 60
[ "$(count_history restart-member)" = 3 ] || fail "expected each member restarted once, got $(count_history restart-member)"
[ "$(count_history bootstrap)" = 1 ] || fail "a second bootstrap after adopting running members"
stop_writer
check_acked_writes "$NODE1:2379,$NODE2:2379,$NODE3:2379"
echo ok
