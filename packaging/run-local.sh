#!/usr/bin/env bash
# `make run`: start cke on the example three-member cluster (examples/local/cluster.yml), wait
# until it is healthy with auth enabled, and print how to use and stop it. cke runs in the
# background and the members keep running until `make stop`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
data="$root/build/run"
bin="$root/build/bin"
socket="$data/cke.sock"
export CKE_SERVER="unix://$socket"

if [ ${#socket} -ge 100 ]; then
  echo "run-local.sh: $socket is too long for a Unix socket; move the checkout to a shorter path" >&2
  exit 1
fi

running_pid() {
  [ -f "$data/cke.lock" ] || return 1
  local pid
  pid=$(cat "$data/cke.lock" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "cke" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

if pid=$(running_pid); then
  echo "cke is already running (pid $pid, data dir $data)"
else
  mkdir -p "$data"
  chmod 0700 "$data"
  nohup "$bin/cke" --data-dir "$data" --cluster "$root/examples/local/cluster.yml" >>"$data/cke.log" 2>&1 &
  echo "started cke (pid $!), log: $data/cke.log"
fi

deadline=$((SECONDS + 90))
phase=""
while [ $SECONDS -lt $deadline ]; do
  phase=$("$bin/ckecli" status -output=json 2>/dev/null | jq -r '.phase + " " + (.auth_enabled|tostring)' || true)
  [ "$phase" = "healthy true" ] && break
  sleep 0.5
done
if [ "$phase" != "healthy true" ]; then
  echo "the cluster did not become healthy in 90 s (phase: ${phase:-unknown}); see $data/cke.log" >&2
  exit 1
fi

"$bin/ckecli" status
cat <<TEXT

The cluster is healthy, with TLS everywhere and auth enabled. In your shell:

  export PATH=$bin:\$PATH
  export CKE_SERVER=$CKE_SERVER

Then try the seed's commands:

  CERT=\$(ckecli etcd root-issue)
  echo "\$CERT" | jq -r .ca_certificate > /tmp/etcd-ca.crt
  echo "\$CERT" | jq -r .certificate > /tmp/etcd-root.crt
  echo "\$CERT" | jq -r .private_key > /tmp/etcd-root.key
  export ETCDCTL_API=3
  export ETCDCTL_CACERT=/tmp/etcd-ca.crt
  export ETCDCTL_CERT=/tmp/etcd-root.crt
  export ETCDCTL_KEY=/tmp/etcd-root.key
  etcdctl --endpoints=127.0.10.1:2379 member list

  ckecli etcd user-add alice /app/alice/
  ckecli etcd issue -ttl=24h -output=json alice

Stop everything (cke and the three etcd members) with: make stop
TEXT
