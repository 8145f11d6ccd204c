#!/usr/bin/env bash
# Restore: put keys → backup → more puts and deletes → restore → exactly the keys at backup time,
# alice still confined to her prefix, root certificates still working. Disaster: every member's
# data gone → needs-restore, never a new cluster → `ckecli etcd restore FILE --yes` → healthy
# with the data. A crash at each step of a restore → a restarted cke ends with the old or the
# restored data on every member, never a mix. A damaged backup is refused. A large database's
# restore (a quorum first, then the rest) is forced on a small one and checked the same way.
source "$(dirname "$0")/lib.sh"
e2e_setup 40
cd "$E2E_DIR"

start_cke
wait_healthy 60
use_root_certificate
ep=$NODE1:2379
ckecli etcd user-add alice /app/alice/ >/dev/null
CERT=$(ckecli etcd issue alice)
echo "$CERT" | jq -r .certificate > alice.crt
echo "$CERT" | jq -r .private_key > alice.key
for i in 1 2 3; do etcdctl --endpoints=$ep put /app/alice/k$i v$i >/dev/null; done
etcdctl --endpoints=$ep put /other/x 1 >/dev/null

keys_on() { etcdctl --endpoints="$1:2379" get "" --prefix --keys-only --consistency=s | grep -v '^$' | sort | tr '\n' ' '; }
at_backup=$(keys_on $NODE1)
name=$(ckecli etcd backup take -output=json | jq -r .name)
ckecli etcd local-backup --dir "$E2E_DIR/local" >/dev/null
local_file=$(ls "$E2E_DIR"/local/*.db.gz)

etcdctl --endpoints=$ep put /app/alice/k4 v4 >/dev/null
etcdctl --endpoints=$ep del /app/alice/k1 >/dev/null
etcdctl --endpoints=$ep put /other/y 2 >/dev/null

# 1. Without --yes and no terminal: refused, nothing changes.
expect_failure "restore without --yes" "add --yes to confirm" ckecli etcd backup restore "$name"
ckecli etcd backup restore "$name" --yes | has "restored the cluster from $name" || fail "restore"
wait_healthy 60
for node in $NODE1 $NODE2 $NODE3; do
  [ "$(keys_on $node)" = "$at_backup" ] || fail "$node has '$(keys_on $node)', expected '$at_backup'"
done
etcdctl_as alice.crt alice.key --endpoints=$ep get /app/alice/k1 --print-value-only | has -x v1 || fail "alice lost her keys"
if etcdctl_as alice.crt alice.key --endpoints=$ep put /other/z 1 >/dev/null 2>&1; then fail "alice escaped her prefix"; fi
[ "$(count_history bootstrap)" = 1 ] || fail "restore bootstrapped"

# 2. A damaged backup is refused before anything changes.
cp "data/backups/$name" good.copy
printf '\x00\x01\x02\x03' | dd of="data/backups/$name" bs=1 seek=100 conv=notrunc 2>/dev/null
expect_failure "restore of a damaged backup" "is damaged" ckecli etcd backup restore "$name" --yes
cp good.copy "data/backups/$name"

# 3. A crash at each step: afterwards every member holds the old or the restored keys, never a mix.
for point in restore.after-intent restore.after-stage-member restore.after-staging restore.after-stop \
             restore.after-swap-member restore.after-files restore.after-start restore.before-cleanup; do
  echo "--- $point"
  etcdctl --endpoints=$ep put "/marker/$point" 1 >/dev/null
  before=$(keys_on $NODE1)
  stop_cke
  start_cke CKE_FAILPOINTS="$point=crash"
  wait_healthy 60
  ckecli etcd backup restore "$name" --yes >/dev/null 2>&1 && fail "the restore survived $point"
  wait "$CKE_PID" 2>/dev/null || true
  CKE_PID=""
  grep -q "failpoint $point: crash" cke.log || fail "$point was not reached"
  start_cke
  wait_healthy 90
  first=$(keys_on $NODE1)
  [ "$first" = "$before" ] || [ "$first" = "$at_backup" ] || fail "$point: $NODE1 has a mix: $first"
  for node in $NODE2 $NODE3; do
    [ "$(keys_on $node)" = "$first" ] || fail "$point: $node differs: $(keys_on $node)"
  done
  [ -z "$(ls -d data/members/*/data.old data/members/*/data.restore 2>/dev/null)" ] || fail "$point: leftovers"
done

# 4. Disaster: every member's data gone → needs-restore → restore FILE → healthy with the data.
stop_cke
stop_members >/dev/null
rm -rf "$E2E_DIR"/data/members/*
start_cke
wait_until 20 "phase needs-restore" sh -c '[ "$(ckecli status -output=json | jq -r .phase)" = needs-restore ]'
[ "$(count_history bootstrap)" = 1 ] || fail "a new cluster was bootstrapped on lost data"
ckecli etcd restore "$local_file" --yes | has "restored the cluster from $local_file" || fail "restore FILE"
wait_healthy 60
for node in $NODE1 $NODE2 $NODE3; do
  [ "$(keys_on $node)" = "$at_backup" ] || fail "after the disaster $node has '$(keys_on $node)'"
done
use_root_certificate
etcdctl --endpoints=$NODE2:2379 get /app/alice/k2 --print-value-only | has -x v2 || fail "root cannot read after restore"

# 5. A large database's path, forced on a small one: a quorum starts first, the cluster serves,
#    then the last member starts; every member ends with the backup's keys.
etcdctl --endpoints=$ep put /after/disaster 1 >/dev/null
stop_cke
start_cke CKE_TEST_RESTORE_QUORUM_FIRST_MIB=0
wait_healthy 60
: >cke.log
ckecli etcd backup restore "$name" --yes | has "restored the cluster from $name" || fail "quorum-first restore"
order=$(grep -oE "a quorum of the restored cluster serves|member [0-9.]+: started etcd" cke.log | sed 's/: started etcd//' | paste -sd,)
[ "$order" = "member $NODE1,member $NODE2,a quorum of the restored cluster serves,member $NODE3" ] \
  || fail "quorum-first restore started: $order"
wait_healthy 60
for node in $NODE1 $NODE2 $NODE3; do
  [ "$(keys_on $node)" = "$at_backup" ] || fail "after the quorum-first restore $node has '$(keys_on $node)'"
done
echo ok
