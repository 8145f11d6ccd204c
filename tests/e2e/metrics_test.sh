#!/usr/bin/env bash
# cke --metrics-listen: the scrape passes `promtool check metrics` (Debian's prometheus) and says
# what a user sees elsewhere: three members up and healthy with one leader, the bootstrap's
# operations counted once however often it is scraped, certificate expiry in the future, a
# backup's time once one is taken and a scheduled backup's size, and an etcd leader change once
# the leader is killed.
# A --metrics-listen address already in use is refused with an error that names it.
source "$(dirname "$0")/lib.sh"
command -v promtool >/dev/null || fail "no promtool: run packaging/install-deps.sh (prometheus)"
e2e_setup 67 'etcd_backup:
  enabled: enable
  pvc_name: etcdbackup-pvc
  schedule: "* * * * *"
  rotate: 2'
metrics_at=127.67.0.9:19167
echo 0 >"$E2E_DIR/offset"  # the schedule's clock, moved by the test (as in scheduled_backup_test)
env CKE_TEST_SCHEDULE_OFFSET_FILE="$E2E_DIR/offset" cke --data-dir "$E2E_DIR/data" --cluster "$E2E_DIR/cluster.yml" --metrics-listen "$metrics_at" \
  >>"$E2E_DIR/cke.log" 2>&1 &
CKE_PID=$!
wait_healthy 60
use_root_certificate

scrape() { curl -sf "http://$metrics_at/metrics" >"$E2E_DIR/metrics.txt" || fail "no answer at http://$metrics_at/metrics"; }
# metric 'NAME{LABELS}': its value in the last scrape ("" when absent).
metric() { awk -v m="$1" '$1 == m { print $2 }' "$E2E_DIR/metrics.txt"; }
sum_of() { awk -v m="$1" 'index($1, m "{") == 1 || $1 == m { s += $2 } END { print s + 0 }' "$E2E_DIR/metrics.txt"; }

scrape
promtool check metrics <"$E2E_DIR/metrics.txt" || fail "promtool check metrics refused the scrape"
[ "$(metric cke_leader)" = 1 ] || fail "cke_leader is $(metric cke_leader)"
[ "$(metric cke_cluster_healthy)" = 1 ] || fail "cke_cluster_healthy is $(metric cke_cluster_healthy)"
for node in $NODE1 $NODE2 $NODE3; do
  [ "$(metric "cke_member_up{member=\"$node\"}")" = 1 ] || fail "cke_member_up of $node"
  [ "$(metric "cke_member_healthy{member=\"$node\"}")" = 1 ] || fail "cke_member_healthy of $node"
  [ "$(metric "cke_member_learner{member=\"$node\"}")" = 0 ] || fail "cke_member_learner of $node"
  expires=$(metric "cke_certificate_expiry_timestamp_seconds{kind=\"member\",name=\"$node\"}")
  [ -n "$expires" ] && [ "${expires%.*}" -gt "$(date +%s)" ] || fail "member certificate expiry of $node: '$expires'"
done
[ "$(sum_of cke_member_leader)" = 1 ] || fail "cke_member_leader sums to $(sum_of cke_member_leader)"
ca_expires=$(metric 'cke_certificate_expiry_timestamp_seconds{kind="ca",name="server"}')
[ -n "$ca_expires" ] && [ "${ca_expires%.*}" -gt $(($(date +%s) + 365 * 86400)) ] || fail "server CA expiry: '$ca_expires'"
[ "$(metric 'cke_operations_total{operation="bootstrap",result="ok"}')" = 1 ] || fail "bootstrap not counted once"
[ -z "$(metric cke_backup_last_success_timestamp_seconds)" ] || fail "a backup time before any backup"

# A backup through ckecli: its time; counted once over two scrapes.
ckecli etcd backup take >/dev/null || fail "backup take"
scrape
at=$(metric cke_backup_last_success_timestamp_seconds)
[ -n "$at" ] && [ $(($(date +%s) - ${at%.*})) -lt 120 ] || fail "cke_backup_last_success_timestamp_seconds is '$at'"
scrape
[ "$(metric 'cke_operations_total{operation="backup",result="ok"}')" = 1 ] || fail "the backup not counted once"
[ "$(metric 'cke_operations_total{operation="bootstrap",result="ok"}')" = 1 ] || fail "bootstrap counted again"
[ "$(metric 'cke_operation_duration_seconds_count{operation="backup"}')" = 1 ] || fail "the backup's duration"

# A scheduled backup: its stored size.
wait_until 10 "the schedule to start counting" sh -c "[ \"\$(jq .last_backup_fire '$E2E_DIR/data/state.json')\" != 0 ]"
echo 60 >"$E2E_DIR/offset"
sized() { scrape && [ "$(metric cke_backup_last_size_bytes)" -gt 0 ] 2>/dev/null; }
wait_until 30 "cke_backup_last_size_bytes of the scheduled backup" sized
[ "$(metric 'cke_operations_total{operation="scheduled-backup",result="ok"}')" = 1 ] || fail "the scheduled backup not counted"

# The etcd leader killed: another is elected, and cke counts the change.
leader=$(awk '/^cke_member_leader\{/ && $2 == 1' "$E2E_DIR/metrics.txt" | sed 's/.*member="\([^"]*\)".*/\1/')
kill -KILL "$(member_pid "$leader")"
leader_changed() { scrape && [ "$(metric cke_etcd_leader_changes_total)" -ge 1 ]; }
wait_until 60 "cke_etcd_leader_changes_total to count the new leader" leader_changed
wait_healthy 60

# The address taken: an error that names the flag, and no second cke.
if out=$(timeout 20 cke --data-dir "$E2E_DIR/other" --metrics-listen "$metrics_at" 2>&1); then
  fail "a second cke with --metrics-listen $metrics_at started"
fi
echo "$out" | has -F -- "--metrics-listen $metrics_at: cannot listen there" || fail "a taken --metrics-listen: $out"
scrape
[ "$(metric cke_leader)" = 1 ] || fail "the first cke's metrics after the refused second one"
echo ok
