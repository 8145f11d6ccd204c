# Sourced by lib.sh. CKE_E2E_CERTS=cfssl: the test's certificates come from real CFSSL servers
# (Debian's golang-cfssl, `cfssl serve`), one per CA cke uses, on ADDRESS ports 18881-18884,
# with TLS (a CA of the test's own) and only the authenticated signing endpoint (every profile
# has an auth key, so /sign is not served). Profiles: a year for members and users, an hour for
# short-lived certificates (cke's own, root-issue's), 10 minutes for the renewal test's members
# (CFSSL starts a certificate 5 minutes in the past, rounded to the minute, so a shorter one
# could be over or not yet valid when it arrives).
CFSSL_PORT_BASE=18880
declare -A CFSSL_PID=()
start_cfssl_servers() { # ADDRESS
  local address=$1 dir=$E2E_DIR/cfssl port=$CFSSL_PORT_BASE ca
  command -v cfssl >/dev/null || fail "no cfssl: run packaging/install-deps.sh (golang-cfssl)"
  mkdir -p "$dir" && chmod 700 "$dir"
  # The servers' TLS certificate, from a CA of the test's own.
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=cfssl test TLS CA" \
    -keyout "$dir/tls-ca.key" -out "$dir/tls-ca.crt" 2>/dev/null || fail "cannot make the CFSSL TLS CA"
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$address" \
    -keyout "$dir/tls.key" -out "$dir/tls.csr" 2>/dev/null &&
    openssl x509 -req -in "$dir/tls.csr" -CA "$dir/tls-ca.crt" -CAkey "$dir/tls-ca.key" -CAcreateserial \
      -days 2 -extfile <(printf 'subjectAltName=IP:%s\n' "$address") -out "$dir/tls.crt" 2>/dev/null ||
    fail "cannot make the CFSSL TLS certificate"
  openssl rand -hex 16 >"$dir/auth.key"
  chmod 600 "$dir/auth.key"
  local cas="" profiles
  for ca in server peer client api; do
    port=$((port + 1))
    printf '{"CN": "cfssl %s CA", "key": {"algo": "ecdsa", "size": 256}}\n' "$ca" >"$dir/$ca-csr.json"
    (cd "$dir" && cfssl gencert -initca "$ca-csr.json" 2>/dev/null | cfssljson -bare "$ca-ca") ||
      fail "cfssl gencert -initca $ca failed"
    cfssl_config "$(cat "$dir/auth.key")" >"$dir/$ca-config.json"
    cfssl serve -address "$address" -port "$port" -ca "$dir/$ca-ca.pem" -ca-key "$dir/$ca-ca-key.pem" \
      -config "$dir/$ca-config.json" -tls-cert "$dir/tls.crt" -tls-key "$dir/tls.key" \
      >>"$dir/$ca-serve.log" 2>&1 &
    CFSSL_PID[$ca]=$!
    wait_until 20 "cfssl serve for the $ca CA on $address:$port" cfssl_answers "$address" "$port"
    case $ca in
      server | api) profiles='["server", "server-10m"]' ;;
      peer) profiles='["peer", "peer-short", "peer-10m"]' ;;
      *) profiles='["client", "client-short"]' ;;
    esac
    cas+="${cas:+, }\"$ca\": {\"url\": \"https://$address:$port\", \"profiles\": $profiles}"
  done
  printf '{"ca_file": "%s", "auth_key_file": "%s", "cas": {%s}}\n' "$dir/tls-ca.crt" "$dir/auth.key" \
    "$cas" >"$dir/backend.json"
}
cfssl_answers() { curl -sf --cacert "$E2E_DIR/cfssl/tls-ca.crt" -X POST -d '{}' "https://$1:$2/api/v1/cfssl/info" >/dev/null; }
# cfssl_config AUTH_KEY: every profile signs only with the auth key.
cfssl_config() {
  local both='["signing", "key encipherment", "server auth", "client auth"]'
  local client='["signing", "key encipherment", "client auth"]'
  cat <<JSON
{"signing": {
  "default": {"auth_key": "cke", "expiry": "1h", "usages": $client},
  "profiles": {
    "server": {"auth_key": "cke", "expiry": "8760h", "usages": $both},
    "server-10m": {"auth_key": "cke", "expiry": "10m", "usages": $both},
    "peer": {"auth_key": "cke", "expiry": "8760h", "usages": $both},
    "peer-short": {"auth_key": "cke", "expiry": "1h", "usages": $both},
    "peer-10m": {"auth_key": "cke", "expiry": "10m", "usages": $both},
    "client": {"auth_key": "cke", "expiry": "8760h", "usages": $client},
    "client-short": {"auth_key": "cke", "expiry": "1h", "usages": $client}}},
 "auth_keys": {"cke": {"type": "standard", "key": "$1"}}}
JSON
}
stop_cfssl_servers() {
  local ca
  for ca in "${!CFSSL_PID[@]}"; do
    kill "${CFSSL_PID[$ca]}" 2>/dev/null && wait "${CFSSL_PID[$ca]}" 2>/dev/null || true
  done
  CFSSL_PID=()
}
