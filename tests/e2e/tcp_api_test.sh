#!/usr/bin/env bash
# cke's API over TCP with mutual TLS: an operator certificate from `cke --issue-admin-cert`
# works; no certificate, or an etcd user's certificate, does not get in.
source "$(dirname "$0")/lib.sh"
e2e_setup 37
api=127.37.0.9:9443

env cke --data-dir "$E2E_DIR/data" --cluster "$E2E_DIR/cluster.yml" --listen "$api" \
  --api-san cke-api.example.test >>"$E2E_DIR/cke.log" 2>&1 &
CKE_PID=$!
wait_healthy 60

# Beside the running cke: an operator certificate for ckecli.
cke --data-dir "$E2E_DIR/data" --issue-admin-cert "$E2E_DIR/admin" >/dev/null || fail "--issue-admin-cert"
for f in ca.crt admin.crt admin.key; do
  [ "$(stat -c %a "$E2E_DIR/admin/$f")" = 600 ] || fail "$f is not 0600"
done

[ "$(ckecli --server "$api" --tls-dir "$E2E_DIR/admin" status -output=json | jq -r .phase)" = healthy ] \
  || fail "status over TCP"
CKE_TLS_DIR="$E2E_DIR/admin" ckecli --server "$api" etcd user-add tcpuser /tcp/ | has "added user tcpuser" \
  || fail "user-add over TCP with CKE_TLS_DIR"

# The API's certificate names the listen address and every --api-san.
# (s_client fails the handshake without a client certificate, after the server's has arrived)
sans=$( (echo | openssl s_client -connect "$api" 2>/dev/null || true) | openssl x509 -noout -ext subjectAltName)
echo "$sans" | has "DNS:cke-api.example.test" || fail "--api-san is not in the certificate: $sans"
echo "$sans" | has "IP Address:127.37.0.9" || fail "the listen address is not in the certificate: $sans"

expect_failure "TCP without a certificate" "needs an operator certificate" ckecli --server "$api" status

# An etcd user's certificate (client CA) is not an operator's (api CA).
mkdir "$E2E_DIR/user"
CERT=$(ckecli etcd issue -ttl=1h tcpuser)
echo "$CERT" | jq -r .certificate >"$E2E_DIR/user/admin.crt"
echo "$CERT" | jq -r .private_key >"$E2E_DIR/user/admin.key"
cp "$E2E_DIR/admin/ca.crt" "$E2E_DIR/user/ca.crt"
expect_failure "an etcd user's certificate" "cannot reach cke at $api" \
  ckecli --server "$api" --tls-dir "$E2E_DIR/user" status
[ "$(ckecli etcd user-list -output=json | jq '[.[] | select(.name == "tcpuser")] | length')" = 1 ] \
  || fail "tcpuser missing"

# A second cke on the same --listen address is refused (not bound beside the first, which would
# hand it half the connections).
if out=$(timeout 20 cke --data-dir "$E2E_DIR/second" --listen "$api" 2>&1); then
  fail "a second cke on $api started"
fi
echo "$out" | has "cannot serve the API on .* and $api (is another process listening there?)" ||
  fail "a second cke on $api: $out"
[ "$(ckecli --server "$api" --tls-dir "$E2E_DIR/admin" status -output=json | jq -r .phase)" = healthy ] \
  || fail "the first cke no longer serves on $api"
echo ok
