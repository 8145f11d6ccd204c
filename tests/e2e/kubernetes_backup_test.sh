#!/usr/bin/env bash
# The seed's "Backup → Kubernetes" section against the real kube-apiserver 1.20.2 on the
# cke-managed etcd: with etcd_backup.enabled, pvc_name and a kubernetes publisher, cke creates
# user `backup` (role root) and its certificate, and keeps etcdbackup's ConfigMap, Secret,
# Deployment, Service and CronJob (batch/v1beta1, as discovery finds) in kube-system; etcdbackup
# runs as a local process on a test address from the ConfigMap's settings and the Secret's
# certificate, and the API server proxies to it through the Service (its Pod object and Endpoints
# written by the test: no scheduler, kubelet or controller manager runs). A backup taken as the CronJob's Job takes it (a POST to the
# Service) is listed and downloaded by `ckecli etcd backup list|get` through the service proxy,
# exactly as the seed prints them. The CronJob follows `schedule`, the ConfigMap `rotate` (the
# Pod template's settings hash with it), the certificate is renewed into the Secret before it
# expires (a 30 s lifetime through a test hook), and every object goes when backups are disabled.
source "$(dirname "$0")/lib.sh"
E2E_ADDRESS_PREFIX=10.213.59
source "$(dirname "$0")/kube_apiserver.sh"
e2e_setup 59
AGENT_ADDRESS=$E2E_ADDRESS_PREFIX.10
AGENT_PORT=18059
stop_all() {
  if [ -n "${AGENT_PID:-}" ] && kill "$AGENT_PID" 2>/dev/null; then wait "$AGENT_PID" 2>/dev/null || true; fi
  stop_apiserver_and_addresses
}
E2E_ON_CLEANUP=stop_all
add_test_addresses $NODE1 $NODE2 $NODE3 $AGENT_ADDRESS

# etcdbackup's certificate lives 30 s instead of 90 days: renewed after 20.
start_cke CKE_TEST_BACKUP_CERT_TTL_SECONDS=30
wait_healthy 60
use_root_certificate
for i in $(seq 1 20); do etcdctl --endpoints=$NODE1:2379 put "/data/$i" "value $i" >/dev/null; done
start_kube_apiserver 16459

# --- enable the method: the seed's cluster.yml keys, and a Kubernetes API -------------------------
cat >>"$E2E_DIR/cluster.yml" <<YAML
etcd_backup:
  enabled: enable
  pvc_name: etcdbackup-pvc
  schedule: "0 * * * *"
  rotate: 14
publishers:
  - plugin: kubernetes
    config: {kubeconfig: $k8s/kubeconfig}
YAML
ckecli cluster set "$E2E_DIR/cluster.yml" 2>"$E2E_DIR/set.err" >/dev/null ||
  fail "cluster set failed: $(cat "$E2E_DIR/set.err")"
has -F "pvc_name" "$E2E_DIR/set.err" && fail "cluster set still warns that pvc_name is unused: $(cat "$E2E_DIR/set.err")"
kinds=(configmap/etcdbackup secret/etcdbackup-etcd deployment/etcdbackup service/etcdbackup cronjob/etcdbackup)
all_present() {
  local k
  for k in "${kinds[@]}"; do kubectl -n kube-system get "$k" >/dev/null 2>&1 || return 1; done
}
wait_until 60 "etcdbackup's five objects in kube-system" all_present
[ "$(count_history backup-certificate)" -ge 1 ] || fail "no backup-certificate operation in the history"
etcdctl --endpoints=$NODE1:2379 user get backup | has -F "Roles: root" ||
  fail "user backup has no role root: $(etcdctl --endpoints=$NODE1:2379 user get backup 2>&1)"
cronjob=$(kubectl -n kube-system get cronjob/etcdbackup -o json)
[ "$(echo "$cronjob" | jq -r .apiVersion)" = batch/v1beta1 ] || fail "the CronJob is not batch/v1beta1: $(echo "$cronjob" | jq -r .apiVersion)"
[ "$(echo "$cronjob" | jq -r .spec.schedule)" = "0 * * * *" ] || fail "the CronJob's schedule: $(echo "$cronjob" | jq -r .spec.schedule)"
[ "$(kubectl -n kube-system get deployment/etcdbackup -o jsonpath='{.spec.template.spec.volumes[2].persistentVolumeClaim.claimName}')" = etcdbackup-pvc ] ||
  fail "the Deployment does not mount the PVC etcdbackup-pvc"
kubectl get job -n kube-system

# --- etcdbackup from the ConfigMap and the Secret, reachable through the Service ------------------
agent=$E2E_DIR/agent
mkdir -p "$agent/tls" "$agent/pvc"
kubectl -n kube-system get configmap/etcdbackup -o jsonpath='{.data.etcdbackup\.toml}' >"$agent/etcdbackup.toml"
for f in ca.crt tls.crt tls.key; do
  kubectl -n kube-system get secret/etcdbackup-etcd -o json | jq -r --arg f "$f" '.data[$f]' | base64 -d >"$agent/tls/$f"
done
chmod 600 "$agent/tls/tls.key"
openssl x509 -in "$agent/tls/tls.crt" -noout -subject | has -F "CN = backup" ||
  fail "the Secret's certificate is not user backup's: $(openssl x509 -in "$agent/tls/tls.crt" -noout -subject)"
has -F "rotate = 14" "$agent/etcdbackup.toml" || fail "the ConfigMap lacks rotate = 14: $(cat "$agent/etcdbackup.toml")"
# The ConfigMap's settings, with the paths and address of this machine instead of the Pod's.
etcdbackup --config "$agent/etcdbackup.toml" --listen "$AGENT_ADDRESS:$AGENT_PORT" --dir "$agent/pvc" \
  --require-mount=false --etcd-ca "$agent/tls/ca.crt" --etcd-cert "$agent/tls/tls.crt" \
  --etcd-key "$agent/tls/tls.key" >"$E2E_DIR/etcdbackup.log" 2>&1 &
AGENT_PID=$!
agent_serving() {
  curl -sf "http://$AGENT_ADDRESS:$AGENT_PORT/health" >/dev/null && return 0
  kill -0 "$AGENT_PID" 2>/dev/null || fail "etcdbackup exited: $(tail -n 5 "$E2E_DIR/etcdbackup.log")"
  return 1
}
wait_until 20 "etcdbackup to serve" agent_serving
# The service proxy goes only to an address of a Pod whose status has that IP (the API server
# checks the Endpoints' targetRef): a Pod object as etcdbackup's Deployment would make it, which
# nothing runs, with this machine's test address as its IP, and the Endpoints the endpoints
# controller would write for it.
kubectl -n kube-system create serviceaccount default >/dev/null
pod_labels=$(kubectl -n kube-system get deployment/etcdbackup -o json | jq -c .spec.template.metadata.labels)
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Pod
metadata: {name: etcdbackup-test, namespace: kube-system, labels: $pod_labels}
spec:
  automountServiceAccountToken: false
  containers: [{name: etcdbackup, image: etcdbackup:test}]
YAML
apiserver_curl /api/v1/namespaces/kube-system/pods/etcdbackup-test/status -f -o /dev/null -X PATCH \
  -H "Content-Type: application/merge-patch+json" \
  --data "{\"status\":{\"podIP\":\"$AGENT_ADDRESS\",\"podIPs\":[{\"ip\":\"$AGENT_ADDRESS\"}]}}" ||
  fail "cannot set the test Pod's IP"
kubectl apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Endpoints
metadata: {name: etcdbackup, namespace: kube-system}
subsets:
- addresses: [{ip: $AGENT_ADDRESS, targetRef: {kind: Pod, namespace: kube-system, name: etcdbackup-test}}]
  ports: [{name: http, port: $AGENT_PORT, protocol: TCP}]
YAML
proxy=/api/v1/namespaces/kube-system/services/etcdbackup:8080/proxy
# What the CronJob's Job does, through the API server instead of the cluster network.
manifest=$(apiserver_curl "$proxy/api/v1/backup" -f -X POST --data "") ||
  fail "POST through the service proxy failed: $(apiserver_curl "$proxy/api/v1/backup" -X POST --data ''); $(tail -n 5 "$E2E_DIR/etcdbackup.log")"
name=$(echo "$manifest" | jq -r .name)
[[ "$name" =~ ^snapshot-[0-9]{8}_[0-9]{6}\.db\.gz$ ]] || fail "unexpected backup: $manifest"

# --- the seed's commands --------------------------------------------------------------------------
[ "$(ckecli etcd backup list)" = "[\"$name\"]" ] || fail "ckecli etcd backup list: $(ckecli etcd backup list 2>&1)"
ckecli etcd backup list --output table | has -F "$name" || fail "the table does not list $name"
(cd "$E2E_DIR" && ckecli etcd backup get "$name") || fail "ckecli etcd backup get $name failed"
[ "$(sha256sum "$E2E_DIR/$name" | cut -d' ' -f1)" = "$(echo "$manifest" | jq -r .stored_sha256)" ] ||
  fail "the download's SHA-256 is not the manifest's"
cmp "$E2E_DIR/$name" "$agent/pvc/$name" || fail "the download differs from the file on the PVC"
gunzip -k "$E2E_DIR/$name"
etcdctl snapshot status "$E2E_DIR/${name%.gz}" -w json | jq -e '.totalKey > 20' >/dev/null ||
  fail "etcdctl snapshot status refuses the downloaded backup"
expect_failure "a backup etcdbackup does not have" "404" ckecli etcd backup get snapshot-20000101_000000.db.gz
expect_failure "backup take under the Kubernetes method" "kubectl create job" ckecli etcd backup take

# --- ckecli etcd backup manifests: the same objects, for GitOps -------------------------------------
ckecli etcd backup manifests >"$E2E_DIR/manifests.yaml"
has -F "kind: Secret" "$E2E_DIR/manifests.yaml" && fail "manifests printed the Secret without --include-secret"
has -F -- "--include-secret" "$E2E_DIR/manifests.yaml" || fail "manifests does not say the Secret was left out"
[ "$(grep -c '^kind: ' "$E2E_DIR/manifests.yaml")" = 4 ] || fail "manifests did not print four objects: $(cat "$E2E_DIR/manifests.yaml")"
ckecli etcd backup manifests --include-secret --cronjob-api-version batch/v1beta1 >"$E2E_DIR/all.yaml"
kubectl apply --dry-run=server -f "$E2E_DIR/all.yaml" >/dev/null 2>"$E2E_DIR/apply.err" ||
  fail "kubectl apply --dry-run=server refuses the manifests: $(cat "$E2E_DIR/apply.err")"

# --- cluster.yml changes: the objects follow --------------------------------------------------------
template_hash() { kubectl -n kube-system get deployment/etcdbackup -o jsonpath='{.spec.template.metadata.annotations.cke/settings-sha256}'; }
hash_before=$(template_hash)
[ -n "$hash_before" ] || fail "the Deployment's Pod template has no settings hash"
sed -i -e 's/schedule: "0 \* \* \* \*"/schedule: "30 2 * * *"/' -e 's/rotate: 14/rotate: 5/' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
schedule_is() { [ "$(kubectl -n kube-system get cronjob/etcdbackup -o jsonpath='{.spec.schedule}')" = "$1" ]; }
wait_until 20 "the CronJob's new schedule" schedule_is "30 2 * * *"
kubectl -n kube-system get configmap/etcdbackup -o jsonpath='{.data.etcdbackup\.toml}' | has -F "rotate = 5" ||
  fail "the ConfigMap does not say rotate = 5"
[ "$(template_hash)" != "$hash_before" ] || fail "the Pod template's settings hash did not change with rotate"

# --- the certificate renewed before it expires: a new one in the Secret, and the Pod replaced ------
secret_serial() { kubectl -n kube-system get secret/etcdbackup-etcd -o jsonpath='{.data.tls\.crt}' | base64 -d | openssl x509 -noout -serial; }
serial_before=$(secret_serial)
hash_before=$(template_hash)
serial_changed() { [ "$(secret_serial)" != "$serial_before" ]; }
wait_until 40 "a renewed certificate in the Secret" serial_changed
[ "$(template_hash)" != "$hash_before" ] || fail "the Pod template did not change with the renewed certificate"
[ "$(count_history backup-certificate)" -ge 2 ] || fail "no second backup-certificate operation"

# --- disabled: every object goes; ckecli is back on cke's own storage --------------------------------
sed -i 's/enabled: enable/enabled: false/' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
none_left() {
  local k
  for k in "${kinds[@]}"; do kubectl -n kube-system get "$k" >/dev/null 2>&1 && return 1; done
  return 0
}
wait_until 30 "etcdbackup's objects to be deleted" none_left
kubectl -n kube-system get pod/etcdbackup-test >/dev/null || fail "the test's Pod (not labelled as cke's object) was deleted"
kubectl -n kube-system get service/cke-etcd >/dev/null || fail "the publisher's Service cke-etcd went with the backup objects"
[ "$(ckecli etcd backup list)" = "[]" ] || fail "ckecli etcd backup list does not show cke's own (empty) storage: $(ckecli etcd backup list 2>&1)"
echo ok
