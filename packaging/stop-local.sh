#!/usr/bin/env bash
# `make stop`: stop the cke that `make run` started, then its etcd members.
set -euo pipefail
cd "$(dirname "$0")/.."
data="$(pwd)/build/run"
if [ -f "$data/cke.lock" ]; then
  pid=$(cat "$data/cke.lock" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q cke "/proc/$pid/cmdline" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    echo "stopped cke (pid $pid)"
  fi
fi
if [ -d "$data" ]; then
  build/bin/cke --data-dir "$data" --stop-members
fi
