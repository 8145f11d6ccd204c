#!/usr/bin/env bash
# Client certificates do not outlive their revocation or their user: cke records every client
# certificate it issues, `ckecli etcd cert revoke SERIAL|USER` and `user-remove` put them on the
# client CA's CRL in every member's files, and etcd refuses them on the next connection — no
# member restarts, other clients unaffected.
source "$(dirname "$0")/lib.sh"
e2e_setup 43
cd "$E2E_DIR"

start_cke
wait_healthy 60
use_root_certificate

# issue_cert USER NAME: USER's certificate as NAME.crt / NAME.key; prints its serial.
issue_cert() {
  local CERT
  CERT=$(ckecli etcd issue -ttl=1h "$1")
  echo "$CERT" | jq -r .certificate >"$2.crt"
  echo "$CERT" | jq -r .private_key >"$2.key"
  openssl x509 -in "$2.crt" -noout -serial | cut -d= -f2
}
# works NAME PREFIX: a write with NAME's certificate succeeds.
works() { etcdctl_as "$1.crt" "$1.key" --endpoints=$NODE1:2379 --dial-timeout=2s --command-timeout=3s put "$2x" 1 >/dev/null 2>&1; }
refused() { ! works "$@"; }
member_pids() { ckecli etcd member list -output=json | jq -r '[.[].pid] | sort | join(" ")'; }

ckecli etcd user-add alice /app/alice/ >/dev/null
ckecli etcd user-add bob /app/bob/ >/dev/null
alice_serial=$(issue_cert alice alice)
bob1=$(issue_cert bob bob1)
bob2=$(issue_cert bob bob2)
works alice /app/alice/ || fail "alice's fresh certificate is refused"
works bob1 /app/bob/ && works bob2 /app/bob/ || fail "bob's fresh certificates are refused"

# 1. The record: every issued client certificate, with its serial, user and expiry.
list=$(ckecli etcd cert list -output=json)
[ "$(echo "$list" | jq -r --arg s "$alice_serial" '.[] | select(.serial == $s) | .common_name')" = alice ] \
  || fail "alice's certificate is not listed: $list"
[ "$(echo "$list" | jq -r --arg s "$alice_serial" '.[] | select(.serial == $s) | .revoked')" = false ] \
  || fail "alice's certificate is listed as revoked"
echo "$list" | jq -e '[.[] | select(.common_name == "root")] | length > 0' >/dev/null || fail "root certificates are not recorded"
pids=$(member_pids)

# 2. Revoking by serial: refused on the next connection, the user's other certificate still works.
ckecli etcd cert revoke "$bob1" | has "revoked $bob1" || fail "cert revoke by serial"
wait_until 20 "bob1 to be refused" refused bob1 /app/bob/
works bob2 /app/bob/ || fail "bob's other certificate was refused too"
has "revoked" data/members/*/etcd.log || fail "no member logged the revoked certificate"

# 3. Revoking a user's certificates.
ckecli etcd cert revoke alice | has "revoked $alice_serial" || fail "cert revoke by user"
wait_until 20 "alice's certificate to be refused" refused alice /app/alice/
etcdctl --endpoints=$NODE1:2379 put /still/root ok >/dev/null || fail "root was refused after the revocations"
ckecli etcd cert revoke alice | has "already revoked" || fail "a second revoke"
expect_failure "revoke of nothing" 'no unexpired certificate has serial or user "nobody"' ckecli etcd cert revoke nobody
[ "$(member_pids)" = "$pids" ] || fail "a member restarted: $pids -> $(member_pids)"

# 4. user-remove revokes: the same name added again does not bring an old certificate back.
issue_cert bob bob_old >/dev/null
ckecli etcd user-remove bob >/dev/null
ckecli etcd user-add bob /app/bob/ >/dev/null
issue_cert bob bob_new >/dev/null
wait_until 20 "bob's certificate from before user-remove to be refused" refused bob2 /app/bob/
refused bob_old /app/bob/ || fail "a certificate from before user-remove still works"
works bob_new /app/bob/ || fail "bob's new certificate is refused"
[ "$(ckecli etcd cert list -output=json | jq -r --arg s "$bob2" '.[] | select(.serial == $s) | .revoked')" = true ] \
  || fail "bob2 is not listed as revoked"

# 5. Revocations survive a restart of cke and of a member.
stop_cke
start_cke
wait_healthy 30
[ "$(ckecli etcd cert list -output=json | jq -r --arg s "$alice_serial" '.[] | select(.serial == $s) | .revoked')" = true ] \
  || fail "the revocation was forgotten across a restart"
member=$(ckecli etcd member list -output=json | jq -r '.[0].pid')
kill -9 "$member"
wait_until 60 "the killed member to be started again" sh -c "[ \"\$(ckecli etcd member list -output=json | jq -r '.[0].pid')\" != $member ] && ckecli status -output=json | jq -e '.phase == \"healthy\"'"
refused alice /app/alice/ || fail "alice's revoked certificate works after a member restart"
echo ok
