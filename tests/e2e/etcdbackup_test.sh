#!/usr/bin/env bash
# etcdbackup as a local process with a directory as its PVC: POST takes a backup that
# `etcdctl snapshot status` accepts after decompression; list and get return it with the
# manifest's hash; rotation holds across a loop of POSTs; path-like names get 400; a second POST
# while one runs gets 409; a kill mid-backup leaves nothing listed; the same backup taken through
# cke's API, ckecli local-backup and etcdbackup yields the same manifest fields (one pipeline).
source "$(dirname "$0")/lib.sh"
e2e_setup 57
start_cke
wait_healthy 60
use_root_certificate
for i in $(seq 1 20); do etcdctl --endpoints=$NODE1:2379 put "/data/$i" "value $i" >/dev/null; done

PORT=18057
URL=http://127.0.0.1:$PORT
pvc=$E2E_DIR/pvc
mkdir -p "$pvc"
etcdbackup_args=(--listen 127.0.0.1:$PORT --endpoints "https://$NODE1:2379,https://$NODE2:2379,https://$NODE3:2379"
  --etcd-ca "$E2E_DIR/etcd-ca.crt" --etcd-cert "$E2E_DIR/etcd-root.crt" --etcd-key "$E2E_DIR/etcd-root.key"
  --dir "$pvc" --require-mount=false --rotate 3)
stop_etcdbackup() {
  if [ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null; then wait "$AGENT_PID" 2>/dev/null || true; fi
  AGENT_PID=""
}
start_etcdbackup() { # [ENV=VALUE...]
  env "$@" etcdbackup "${etcdbackup_args[@]}" >>"$E2E_DIR/etcdbackup.log" 2>&1 &
  AGENT_PID=$!
  wait_until 20 "etcdbackup to serve" agent_serving
}
agent_serving() {
  curl -sf "$URL/health" >/dev/null && return 0
  kill -0 "$AGENT_PID" 2>/dev/null || fail "etcdbackup exited: $(tail -n 5 "$E2E_DIR/etcdbackup.log")"
  return 1
}
E2E_ON_CLEANUP=stop_etcdbackup

# --- bad settings: one line, non-zero ---------------------------------------------------------------
chmod 604 "$E2E_DIR/etcd-root.key"
expect_failure "a private key others can read" "readable by others" etcdbackup "${etcdbackup_args[@]}"
chmod 600 "$E2E_DIR/etcd-root.key"
expect_failure "a malformed --listen" "--listen" etcdbackup "${etcdbackup_args[@]}" --listen nowhere
expect_failure "a directory that is not a mount point" "is not a mount point" \
  etcdbackup "${etcdbackup_args[@]}" --require-mount=true
etcdbackup --help | has -e "--endpoints" || fail "etcdbackup --help does not list --endpoints"

# --- POST, list, get: the bytes are the manifest's, and etcd reads the snapshot ----------------------
start_etcdbackup
manifest=$(curl -sf -X POST --data "" "$URL/api/v1/backup") || fail "POST /api/v1/backup failed: $(curl -s -X POST --data "" "$URL/api/v1/backup"); $(tail -n 5 "$E2E_DIR/etcdbackup.log")"
name=$(echo "$manifest" | jq -r .name)
[[ "$name" =~ ^snapshot-[0-9]{8}_[0-9]{6}\.db\.gz$ ]] || fail "unexpected backup name: $manifest"
[ "$(curl -sf "$URL/api/v1/backup")" = "[\"$name\"]" ] || fail "the list: $(curl -s "$URL/api/v1/backup")"
curl -sf -D "$E2E_DIR/headers" -o "$E2E_DIR/$name" "$URL/api/v1/backup/$name" || fail "GET $name"
digest=$(sha256sum "$E2E_DIR/$name" | cut -d' ' -f1)
[ "$digest" = "$(echo "$manifest" | jq -r .stored_sha256)" ] || fail "the download's SHA-256 is not the manifest's"
has -i -F "x-backup-sha256: $digest" "$E2E_DIR/headers" || fail "no X-Backup-SHA256 header with the digest: $(cat "$E2E_DIR/headers")"
gunzip -k "$E2E_DIR/$name"
etcdctl snapshot status "$E2E_DIR/${name%.gz}" -w json | jq -e '.totalKey > 20' >/dev/null ||
  fail "etcdctl snapshot status refuses the decompressed backup"
[ -f "$pvc/$name" ] || fail "the backup is not in the PVC directory: $(ls -A "$pvc")"

# A POST without Content-Length: refused with a body that says what to do.
curl -s -X POST "$URL/api/v1/backup" | has -F "Content-Length" || fail "a POST without Content-Length is not explained"

# --- rotation across a loop of POSTs ----------------------------------------------------------------
for i in 1 2 3 4; do curl -sf -X POST --data "" "$URL/api/v1/backup" | jq -r .name >>"$E2E_DIR/taken"; done
expected=$(tail -n 3 "$E2E_DIR/taken" | jq -R . | jq -s -c .)
[ "$(curl -sf "$URL/api/v1/backup")" = "$expected" ] || fail "after rotation: $(curl -s "$URL/api/v1/backup"), expected $expected"
[ "$(stored_files "$pvc" | grep -c '\.db\.gz$')" = 3 ] || fail "the PVC holds other than 3 backups: $(ls -A "$pvc")"

# --- names that are not backup names: 400, before the storage sees them; a missing one: 404 ---------
for bad in '..%2F..%2Fetc%2Fpasswd' 'passwd' '.snapshot-20000101_000000.db.gz' 'snapshot-20000101_000000.db.gz%2F..'; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/backup/$bad")
  [ "$code" = 400 ] || fail "GET /api/v1/backup/$bad answered $code, not 400"
done
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/v1/backup/snapshot-20000101_000000.db.gz")
[ "$code" = 404 ] || fail "a missing backup answered $code, not 404"

# --- one backup at a time: a second POST while one runs gets 409 --------------------------------------
stop_etcdbackup
start_etcdbackup CKE_ENABLE_TEST_HOOKS=1 CKE_FAILPOINTS=backup.mid-stream=sleep:3
curl -s -o "$E2E_DIR/slow.json" -X POST --data "" "$URL/api/v1/backup" &
slow=$!
running() { has -F "failpoint backup.mid-stream" "$E2E_DIR/etcdbackup.log"; }
wait_until 20 "the slow backup to reach its failpoint" running
code=$(curl -s -o "$E2E_DIR/second" -w '%{http_code}' -X POST --data "" "$URL/api/v1/backup")
[ "$code" = 409 ] || fail "a second POST while one runs answered $code, not 409: $(cat "$E2E_DIR/second")"
wait "$slow"
jq -e .name "$E2E_DIR/slow.json" >/dev/null || fail "the slow backup failed: $(cat "$E2E_DIR/slow.json")"

# --- killed mid-backup: nothing listed, nothing left once it is back ---------------------------------
before=$(curl -sf "$URL/api/v1/backup")
stop_etcdbackup
start_etcdbackup CKE_ENABLE_TEST_HOOKS=1 CKE_FAILPOINTS=backup.before-manifest=crash
curl -s -o /dev/null -X POST --data "" "$URL/api/v1/backup" || true
wait "$AGENT_PID" 2>/dev/null || true
AGENT_PID=""
start_etcdbackup
[ "$(curl -sf "$URL/api/v1/backup")" = "$before" ] || fail "after a crash the list is $(curl -s "$URL/api/v1/backup")"
[ "$(stored_files "$pvc" | grep -c '\.db\.gz$')" = 3 ] || fail "a crashed backup left data: $(ls -A "$pvc")"

# --- one pipeline: cke's API, local-backup and etcdbackup give the same manifest fields --------------
# (Each takes its own member's snapshot, whose bytes may differ; what they record must not.)
floor=$(etcdctl --endpoints=$NODE1:2379 get /data/1 -w json | jq .header.revision)
fields() { jq -c --argjson floor "$floor" '{cluster_id, compressor, cke_version, keys: keys, complete: (.revision >= $floor)}'; }
mkdir -p "$E2E_DIR/local"
from_agent=$(curl -sf -X POST --data "" "$URL/api/v1/backup" | fields)
from_cke=$(ckecli etcd backup take -output=json | fields)
ckecli etcd local-backup --dir "$E2E_DIR/local" >/dev/null
from_local=$(cat "$E2E_DIR/local"/*.manifest.json | fields)
echo "manifest fields: $from_agent"
echo "$from_agent" | jq -e '.complete and (.keys | length) == 11' >/dev/null || fail "etcdbackup's manifest: $from_agent"
[ "$from_agent" = "$from_cke" ] || fail "etcdbackup and cke differ: $from_agent vs $from_cke"
[ "$from_agent" = "$from_local" ] || fail "etcdbackup and local-backup differ: $from_agent vs $from_local"
echo ok
