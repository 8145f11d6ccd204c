#!/usr/bin/env bash
# The S3 example storage plugin as a third party builds it, against a real S3-compatible server:
#   1. cke is installed into a prefix of the test's; examples/storage-s3 is built out of tree
#      against that prefix only (find_package(CkeSdk)).
#   2. The installed storage conformance kit passes it, on s3rver (npm) behind a recording proxy.
#   3. Scheduled backups go to it; `backup list|get|verify|restore` work through it.
#   4. A put that fails midway aborts its multipart upload.
#   5. s3rver never checks SigV4, so every request the plugin sent is replayed with curl
#      --aws-sigv4 on the same method, URL, date and payload hash: the signatures must agree.
source "$(dirname "$0")/lib.sh"
e2e_setup 69 'etcd_backup:
  enabled: enable
  schedule: "* * * * *"
  rotate: 2
  storage:
    plugin: s3
    config:
      endpoint: "http://127.69.0.30:18931"
      bucket: backups
      region: us-east-1
      access_key_id: S3RVER
      secret_access_key_file: SECRET_FILE
      prefix: e2e-69/
      part_size_mib: 5'
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
cd "$E2E_DIR"
s3rver_dir=$source_dir/tests/s3rver
[ -x "$s3rver_dir/node_modules/.bin/s3rver" ] || fail "no s3rver: run packaging/install-deps.sh"

# --- 1. the installed SDK and an out-of-tree build ---------------------------------------------
cmake --install "$CKE_BIN/.." --prefix "$E2E_DIR/prefix" >/dev/null
cmake -S "$source_dir/examples/storage-s3" -B "$E2E_DIR/s3-build" -DCMAKE_PREFIX_PATH="$E2E_DIR/prefix" \
  -DCMAKE_BUILD_TYPE=Release >"$E2E_DIR/s3-build.log" 2>&1 || fail "configuring the S3 example: $(tail -n 5 "$E2E_DIR/s3-build.log")"
cmake --build "$E2E_DIR/s3-build" -j2 >>"$E2E_DIR/s3-build.log" 2>&1 || fail "building the S3 example: $(tail -n 5 "$E2E_DIR/s3-build.log")"
[ -f "$E2E_DIR/s3-build/s3-storage.so" ] || fail "the S3 example built no s3-storage.so"
if grep -F "$source_dir" "$E2E_DIR/s3-build/CMakeCache.txt" | has -v -e CMAKE_HOME_DIRECTORY -e _SOURCE_DIR; then
  fail "the S3 example's build reached into the source tree: $(grep -F "$source_dir" "$E2E_DIR/s3-build/CMakeCache.txt" | grep -v -e CMAKE_HOME_DIRECTORY -e _SOURCE_DIR | head -n 3)"
fi
export CKE_PLUGIN_PATH=$E2E_DIR/s3-build

# --- s3rver behind the recording proxy ---------------------------------------------------------
S3=127.69.0.30
mkdir -m 700 s3rver-data
node "$s3rver_dir/node_modules/.bin/s3rver" -d "$E2E_DIR/s3rver-data" -a $S3 -p 18930 \
  --configure-bucket backups >s3rver.log 2>&1 &
S3RVER_PID=$!
node "$s3rver_dir/recording_proxy.mjs" $S3 18931 18932 "http://$S3:18930" "$E2E_DIR/requests.jsonl" >proxy.log 2>&1 &
PROXY_PID=$!
stop_s3_side() {
  kill "$S3RVER_PID" "$PROXY_PID" 2>/dev/null || true
  wait "$S3RVER_PID" "$PROXY_PID" 2>/dev/null || true
}
E2E_ON_CLEANUP=stop_s3_side
E2E_EXTRA_LOGS="$E2E_DIR/s3rver.log $E2E_DIR/proxy.log"
wait_until 20 "s3rver" curl -sf -o /dev/null "http://$S3:18930/backups?list-type=2"
wait_until 20 "the recording proxy" curl -sf -o /dev/null "http://$S3:18931/backups?list-type=2"
: >requests.jsonl  # from here on, only the plugin's requests
(umask 077 && echo S3RVER >secret)
sed -i "s#SECRET_FILE#$E2E_DIR/secret#" cluster.yml

# --- 2. the conformance kit --------------------------------------------------------------------
jq -n --arg secret "$E2E_DIR/secret" '{endpoint: "http://127.69.0.30:18931", bucket: "backups",
  region: "us-east-1", access_key_id: "S3RVER", secret_access_key_file: $secret, prefix: "kit/",
  part_size_mib: 5}' >kit.json
"$E2E_DIR/prefix/bin/cke-storage-conformance" --large-mib 64 s3 kit.json >kit.out 2>&1 ||
  fail "the S3 example fails the storage conformance kit: $(grep -v '^ok' kit.out)"

# --- 3. scheduled backups, then list, get, verify, restore -------------------------------------
echo 0 >offset
start_cke CKE_TEST_SCHEDULE_OFFSET_FILE="$E2E_DIR/offset"
wait_healthy 60
use_root_certificate
etcdctl --endpoints="$NODE1:2379" put /s3/before backup >/dev/null
wait_until 10 "the schedule to start counting" sh -c "[ \"\$(jq .last_backup_fire data/state.json)\" != 0 ]"
echo 60 >offset
wait_until 60 "a scheduled backup into S3" sh -c "[ \"\$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == \"scheduled-backup\" and .result == \"ok\")] | length')\" = 1 ]"
name=$(ckecli etcd backup list | jq -r '.[0]')
[[ "$name" =~ ^snapshot-[0-9]{8}_[0-9]{6}\.db\.gz$ ]] || fail "backup list: $(ckecli etcd backup list)"
[ -n "$(find s3rver-data/backups/e2e-69 -name "$name*" -print -quit 2>/dev/null)" ] ||
  fail "s3rver holds no $name under the prefix e2e-69/"
ckecli etcd backup get "$name" >/dev/null
gunzip -c "$name" >snapshot.db
etcdctl snapshot status snapshot.db >/dev/null || fail "the backup read back from S3 is no etcd snapshot"
ckecli etcd backup verify "$name" | has "is intact" || fail "verify of the backup in S3"
etcdctl --endpoints="$NODE1:2379" put /s3/after lost >/dev/null
ckecli etcd backup restore "$name" --yes | has "restored the cluster from $name" || fail "restore from S3"
wait_healthy 60
[ "$(etcdctl --endpoints="$NODE1:2379" get /s3/before --print-value-only)" = backup ] || fail "the restore lost /s3/before"
[ -z "$(etcdctl --endpoints="$NODE1:2379" get /s3/after --print-value-only)" ] || fail "the restore kept /s3/after"
echo "scheduled backup $name: listed, read back, verified and restored through S3"

# --- 4. the failed put aborted its upload --------------------------------------------------------
jq -e -s '[.[] | select(.method == "DELETE" and (.url | test("\\.failing\\?uploadId=")))] | length == 1' \
  requests.jsonl >/dev/null || fail "the conformance kit's failed put did not abort its multipart upload"

# --- 5. the plugin's signatures against curl's ---------------------------------------------------
# curl signs with the date and payload hash it is given; --connect-to sends the replay to the
# proxy's echo port under the same Host, which is signed too.
replayed_signature() { # JSON line of a recorded request
  local method url date hash
  method=$(jq -r .method <<<"$1")
  url=$(jq -r .url <<<"$1")
  date=$(jq -r '.headers["x-amz-date"]' <<<"$1")
  hash=$(jq -r '.headers["x-amz-content-sha256"]' <<<"$1")
  local how=(-X "$method")
  [ "$method" != HEAD ] || how=(--head)  # -X HEAD would wait for a body that never comes
  curl -s -o /dev/null -D - "${how[@]}" --aws-sigv4 "aws:amz:us-east-1:s3" --user S3RVER:S3RVER \
    -H "x-amz-date: $date" -H "x-amz-content-sha256: $hash" --connect-to "$S3:18931:$S3:18932" \
    "http://$S3:18931$url" | sed -n 's/^x-seen-authorization: \(.*\)\r$/\1/p'
}
compared=0
kinds=""
while IFS= read -r request; do
  [ -n "$(jq -r '.headers.authorization // empty' <<<"$request")" ] || fail "an unsigned request: $request"
  want=$(jq -r .headers.authorization <<<"$request")
  got=$(replayed_signature "$request")
  [ "$got" = "$want" ] || fail "curl signs $(jq -r '.method + " " + .url' <<<"$request") as '$got', the plugin as '$want'"
  compared=$((compared + 1))
  kinds="$kinds $(jq -r '.method + ":" + (.url | capture("\\?(?<q>[a-zA-Z-]+)").q // "object")' <<<"$request")"
done <requests.jsonl
kinds=$(tr ' ' '\n' <<<"$kinds" | sort -u | tr '\n' ' ')
for kind in PUT:object PUT:partNumber POST:uploads POST:uploadId GET:object GET:list-type HEAD:object DELETE:object DELETE:uploadId; do
  [[ " $kinds" == *" $kind "* ]] || fail "no $kind request was compared (compared: $kinds)"
done
echo "$compared signatures agree with curl --aws-sigv4 ($kinds)"
echo ok
