#!/usr/bin/env bash
# The coredns publisher's RFC 2136 form against real primaries from Debian (Knot and BIND): TSIG-
# signed updates put the members in the zone beside records cke does not own (which stay), a
# removed member leaves the answers within 2 s of cke observing it (its own name too, from the
# ownership record), an update signed with a wrong key is refused and shown in ckecli status, and
# dropping the publishers withdraws cke's records only.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_servers.sh"
dns_servers_setup 53 10053
dns_dir=$DNS_DIR
command -v knotd >/dev/null && command -v named >/dev/null && command -v tsig-keygen >/dev/null ||
  { echo "FAIL: knotd, named and tsig-keygen are needed (packaging/install-deps.sh)" >&2; exit 1; }

secret=$(tsig-keygen -a hmac-sha256 cke | sed -n 's/.*secret "\(.*\)";/\1/p')
wrong=$(tsig-keygen -a hmac-sha256 cke | sed -n 's/.*secret "\(.*\)";/\1/p')
(umask 077 && echo "$secret" >"$dns_dir/cke.secret" && echo "$wrong" >"$dns_dir/wrong.secret")
for server in knot bind; do
  cat >"$dns_dir/$server/db.cluster.local" <<ZONE
\$ORIGIN cluster.local.
\$TTL 30
@ IN SOA localhost. hostmaster.cluster.local. 1 30 10 3600 30
@ IN NS localhost.
other IN A 10.9.9.9
ZONE
done
start_knot "$dns_dir/knot/db.cluster.local" "$secret"
start_bind "$dns_dir/bind/db.cluster.local" "$secret"

publisher() { # NAME SERVER SECRET_FILE
  printf '  - name: %s\n    plugin: coredns\n    config: {format: rfc2136, server: %s, port: %s, ttl: 5, tsig: {name: cke, secret_file: %s}}\n' "$1" "$2" "$DNS_PORT" "$3"
}
e2e_setup 53 "publishers:
$(publisher knot $KNOT "$dns_dir/cke.secret")
$(publisher bind $BIND "$dns_dir/cke.secret")
$(publisher wrong-key $BIND "$dns_dir/wrong.secret")"
for server in $KNOT $BIND; do
  wait_until 10 "$server to serve the zone" answers_are $server other.cluster.local A 10.9.9.9
done

start_cke
wait_healthy 60
use_root_certificate
expected_a=$(printf '%s\n' $NODE1 $NODE2 $NODE3 | sort)
for server in $KNOT $BIND; do
  wait_until 10 "$server to answer the service name with the three members" \
    answers_are $server cke-etcd.kube-system.svc.cluster.local A "$expected_a"
  for node in $NODE1 $NODE2 $NODE3; do
    target=${node//./-}.cke-etcd.kube-system.svc.cluster.local.
    ask $server _etcd-client-ssl._tcp.cluster.local SRV | has -x -- "0 0 2379 $target" ||
      fail "$server: no client SRV record for $node"
    [ "$(ask $server "$target" A)" = "$node" ] || fail "$server: $target does not resolve to $node"
  done
  [ "$(ask $server other.cluster.local A)" = 10.9.9.9 ] || fail "$server: a record cke does not own changed"
done
echo "Knot and BIND took the updates: $(ask $KNOT cke-etcd.kube-system.svc.cluster.local A | tr '\n' ' ')"

# The publisher with a wrong key: refused by BIND, shown in status, and the others unaffected.
publisher_field() { ckecli status -output=json | jq -r --arg n "$1" --arg f "$2" '.publishers[] | select(.name == $n) | .[$f]'; }
failing() { [ "$(publisher_field wrong-key state)" = failing ]; }
wait_until 10 "the wrong-key publisher to be shown failing" failing
publisher_field wrong-key error | has -F "refused the update of cluster.local: it did not accept the TSIG signature (NOTAUTH, BADSIG)" || fail "the refusal does not say why: $(publisher_field wrong-key error)"
echo "wrong key: $(publisher_field wrong-key error)"
for name in knot bind; do
  [ "$(publisher_field $name state)" = published ] || fail "publisher $name is $(publisher_field $name state): $(publisher_field $name error)"
done
ckecli status | has -F "publish:  wrong-key (coredns): failing" || fail "ckecli status does not show the failing publisher"

# --- a member removed: gone from both servers within 2 s of cke observing it ------------------------
sed -i "/address: $NODE3/d" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
observed_gone() { ! members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "")' >/dev/null; }
wait_until 60 "cke to observe $NODE3 leave etcd's member list" observed_gone
observed_ns=$(date +%s%N)
expected_two=$(printf '%s\n' $NODE1 $NODE2 | sort)
both_without_node3() {
  answers_are $KNOT cke-etcd.kube-system.svc.cluster.local A "$expected_two" &&
    answers_are $BIND cke-etcd.kube-system.svc.cluster.local A "$expected_two"
}
wait_until 10 "both servers to drop $NODE3" both_without_node3
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the removal was in both servers' answers ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "the answers changed ${elapsed_ms} ms after the removal was observed (at most 2000)"
for server in $KNOT $BIND; do
  [ -z "$(ask $server "${NODE3//./-}.cke-etcd.kube-system.svc.cluster.local" A)" ] ||
    fail "$server still has the removed member's own name"
done

# --- dropped from cluster.yml: cke's records withdrawn, the others kept -----------------------------
sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
withdrawn() {
  [ -z "$(ask $KNOT cke-etcd.kube-system.svc.cluster.local A)" ] &&
    [ -z "$(ask $BIND cke-etcd.kube-system.svc.cluster.local A)" ]
}
wait_until 10 "cke's records to be withdrawn" withdrawn
for server in $KNOT $BIND; do
  [ "$(ask $server other.cluster.local A)" = 10.9.9.9 ] || fail "$server: the withdrawal removed a record cke does not own"
  [ -z "$(ask $server _cke-owned.cke-etcd.kube-system.svc.cluster.local TXT)" ] || fail "$server: the ownership record stayed"
done
dns_test_passed
echo ok
