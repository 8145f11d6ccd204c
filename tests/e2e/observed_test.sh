#!/usr/bin/env bash
# What members present decides, not only what cke recorded: a new etcd binary on the nodes
# restarts every member onto it, one at a time, the leader last, with a writer client running
# (its longest outage must stay within 1 s); a serving certificate replaced behind cke's back with
# one near its end is renewed. Reading served certificates leaves no refused handshake in etcd's
# log.
source "$(dirname "$0")/lib.sh"
e2e_setup 50

real_etcd=$(command -v etcd)
real_version=$(etcd --version | sed -n 's/^etcd Version: //p')
mkdir -p "$E2E_DIR/bin"
ln -s "$real_etcd" "$E2E_DIR/bin/etcd"
start_cke PATH="$E2E_DIR/bin:$PATH"
wait_healthy 60
use_root_certificate

member_field() { members_json | jq -r --arg a "$1" --arg f "$2" '.[] | select(.address == $a) | .[$f]'; }
[ "$(member_field $NODE1 etcd_version)" = "$real_version" ] || fail "member list says $NODE1 runs etcd '$(member_field $NODE1 etcd_version)', not $real_version"
[ "$(member_field $NODE1 installed_etcd_version)" = "$real_version" ] || fail "member list says the node has etcd '$(member_field $NODE1 installed_etcd_version)'"
[ -n "$(member_field $NODE1 certificates_expire_at)" ] || fail "member list has no certificates_expire_at"

# --- a new etcd on the nodes: every member restarted onto it, the leader last -----------------
# The "new" binary reports 3.4.99 and serves as the installed one does: what cke decides on is
# the version the node would start against the one the member reports.
start_writer "$NODE1:2379" "$NODE2:2379" "$NODE3:2379"
leader=$(ckecli status -output=json | jq -r .leader)
restarts_before=$(count_history restart-member)
cat >"$E2E_DIR/bin/etcd.new" <<SCRIPT
#!/bin/sh
if [ "\$1" = --version ]; then printf 'etcd Version: 3.4.99\nGit SHA: test\nGo Version: go\n'; exit 0; fi
exec "$real_etcd" "\$@"
SCRIPT
chmod 0755 "$E2E_DIR/bin/etcd.new"
mv "$E2E_DIR/bin/etcd.new" "$E2E_DIR/bin/etcd"
restarted_all() { [ "$(count_history restart-member)" -ge $((restarts_before + 3)) ]; }
wait_until 120 "three restarts onto the new etcd" restarted_all
wait_healthy 60
stop_writer
ckecli history --limit 0 -output=json |
  jq -e --arg v "$real_version" '[.[] | select(.operation == "restart-member")] | .[-3:] | all(.message | contains("runs etcd " + $v + " and its node now has etcd 3.4.99"))' >/dev/null ||
  fail "the restarts do not say why: $(ckecli history --limit 3 -output=json | jq -c '[.[].message]')"
last=$(ckecli history --limit 0 -output=json | jq -r '[.[] | select(.operation == "restart-member")] | last | .target')
[ "$last" = "$leader" ] || fail "the leader $leader was not restarted last (last: $last)"
[ "$(member_field $NODE2 installed_etcd_version)" = 3.4.99 ] || fail "member list says the node has etcd '$(member_field $NODE2 installed_etcd_version)'"
echo "new etcd binary: 3 members restarted, longest write outage ${WRITER_OUTAGE_MS} ms"
[ "$WRITER_OUTAGE_MS" -le 1000 ] || fail "a write outage of ${WRITER_OUTAGE_MS} ms during the restarts (at most 1000)"
check_acked_writes "$NODE1:2379,$NODE2:2379,$NODE3:2379"
# The members still report the real version (the wrapper runs the real etcd): restarted once,
# they are not restarted again. Five more passes (1 s each) show it.
sleep 5
[ "$(count_history restart-member)" -eq $((restarts_before + 3)) ] || fail "members were restarted again: $(count_history restart-member) restarts"

# --- a certificate replaced behind cke's back: renewed from what the member serves ---------------
# Issued by the same server CA for the same names, valid from an hour ago for ten more minutes:
# less than a third of its lifetime is left, while cke's record says a year.
pki=$E2E_DIR/data/members/$NODE3/pki
ca=$E2E_DIR/data/pki
forged=$E2E_DIR/forged
mkdir -p "$forged"
: >"$forged/index.txt"
echo 1000 >"$forged/serial"
cat >"$forged/ca.cnf" <<CNF
[ca]
default_ca = forged
[forged]
database = $forged/index.txt
new_certs_dir = $forged
serial = $forged/serial
default_md = sha256
policy = anything
[anything]
commonName = supplied
CNF
printf 'subjectAltName = %s\nkeyUsage = digitalSignature, keyEncipherment\nextendedKeyUsage = serverAuth, clientAuth\n' \
  "$(openssl x509 -in "$pki/server.crt" -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//; s/IP Address:/IP:/g')" >"$forged/ext.cnf"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$NODE3" \
  -keyout "$forged/server.key" -out "$forged/server.csr" 2>/dev/null
openssl ca -batch -config "$forged/ca.cnf" -cert "$ca/server-ca.crt" -keyfile "$ca/server-ca.key" \
  -in "$forged/server.csr" -out "$forged/server.crt" -notext -extfile "$forged/ext.cnf" \
  -startdate "$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '+10 minutes' +%Y%m%d%H%M%SZ)" \
  >/dev/null 2>&1 || fail "openssl ca could not issue the test certificate"
forged_serial=$(openssl x509 -in "$forged/server.crt" -noout -serial)
renewals_before=$(count_history renew-certificates)
# The key first, then the certificate, each by rename, as cke does.
cp "$forged/server.key" "$pki/server.key.new" && mv "$pki/server.key.new" "$pki/server.key"
cp "$forged/server.crt" "$pki/server.crt.new" && mv "$pki/server.crt.new" "$pki/server.crt"
serial() {
  { openssl s_client -connect "$1:$2" -cert "$ETCDCTL_CERT" -key "$ETCDCTL_KEY" </dev/null 2>/dev/null || true; } |
    openssl x509 -noout -serial
}
renewed() { [ "$(count_history renew-certificates)" -gt "$renewals_before" ]; }
wait_until 30 "the forged certificate on $NODE3 renewed" renewed
ckecli history --limit 0 -output=json |
  jq -e --arg n "$NODE3" '[.[] | select(.operation == "renew-certificates")] | last | .target == $n and (.message | contains("the certificate it serves"))' >/dev/null ||
  fail "the renewal does not name $NODE3 and the served certificate: $(ckecli history --limit 1 -output=json)"
served=$(serial $NODE3 2379)
[ -n "$served" ] && [ "$served" != "$forged_serial" ] || fail "$NODE3 still serves $forged_serial"
expires=$(member_field $NODE3 certificates_expire_at)
[ "$(date -u -d "$expires" +%s)" -gt "$(date -u -d '+1 day' +%s)" ] || fail "$NODE3's certificates expire at $expires"
wait_healthy 30
# cke reads served certificates every pass, presenting certificates of its own: etcd logs no
# refused handshake for them.
refused=$(cat "$E2E_DIR"/data/members/*/etcd.log | grep -c "client didn't provide a certificate" || true)
[ "$refused" = 0 ] || fail "etcd logged $refused handshakes without a client certificate"
echo ok
