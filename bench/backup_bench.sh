#!/usr/bin/env bash
# Backups and restore on a database of SIZE MiB (default 1024) of Kubernetes-like objects, against
# the reference tools on the same data in the same run:
#   - etcdctl snapshot save, then gzip -6 / zstd -T2 -3, against cke's streamed gzip / zstd backup,
#     on both paths: scheduled (etcd → cke → storage) and local-backup (etcd → cke → ckecli);
#   - peak RSS of cke (above idle) and ckecli during the backups;
#   - restore of the three members: cke against hand-run `etcdctl snapshot restore` of the three
#     members plus their start: time to healthy and the outage (stop → healthy).
#   bench/backup_bench.sh [SIZE_MIB]   (CKE_BENCH_LOGS=DIR keeps cke's and the members' logs)
set -euo pipefail
size_mib=${1:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${CKE_BIN:-$root/build/bin}
load=${CKE_LOAD:-$root/build/bench/etcd_load}
export PATH="$bin:$PATH" ETCDCTL_API=3
work=$(mktemp -d /tmp/cke-bbench-XXXXXX)
nodes=(127.62.0.1 127.62.0.2 127.62.0.3)
export CKE_SERVER="unix://$work/data/cke.sock"
cke_pid=""
source "$root/bench/bench_lib.sh"
cleanup() {
  local status=$?
  [ $status -eq 0 ] || { echo "--- cke.log (tail)"; tail -n 20 "$work/cke.log"; } >&2
  if [ -n "${CKE_BENCH_LOGS:-}" ]; then  # keep the logs for a closer look
    mkdir -p "$CKE_BENCH_LOGS"
    cp "$work/cke.log" "$CKE_BENCH_LOGS/" 2>/dev/null || true
    for node in "${nodes[@]}"; do
      cp "$work/data/members/$node/etcd.log" "$CKE_BENCH_LOGS/etcd-$node.log" 2>/dev/null || true
      cp "$work/hand-$node.log" "$CKE_BENCH_LOGS/hand-$node.log" 2>/dev/null || true
    done
  fi
  [ -n "$cke_pid" ] && kill "$cke_pid" 2>/dev/null && wait "$cke_pid" 2>/dev/null
  cke --data-dir "$work/data" --stop-members >/dev/null 2>&1 || true
  pkill -f "data-dir=$work/" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
span() { echo "$2 - $1" | bc -l; }
measure() { /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null; cat "$work/time"; }  # "seconds maxrss_kib"
wait_healthy() { wait_for status_is "healthy true"; }
cke_kib() { awk "/^$1:/ {print \$2}" "/proc/$cke_pid/status"; }
reset_cke_peak() { echo 5 > "/proc/$cke_pid/clear_refs"; }
set_compressor() {
  sed -i "s/^  compressor: .*/  compressor: $1/" "$work/cluster.yml"
  ckecli cluster set "$work/cluster.yml" >/dev/null 2>&1
}

cat >"$work/cluster.yml" <<YAML
name: bench
nodes:
  - {address: ${nodes[0]}, control_plane: true}
  - {address: ${nodes[1]}, control_plane: true}
  - {address: ${nodes[2]}, control_plane: true}
options:
  etcd:
    extra_args: ["--heartbeat-interval=200", "--election-timeout=2000", "--quota-backend-bytes=8589934592",
                 "--snapshot-count=10000", "--max-request-bytes=2097152"]
etcd_backup:
  compressor: gzip
YAML
cke --data-dir "$work/data" --cluster "$work/cluster.yml" >"$work/cke.log" 2>&1 &
cke_pid=$!
wait_healthy
CERT=$(ckecli etcd root-issue)
echo "$CERT" | jq -r .ca_certificate >"$work/ca.crt"
echo "$CERT" | jq -r .certificate >"$work/root.crt"
echo "$CERT" | jq -r .private_key >"$work/root.key"
export ETCDCTL_CACERT="$work/ca.crt" ETCDCTL_CERT="$work/root.crt" ETCDCTL_KEY="$work/root.key"
"$load" --endpoint "${nodes[0]}:2379" --cacert "$work/ca.crt" --cert "$work/root.crt" --key "$work/root.key" --mib "$size_mib"
db=$(etcdctl --endpoints="${nodes[0]}:2379" endpoint status -w json | jq '.[0].Status.dbSize')
printf 'database: %.1f MiB\n\n' "$(echo "$db / 1048576" | bc -l)"

# Reference: etcdctl snapshot save (it cannot stream to a pipe), then compress.
read -r save_s save_kib < <(measure sh -c "etcdctl --endpoints='${nodes[1]}:2379' snapshot save '$work/ref.db' 2>/dev/null")
read -r gzip_s _ < <(measure sh -c "gzip -6 -c '$work/ref.db' > '$work/ref.db.gz'")
read -r zstd_s _ < <(measure sh -c "zstd -q -T2 -3 -c '$work/ref.db' > '$work/ref.db.zst'")
gzip_size=$(stat -c %s "$work/ref.db.gz"); zstd_size=$(stat -c %s "$work/ref.db.zst")
rm -f "$work/ref.db" "$work/ref.db.gz" "$work/ref.db.zst"

idle_kib=$(cke_kib VmRSS)
cke_cpu() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$cke_pid/stat"; }  # user + system s
row() {  # label ours_s ref_s ours_bytes ref_bytes cke_peak_kib ckecli_kib cke_cpu_s target
  printf '%-26s %8.2f %8.2f %6.2f %10.1f %10.1f %9.1f %9s %9.1f %s\n' "$1" "$2" "$3" "$(echo "$2 / $3" | bc -l)" \
    "$(echo "$4 / 1048576" | bc -l)" "$(echo "$5 / 1048576" | bc -l)" "$(echo "($6 - $idle_kib) / 1024" | bc -l)" "$7" "$8" "$9"
}
printf '%-26s %8s %8s %6s %10s %10s %9s %9s %9s %s\n' path "ours s" "ref s" ratio "ours MiB" "ref MiB" "cke +MiB" "cli MiB" \
  "cke cpu s" target
for compressor in gzip zstd; do
  ref_s=$(echo "$save_s + $([ $compressor = gzip ] && echo "$gzip_s" || echo "$zstd_s")" | bc -l)
  ref_size=$([ $compressor = gzip ] && echo "$gzip_size" || echo "$zstd_size")
  target=$([ $compressor = gzip ] && echo "<= 0.65" || echo "<= 0.9")
  set_compressor "$compressor"
  reset_cke_peak
  c0=$(cke_cpu); t0=$(now); name=$(ckecli etcd backup take -output=json | jq -r .name); t1=$(now)
  row "scheduled $compressor" "$(span "$t0" "$t1")" "$ref_s" "$(stat -c %s "$work/data/backups/$name")" "$ref_size" \
    "$(cke_kib VmHWM)" "-" "$(span "$c0" "$(cke_cpu)")" "$target"
  reset_cke_peak
  c0=$(cke_cpu)
  read -r local_s cli_kib < <(measure ckecli etcd local-backup --dir "$work/local-$compressor" --compressor "$compressor")
  local_file=$(ls "$work/local-$compressor"/*.db* | grep -v manifest)
  row "local-backup $compressor" "$local_s" "$ref_s" "$(stat -c %s "$local_file")" "$ref_size" "$(cke_kib VmHWM)" \
    "$(echo "$cli_kib / 1024" | bc)" "$(span "$c0" "$(cke_cpu)")" "$target"
done
echo "(save ${save_s}s, etcdctl ${save_kib} KiB; gzip -6 ${gzip_s}s; zstd -T2 -3 ${zstd_s}s; cke idle $((idle_kib / 1024)) MiB; target RSS < 64 MiB above idle)"

# Restore: cke (staging while the old cluster serves) against the hand-run restore.
for node in "${nodes[@]}"; do
  tr '\0' '\n' <"/proc/$(cat "$work/data/members/$node/etcd.pid")/cmdline" >"$work/argv-$node"
done
t0=$(now)
ckecli etcd backup restore "$name" --yes >/dev/null
t1=$(now)
log_time() {  # the time of cke's last log line matching $1, in seconds since the epoch
  local ts
  ts=$(grep -E "$1" "$work/cke.log" | tail -n 1 | awk '{print $1}')
  date -d "${ts}Z" +%s.%N
}
stopping=$(log_time 'restore: stopping the members')
outage=$(span "$stopping" "$(log_time 'restore: a quorum of the restored cluster serves')")
outage_all=$(span "$stopping" "$(log_time 'restore: the restored cluster is healthy')")
kill "$cke_pid"; wait "$cke_pid" 2>/dev/null || true; cke_pid=""
cke --data-dir "$work/data" --stop-members >/dev/null 2>&1
ckecli_restore_file="$work/data/backups/$name"
gunzip -c "$ckecli_restore_file" > "$work/hand.db" 2>/dev/null || zstd -q -d -c "$ckecli_restore_file" > "$work/hand.db"
initial=""
for node in "${nodes[@]}"; do initial+="${initial:+,}$node=https://$node:2380"; done
h0=$(now)
for node in "${nodes[@]}"; do
  rm -rf "$work/hand-$node"
  etcdctl snapshot restore "$work/hand.db" --name "$node" --initial-cluster "$initial" \
    --initial-cluster-token hand --initial-advertise-peer-urls "https://$node:2380" --data-dir "$work/hand-$node" >/dev/null 2>&1
done
for node in "${nodes[@]}"; do
  mapfile -t argv < <(sed "s|--data-dir=.*|--data-dir=$work/hand-$node|" "$work/argv-$node")
  "${argv[@]}" >"$work/hand-$node.log" 2>&1 &
done
all="${nodes[0]}:2379,${nodes[1]}:2379,${nodes[2]}:2379"
# The cluster serves once a linearizable read (which needs a quorum) succeeds.
wait_for etcdctl --endpoints="$all" --command-timeout=1s get /bench-probe >/dev/null
h_serves=$(now)
wait_for etcdctl --endpoints="$all" --command-timeout=1s endpoint health >/dev/null
h1=$(now)
pkill -f "data-dir=$work/hand-" || true
hand=$(span "$h0" "$h_serves")
hand_all=$(span "$h0" "$h1")
printf '\nrestore: cke %.2f s in all; outage (stop → the cluster serves) %.2f s, stop → every member healthy %.2f s\n' \
  "$(span "$t0" "$t1")" "$outage" "$outage_all"
printf 'by hand (restore 3 members, start): serves after %.2f s, every member healthy after %.2f s, all of it an outage\n' \
  "$hand" "$hand_all"
printf 'outage ratio %.2f (target <= 0.5); every member healthy %.2f\n' \
  "$(echo "$outage / $hand" | bc -l)" "$(echo "$outage_all / $hand_all" | bc -l)"
