#!/usr/bin/env bash
# The coredns publisher's etcd form: SkyDNS messages under /skydns/ for CoreDNS's etcd plugin, in
# the cke-managed etcd itself, written as an etcd user bound to /skydns/ (the seed's user-add and
# issue). The keys and JSON are checked exactly; a member's removal is published within 2 s of cke
# observing it; an unchanged set writes nothing, even after a restart of cke; a user without the
# permission is reported in `ckecli status`; records of others under the same names are left alone;
# dropping the publisher withdraws cke's keys.
source "$(dirname "$0")/lib.sh"
e2e_setup 56
start_cke
wait_healthy 60
use_root_certificate

# --- an etcd user for CoreDNS's records, with its certificate -------------------------------------
dns=$E2E_DIR/dns
mkdir -p "$dns"
ckecli etcd user-add coredns /skydns/ | has "added user coredns" || fail "user-add coredns"
(cd "$dns" && ckecli etcd issue -output=file coredns >/dev/null && ckecli etcd issue -output=file kube-apiserver >/dev/null)
[ "$(stat -c %a "$dns/etcd-coredns.key")" = 600 ] || fail "the issued key is not 0600"
endpoints="[https://$NODE1:2379, https://$NODE2:2379, https://$NODE3:2379]"
ETCD=$NODE1:2379

# Records of others: an SRV record of the same name for another etcd, and another service.
foreign_srv=/skydns/local/cluster/_tcp/_etcd-client-ssl/elsewhere
foreign_service=/skydns/local/cluster/svc/default/web/x1
etcdctl --endpoints=$ETCD put $foreign_srv '{"host":"etcd.example.org","port":2379}' >/dev/null
etcdctl --endpoints=$ETCD put $foreign_service '{"host":"10.9.9.9"}' >/dev/null

publisher_yaml() { # CERT-USER
  sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
  cat >>"$E2E_DIR/cluster.yml" <<YAML
publishers:
  - plugin: coredns
    config:
      format: etcd
      endpoints: $endpoints
      ca_file: $dns/etcd-ca.crt
      cert_file: $dns/etcd-$1.crt
      key_file: $dns/etcd-$1.key
YAML
  ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
}
publisher() { ckecli status -output=json | jq -r ".publishers[0].$1"; }
failing_with() { [ "$(publisher state)" = failing ] && publisher error | has -F "$1"; }
published() { [ "$(publisher state)" = published ]; }

# --- a user without permission on /skydns/: failing, shown, and nothing written --------------------
publisher_yaml kube-apiserver
wait_until 20 "the publisher to fail for want of permission" failing_with "permission denied"
echo "ckecli status: $(publisher error)"

# --- published: exactly the keys and messages of CoreDNS's etcd plugin -----------------------------
publisher_yaml coredns
wait_until 20 "the publisher to publish" published
# Every key under /skydns/ with its value, as JSON {key: value}.
skydns() { etcdctl --endpoints=$ETCD get --prefix /skydns/ -w json | jq -c '[.kvs[]? | {key: (.key | @base64d), value: (.value | @base64d | fromjson)}] | from_entries'; }
expected() { # ADDRESS... : the records of these members, all ready
  local a label out='{}'
  for a in "$@"; do
    label=${a//./-}
    out=$(echo "$out" | jq -c --arg a "$a" --arg l "$label" '
      . + {("/skydns/local/cluster/svc/kube-system/cke-etcd/" + $l): {host: $a, ttl: 30},
           ("/skydns/local/cluster/_tcp/_etcd-client-ssl/" + $l):
             {host: ($l + ".cke-etcd.kube-system.svc.cluster.local"), port: 2379, priority: 10, ttl: 30},
           ("/skydns/local/cluster/_tcp/_etcd-server-ssl/" + $l):
             {host: ($l + ".cke-etcd.kube-system.svc.cluster.local"), port: 2380, priority: 10, ttl: 30}}')
  done
  echo "$out" | jq -c --arg s "$foreign_srv" --arg w "$foreign_service" \
    '. + {($s): {host: "etcd.example.org", port: 2379}, ($w): {host: "10.9.9.9"}}'
}
records_are() { [ "$(skydns | jq -S -c .)" = "$(expected "$@" | jq -S -c .)" ]; }
records_are $NODE1 $NODE2 $NODE3 ||
  fail "the records are not as expected:
  got:  $(skydns | jq -S -c .)
  want: $(expected $NODE1 $NODE2 $NODE3 | jq -S -c .)"
etcdctl --endpoints=$ETCD get --prefix /skydns/local/cluster/svc/kube-system/ | sed -n '1,2p'

# --- an unchanged set writes nothing, also after cke restarts (it publishes again then) -------------
revisions() { etcdctl --endpoints=$ETCD get --prefix /skydns/ -w json | jq -c '[.kvs[].mod_revision]'; }
before=$(revisions)
restart_cke_republished coredns
[ "$(revisions)" = "$before" ] || fail "an unchanged set was written again: $before -> $(revisions)"

# --- a member removed: published within 2 s of cke observing it -----------------------------------
sed -i "/address: $NODE3/d" "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
observed_gone() { ! members_json | jq -e --arg a "$NODE3" '.[] | select(.address == $a and .id != "")' >/dev/null; }
wait_until 60 "cke to observe $NODE3 leave etcd's member list" observed_gone
observed_ns=$(date +%s%N)
wait_until 10 "the records without $NODE3" records_are $NODE1 $NODE2
elapsed_ms=$((($(date +%s%N) - observed_ns) / 1000000))
echo "the removal was in the records ${elapsed_ms} ms after cke showed it observed"
[ "$elapsed_ms" -le 2000 ] || fail "published ${elapsed_ms} ms after the removal was observed (at most 2000)"

# --- dropped from cluster.yml: cke's keys withdrawn, the others' kept ---------------------------------
sed -i '/^publishers:/,$d' "$E2E_DIR/cluster.yml"
ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null
wait_until 20 "cke's records to be withdrawn" records_are
echo ok
