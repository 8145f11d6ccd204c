# Shared by the benchmark scripts (sourced).

# wait_for CMD...: runs CMD every BENCH_POLL_S seconds (default 0.05) until it succeeds. A
# benchmark that waits forever tells nobody anything: after BENCH_WAIT_S seconds (default 300)
# it fails, naming what it waited for.
wait_for() {
  local limit=${BENCH_WAIT_S:-300}
  local deadline=$((SECONDS + limit))
  until "$@" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "bench: gave up after $limit s waiting for: $*" >&2
      exit 1
    fi
    sleep "${BENCH_POLL_S:-0.05}"
  done
}

# status_is "PHASE AUTH": ckecli status reports that phase and auth_enabled value.
status_is() {
  [ "$(ckecli status -output=json 2>/dev/null | jq -r '.phase + " " + (.auth_enabled|tostring)')" = "$1" ]
}
