#!/usr/bin/env bash
# The seed's Administration block as written: a root certificate from `ckecli etcd root-issue`,
# the ETCDCTL_* variables, and `etcdctl --endpoints=NODE_IP:2379 member list` lists three
# started members.
source "$(dirname "$0")/lib.sh"
e2e_setup 31

start_cke
wait_healthy 60

CERT=$(ckecli etcd root-issue)
[ "$(echo "$CERT" | jq -c 'keys_unsorted')" = '["certificate","private_key","ca_certificate"]' ] \
  || fail "root-issue keys: $(echo "$CERT" | jq -c 'keys_unsorted')"
echo "$CERT" | jq -r .ca_certificate >"$E2E_DIR/etcd-ca.crt"
echo "$CERT" | jq -r .certificate >"$E2E_DIR/etcd-root.crt"
echo "$CERT" | jq -r .private_key >"$E2E_DIR/etcd-root.key"
export ETCDCTL_API=3
export ETCDCTL_CACERT=$E2E_DIR/etcd-ca.crt
export ETCDCTL_CERT=$E2E_DIR/etcd-root.crt
export ETCDCTL_KEY=$E2E_DIR/etcd-root.key

list=$(etcdctl --endpoints=$NODE1:2379 member list)
echo "$list"
[ "$(echo "$list" | grep -c ', started, ')" = 3 ] || fail "expected three started members"
for node in $NODE1 $NODE2 $NODE3; do
  echo "$list" | has ", started, $node, https://$node:2380, https://$node:2379" || fail "$node missing"
done

# cke's own view agrees, and kube-apiserver exists from bootstrap with its /registry/ prefix.
[ "$(ckecli etcd member list -output=json | jq '[.[] | select(.healthy and .in_sync)] | length')" = 3 ] \
  || fail "ckecli etcd member list does not show three healthy members"
etcdctl --endpoints=$NODE2:2379 role get kube-apiserver | has '\[/registry/, /registry0)' \
  || fail "kube-apiserver role lacks /registry/"
etcdctl --endpoints=$NODE3:2379 user get kube-apiserver | has 'Roles: kube-apiserver' \
  || fail "kube-apiserver user lacks its role"
echo ok
