# Real DNS servers from Debian for the publisher tests (CoreDNS itself is not packaged): Knot and
# BIND serving one zone, cluster.local, from files of the test's own, and a cleanup that stops
# them. Knot binds any loopback address; BIND listens only on addresses an interface has, so it
# gets 127.0.0.1 and a port of the test's own.
# Usage, after lib.sh: dns_servers_setup SUBNET PORT; start_knot ZONE_FILE [KEY_SECRET];
# start_bind ZONE_FILE [KEY_SECRET]; ask SERVER NAME TYPE. With a key secret (base64,
# hmac-sha256, key name "cke"), the server takes updates of the zone signed with it.

dns_servers_setup() {
  DNS_DIR=$(mktemp -d /tmp/cke-e2e-dns-XXXXXX)
  KNOT=127.$1.0.100
  BIND=127.0.0.1
  DNS_PORT=$2
  # Knot keeps updates in a journal under database.storage, which must exist.
  mkdir -p "$DNS_DIR/knot/db" "$DNS_DIR/bind"
  E2E_ON_CLEANUP=stop_dns_servers
}

stop_dns_servers() {
  if [ ! -e "$DNS_DIR/passed" ]; then
    for log in "$DNS_DIR"/knot/log "$DNS_DIR"/bind/log; do
      if [ -f "$log" ]; then echo "--- $log (tail)" >&3; tail -n 15 "$log" >&3; fi
    done
  fi
  for pid in ${KNOT_PID:-} ${BIND_PID:-}; do
    if kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$DNS_DIR"
}

# dns_test_passed: keeps the servers' logs from being printed at cleanup.
dns_test_passed() { touch "$DNS_DIR/passed"; }

start_knot() {
  local zone_file=$1 secret=${2:-}
  {
    printf 'server:\n  listen: %s@%s\n  rundir: %s\n' "$KNOT" "$DNS_PORT" "$DNS_DIR/knot"
    printf 'control:\n  listen: %s\n' "$DNS_DIR/knot/knot.sock"
    printf 'database:\n  storage: %s\n' "$DNS_DIR/knot/db"
    printf 'log:\n  - target: stderr\n    any: info\n'
    if [ -n "$secret" ]; then
      printf 'key:\n  - id: cke\n    algorithm: hmac-sha256\n    secret: %s\n' "$secret"
      printf 'acl:\n  - id: cke-update\n    key: cke\n    action: update\n'
    fi
    # zonefile-sync -1: Knot never writes the file back (it may be cke's).
    printf 'zone:\n  - domain: cluster.local\n    file: %s\n    zonefile-sync: -1\n' "$zone_file"
    [ -z "$secret" ] || printf '    acl: cke-update\n'
  } >"$DNS_DIR/knot/knot.conf"
  knotd -c "$DNS_DIR/knot/knot.conf" 2>"$DNS_DIR/knot/log" &
  KNOT_PID=$!
}

start_bind() {
  local zone_file=$1 secret=${2:-} update=""
  if [ -n "$secret" ]; then
    echo "key \"cke\" { algorithm hmac-sha256; secret \"$secret\"; };" >"$DNS_DIR/bind/named.conf"
    update="allow-update { key cke; };"
  fi
  cat >>"$DNS_DIR/bind/named.conf" <<CONF
options {
  directory "$DNS_DIR/bind";
  listen-on port $DNS_PORT { $BIND; };
  listen-on-v6 { none; };
  pid-file none;
  session-keyfile "$DNS_DIR/bind/session.key";
  recursion no;
};
controls { };
zone "cluster.local" { type primary; file "$zone_file"; $update };
CONF
  named -g -n 1 -c "$DNS_DIR/bind/named.conf" >"$DNS_DIR/bind/log" 2>&1 &
  BIND_PID=$!
  # Until named answers, it may not have set up its signal handlers yet, and the SIGHUP the tests
  # reload it with would kill it (seen once in CI: "Hangup" right after the start).
  wait_until 20 "BIND to answer on $BIND port $DNS_PORT" bind_answers
}
bind_answers() {
  kill -0 "$BIND_PID" 2>/dev/null || fail "named exited: $(tail -n 5 "$DNS_DIR/bind/log")"
  dig +time=1 +tries=1 -p "$DNS_PORT" @"$BIND" cluster.local SOA >/dev/null
}

# ask SERVER NAME TYPE: the sorted answers (addresses, or "priority weight port target" for SRV).
ask() { dig @"$1" -p "$DNS_PORT" +short +time=1 +tries=1 "$2" "$3" | sort; }
answers_are() { [ "$(ask "$1" "$2" "$3")" = "$4" ]; }
