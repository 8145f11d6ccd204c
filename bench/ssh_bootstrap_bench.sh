#!/usr/bin/env bash
# Bootstrap through the ssh runtime against the local runtime, in the same run: the time from
# cke's start to a healthy, auth-enabled three-member cluster, with every node behind a real
# sshd of its own on this machine (as the e2e tests run them), so that the ratio is the cost of
# SSH itself. Prints each run, the median ratio ssh/local (target <= 1.5) and cke's peak memory.
#   bench/ssh_bootstrap_bench.sh [RUNS]     (default 3)
set -euo pipefail
runs=${1:-3}
export CKE_BIN=${CKE_BIN:-$(cd "$(dirname "$0")/../build/bin" && pwd)}
source "$(dirname "$0")/../tests/e2e/lib.sh"
source "$(dirname "$0")/bench_lib.sh"
BENCH_POLL_S=0.02  # the poll interval is part of both figures: keep it small
CKE_E2E_RUNTIME=ssh e2e_setup 64  # the nodes' sshd, and their login user in cluster.yml

now() { date +%s.%N; }
# bootstrap RUNTIME: prints "SECONDS PEAK_KIB" of one bootstrap from an empty data directory.
bootstrap() {
  local t0 t1 peak
  t0=$(now)
  CKE_E2E_RUNTIME=$1 start_cke
  wait_for status_is "healthy true"
  t1=$(now)
  peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$CKE_PID/status")
  stop_cke
  cke --data-dir "$E2E_DIR/data" --stop-members >/dev/null 2>&1
  rm -rf "$E2E_DIR/data"
  echo "$(echo "$t1 - $t0" | bc -l) $peak"
}

ratios=()
printf '%-4s %10s %10s %7s %14s %14s\n' run "local s" "ssh s" ratio "local peak KiB" "ssh peak KiB"
for run in $(seq "$runs"); do
  read -r local_s local_peak < <(bootstrap local)
  read -r ssh_s ssh_peak < <(bootstrap ssh)
  ratio=$(echo "$ssh_s / $local_s" | bc -l)
  ratios+=("$ratio")
  printf '%-4s %10.2f %10.2f %7.2f %14s %14s\n' "$run" "$local_s" "$ssh_s" "$ratio" "$local_peak" "$ssh_peak"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf 'median ratio ssh/local: %.2f (target <= 1.5)\n' "$median"
