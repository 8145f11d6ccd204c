#!/usr/bin/env bash
# Scheduled backups without Kubernetes: a `* * * * *` schedule with rotate: 2 leaves exactly
# the 2 newest after 3 runs; missed runs are made up once, not in a burst; status shows the last
# backup. The schedule's clock is moved through CKE_TEST_SCHEDULE_OFFSET_FILE, never by sleeping.
source "$(dirname "$0")/lib.sh"
e2e_setup 39 'etcd_backup:
  enabled: enable
  pvc_name: etcdbackup-pvc
  schedule: "* * * * *"
  rotate: 2'
cd "$E2E_DIR"
echo 0 > offset
start_cke CKE_TEST_SCHEDULE_OFFSET_FILE="$E2E_DIR/offset"
wait_healthy 60
grep -q "no Kubernetes API is configured" cke.log || fail "no warning that cke takes the backups itself although pvc_name is set"
wait_until 10 "the schedule to start counting" sh -c "[ \"\$(jq .last_backup_fire data/state.json)\" != 0 ]"

runs() { count_history scheduled-backup; }
first=""
for run in 1 2 3; do
  echo $((run * 60)) > offset
  wait_until 30 "scheduled backup $run" sh -c "[ \"\$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == \"scheduled-backup\" and .result == \"ok\")] | length')\" = $run ]"
  [ -n "$first" ] || first=$(ckecli etcd backup list | jq -r '.[0]')
done
list=$(ckecli etcd backup list)
[ "$(echo "$list" | jq length)" = 2 ] || fail "rotate: 2 kept $list"
echo "$list" | jq -e --arg f "$first" 'index($f) == null' >/dev/null || fail "the oldest ($first) was kept: $list"
[ "$(ls data/backups | grep -c '\.db\.gz$')" = 2 ] || fail "files: $(ls data/backups)"
status=$(ckecli status -output=json)
[ "$(echo "$status" | jq -r .last_backup.result)" = ok ] || fail "status: $(echo "$status" | jq -c .last_backup)"
[ "$(echo "$status" | jq -r .last_backup.name)" = "$(echo "$list" | jq -r '.[1]')" ] || fail "status names another backup"
[ "$(echo "$status" | jq .last_backup.size)" -gt 0 ] || fail "status shows no size"

# Ten minutes of downtime: one backup, and the schedule jumps to the latest missed minute.
echo $((180 + 600)) > offset
wait_until 30 "the made-up backup" sh -c "[ \"\$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == \"scheduled-backup\")] | length')\" = 4 ]"
latest=$(( ($(date +%s) + 780) / 60 * 60 ))
fire=$(jq .last_backup_fire data/state.json)
[ $((latest - fire)) -le 60 ] || fail "the schedule did not skip to the latest missed run ($fire vs $latest)"
[ "$(runs)" = 4 ] || fail "a burst of $(runs) runs"
echo ok
