#!/usr/bin/env bash
# `ckecli plugins list -output=json | jq` lists the four compressors; the Go-style and GNU-style
# flag spellings agree; a broken plugin directory shows up as errors, not as a failure.
set -euo pipefail
bin_dir=$1
broken_dir=$2
ckecli="$bin_dir/ckecli"

json=$("$ckecli" plugins list -output=json)
for name in gzip zstd xz none; do
  kind=$(echo "$json" | jq -r --arg n "$name" '.plugins[] | select(.name == $n) | .kind')
  [ "$kind" = compressor ] || { echo "FAIL: $name listed as '$kind'"; exit 1; }
done
[ "$(echo "$json" | jq '.errors | length')" = 0 ] || { echo "FAIL: unexpected errors: $json"; exit 1; }
[ "$(echo "$json" | jq -r '.plugins[0] | keys_unsorted | join(",")')" = \
  "kind,name,version,abi_version,file,description" ] || { echo "FAIL: field order"; exit 1; }

[ "$("$ckecli" plugins list --output json)" = "$json" ] || { echo "FAIL: --output json differs"; exit 1; }
[ "$("$ckecli" plugins list -output json)" = "$json" ] || { echo "FAIL: -output json differs"; exit 1; }

with_broken=$("$ckecli" plugins list -output=json -plugin-dir="$broken_dir")
echo "$with_broken" | jq -e '.errors[] | select(.file | endswith("wrong_major.so")) | .message | contains("built for ABI 2.0")' >/dev/null \
  || { echo "FAIL: wrong_major.so not reported"; exit 1; }
echo "$with_broken" | jq -e '.plugins[] | select(.name == "gzip")' >/dev/null \
  || { echo "FAIL: gzip missing next to broken plugins"; exit 1; }

table=$("$ckecli" plugins list)
echo "$table" | grep -Eq '^compressor +zstd ' || { echo "FAIL: table lacks zstd: $table"; exit 1; }

if "$ckecli" plugins list -output=yaml 2>/dev/null; then echo "FAIL: -output=yaml accepted"; exit 1; fi
"$ckecli" plugins list --help | grep -- "--output" >/dev/null || { echo "FAIL: --help lacks --output"; exit 1; }
echo "ok"
