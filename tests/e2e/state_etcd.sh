# cke's own etcd for tests and benchmarks of several cke processes (sourced after lib.sh, whose
# wait_until and E2E_DIR it uses): a real three-member etcd on STATE_ADDRESSES with client and
# peer TLS from a CA of its own, RBAC on, a user `cke` allowed /cke/ only, `root`, and `reader`
# (no role). Sets STATE_ENDPOINTS and STATE_FLAGS (cke's flags for it, with --leader-ttl
# ${STATE_LEADER_TTL:-5}s); state_ctl USER ARGS... runs etcdctl against it as that user.
# stop_state_etcd stops it.

# start_state_etcd A1 A2 A3
start_state_etcd() {
  STATE_ADDRESSES=("$@")
  STATE_PKI="$E2E_DIR/state-pki"
  local s=$STATE_PKI i ip initial="" user
  mkdir -p "$s"
  _state_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$s/$1.key" 2>/dev/null; }
  _state_sign() {  # NAME CN [EXTENSION]
    _state_key "$1"
    openssl req -new -key "$s/$1.key" -subj "/CN=$2" -out "$s/$1.csr"
    openssl x509 -req -in "$s/$1.csr" -CA "$s/ca.crt" -CAkey "$s/ca.key" -CAcreateserial -days 1 \
      -extfile <(printf '%s\n' "${3:-basicConstraints=CA:FALSE}") -out "$s/$1.crt" 2>/dev/null
  }
  _state_key ca
  openssl req -x509 -new -key "$s/ca.key" -subj /CN=state-ca -days 1 -out "$s/ca.crt"
  # (peers connect from 127.0.0.1 on this machine, and etcd checks that address too)
  _state_sign server state-etcd "subjectAltName=IP:$1,IP:$2,IP:$3,IP:127.0.0.1"
  for user in root cke reader; do _state_sign "$user" "$user"; done
  chmod 600 "$s"/*.key
  for i in 0 1 2; do initial+="${initial:+,}s$i=https://${STATE_ADDRESSES[$i]}:2380"; done
  for i in 0 1 2; do
    ip=${STATE_ADDRESSES[$i]}
    etcd --name "s$i" --data-dir="$E2E_DIR/state-$i" \
      --listen-client-urls "https://$ip:2379" --advertise-client-urls "https://$ip:2379" \
      --listen-peer-urls "https://$ip:2380" --initial-advertise-peer-urls "https://$ip:2380" \
      --initial-cluster "$initial" --initial-cluster-token state-e2e \
      --cert-file "$s/server.crt" --key-file "$s/server.key" --trusted-ca-file "$s/ca.crt" \
      --client-cert-auth --peer-cert-file "$s/server.crt" --peer-key-file "$s/server.key" \
      --peer-trusted-ca-file "$s/ca.crt" --peer-client-cert-auth \
      >"$E2E_DIR/state-$i.log" 2>&1 &
  done
  STATE_ENDPOINTS="$1:2379,$2:2379,$3:2379"
  wait_until 60 "the state etcd" state_ctl root endpoint health
  state_ctl root user add root --no-password >/dev/null
  state_ctl root role add root >/dev/null
  state_ctl root user grant-role root root >/dev/null
  state_ctl root user add cke --no-password >/dev/null
  state_ctl root role add cke >/dev/null
  state_ctl root role grant-permission cke readwrite /cke/ --prefix >/dev/null
  state_ctl root user grant-role cke cke >/dev/null
  state_ctl root user add reader --no-password >/dev/null
  state_ctl root auth enable >/dev/null
  STATE_FLAGS=(--state-etcd "$STATE_ENDPOINTS" --state-etcd-cacert "$s/ca.crt"
    --state-etcd-cert "$s/cke.crt" --state-etcd-key "$s/cke.key" --leader-ttl "${STATE_LEADER_TTL:-5}s")
}

state_ctl() {  # state_ctl USER ARGS...
  local user=$1
  shift
  env -u ETCDCTL_CERT -u ETCDCTL_KEY -u ETCDCTL_CACERT etcdctl --endpoints="$STATE_ENDPOINTS" \
    --cacert="$STATE_PKI/ca.crt" --cert="$STATE_PKI/$user.crt" --key="$STATE_PKI/$user.key" \
    --command-timeout=5s "$@"
}

# The leader's API address, "" when none leads.
state_leader() { state_ctl cke get /cke/leader --print-value-only; }

stop_state_etcd() {
  pkill -f "data-dir=$E2E_DIR/state-" 2>/dev/null || true
  while pgrep -f "data-dir=$E2E_DIR/state-" >/dev/null; do sleep 0.1; done
}
