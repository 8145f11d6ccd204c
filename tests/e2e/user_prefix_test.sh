#!/usr/bin/env bash
# The seed's Application section: `ckecli etcd user-add alice /app/alice/`, then
# `ckecli etcd issue -ttl=24h -output=json alice`; with alice's certificate etcdctl may write
# under /app/alice/ and nothing else. Plus user-list, user-remove, -output=file, and the
# refusals (a second add, reserved names, empty user, bad TTL).
source "$(dirname "$0")/lib.sh"
e2e_setup 32

start_cke
wait_healthy 60
cd "$E2E_DIR"

ckecli etcd user-add alice /app/alice/ | has "added user alice" || fail "user-add alice"

CERT=$(ckecli etcd issue -ttl=24h -output=json alice)
echo "$CERT" | jq -r .ca_certificate > etcd-ca.crt
echo "$CERT" | jq -r .certificate > alice.crt
echo "$CERT" | jq -r .private_key > alice.key
alice=(etcdctl_as alice.crt alice.key --endpoints=$NODE1:2379)

"${alice[@]}" put /app/alice/x 1 | has OK || fail "alice cannot write her prefix"
[ "$("${alice[@]}" get /app/alice/x --print-value-only)" = 1 ] || fail "alice cannot read her key"
for denied in "put /app/bob/x 1" "get /registry/ --prefix" "user list"; do
  # shellcheck disable=SC2086
  if out=$("${alice[@]}" $denied 2>&1); then fail "alice may '$denied': $out"; fi
  echo "$out" | has "permission denied" || fail "'$denied' failed without permission denied: $out"
done

# user-list shows her with her prefix.
ckecli etcd user-list -output=json | jq -e '.[] | select(.name == "alice" and .prefixes == ["/app/alice/"] and .roles == ["alice"])' >/dev/null \
  || fail "user-list: $(ckecli etcd user-list -output=json)"

# Refusals: one line, non-zero exit, nothing changed.
expect_failure "second user-add" 'user "alice" already exists' ckecli etcd user-add alice /app/alice/
expect_failure "user-add root" 'user name "root" is reserved' ckecli etcd user-add root /x/
expect_failure "user-add backup" 'user name "backup" is reserved' ckecli etcd user-add backup /x/
expect_failure "user-add bad name" 'invalid user name' ckecli etcd user-add '../x' /x/
expect_failure "user-add empty prefix" 'PREFIX is empty' ckecli etcd user-add carol ''
expect_failure 'issue ""' 'USER is empty' ckecli etcd issue ''
expect_failure "-ttl=abc" 'invalid duration "abc"' ckecli etcd issue -ttl=abc alice
expect_failure "issue root" 'root-issue' ckecli etcd issue root
[ "$(ckecli etcd user-list -output=json | jq -r '[.[].name] | sort | join(",")')" = "alice,kube-apiserver,root" ] \
  || fail "users changed by refused commands"

# -output=file: the three files, the key 0600; GNU-style flags work the same.
mkdir files && cd files
ckecli etcd issue --ttl 90m --output file alice >/dev/null
[ -s etcd-ca.crt ] && [ -s etcd-alice.crt ] && [ -s etcd-alice.key ] || fail "-output=file files missing"
[ "$(stat -c %a etcd-alice.key)" = 600 ] || fail "etcd-alice.key is $(stat -c %a etcd-alice.key)"
env -u ETCDCTL_CERT -u ETCDCTL_KEY -u ETCDCTL_CACERT etcdctl --endpoints=$NODE2:2379 \
  --cacert=etcd-ca.crt --cert=etcd-alice.crt --key=etcd-alice.key get /app/alice/x --print-value-only | has -x 1 || fail "the file certificate does not work"
cd ..

# An RSA-2048 certificate, for clients that need one, works the same.
CERT=$(ckecli etcd issue -key-type=rsa -ttl=1h alice)
echo "$CERT" | jq -r .certificate > alice-rsa.crt
echo "$CERT" | jq -r .private_key > alice-rsa.key
openssl x509 -in alice-rsa.crt -noout -text | has "Public-Key: (2048 bit)" || fail "not an RSA-2048 key"
openssl x509 -in alice.crt -noout -text | has "ASN1 OID: prime256v1" || fail "the default key is not P-256"
etcdctl_as alice-rsa.crt alice-rsa.key --endpoints=$NODE3:2379 get /app/alice/x --print-value-only | has -x 1 \
  || fail "the RSA certificate does not work"

# user-remove: alice's certificate no longer grants anything.
ckecli etcd user-remove alice | has "removed user alice" || fail "user-remove"
if "${alice[@]}" get /app/alice/x >/dev/null 2>&1; then fail "alice still reads after user-remove"; fi
expect_failure "user-remove again" 'no user "alice"' ckecli etcd user-remove alice
echo ok
