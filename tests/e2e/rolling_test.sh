#!/usr/bin/env bash
# Member certificates near their end are renewed with no restart and no failed client request
# (short-lived member certificates through a test hook); a changed extra_args value restarts
# every member with it, one at a time, the leader last after leadership moved, with a writer
# client running: its longest outage is printed and must stay within 1 s.
source "$(dirname "$0")/lib.sh"
e2e_setup 47

# serial HOST PORT: the serial of the certificate the member presents on that port. (The peer
# port refuses the client certificate after presenting its own, so s_client's status is ignored.)
serial() {
  { openssl s_client -connect "$1:$2" -cert "$ETCDCTL_CERT" -key "$ETCDCTL_KEY" </dev/null 2>/dev/null || true; } |
    openssl x509 -noout -serial
}
client_serial_changed() { [ "$(serial "$NODE1" 2379)" != "$1" ]; }
peer_serial_changed() { [ "$(serial "$NODE1" 2380)" != "$1" ]; }
pids() { members_json | jq -c '[.[] | .pid]'; }
member_args() { tr '\0' ' ' <"/proc/$(member_pid "$1")/cmdline"; }

# Member certificates live 30 s, so cke renews them 20 s after they were issued. (A backend that
# cannot sign such short ones, CFSSL, sets CKE_E2E_MEMBER_CERT_TTL: its certificates start 5 min
# in the past, so a 10 min one is renewed about 100 s after it was signed.)
cert_ttl=${CKE_E2E_MEMBER_CERT_TTL:-30}
start_cke CKE_TEST_MEMBER_CERT_TTL_SECONDS="$cert_ttl"
wait_healthy 60
use_root_certificate
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"

# --- certificate renewal: new certificates on both ports, same processes -----------------------
pids_before=$(pids)
client_before=$(serial $NODE1 2379)
peer_before=$(serial $NODE1 2380)
[ -n "$client_before" ] && [ -n "$peer_before" ] || fail "no certificate read from $NODE1"
wait_until $((cert_ttl * 2 / 3 + 40)) "a renewed serving certificate on $NODE1:2379" client_serial_changed "$client_before"
# (the two are written one after the other: over SSH the peer's a moment later)
wait_until 30 "a renewed serving certificate on $NODE1:2380" peer_serial_changed "$peer_before"
[ "$(pids)" = "$pids_before" ] || fail "members were restarted to renew certificates"
# One member is renewed per pass, so the others may follow node1 by a pass or two.
renewed_all() { [ "$(count_history renew-certificates)" -ge 3 ]; }
wait_until 20 "every member's certificates renewed" renewed_all
etcdctl --endpoints=$NODE1:2379 put /after-renewal yes >/dev/null || fail "a new client connection fails after the renewal"
stop_writer
failed=$(sed -n 's/.*, failed \([0-9]*\),.*/\1/p' "$E2E_DIR/writer.out")
[ "$failed" = 0 ] || fail "$failed client requests failed during the renewal"
echo "renewed: $client_before -> $(serial $NODE1 2379) (client port), $peer_before -> $(serial $NODE1 2380) (peer port)"

# --- a changed extra_args value: every member restarted with it, the leader last ---------------
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"
leader=$(ckecli status -output=json | jq -r .leader)
restarts_before=$(count_history restart-member)
sed -i 's/"--election-timeout=2000"\]/"--election-timeout=2000", "--snapshot-count=50000"]/' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
wait_until 120 "three restarts" sh -c "[ \$(ckecli history --limit 0 -output=json | jq '[.[] | select(.operation == \"restart-member\" and .result == \"ok\")] | length') -ge $((restarts_before + 3)) ]"
wait_healthy 60
for node in $NODE1 $NODE2 $NODE3; do
  member_args $node | has -- "--snapshot-count=50000" || fail "$node runs without the new flag: $(member_args $node)"
done
last=$(ckecli history --limit 0 -output=json | jq -r '[.[] | select(.operation == "restart-member")] | last | .target')
[ "$last" = "$leader" ] || fail "the leader $leader was not restarted last (last: $last)"
[ "$(ckecli status -output=json | jq -r .leader)" != "" ] || fail "no leader after the restarts"
stop_writer
echo "rolling restart: longest write outage ${WRITER_OUTAGE_MS} ms"
[ "$WRITER_OUTAGE_MS" -le 1000 ] || fail "a write outage of ${WRITER_OUTAGE_MS} ms during the rolling restart (at most 1000)"
check_acked_writes "$NODE1:2379,$NODE2:2379,$NODE3:2379"
echo ok
