#!/usr/bin/env bash
# The storage conformance kit against a shipped storage plugin, on a directory of its own:
#   storage_kit_test.sh KIT PLUGIN_DIR NAME EXTRA_JSON
# EXTRA_JSON is added to {"dir": DIR} (e.g. ', "require_mount": false' for pvc).
set -euo pipefail
kit=$1 plugin_dir=$2 name=$3 extra=${4:-}
work=$(mktemp -d /tmp/cke-kit-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/store"
printf '{"dir": "%s"%s}\n' "$work/store" "$extra" >"$work/config.json"
"$kit" --plugin-dir "$plugin_dir" --large-mib 128 "$name" "$work/config.json"
