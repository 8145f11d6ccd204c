#!/usr/bin/env bash
# Time from `cke` start to a healthy, auth-enabled three-member cluster, against starting the same
# three etcd processes by hand (the same flags and certificates, a static initial cluster) plus
# the etcdctl commands that create root and kube-apiserver and enable auth — in the same run.
#   bench/bootstrap_bench.sh [RUNS]     (default 5; prints each run and the median ratio)
set -euo pipefail
runs=${1:-5}
bin=${CKE_BIN:-$(cd "$(dirname "$0")/../build/bin" && pwd)}
source "$(dirname "$0")/bench_lib.sh"
BENCH_POLL_S=0.02  # the poll interval is part of both figures: keep it small
export PATH="$bin:$PATH" ETCDCTL_API=3
nodes=(127.61.0.1 127.61.0.2 127.61.0.3)
work=$(mktemp -d /tmp/cke-bench-XXXXXX)
cke_pid=""
cleanup() {
  if [ -n "$cke_pid" ]; then kill "$cke_pid" 2>/dev/null || true; wait "$cke_pid" 2>/dev/null || true; fi
  pkill -f "data-dir=$work/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }

cat >"$work/cluster.yml" <<YAML
name: bench
nodes:
  - {address: ${nodes[0]}, control_plane: true}
  - {address: ${nodes[1]}, control_plane: true}
  - {address: ${nodes[2]}, control_plane: true}
options:
  etcd:
    extra_args: ["--heartbeat-interval=200", "--election-timeout=2000"]
YAML

ratios=()
printf '%-4s %10s %10s %7s\n' run "cke s" "hand s" ratio
for run in $(seq "$runs"); do
  data="$work/data-$run"
  export CKE_SERVER="unix://$data/cke.sock"

  # cke: start → healthy with auth enabled.
  t0=$(now)
  cke --data-dir "$data" --cluster "$work/cluster.yml" >"$work/cke-$run.log" 2>&1 &
  cke_pid=$!
  wait_for status_is "healthy true"
  t1=$(now)

  # Keep cke's member command lines and certificates for the hand-run; a root certificate too.
  CERT=$(ckecli etcd root-issue)
  echo "$CERT" | jq -r .ca_certificate >"$work/ca.crt"
  echo "$CERT" | jq -r .certificate >"$work/root.crt"
  echo "$CERT" | jq -r .private_key >"$work/root.key"
  for node in "${nodes[@]}"; do
    tr '\0' '\n' <"/proc/$(cat "$data/members/$node/etcd.pid")/cmdline" >"$work/argv-$node"
  done
  kill "$cke_pid"; wait "$cke_pid" 2>/dev/null || true; cke_pid=""
  cke --data-dir "$data" --stop-members >/dev/null 2>&1
  rm -rf "$data"/members/*/data

  # By hand: the three etcd processes at once, wait for health, then the auth commands.
  export ETCDCTL_CACERT="$work/ca.crt" ETCDCTL_CERT="$work/root.crt" ETCDCTL_KEY="$work/root.key"
  endpoints="${nodes[0]}:2379,${nodes[1]}:2379,${nodes[2]}:2379"
  t2=$(now)
  for node in "${nodes[@]}"; do
    mapfile -t argv <"$work/argv-$node"
    "${argv[@]}" >"$work/hand-$node.log" 2>&1 &
  done
  wait_for etcdctl --endpoints="$endpoints" --command-timeout=1s endpoint health >/dev/null
  etcdctl --endpoints="$endpoints" user add root --no-password >/dev/null
  etcdctl --endpoints="$endpoints" user add kube-apiserver --no-password >/dev/null
  etcdctl --endpoints="$endpoints" role add kube-apiserver >/dev/null
  etcdctl --endpoints="$endpoints" role grant-permission kube-apiserver readwrite /registry/ --prefix >/dev/null
  etcdctl --endpoints="$endpoints" user grant-role kube-apiserver kube-apiserver >/dev/null
  etcdctl --endpoints="$endpoints" auth enable >/dev/null 2>&1  # (it grants root the root role itself, after one refused try it logs)
  t3=$(now)
  unset ETCDCTL_CACERT ETCDCTL_CERT ETCDCTL_KEY
  pkill -f "data-dir=$data/" || true
  while pgrep -f "data-dir=$data/" >/dev/null; do sleep 0.05; done

  cke_s=$(elapsed "$t0" "$t1")
  hand_s=$(elapsed "$t2" "$t3")
  ratio=$(echo "$cke_s / $hand_s" | bc -l)
  ratios+=("$ratio")
  printf '%-4s %10.2f %10.2f %7.2f\n' "$run" "$cke_s" "$hand_s" "$ratio"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'median ratio cke/hand: %.2f (target <= 1.3)\n' "$median"
