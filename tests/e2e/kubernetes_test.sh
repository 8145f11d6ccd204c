#!/usr/bin/env bash
# The kubernetes publisher against a real kube-apiserver 1.20.2 (built from Debian's source by
# packaging/build-kube-apiserver.sh) that runs on the cke-managed etcd as the seed runs it: the
# kube-apiserver user, its certificate from `ckecli etcd issue`, its data under /registry/. The
# Service, Endpoints and EndpointSlice cke-etcd appear in kube-system as `kubectl` shows them,
# follow a member's removal within 2 s of cke observing it, and are withdrawn when cluster.yml
# drops the publisher. The API server's setup is in kube_apiserver.sh.
source "$(dirname "$0")/lib.sh"
E2E_ADDRESS_PREFIX=10.213.54
source "$(dirname "$0")/kube_apiserver.sh"
e2e_setup 54
E2E_ON_CLEANUP=stop_apiserver_and_addresses
add_test_addresses $NODE1 $NODE2 $NODE3

start_cke
wait_healthy 60
use_root_certificate

# --- kube-apiserver on the cke-managed etcd -------------------------------------------------------
start_kube_apiserver 16454
# 1.20 serves EndpointSlice and CronJob only as v1beta1: discovery takes those.
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover discovery.k8s.io endpointslices v1 v1beta1)" = discovery.k8s.io/v1beta1 ] ||
  fail "discovery did not fall back to discovery.k8s.io/v1beta1"
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover batch cronjobs v1 v1beta1)" = batch/v1beta1 ] ||
  fail "discovery did not fall back to batch/v1beta1"
# A user RBAC grants nothing: one line that says so and what to do.
issue_test_certificate nobody "/CN=nobody" "extendedKeyUsage=clientAuth"
sed -e 's/admin.crt/nobody.crt/' -e 's/admin.key/nobody.key/' "$k8s/kubeconfig" >"$k8s/nobody.kubeconfig"
expect_failure "a user without permission" "403 Forbidden" \
  "$CKE_TEST_KUBE" "$k8s/nobody.kubeconfig" GET /api/v1/namespaces/kube-system/services
# The Kubernetes backup method's objects, as 1.20 takes them (CronJob in batch/v1beta1): accepted
# by a server-side dry run.
"$CKE_TEST_ETCDBACKUP_OBJECTS" batch/v1beta1 >"$k8s/etcdbackup-objects.jsonl"
while read -r object; do
  echo "$object" | kubectl create --dry-run=server -f - >/dev/null 2>"$k8s/dry-run.err" ||
    fail "the API server refuses $(echo "$object" | jq -r .kind): $(cat "$k8s/dry-run.err")"
done <"$k8s/etcdbackup-objects.jsonl"
# Its data lives in the cke-managed etcd, under /registry/.
etcdctl --endpoints=$NODE1:2379 get --prefix --keys-only /registry/namespaces/ | has -x /registry/namespaces/kube-system ||
  fail "kube-apiserver's data is not in the cke-managed etcd"

# --- publish ----------------------------------------------------------------------------------------
cat >>"$E2E_DIR/cluster.yml" <<YAML
publishers:
  - plugin: kubernetes
    config: {kubeconfig: $k8s/kubeconfig}
YAML
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
expected=$(printf '%s\n' $NODE1 $NODE2 $NODE3 | sort | tr '\n' ' ')
endpoint_ips() { kubectl -n kube-system get endpoints/cke-etcd -o json 2>/dev/null | jq -r '[.subsets[]?.addresses[]?.ip] | sort | join(" ")'; }
endpoints_are() { [ "$(endpoint_ips) " = "$1" ]; }
wait_until 20 "the Endpoints cke-etcd with the three members" endpoints_are "$expected"
kubectl -n kube-system get endpoints/cke-etcd -o yaml
[ "$(kubectl -n kube-system get service/cke-etcd -o jsonpath='{.spec.clusterIP}')" = None ] ||
  fail "the Service cke-etcd is not headless"
[ "$(kubectl -n kube-system get service/cke-etcd -o jsonpath='{.spec.ports[0].port}')" = 2379 ] ||
  fail "the Service cke-etcd does not serve port 2379"
slice=$(kubectl -n kube-system get endpointslices.v1beta1.discovery.k8s.io cke-etcd -o json 2>/dev/null)
[ "$(echo "$slice" | jq -r '.metadata.labels["kubernetes.io/service-name"]')" = cke-etcd ] ||
  fail "no EndpointSlice backs the Service: $slice"
[ "$(echo "$slice" | jq '[.endpoints[] | select(.conditions.ready)] | length')" = 3 ] ||
  fail "the EndpointSlice does not list three ready members: $slice"
[ "$(ckecli status -output=json | jq -r '.publishers[0].state')" = published ] ||
  fail "ckecli status does not show the publisher as published"
version=$(kubectl -n kube-system get endpoints/cke-etcd -o jsonpath='{.metadata.resourceVersion}')

# --- a member removed: published within 2 s of cke observing it -----------------------------------
sed -i "/address: $NODE3/d" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
observed_gone() { ! members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "")' >/dev/null; }
wait_until 60 "cke to observe $NODE3 leave etcd's member list" observed_gone
observed_ns=$(date +%s%N)
expected_two=$(printf '%s\n' $NODE1 $NODE2 | sort | tr '\n' ' ')
wait_until 10 "the Endpoints without $NODE3" endpoints_are "$expected_two"
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the removal was in the Endpoints ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after the removal was observed (at most 2000)"
[ "$(kubectl -n kube-system get endpoints/cke-etcd -o jsonpath='{.metadata.resourceVersion}')" != "$version" ] ||
  fail "the Endpoints were not updated"

# --- dropped from cluster.yml: withdrawn --------------------------------------------------------------
sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
gone() { ! kubectl -n kube-system get service/cke-etcd >/dev/null 2>&1 && ! kubectl -n kube-system get endpoints/cke-etcd >/dev/null 2>&1; }
wait_until 20 "the objects to be withdrawn" gone
echo ok
