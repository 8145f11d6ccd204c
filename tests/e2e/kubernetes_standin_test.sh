#!/usr/bin/env bash
# The kubernetes publisher against the stand-in API server (tests/kube-standin/server.mjs: what a
# 1.20 kube-apiserver lacks — discovery.k8s.io/v1, batch/v1 — with token authentication, 409 on a
# stale resourceVersion, 422 on invalid names, every body validated against the official schemas).
# The Service, Endpoints and EndpointSlice cke-etcd are checked field by field; a wrong token and
# an object cke does not own are reported in `ckecli status`; the token is read from its file at
# every request, and the client also authenticates as a Pod's service account; a member's health and membership
# changes are published within 2 s of cke observing them, through a resourceVersion conflict; an
# unchanged set makes no write, even after a restart of cke; dropping the publisher withdraws them.
# The stand-in does not refuse loopback addresses as the real server does, so the members keep
# theirs (127.55.0.1-3).
source "$(dirname "$0")/lib.sh"
: "${CKE_KUBE_STANDIN:?CKE_KUBE_STANDIN must name tests/kube-standin}"
: "${CKE_TEST_KUBE:?CKE_TEST_KUBE must name the cke-test-kube tool}"
[ -d "$CKE_KUBE_STANDIN/node_modules/kubernetes-models" ] ||
  { echo "FAIL: the stand-in's npm packages are missing: run packaging/install-deps.sh" >&2; exit 1; }

stop_standin() {
  if [ -n "${STANDIN_PID:-}" ] && kill "$STANDIN_PID" 2>/dev/null; then wait "$STANDIN_PID" 2>/dev/null || true; fi
}
e2e_setup 55
E2E_ON_CLEANUP=stop_standin

# --- the stand-in, on HTTPS with a certificate of the test's own CA, and its kubeconfigs -----------
k8s=$E2E_DIR/k8s
mkdir -p "$k8s"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=standin-ca \
  -keyout "$k8s/ca.key" -out "$k8s/ca.crt" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=standin \
  -keyout "$k8s/server.key" -out "$k8s/server.csr" 2>/dev/null
openssl x509 -req -in "$k8s/server.csr" -CA "$k8s/ca.crt" -CAkey "$k8s/ca.key" -CAcreateserial -days 1 \
  -extfile <(echo "subjectAltName=IP:127.0.0.1") -out "$k8s/server.crt" 2>/dev/null
openssl rand -hex 24 >"$k8s/token"
chmod 600 "$k8s/token" "$k8s"/*.key
PORT=16455
node "$CKE_KUBE_STANDIN/server.mjs" --port $PORT --cert "$k8s/server.crt" --key "$k8s/server.key" \
  --token-file "$k8s/token" >"$k8s/standin.log" 2>&1 &
STANDIN_PID=$!
kubeconfig() { # FILE USER-YAML
  cat >"$1" <<CONF
apiVersion: v1
kind: Config
current-context: cke
clusters:
- name: standin
  cluster: {server: "https://127.0.0.1:$PORT", certificate-authority: ca.crt}
users:
- name: cke
  user: $2
contexts:
- name: cke
  context: {cluster: standin, user: cke}
CONF
}
# cke's reads its token from a file at every request (tokens are rotated), relative to itself.
cp "$k8s/token" "$k8s/cke-token"
kubeconfig "$k8s/kubeconfig" "{tokenFile: cke-token}"
kubeconfig "$k8s/wrong-token" "{token: not-$(cat "$k8s/token")}"
export KUBECONFIG=$k8s/kubeconfig
api() { curl -sS --cacert "$k8s/ca.crt" -H "Authorization: Bearer $(cat "$k8s/token")" "$@"; }
wait_until 20 "the stand-in to answer" api -f "https://127.0.0.1:$PORT/api"
# The writes cke made (the test's own carry curl's User-Agent).
writes() { api -f "https://127.0.0.1:$PORT/standin/requests" | jq '[.[] | select(.agent == "cke")]'; }
NS=/api/v1/namespaces/kube-system
SLICES=/apis/discovery.k8s.io/v1/namespaces/kube-system/endpointslices

# --- the client's answers: discovery picks v1, errors are one line and say what to do ---------------
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover discovery.k8s.io endpointslices v1 v1beta1)" = discovery.k8s.io/v1 ] ||
  fail "discovery did not choose discovery.k8s.io/v1"
[ "$("$CKE_TEST_KUBE" "$k8s/kubeconfig" discover batch cronjobs v1 v1beta1)" = batch/v1 ] ||
  fail "discovery did not choose batch/v1"
expect_failure "a wrong token" "401 Unauthorized" "$CKE_TEST_KUBE" "$k8s/wrong-token" GET "$NS/services"
expect_failure "an invalid name" "422" "$CKE_TEST_KUBE" "$k8s/kubeconfig" POST "$NS/services" \
  '{"apiVersion":"v1","kind":"Service","metadata":{"name":"Not_A_Name"},"spec":{"ports":[{"port":1}]}}'
expect_failure "an invalid body" "must be integer" "$CKE_TEST_KUBE" "$k8s/kubeconfig" POST "$NS/endpoints" \
  '{"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"x"},"subsets":[{"ports":[{"port":"x"}]}]}'
expect_failure "a missing object" "404" "$CKE_TEST_KUBE" "$k8s/kubeconfig" DELETE "$NS/services/nothing"
# 503 is retried (three attempts in all): two in a row are ridden out, three are reported.
api -f -X POST "https://127.0.0.1:$PORT/standin/unavailable?path=$NS/services&times=2" >/dev/null
"$CKE_TEST_KUBE" "$k8s/kubeconfig" GET "$NS/services" | jq -e '.kind == "ServiceList"' >/dev/null ||
  fail "two 503 answers in a row were not retried"
api -f -X POST "https://127.0.0.1:$PORT/standin/unavailable?path=$NS/services&times=3" >/dev/null
expect_failure "three 503 answers in a row" "503" "$CKE_TEST_KUBE" "$k8s/kubeconfig" GET "$NS/services"

# In a Pod: the service account's token and CA from /var/run/secrets/kubernetes.io/serviceaccount
# (here a tmpfs over /run in a mount namespace of the client's own) and KUBERNETES_SERVICE_*.
if [ "$(id -u)" -eq 0 ]; then unshare_cmd=(unshare --mount); else unshare_cmd=(unshare --mount --map-root-user); fi
in_pod() { # ARGS... for cke-test-kube, with an empty kubeconfig name
  "${unshare_cmd[@]}" env KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$PORT sh -c '
    mount -t tmpfs tmpfs /run && sa=/var/run/secrets/kubernetes.io/serviceaccount && mkdir -p $sa &&
    cp "$0/ca.crt" $sa/ca.crt && cp "$0/token" $sa/token && exec "$@"' "$k8s" "$@"
}
in_pod "$CKE_TEST_KUBE" "" GET "$NS/services" | jq -e '.kind == "ServiceList"' >/dev/null ||
  fail "the client did not authenticate with the Pod's service account"

# The Kubernetes backup method's objects with a batch/v1 CronJob, validated against the official
# schemas: the CronJob through batch/v1, which 1.20 lacks (the stand-in serves no apps/v1, so the
# Deployment is checked by e2e.kubernetes's dry run only).
"$CKE_TEST_ETCDBACKUP_OBJECTS" batch/v1 >"$k8s/etcdbackup-objects.jsonl"
while read -r object; do
  kind=$(echo "$object" | jq -r .kind)
  case $kind in
    Secret) collection=$NS/secrets ;;
    Service) collection=$NS/services ;;
    CronJob) collection=/apis/batch/v1/namespaces/kube-system/cronjobs ;;
    *) continue ;;
  esac
  "$CKE_TEST_KUBE" "$k8s/kubeconfig" POST "$collection" "$object" >/dev/null ||
    fail "the stand-in refuses the $kind"
  "$CKE_TEST_KUBE" "$k8s/kubeconfig" DELETE "$collection/$(echo "$object" | jq -r .metadata.name)" >/dev/null
done <"$k8s/etcdbackup-objects.jsonl"
# The writes so far were the client tool's (it too says User-Agent cke); cke's come after.
tool_writes=$(api -f "https://127.0.0.1:$PORT/standin/requests" | jq '[.[] | select(.agent == "cke")] | length')

start_cke
wait_healthy 60

# --- a wrong token: failing, in ckecli status and the log; maintenance goes on ----------------------
cat >>"$E2E_DIR/cluster.yml" <<YAML
publishers:
  - plugin: kubernetes
    config: {kubeconfig: $k8s/wrong-token}
YAML
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
publisher() { ckecli status -output=json | jq -r ".publishers[0].$1"; }
failing_with() { [ "$(publisher state)" = failing ] && publisher error | has -F "$1"; }
wait_until 20 "the publisher to fail with 401" failing_with "401 Unauthorized"
echo "ckecli status: $(publisher error)"
has -F "401 Unauthorized" "$E2E_DIR/cke.log" || fail "the log does not report the 401"
phase_is healthy || fail "a failing publisher changed the cluster's phase"

# --- an unlabelled Service of the same name is refused, not adopted ---------------------------------
api -f -X POST -H 'Content-Type: application/json' "https://127.0.0.1:$PORT$NS/services" \
  -d '{"apiVersion":"v1","kind":"Service","metadata":{"name":"cke-etcd"},"spec":{"clusterIP":"None","ports":[{"port":2379}]}}' >/dev/null
sed -i "s|$k8s/wrong-token|$k8s/kubeconfig|" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
wait_until 20 "the publisher to refuse the unlabelled Service" failing_with "is not cke's"
api -f -X DELETE "https://127.0.0.1:$PORT$NS/services/cke-etcd" >/dev/null

# --- published: every field as the seed's picture ---------------------------------------------------
published() { [ "$(publisher state)" = published ]; }
wait_until 20 "the publisher to publish" published
service=$(kubectl -n kube-system get service/cke-etcd -o json)
endpoints=$(kubectl -n kube-system get endpoints/cke-etcd -o json)
slice=$(kubectl -n kube-system get endpointslices.v1.discovery.k8s.io/cke-etcd -o json)
kubectl -n kube-system get endpoints/cke-etcd -o yaml
members=$(printf '"%s",' $NODE1 $NODE2 $NODE3)
members="[${members%,}]"
check() { # WHAT JSON JQ-EXPRESSION (true when right)
  echo "$2" | jq -e --argjson members "$members" "$3" >/dev/null || fail "$1: $(echo "$2" | jq -c .)"
}
check "the Service" "$service" '
  .metadata.labels["app.kubernetes.io/managed-by"] == "cke" and .spec.clusterIP == "None" and
  (.spec | has("selector") | not) and
  .spec.ports == [{"name":"client","port":2379,"protocol":"TCP","targetPort":2379}]'
check "the Endpoints" "$endpoints" '
  .metadata.labels == {"app.kubernetes.io/managed-by":"cke","endpointslice.kubernetes.io/skip-mirror":"true"} and
  (.subsets | length) == 1 and ([.subsets[0].addresses[].ip] | sort) == $members and
  (.subsets[0] | has("notReadyAddresses") | not) and
  .subsets[0].ports == [{"name":"client","port":2379,"protocol":"TCP"}]'
check "the EndpointSlice" "$slice" '
  .apiVersion == "discovery.k8s.io/v1" and .addressType == "IPv4" and
  .metadata.labels["kubernetes.io/service-name"] == "cke-etcd" and
  .metadata.labels["app.kubernetes.io/managed-by"] == "cke" and
  .metadata.labels["endpointslice.kubernetes.io/managed-by"] != null and
  ([.endpoints[].addresses[0]] | sort) == $members and all(.endpoints[]; .conditions.ready == true) and
  all(.endpoints[]; .hostname | test("^[a-z0-9-]+$")) and
  .ports == [{"name":"client","port":2379,"protocol":"TCP"}]'
expect_failure "a name that exists" "409 Conflict" "$CKE_TEST_KUBE" "$k8s/kubeconfig" POST "$NS/services" \
  '{"apiVersion":"v1","kind":"Service","metadata":{"name":"cke-etcd"},"spec":{"ports":[{"port":1}]}}'
# Three creations, each through the version discovery chose.
created=$(writes | jq -c --argjson from "$tool_writes" '[.[$from:][] | select(.status == 201) | .path]')
[ "$created" = "[\"$NS/services\",\"$NS/endpoints\",\"$SLICES\"]" ] || fail "unexpected creations: $created"

# --- an unchanged set makes no write, also after cke restarts (it publishes again then) -------------
count_writes() { writes | jq length; }
before=$(count_writes)
restart_cke_republished kubernetes
[ "$(count_writes)" = "$before" ] || fail "an unchanged set was written: $(writes | jq -c ".[$before:]")"

# --- a member unhealthy: not ready within 2 s of cke observing it -----------------------------------
pid3=$(member_pid "$NODE3")
kill -STOP "$pid3"
E2E_STOPPED_PIDS="$pid3"
observed_unhealthy() { members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and (.healthy | not))' >/dev/null; }
wait_until 30 "cke to observe $NODE3 unhealthy" observed_unhealthy
observed_ns=$(date +%s%N)
not_ready_is() { [ "$(kubectl -n kube-system get endpoints/cke-etcd -o json | jq -r '[.subsets[0].notReadyAddresses[]?.ip] | join(" ")')" = "$1" ]; }
wait_until 10 "$NODE3 among the Endpoints' notReadyAddresses" not_ready_is "$NODE3"
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "$NODE3 was not ready in the Endpoints ${elapsed_ms} ms after cke showed it unhealthy"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after it was observed (at most 2000)"
kubectl -n kube-system get endpointslices.v1.discovery.k8s.io/cke-etcd -o json |
  jq -e --arg a "$NODE3" '.endpoints[] | select(.addresses[0] == $a) | .conditions.ready == false' >/dev/null ||
  fail "the EndpointSlice does not show $NODE3 not ready"
kill -CONT "$pid3"
E2E_STOPPED_PIDS=""
wait_until 30 "$NODE3 ready again" not_ready_is ""

# --- the token rotated: the next request sends the new one ----------------------------------------
# (once the last change is published whole, and each file replaced by rename, never half-written)
slice_all_ready() { kubectl -n kube-system get endpointslices.v1.discovery.k8s.io/cke-etcd -o json | jq -e 'all(.endpoints[]; .conditions.ready)'; }
wait_until 30 "the EndpointSlice to show every member ready again" slice_all_ready
openssl rand -hex 24 >"$k8s/token.new"
cp "$k8s/token.new" "$k8s/cke-token.new"
mv "$k8s/token.new" "$k8s/token"
mv "$k8s/cke-token.new" "$k8s/cke-token"

# --- a member removed, through a concurrent write (409): published within 2 s -----------------------
api -f -X POST "https://127.0.0.1:$PORT/standin/conflict?path=$NS/endpoints/cke-etcd" >/dev/null
before=$(count_writes)
sed -i "/address: $NODE3/d" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
observed_gone() { ! members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "")' >/dev/null; }
wait_until 60 "cke to observe $NODE3 leave etcd's member list" observed_gone
observed_ns=$(date +%s%N)
endpoint_ips() { kubectl -n kube-system get endpoints/cke-etcd -o json | jq -r '[.subsets[]?.addresses[]?.ip] | sort | join(" ")'; }
endpoints_are() { [ "$(endpoint_ips)" = "$1" ]; }
wait_until 10 "the Endpoints without $NODE3" endpoints_are "$(printf '%s\n' $NODE1 $NODE2 | sort | paste -sd' ')"
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the removal was in the Endpoints ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after the removal was observed (at most 2000)"
puts=$(writes | jq -c --arg p "$NS/endpoints/cke-etcd" "[.[$before:][] | select(.path == \$p) | .status]")
[ "$(echo "$puts" | jq -c '.[0:2]')" = "[409,200]" ] || fail "expected a conflict then a replacement of the Endpoints, got $puts"
kubectl -n kube-system get endpointslices.v1.discovery.k8s.io/cke-etcd -o json |
  jq -e '.endpoints | length == 2' >/dev/null || fail "the EndpointSlice still lists three members"

# --- dropped from cluster.yml: withdrawn --------------------------------------------------------------
sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
gone() { ! kubectl -n kube-system get "$1" cke-etcd >/dev/null 2>&1; }
for kind in service endpoints endpointslices.v1.discovery.k8s.io; do
  wait_until 20 "the $kind cke-etcd to be withdrawn" gone "$kind"
done
echo ok
