#!/usr/bin/env bash
# The cfssl certificate backend against real CFSSL servers (cfssl serve, one per CA, TLS, every
# profile behind an auth key): a wrong auth key is refused with a sentence that says so and no
# member starts; CFSSL serves no unauthenticated signing endpoint; with the right key the cluster
# bootstraps on CFSSL-signed certificates, a root certificate is signed by the client CA with the
# one-hour profile (never longer than the 2 h asked for), a user's with the year profile.
export CKE_E2E_CERTS=cfssl
source "$(dirname "$0")/lib.sh"
e2e_setup 68
cfssl_at=127.68.0.20

# A wrong auth key: the bootstrap fails on it, with what to fix.
openssl rand -hex 16 >"$E2E_DIR/cfssl/wrong.key"
jq --arg k "$E2E_DIR/cfssl/wrong.key" '.auth_key_file = $k' "$E2E_DIR/cfssl/backend.json" >"$E2E_DIR/wrong.json"
env cke --data-dir "$E2E_DIR/data" --cluster "$E2E_DIR/cluster.yml" --cert-backend cfssl \
  --cert-backend-config "$E2E_DIR/wrong.json" >>"$E2E_DIR/cke.log" 2>&1 &
CKE_PID=$!
refused() { has -F "invalid token: the auth key in the auth_key_file differs from the profile's auth key" "$E2E_DIR/cke.log"; }
wait_until 30 "the wrong auth key to be refused" refused
[ -z "$(find "$E2E_DIR/data/members" -name etcd.pid 2>/dev/null)" ] ||
  fail "a member started without certificates"
stop_cke
rm -rf "$E2E_DIR/data"

# No signing without the auth key: CFSSL does not serve /sign when every profile has one.
status=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$E2E_DIR/cfssl/tls-ca.crt" -X POST -d '{}' \
  "https://$cfssl_at:$((CFSSL_PORT_BASE + 1))/api/v1/cfssl/sign")
[ "$status" = 404 ] || fail "the unauthenticated /sign answered $status"

# The right key: a cluster on CFSSL's certificates.
start_cke
wait_healthy 60
use_root_certificate
etcdctl --endpoints="$NODE1:2379" put /cfssl ok >/dev/null || fail "a write with the CFSSL-signed root certificate"
lifetime() { # PEM on stdin: notAfter - notBefore, seconds
  local dates
  dates=$(openssl x509 -noout -startdate -enddate)
  echo $(($(date -d "$(sed -n 's/^notAfter=//p' <<<"$dates")" +%s) - $(date -d "$(sed -n 's/^notBefore=//p' <<<"$dates")" +%s)))
}
root_life=$(lifetime <"$E2E_DIR/etcd-root.crt")
[ "$root_life" -le 7200 ] || fail "the root certificate lives $root_life s, longer than the 2 h asked for"
[ "$(openssl x509 -noout -issuer <"$E2E_DIR/etcd-root.crt")" = "issuer=CN = cfssl client CA" ] ||
  fail "the root certificate's issuer: $(openssl x509 -noout -issuer <"$E2E_DIR/etcd-root.crt")"
ckecli etcd user-add alice /alice/ >/dev/null || fail "user-add"
user_life=$(ckecli etcd issue alice | jq -r .certificate | lifetime)
[ "$user_life" -gt $((300 * 86400)) ] || fail "a user's certificate lives $user_life s, not the year profile"
echo ok
