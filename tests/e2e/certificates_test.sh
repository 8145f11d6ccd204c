#!/usr/bin/env bash
# Certificates: root's is valid 2 h (± 1 min); one issued with -ttl=2s is refused by etcd once
# expired; a certificate from a foreign CA is refused; every private key on disk is 0600 and the
# state directories 0700.
source "$(dirname "$0")/lib.sh"
e2e_setup 33

start_cke
wait_healthy 60
use_root_certificate
cd "$E2E_DIR"

# Root: CN root, notAfter − issue time = 2 h ± 1 min.
issued=$(date +%s)
not_after=$(date -d "$(openssl x509 -in etcd-root.crt -noout -enddate | cut -d= -f2)" +%s)
delta=$((not_after - issued))
[ $delta -ge $((7200 - 60)) ] && [ $delta -le $((7200 + 60)) ] || fail "root certificate lasts ${delta}s"
openssl x509 -in etcd-root.crt -noout -subject | has 'CN *= *root' || fail "root CN"
# ca_certificate verifies the etcd server's certificate (etcdctl --cacert works with it).
echo | openssl s_client -connect $NODE1:2379 -CAfile etcd-ca.crt -cert etcd-root.crt -key etcd-root.key \
  2>/dev/null | has "Verify return code: 0" || fail "ca_certificate does not verify the server"

# A user certificate with -ttl=2s works, then is refused once expired.
ckecli etcd user-add shorty /shorty/ >/dev/null
CERT=$(ckecli etcd issue -ttl=2s shorty)
echo "$CERT" | jq -r .certificate > shorty.crt
echo "$CERT" | jq -r .private_key > shorty.key
shorty=(etcdctl_as shorty.crt shorty.key --endpoints=$NODE1:2379 --command-timeout=3s)
"${shorty[@]}" put /shorty/a 1 >/dev/null || fail "a fresh 2s certificate is refused"
expiry=$(date -d "$(openssl x509 -in shorty.crt -noout -enddate | cut -d= -f2)" +%s)
wait_until 10 "the 2s certificate to expire" sh -c "[ \$(date +%s) -gt $expiry ]"
if out=$("${shorty[@]}" put /shorty/a 2 2>&1); then fail "etcd accepted an expired certificate"; fi
# A TLS refusal reaches the client only as a deadline (ETCD-NOTES); the member logs the reason.
echo "$out" | has "deadline exceeded" || fail "expired certificate refused for another reason: $out"
grep -q "certificate has expired" "$E2E_DIR"/data/members/*/etcd.log || fail "no member logged the expired certificate"

# A certificate from a foreign CA, even with CN root, is refused.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=foreign CA" \
  -keyout foreign-ca.key -out foreign-ca.crt -days 1 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=root" \
  -keyout foreign.key -out foreign.csr 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' > ext.cnf
openssl x509 -req -in foreign.csr -CA foreign-ca.crt -CAkey foreign-ca.key -CAcreateserial \
  -days 1 -extfile ext.cnf -out foreign.crt 2>/dev/null
if out=$(etcdctl_as foreign.crt foreign.key --endpoints=$NODE1:2379 --command-timeout=3s get /x 2>&1); then
  fail "etcd accepted a certificate from a foreign CA"
fi
echo "$out" | has "deadline exceeded" || fail "foreign certificate refused for another reason: $out"
grep -q "unknown authority" "$E2E_DIR"/data/members/*/etcd.log || fail "no member logged the foreign CA"

# Private keys 0600 and directories 0700, wherever cke wrote them.
keys=$(find "$E2E_DIR/data" -name '*.key')
[ -n "$keys" ] || fail "no key files found"
for key in $keys; do
  [ "$(stat -c %a "$key")" = 600 ] || fail "$key is $(stat -c %a "$key")"
done
for dir in "$E2E_DIR/data" "$E2E_DIR/data/pki" "$E2E_DIR/data/members"; do
  [ "$(stat -c %a "$dir")" = 700 ] || fail "$dir is $(stat -c %a "$dir")"
done
[ "$(stat -c %a "$E2E_DIR/data/cke.sock")" = 600 ] || fail "cke.sock is $(stat -c %a "$E2E_DIR/data/cke.sock")"
[ "$(stat -c %a "$E2E_DIR/data/state.json")" = 600 ] || fail "state.json is not 0600"
echo ok
