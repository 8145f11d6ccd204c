#!/usr/bin/env bash
# A snapshot stream that stalls — its member stopped (SIGSTOP) mid-stream — is cancelled after
# cke's 30 s idle timeout: local-backup fails saying so, nothing partial is left behind, and once
# the member runs again the next backup works.
source "$(dirname "$0")/lib.sh"
e2e_setup 41
cd "$E2E_DIR"

# The failpoint gives the test 3 s, after the first chunk, to stop the member being streamed.
start_cke CKE_FAILPOINTS=backup.mid-stream=sleep:3
wait_healthy 60
use_root_certificate
# 64 MiB of incompressible values: more than socket buffers and gRPC's flow-control window hold,
# so the stream cannot complete from what is already in flight once its member stops.
head -c 786432 /dev/urandom | base64 -w0 >value
for i in $(seq 1 64); do etcdctl --endpoints=$NODE1:2379 put "/data/key$i" <value >/dev/null; done

ckecli etcd local-backup --dir "$E2E_DIR/local" >stalled.out 2>&1 &
backup_pid=$!
wait_until 60 "the backup to stream its first chunk" grep -q "failpoint backup.mid-stream" cke.log
source_member=$(grep -o "streaming the snapshot of member [0-9.]*" cke.log | tail -n 1 | awk '{print $NF}')
member_pid=$(ckecli etcd member list -output=json | jq -r --arg a "$source_member" '.[] | select(.address == $a) | .pid')
[ -n "$member_pid" ] && [ "$member_pid" != null ] || fail "no pid for the source member '$source_member'"
kill -STOP "$member_pid"
E2E_STOPPED_PIDS=$member_pid
stopped_at=$SECONDS

if wait "$backup_pid"; then fail "a backup from a stopped member succeeded: $(cat stalled.out)"; fi
took=$((SECONDS - stopped_at))
grep -q "stalled for 30 s" stalled.out || fail "local-backup did not name the stall: $(cat stalled.out)"
[ "$took" -ge 25 ] && [ "$took" -le 90 ] || fail "the stall was noticed after ${took}s, not about 30s"
[ -z "$(stored_files local)" ] || fail "a stalled backup left files: $(ls -A local)"

kill -CONT "$member_pid"
E2E_STOPPED_PIDS=""
wait_healthy 60
out=$(ckecli etcd local-backup --dir "$E2E_DIR/local")
echo "$out" | grep -Eq '^created backup snapshot-[0-9]{8}_[0-9]{6}\.db\.gz$' || fail "the next backup said: $out"
name=$(echo "$out" | sed -n 's/^created backup //p')
gunzip -c "local/$name" >restored.db
[ "$(etcdctl snapshot status restored.db -w json | jq .totalKey)" -ge 64 ] || fail "the next backup lacks the keys"
echo ok
