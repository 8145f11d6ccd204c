# Helpers for tests that run the real kube-apiserver 1.20.2 (built from Debian's source by
# packaging/build-kube-apiserver.sh) on the cke-managed etcd, as the seed runs it: the
# kube-apiserver user, its certificate from `ckecli etcd issue`, its data under /registry/.
# Source after lib.sh. Endpoints refuse loopback addresses, so members get test addresses
# (E2E_ADDRESS_PREFIX, added to lo by add_test_addresses). All share lo, so the kernel would give a
# connection between two of them the destination's address as its source, which is in neither
# member's peer certificate (etcd checks a peer's address against its certificate): the routes
# added give 127.0.0.1 as the source instead, as for members on 127.x addresses.
: "${CKE_KUBE_APISERVER:?CKE_KUBE_APISERVER must name a kube-apiserver 1.20.2 (packaging/build-kube-apiserver.sh prints its path)}"
[ -x "$CKE_KUBE_APISERVER" ] ||
  { echo "FAIL: no kube-apiserver at $CKE_KUBE_APISERVER: run packaging/build-kube-apiserver.sh" >&2; exit 1; }

ADDED_ADDRESSES=""
# Adding addresses takes root: as another user, through sudo without a password.
if [ "$(id -u)" -eq 0 ]; then ip_cmd=(ip); else ip_cmd=(sudo -n ip); fi

# Stops the API server and removes the addresses; the test's E2E_ON_CLEANUP calls it.
stop_apiserver_and_addresses() {
  if [ -n "${APISERVER_PID:-}" ] && kill "$APISERVER_PID" 2>/dev/null; then wait "$APISERVER_PID" 2>/dev/null || true; fi
  for a in $ADDED_ADDRESSES; do
    "${ip_cmd[@]}" addr del "$a/32" dev lo 2>/dev/null || true
    "${ip_cmd[@]}" route del local "$a" dev lo table local 2>/dev/null || true
  done
}

add_test_addresses() { # ADDRESS...
  local a
  for a in "$@"; do
    # Each test has addresses of its own: one already on lo is a leftover of a run of this test
    # that was killed before its cleanup, and is taken over.
    if ip -4 -o addr show dev lo | has -F " $a/32 "; then
      "${ip_cmd[@]}" addr del "$a/32" dev lo || fail "cannot remove the leftover $a from lo"
    fi
    "${ip_cmd[@]}" addr add "$a/32" dev lo || fail "cannot add $a to lo (the test needs root or sudo)"
    ADDED_ADDRESSES="$ADDED_ADDRESSES $a"
    "${ip_cmd[@]}" route replace local "$a" dev lo table local src 127.0.0.1 ||
      fail "cannot route $a from 127.0.0.1"
  done
}

# Starts kube-apiserver on 127.0.0.1:PORT with its files in $k8s, exports KUBECONFIG (user admin,
# system:masters) and waits until it is ready. Needs the root certificate (use_root_certificate).
start_kube_apiserver() { # PORT
  local port=$1
  k8s=$E2E_DIR/k8s
  mkdir -p "$k8s"
  (cd "$k8s" && ckecli etcd issue -output=file kube-apiserver >/dev/null)
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=test-ca \
    -keyout "$k8s/ca.key" -out "$k8s/ca.crt" 2>/dev/null
  issue_test_certificate apiserver /CN=kube-apiserver "subjectAltName=IP:127.0.0.1"
  issue_test_certificate admin "/O=system:masters/CN=admin" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$k8s/sa.key" 2048 2>/dev/null
  openssl rsa -in "$k8s/sa.key" -pubout -out "$k8s/sa.pub" 2>/dev/null
  "$CKE_KUBE_APISERVER" --etcd-servers "https://$NODE1:2379,https://$NODE2:2379,https://$NODE3:2379" \
    --etcd-cafile "$k8s/etcd-ca.crt" --etcd-certfile "$k8s/etcd-kube-apiserver.crt" \
    --etcd-keyfile "$k8s/etcd-kube-apiserver.key" --bind-address 127.0.0.1 --secure-port "$port" \
    --advertise-address 127.0.0.1 --endpoint-reconciler-type none \
    --tls-cert-file "$k8s/apiserver.crt" --tls-private-key-file "$k8s/apiserver.key" \
    --client-ca-file "$k8s/ca.crt" --service-account-issuer https://kubernetes.default.svc \
    --service-account-key-file "$k8s/sa.pub" --service-account-signing-key-file "$k8s/sa.key" \
    --service-cluster-ip-range 10.0.0.0/24 --authorization-mode RBAC >"$k8s/apiserver.log" 2>&1 &
  APISERVER_PID=$!
  APISERVER_URL=https://127.0.0.1:$port
  cat >"$k8s/kubeconfig" <<CONF
apiVersion: v1
kind: Config
current-context: admin
clusters:
- name: test
  cluster: {server: "$APISERVER_URL", certificate-authority: ca.crt}
users:
- name: admin
  user: {client-certificate: admin.crt, client-key: admin.key}
contexts:
- name: admin
  context: {cluster: test, user: admin}
CONF
  export KUBECONFIG=$k8s/kubeconfig
  wait_until 60 "kube-apiserver to be ready" apiserver_ready
}

# A certificate from the test CA in $k8s: NAME SUBJECT EXTENSIONS.
issue_test_certificate() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$k8s/$1.key" -out "$k8s/$1.csr" 2>/dev/null
  openssl x509 -req -in "$k8s/$1.csr" -CA "$k8s/ca.crt" -CAkey "$k8s/ca.key" -CAcreateserial \
    -days 1 -extfile <(printf '%s\n' "$3") -out "$k8s/$1.crt" 2>/dev/null
}

# curl as the API server's admin: PATH [curl options...].
apiserver_curl() {
  local path=$1
  shift
  curl -sS --cacert "$k8s/ca.crt" --cert "$k8s/admin.crt" --key "$k8s/admin.key" "$@" "$APISERVER_URL$path"
}

apiserver_ready() {
  apiserver_curl /readyz -f -o /dev/null 2>/dev/null && return 0
  kill -0 "$APISERVER_PID" 2>/dev/null || fail "kube-apiserver exited: $(tail -n 5 "$k8s/apiserver.log")"
  return 1
}
