#!/usr/bin/env bash
# The coredns publisher's zone file, served by real DNS servers from Debian (Knot and BIND; CoreDNS
# itself is not packaged): the service name answers with the members' addresses, the SRV records
# of etcd's DNS discovery name each member's client and peer port, and a member removed from or
# added back to cluster.yml is published within 2 s of cke observing the change.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/dns_servers.sh"
dns_servers_setup 52 10052
zone=$DNS_DIR/db.cluster.local
e2e_setup 52 "publishers:
  - plugin: coredns
    config: {format: zone-file, file: $zone, ttl: 5}"
command -v knotd >/dev/null && command -v named >/dev/null && command -v dig >/dev/null ||
  fail "knotd, named and dig are needed (packaging/install-deps.sh installs knot, bind9 and bind9-dnsutils)"

start_cke
wait_healthy 60
use_root_certificate
wait_until 10 "the zone file" test -s "$zone"

# --- Knot and BIND load the file cke wrote -----------------------------------------------------
start_knot "$zone"
start_bind "$zone"

# reload: both servers read the zone file again once its serial changed, as CoreDNS's file plugin
# does by itself. (A reload on every poll would keep BIND reloading instead of answering.)
LOADED_SERIAL=
reload() {
  local serial
  serial=$(sed -n 's/^; written by cke.s coredns publisher, serial //p' "$zone" 2>/dev/null || true)
  if [ "$serial" != "$LOADED_SERIAL" ]; then
    knotc -s "$DNS_DIR/knot/knot.sock" zone-reload cluster.local >/dev/null 2>&1 || true
    kill -HUP "$BIND_PID" 2>/dev/null || true
    LOADED_SERIAL=$serial
  fi
}
expected_a=$(printf '%s\n' $NODE1 $NODE2 $NODE3 | sort)
reloaded_answers_are() { reload; answers_are "$@"; }
for server in $KNOT $BIND; do
  wait_until 10 "$server to answer the service name with the three members" \
    reloaded_answers_are $server cke-etcd.kube-system.svc.cluster.local A "$expected_a"
  srv=$(ask $server _etcd-client-ssl._tcp.cluster.local SRV)
  for node in $NODE1 $NODE2 $NODE3; do
    target=${node//./-}.cke-etcd.kube-system.svc.cluster.local.
    echo "$srv" | has -x -- "0 0 2379 $target" || fail "$server: no client SRV record for $node: $srv"
    ask $server _etcd-server-ssl._tcp.cluster.local SRV | has -x -- "0 0 2380 $target" ||
      fail "$server: no server SRV record for $node"
    [ "$(ask $server "$target" A)" = "$node" ] || fail "$server: $target does not resolve to $node"
  done
done
echo "Knot and BIND serve the zone: $(ask $KNOT cke-etcd.kube-system.svc.cluster.local A | tr '\n' ' ')"
[ "$(ckecli status -output=json | jq -r '.publishers[0].state')" = published ] ||
  fail "ckecli status does not show the publisher: $(ckecli status -output=json | jq -c .publishers)"

# The member's own name is in its certificates: a client that found it through SRV verifies it.
target1=${NODE1//./-}.cke-etcd.kube-system.svc.cluster.local
openssl s_client -connect $NODE1:2379 -cert "$ETCDCTL_CERT" -key "$ETCDCTL_KEY" </dev/null 2>/dev/null |
  openssl x509 -noout -ext subjectAltName | has -- "DNS:$target1" ||
  fail "the server certificate of $NODE1 lacks DNS:$target1"

# --- an unchanged set is not rewritten ------------------------------------------------------------
serial=$(sed -n 's/^; written by cke.s coredns publisher, serial //p' "$zone")
inode=$(stat -c %i "$zone")
ckecli etcd user-add e2e-publisher-probe /probe/ >/dev/null  # work that changes no endpoint
[ "$(stat -c %i "$zone")" = "$inode" ] || fail "the zone file was rewritten for an unchanged set"

# --- a member removed: published within 2 s of cke observing it, then gone from the answers -------
sed -i "/address: $NODE3/d" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
# What cke observed is what member list shows: NODE3 with an ID is a member etcd lists.
observed_gone() { ! members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "")' >/dev/null; }
wait_until 60 "cke to observe $NODE3 leave etcd's member list" observed_gone
observed_ns=$(date +%s%N)
service_line="cke-etcd.kube-system.svc.cluster.local. 5 IN A $NODE3"
zone_without_node3() { ! has -F -- "$service_line" "$zone"; }
wait_until 10 "the zone file without $NODE3" zone_without_node3
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the removal was in the zone file ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after the removal was observed (at most 2000)"
expected_two=$(printf '%s\n' $NODE1 $NODE2 | sort)
for server in $KNOT $BIND; do
  wait_until 10 "$server to drop $NODE3" reloaded_answers_are $server cke-etcd.kube-system.svc.cluster.local A "$expected_two"
done
new_serial=$(sed -n 's/^; written by cke.s coredns publisher, serial //p' "$zone")
[ "$new_serial" -gt "$serial" ] || fail "the serial went from $serial to $new_serial"

# --- added back: published once it is a voter in sync, within 2 s of cke observing that ---------
sed -i "s|  - {address: $NODE2, hostname: node2, control_plane: true}|&\n  - {address: $NODE3, hostname: node3, control_plane: true}|" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
observed_ready() {
  members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "" and (.is_learner | not) and .in_sync)' >/dev/null
}
wait_until 60 "cke to observe $NODE3 as a voter in sync" observed_ready
observed_ns=$(date +%s%N)
zone_with_node3() { has -F -- "$service_line" "$zone"; }
wait_until 10 "the zone file with $NODE3" zone_with_node3
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the new member was in the zone file ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after the new member was observed (at most 2000)"
for server in $KNOT $BIND; do
  wait_until 10 "$server to answer with $NODE3 again" reloaded_answers_are $server cke-etcd.kube-system.svc.cluster.local A "$expected_a"
done

# --- dropped from cluster.yml: withdrawn ---------------------------------------------------------
sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
wait_until 10 "the zone file to be withdrawn" test ! -e "$zone"
dns_test_passed
echo ok
