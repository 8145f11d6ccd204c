#!/usr/bin/env bash
# What a security review found, as users would meet it: test hooks and stray variables do not
# reach cke or its members unasked; directories cke did not create are neither changed nor
# emptied; downloads never write through planted links; one local-backup per directory; TTLs,
# etcd flags and alias bombs in cluster.yml are refused with a sentence.
source "$(dirname "$0")/lib.sh"
e2e_setup 42
cd "$E2E_DIR"
sed -i 's/^    extra_args: .*$/&\n    extra_env: {GOMAXPROCS: "2"}/' cluster.yml

# 0. Two processes making the first operator certificates of a data directory at once get one
#    CA between them (its creation is locked), not two.
for i in 1 2 3 4; do cke --data-dir "$E2E_DIR/fresh" --issue-admin-cert "$E2E_DIR/admin$i" >/dev/null & done
wait
for i in 2 3 4; do
  cmp -s "admin1/ca.crt" "admin$i/ca.crt" || fail "concurrent --issue-admin-cert made two api CAs"
done
rm -rf fresh

# 1. Without CKE_ENABLE_TEST_HOOKS=1 a failpoint is ignored (with a warning), and neither it nor
#    any other variable of cke's environment reaches a member: only PATH and extra_env.
start_cke CKE_ENABLE_TEST_HOOKS= CKE_FAILPOINTS=bootstrap.after-intent=crash SNEAKY_VARIABLE=1
wait_healthy 60
has "ignoring CKE_FAILPOINTS: test hooks are off" cke.log || fail "no warning about the ignored failpoint"
pid=$(ckecli etcd member list -output=json | jq -r '.[0].pid')
environment=$(tr '\0' '\n' < "/proc/$pid/environ")
echo "$environment" | has -x "GOMAXPROCS=2" || fail "extra_env did not reach the member: $environment"
echo "$environment" | has -e "^SNEAKY_VARIABLE=" -e "^CKE_" && fail "cke's environment reached the member: $environment"
[ "$(echo "$environment" | grep -cv -e '^PATH=' -e '^GOMAXPROCS=')" = 0 ] || fail "the member's environment: $environment"
use_root_certificate

# 2. local-backup leaves a directory it did not create as it is, and its neighbours' files too.
mkdir shared && chmod 1777 shared
touch shared/.someone.partial shared/.snapshot-20200101_000000.db.gz.partial shared/notes
ckecli etcd local-backup --dir "$E2E_DIR/shared" >/dev/null
[ "$(stat -c %a shared)" = 1777 ] || fail "local-backup changed the mode of shared/ to $(stat -c %a shared)"
for f in .someone.partial .snapshot-20200101_000000.db.gz.partial notes; do
  [ -e "shared/$f" ] || fail "local-backup deleted shared/$f"
done
mkdir open && chmod 0777 open
expect_failure "a world-writable --dir" "writable by group or others (mode 0777) without the sticky bit" \
  ckecli etcd local-backup --dir "$E2E_DIR/open"
[ "$(stat -c %a open)" = 777 ] || fail "the refused directory was changed"
[ -z "$(ls -A open)" ] || fail "something was written into the refused directory: $(ls -A open)"

# 3. backup get never writes through a link planted under the output name or the old partial name.
name=$(ckecli etcd backup take -output=json | jq -r .name)
echo "precious" > victim
ln -s "$E2E_DIR/victim" "$name"
ln -s "$E2E_DIR/victim" ".$name.partial"
ckecli etcd backup get "$name" >/dev/null
[ "$(cat victim)" = precious ] || fail "backup get wrote through a planted symlink"
[ -f "$name" ] && [ ! -L "$name" ] || fail "$name is not the downloaded file"
[ "$(sha256sum "$name" | cut -d' ' -f1)" = "$(jq -r .stored_sha256 "data/backups/$name.manifest.json")" ] \
  || fail "the download differs from the backup"

# 4. Two local-backups into one directory: the second is refused while the first runs, and the
#    first completes intact.
stop_cke
start_cke CKE_FAILPOINTS=backup.mid-stream=sleep:3
wait_healthy 30
mkdir two
ckecli etcd local-backup --dir "$E2E_DIR/two" > first.out 2>&1 &
first=$!
wait_until 20 "the first local-backup to hold its lock" \
  bash -c "! flock -n '$E2E_DIR/two/.cke-local-backup.lock' true"
expect_failure "a second local-backup into the same directory" \
  "another ckecli etcd local-backup is writing into $E2E_DIR/two" ckecli etcd local-backup --dir "$E2E_DIR/two"
wait "$first" || fail "the first local-backup failed: $(cat first.out)"
backup=$(ls two | grep '\.db\.gz$')
[ "$(echo "$backup" | wc -l)" = 1 ] || fail "two/ holds: $(ls -A two)"
[ "$(sha256sum "two/$backup" | cut -d' ' -f1)" = "$(jq -r .stored_sha256 "two/$backup.manifest.json")" ] \
  || fail "the first local-backup is damaged"
[ "$(count_history local-backup)" = 2 ] || fail "history: $(ckecli history -output=json --limit 0)"

# 5. Bounded TTLs, refused etcd flags and alias bombs: one line each, nothing changed.
ckecli etcd user-add alice /app/alice/ >/dev/null
expect_failure "a 70000000h TTL" "-ttl: must be between 1s and 87600h" ckecli etcd issue -ttl=70000000h alice
expect_failure "an 87601h TTL" "-ttl: must be between 1s and 87600h" ckecli etcd issue -ttl=87601h alice
expect_failure "an overflowing TTL" "too long" ckecli etcd issue -ttl=99999999999999999999999h alice

# 6. Prefixes that reach another user's keys, and the reserved name backup.
expect_failure "user-add mallory /" 'prefix "/" overlaps the prefix "/' \
  ckecli etcd user-add mallory /
expect_failure "user-add bob /app/" 'prefix "/app/" overlaps the prefix "/app/alice/" of user alice' \
  ckecli etcd user-add bob /app/
ckecli etcd user-add --force bob /app/ | has "added user bob" || fail "--force did not add bob"
expect_failure "issue backup" 'user name "backup" is reserved' ckecli etcd issue backup
out=$(ckecli etcd issue nobody 2>warning.txt) || fail "issue for a user that does not exist failed"
echo "$out" | jq -e .certificate >/dev/null || fail "issue nobody printed: $out"
has 'warning: etcd user "nobody" does not exist' warning.txt || fail "no warning: $(cat warning.txt)"

before=$(ckecli cluster get)
sed 's/"--heartbeat-interval=200"/"--client-cert-auth=false"/' cluster.yml > weak.yml
expect_failure "--client-cert-auth=false" "weak.yml: options.etcd.extra_args[0]: --client-cert-auth is set by cke" \
  ckecli cluster set weak.yml
sed 's/GOMAXPROCS: "2"/LD_PRELOAD: \/tmp\/evil.so/' cluster.yml > preload.yml
expect_failure "LD_PRELOAD" "preload.yml: options.etcd.extra_env.LD_PRELOAD: LD_PRELOAD changes how etcd is loaded" \
  ckecli cluster set preload.yml
{
  cat cluster.yml
  echo 'x:'
  echo '  a: &a [1,1,1,1,1,1,1,1,1,1]'
  prev=a
  for level in b c d e f g h i; do
    echo "  $level: &$level [*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev,*$prev]"
    prev=$level
  done
  echo 'etcd_backup: {storage: {plugin: local, config: {dir: /tmp/b, bomb: *i}}}'
} > bomb.yml
expect_failure "an alias bomb" "once YAML aliases are expanded" ckecli cluster set bomb.yml
kill -0 "$CKE_PID" || fail "cke died"
[ "$(ckecli cluster get)" = "$before" ] || fail "a refused file changed the applied cluster"

# 7. Restore uploads: too large is refused before any byte, a damaged one leaves nothing, and a
#    second restore is refused while the first one's snapshot is in use.
truncate -s 20G huge.db
expect_failure "a 20 GiB upload" "a restore takes at most 16384 MiB" ckecli etcd restore huge.db --yes
head -c 300000 /dev/urandom | gzip > damaged.db.gz
expect_failure "a damaged upload" "damaged" ckecli etcd restore damaged.db.gz --yes
[ -z "$(ls -A data/restore 2>/dev/null)" ] || fail "refused uploads left: $(ls -A data/restore)"
etcdctl --endpoints=$NODE1:2379 put /restore/marker before >/dev/null
ckecli etcd local-backup --dir "$E2E_DIR/for-restore" >/dev/null
snapshot=$(ls "$E2E_DIR"/for-restore/*.db.gz)
stop_cke
start_cke CKE_FAILPOINTS=restore.after-intent=sleep:4
wait_healthy 30
ckecli etcd restore "$snapshot" --yes > restore.out 2>&1 &
restoring=$!
wait_until 20 "the first restore's snapshot file" sh -c "ls '$E2E_DIR'/data/restore/snapshot-*.db"
[ "$(stat -c %a "$E2E_DIR"/data/restore/snapshot-*.db)" = 600 ] || fail "the snapshot file is not 0600"
expect_failure "a second restore at once" "another restore is receiving or restoring its snapshot" \
  ckecli etcd restore "$snapshot" --yes
wait "$restoring" || fail "the first restore failed: $(cat restore.out)"
[ -z "$(ls -A data/restore)" ] || fail "the restore left: $(ls -A data/restore)"
wait_healthy 60
[ "$(etcdctl --endpoints=$NODE1:2379 get /restore/marker --print-value-only)" = before ] || fail "restored data"
echo ok
