#!/usr/bin/env bash
# Bad cluster.yml files get a one-line error naming the field and the value, a non-zero exit, and
# change nothing; the seed's cluster.yml fragments are accepted; unknown keys are warned about.
source "$(dirname "$0")/lib.sh"
e2e_setup 36
cd "$E2E_DIR"

header="name: bad
nodes:
  - {address: 127.36.0.1, control_plane: true}
  - {address: 127.36.0.2, control_plane: true}"

write() { printf '%s\n' "$2" >"$1"; }
write bad-ip.yml "name: bad
nodes:
  - {address: 127.36.0.1, control_plane: true}
  - {address: 127.36.0.2, control_plane: true}
  - {address: 10.0.0.x, control_plane: true}"
write duplicate.yml "$header
  - {address: 127.36.0.2}"
write no-control-plane.yml "name: bad
nodes:
  - {address: 127.36.0.1}"
write relative-bind.yml "$header
options:
  kubelet:
    extra_binds:
      - {source: mnt/disks, destination: /mnt/disks}"
write bad-enabled.yml "$header
etcd_backup: {enabled: maybe, schedule: '0 * * * *'}"
write no-name.yml "nodes:
  - {address: 127.36.0.1, control_plane: true}"
write bad-port.yml "$header
options:
  etcd: {client_port: 70000}"
write syntax.yml "name: [unclosed"

# Without a running cke (ckecli validates first) and against a fresh cke data dir alike.
check_refusals() {
  expect_failure "bad IP" 'bad-ip.yml: nodes[2].address: invalid IP address "10.0.0.x"' "$@" bad-ip.yml
  expect_failure "duplicate" 'duplicate.yml: nodes[2].address: duplicate address "127.36.0.2"' "$@" duplicate.yml
  expect_failure "no control plane" 'no-control-plane.yml: nodes: no control-plane node' "$@" no-control-plane.yml
  expect_failure "relative bind" 'options.kubelet.extra_binds[0].source: must be an absolute path, got "mnt/disks"' "$@" relative-bind.yml
  expect_failure "bad enabled" 'etcd_backup.enabled: expected true/false (or enable/disable), got "maybe"' "$@" bad-enabled.yml
  expect_failure "no name" 'no-name.yml: name: missing' "$@" no-name.yml
  expect_failure "bad port" 'options.etcd.client_port: must be between 1 and 65535, got 70000' "$@" bad-port.yml
  expect_failure "syntax" 'syntax.yml: line' "$@" syntax.yml
}

# 1. ckecli cluster set, with cke running on a good cluster: the applied one stays.
start_cke
wait_healthy 60
before=$(ckecli cluster get)
check_refusals ckecli cluster set
[ "$(ckecli cluster get)" = "$before" ] || fail "a refused file changed the applied cluster"
stop_cke

# 2. cke --cluster with a bad file on a new data dir: refused, and nothing is written.
for file in bad-ip.yml no-control-plane.yml; do
  if out=$(cke --data-dir "$E2E_DIR/fresh" --cluster "$file" 2>&1); then fail "cke started with $file"; fi
  echo "$out" | has "$file: nodes" || fail "cke said: $out"
  [ ! -e "$E2E_DIR/fresh/state.json" ] || fail "cke wrote state for a refused $file"
done

# 3. The seed's fragments inside a file with name and nodes: accepted (enabled: enable).
start_cke
wait_healthy 30
write seed.yml "name: e2e-36
nodes:
  - {address: $NODE1, hostname: node1, control_plane: true}
  - {address: $NODE2, hostname: node2, control_plane: true}
  - {address: $NODE3, hostname: node3, control_plane: true}
  - {address: 127.36.0.9, hostname: worker}
options:
  etcd:
    extra_args: [\"--heartbeat-interval=200\", \"--election-timeout=2000\"]
  kubelet:
    extra_binds:            # Bind mounts local directory for local persistent volume
    - source: /mnt/disks
      destination: /mnt/disks
      read_only: false
etcd_backup:
  enabled: enable           # Enable etcd backup
  pvc_name: etcdbackup-pvc  # Make sure this name is same as \`PersistentVolumeClaim\` name.
  schedule: \"0 * * * *\"     # Cron job format
  rotate: 14                # Keep a number of backups
surprise: 1"
out=$(ckecli cluster set seed.yml 2>&1) || fail "the seed's cluster.yml was refused: $out"
echo "$out" | has "warning: seed.yml: surprise: unknown key" || fail "no warning for an unknown key: $out"
json=$(ckecli cluster get -output=json)
[ "$(echo "$json" | jq -c '.etcd_backup')" = '{"enabled":true,"pvc_name":"etcdbackup-pvc","schedule":"0 * * * *","rotate":14}' ] \
  || fail "etcd_backup read as $(echo "$json" | jq -c .etcd_backup)"
[ "$(echo "$json" | jq -r '.options.kubelet.extra_binds[0].destination')" = /mnt/disks ] || fail "extra_binds lost"
[ "$(ckecli cluster get)" = "$(cat seed.yml)" ] || fail "cluster get does not return the applied file"
wait_healthy 30
echo ok
