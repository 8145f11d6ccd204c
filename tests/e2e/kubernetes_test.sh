#!/usr/bin/env bash
# The kubernetes publisher against a real kube-apiserver 1.20.2 (built from Debian's source by
# packaging/build-kube-apiserver.sh) that runs on the cke-managed etcd as the seed runs it: the
# kube-apiserver user, its certificate from `ckecli etcd issue`, its data under /registry/. The
# Service, Endpoints and EndpointSlice cke-etcd appear in kube-system as `kubectl` shows them,
# follow a member's removal within 2 s of cke observing it, and are withdrawn when cluster.yml
# drops the publisher. Endpoints refuse loopback addresses, so the members get 10.213.54.1-3,
# added to lo for the test. All three share lo, so the kernel would give a connection between
# two of them the destination's address as its source, which is in neither member's peer
# certificate (etcd checks a peer's address against its certificate): the test's routes to them
# give 127.0.0.1 as the source instead, as for members on 127.x addresses.
source "$(dirname "$0")/lib.sh"
: "${CKE_KUBE_APISERVER:?CKE_KUBE_APISERVER must name a kube-apiserver 1.20.2 (packaging/build-kube-apiserver.sh prints its path)}"
[ -x "$CKE_KUBE_APISERVER" ] ||
  { echo "FAIL: no kube-apiserver at $CKE_KUBE_APISERVER: run packaging/build-kube-apiserver.sh" >&2; exit 1; }

E2E_ADDRESS_PREFIX=10.213.54
ADDED_ADDRESSES=""
# Adding addresses takes root: as another user, through sudo without a password.
if [ "$(id -u)" -eq 0 ]; then ip_cmd=(ip); else ip_cmd=(sudo -n ip); fi
remove_addresses_and_apiserver() {
  if [ -n "${APISERVER_PID:-}" ] && kill "$APISERVER_PID" 2>/dev/null; then wait "$APISERVER_PID" 2>/dev/null || true; fi
  for a in $ADDED_ADDRESSES; do
    "${ip_cmd[@]}" addr del "$a/32" dev lo 2>/dev/null || true
    "${ip_cmd[@]}" route del local "$a" dev lo table local 2>/dev/null || true
  done
}
e2e_setup 54
E2E_ON_CLEANUP=remove_addresses_and_apiserver
for a in $NODE1 $NODE2 $NODE3; do
  "${ip_cmd[@]}" addr add "$a/32" dev lo || fail "cannot add $a to lo (the test needs root or sudo)"
  ADDED_ADDRESSES="$ADDED_ADDRESSES $a"
  "${ip_cmd[@]}" route replace local "$a" dev lo table local src 127.0.0.1 ||
    fail "cannot route $a from 127.0.0.1"
done

start_cke
wait_healthy 60
use_root_certificate

# --- kube-apiserver on the cke-managed etcd -------------------------------------------------------
k8s=$E2E_DIR/k8s
mkdir -p "$k8s"
(cd "$k8s" && ckecli etcd issue -output=file kube-apiserver >/dev/null)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=test-ca \
  -keyout "$k8s/ca.key" -out "$k8s/ca.crt" 2>/dev/null
issue() { # NAME SUBJECT EXTENSIONS
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$k8s/$1.key" -out "$k8s/$1.csr" 2>/dev/null
  openssl x509 -req -in "$k8s/$1.csr" -CA "$k8s/ca.crt" -CAkey "$k8s/ca.key" -CAcreateserial \
    -days 1 -extfile <(printf '%s\n' "$3") -out "$k8s/$1.crt" 2>/dev/null
}
issue apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1"
issue admin "/O=system:masters/CN=admin" "extendedKeyUsage=clientAuth"
issue nobody "/CN=nobody" "extendedKeyUsage=clientAuth"
openssl genrsa -out "$k8s/sa.key" 2048 2>/dev/null
openssl rsa -in "$k8s/sa.key" -pubout -out "$k8s/sa.pub" 2>/dev/null
PORT=16454
"$CKE_KUBE_APISERVER" --etcd-servers "https://$NODE1:2379,https://$NODE2:2379,https://$NODE3:2379" \
  --etcd-cafile "$k8s/etcd-ca.crt" --etcd-certfile "$k8s/etcd-kube-apiserver.crt" \
  --etcd-keyfile "$k8s/etcd-kube-apiserver.key" --bind-address 127.0.0.1 --secure-port $PORT \
  --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
  --tls-cert-file "$k8s/apiserver.crt" --tls-private-key-file "$k8s/apiserver.key" \
  --client-ca-file "$k8s/ca.crt" --service-account-issuer https://kubernetes.default.svc \
  --service-account-key-file "$k8s/sa.pub" --service-account-signing-key-file "$k8s/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 --authorization-mode RBAC >"$k8s/apiserver.log" 2>&1 &
APISERVER_PID=$!
cat >"$k8s/kubeconfig" <<CONF
apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: test
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: ca.crt}
users:
- name: admin
  user: {client-certificate: admin.crt, client-key: admin.key}
contexts:
- name: admin
  context: {cluster: test, user: admin}
CONF
export KUBECONFIG=$k8s/kubeconfig
ready() { curl -sf --cacert "$k8s/ca.crt" --cert "$k8s/admin.crt" --key "$k8s/admin.key" "https://127.0.0.1:$PORT/readyz" >/dev/null; }
wait_until 60 "kube-apiserver to be ready" ready
# 1.20 serves EndpointSlice and CronJob only as v1beta1: discovery takes those.
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover discovery.k8s.io endpointslices v1 v1beta1)" = discovery.k8s.io/v1beta1 ] ||
  fail "discovery did not fall back to discovery.k8s.io/v1beta1"
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover batch cronjobs v1 v1beta1)" = batch/v1beta1 ] ||
  fail "discovery did not fall back to batch/v1beta1"
# A user RBAC grants nothing: one line that says so and what to do.
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
