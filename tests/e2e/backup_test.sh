#!/usr/bin/env bash
# Backups: a gunzipped backup is a valid etcd snapshot at the revision its manifest records;
# local-backup saves, verifies and rotates; a flipped byte fails verification; path-like names
# are refused before anything is read; kill -9 mid-stream and before the manifest leave nothing
# listed and the next backup works; a full storage reports the error and keeps older backups.
source "$(dirname "$0")/lib.sh"
e2e_setup 38
cd "$E2E_DIR"

export CKE_PLUGIN_PATH=$CKE_E2E_PLUGIN_DIR  # the test-full-disk storage (section 6)
start_cke
wait_healthy 60
use_root_certificate
for i in 1 2 3 4 5; do etcdctl --endpoints=$NODE1:2379 put /data/key$i value$i >/dev/null; done

# 1. A scheduled-storage backup: gunzip, then etcdctl snapshot status agrees with the manifest.
name=$(ckecli etcd backup take -output=json | jq -r .name)
[[ "$name" =~ ^snapshot-[0-9]{8}_[0-9]{6}\.db\.gz$ ]] || fail "backup name $name"
[ "$(ckecli etcd backup list)" = "[\"$name\"]" ] || fail "backup list: $(ckecli etcd backup list)"
ckecli etcd backup get "$name" >/dev/null
[ "$(stat -c %a "$name")" = 600 ] || fail "downloaded backup is not 0600"
gunzip -c "$name" > snapshot.db
status=$(etcdctl snapshot status snapshot.db -w json)
manifest=$(jq -c . "data/backups/$name.manifest.json")
[ "$(echo "$status" | jq .revision)" = "$(echo "$manifest" | jq .revision)" ] \
  || fail "snapshot revision $(echo "$status" | jq .revision) != manifest $(echo "$manifest" | jq .revision)"
[ "$(stat -c %s snapshot.db)" = "$(echo "$manifest" | jq .raw_size)" ] || fail "raw size differs"
[ "$(sha256sum "$name" | cut -d' ' -f1)" = "$(echo "$manifest" | jq -r .stored_sha256)" ] || fail "stored hash differs"
[ "$(sha256sum snapshot.db | cut -d' ' -f1)" = "$(echo "$manifest" | jq -r .raw_sha256)" ] || fail "raw hash differs"
ckecli etcd backup verify "$name" | has "is intact" || fail "verify of a good backup"

# 2. local-backup: created, verified, rotated to --max-backups; -compressor zstd works.
for i in 1 2 3; do
  out=$(ckecli etcd local-backup --dir "$E2E_DIR/local" --max-backups 2 --compressor zstd)
  echo "$out" | grep -Eq '^created backup snapshot-[0-9]{8}_[0-9]{6}\.db\.zst$' || fail "local-backup said: $out"
done
echo "$out" | has "^removed backup snapshot-" || fail "the third local-backup removed nothing: $out"
[ "$(ls "$E2E_DIR/local" | grep -c '\.db\.zst$')" = 2 ] || fail "rotation kept $(ls "$E2E_DIR/local")"
newest=$(ls "$E2E_DIR/local" | grep '\.db\.zst$' | sort | tail -n 1)
zstd -q -d -c "$E2E_DIR/local/$newest" > local.db
etcdctl snapshot status local.db >/dev/null || fail "the local backup is not a valid snapshot"
mkdir -p notadir && touch notadir/file
expect_failure "unwritable --dir" "notadir/file/sub" ckecli etcd local-backup --dir "$E2E_DIR/notadir/file/sub"

# 3. One flipped byte: verify names the mismatch; the backup is not trusted.
cp "data/backups/$name" good.copy
size=$(stat -c %s "data/backups/$name")
printf '\xff' | dd of="data/backups/$name" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
cmp -s good.copy "data/backups/$name" && printf '\x00' | dd of="data/backups/$name" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect_failure "verify of a flipped byte" "is damaged: the stored SHA-256" ckecli etcd backup verify "$name"
cp good.copy "data/backups/$name"

# 4. Path-like names are refused before anything is read.
for bad in ../../etc/passwd /etc/passwd a/b "" snapshot-20181226_054710.db.gz/../x; do
  expect_failure "get '$bad'" "invalid backup name" ckecli etcd backup get "$bad"
  expect_failure "verify '$bad'" "invalid backup name" ckecli etcd backup verify "$bad"
  expect_failure "delete '$bad'" "invalid backup name" ckecli etcd backup delete "$bad"
done
[ ! -e passwd ] || fail "something was downloaded"

# 5. kill -9 mid-stream and before the manifest: nothing partial is listed; the next one works.
before=$(ckecli etcd backup list)
for point in backup.mid-stream backup.before-manifest; do
  stop_cke
  start_cke CKE_FAILPOINTS="$point=crash"
  wait_healthy 30
  ckecli etcd backup take >/dev/null 2>&1 && fail "the backup survived $point"
  wait "$CKE_PID" 2>/dev/null || true
  CKE_PID=""
  grep -q "failpoint $point: crash" cke.log || fail "$point not reached"
  start_cke
  wait_healthy 30
  [ "$(ckecli etcd backup list)" = "$before" ] || fail "after $point the list is $(ckecli etcd backup list)"
  [ -z "$(stored_files data/backups | grep -v -e '\.manifest\.json$' | grep -v -F -f <(ckecli etcd backup list | jq -r '.[]'))" ] \
    || fail "files left in the storage after $point: $(ls -A data/backups)"
done
after=$(ckecli etcd backup take -output=json | jq -r .name)
ckecli etcd backup verify "$after" >/dev/null || fail "the backup after the crashes"

# 6. A storage that fills up mid-backup: a real 1 MiB tmpfs where the test can mount one (as
#    root), then the test-full-disk storage (a test double) with a budget the data outgrows.
#    Each: the error is reported, nothing partial is listed or left, the older backup is intact.
fill_up() {  # LABEL STORAGE_YAML DIR
  local label=$1 storage=$2 dir=$3
  echo "a storage that fills up: $label"
  sed -i '/^etcd_backup:/,$d' cluster.yml
  printf 'etcd_backup:\n  storage: %s\n  compressor: none\n' "$storage" >> cluster.yml
  ckecli cluster set cluster.yml >/dev/null
  local first
  first=$(ckecli etcd backup take -output=json | jq -r .name)
  # (also: a backup taken right after `cluster set` uses the new storage)
  [ -f "$dir/$first" ] || fail "$label: backup $first is not in $dir"
  for i in 1 2; do
    head -c 700000 /dev/urandom | base64 -w0 > big.txt
    etcdctl --endpoints=$NODE1:2379 put "/big/$label/$i" < big.txt >/dev/null
  done
  sleep 1  # (a new backup name needs the next second)
  expect_failure "backup into a full storage ($label)" "No space left on device" ckecli etcd backup take
  [ "$(ckecli etcd backup list)" = "[\"$first\"]" ] || fail "$label: after ENOSPC the list is $(ckecli etcd backup list)"
  [ "$(stored_files "$dir" | wc -l)" = 2 ] || fail "$label: partial files left: $(ls -A "$dir")"
  ckecli etcd backup verify "$first" >/dev/null || fail "$label: the older backup was damaged"
}
mkdir small
if mount -t tmpfs -o size=1m tmpfs small 2>/dev/null; then
  E2E_MOUNTS="$E2E_DIR/small"
  fill_up "a real 1 MiB tmpfs" "{plugin: local, config: {dir: $E2E_DIR/small/b}}" small/b
else
  echo "cannot mount a tmpfs here (not root): only the test double follows"
fi
db_size=$(etcdctl --endpoints=$NODE1:2379 endpoint status -w json | jq '.[0].Status.dbSize')
fill_up "the test-full-disk storage" \
  "{plugin: test-full-disk, config: {dir: $E2E_DIR/full, capacity_bytes: $((db_size * 3 / 2 + 65536))}}" full
echo ok
