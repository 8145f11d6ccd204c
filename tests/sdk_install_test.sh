#!/usr/bin/env bash
# The installed SDK is enough to build a third-party plugin: install cke into a temporary
# prefix, build examples/storage-plugin against it (CMake package), check pkg-config, check
# that ckecli loads the result and that it exports nothing but its entry point, and run the
# installed storage conformance kit on it.
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d /tmp/cke-sdk-XXXXXX)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/examples/storage-plugin" -B "$work/example" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/example" -j2 >/dev/null
plugin="$work/example/example-dir-storage.so"
[ -f "$plugin" ] || { echo "FAIL: plugin not built"; exit 1; }

exported=$(nm -D --defined-only "$plugin" | awk '{print $3}')
[ "$exported" = cke_plugin_entry_v1 ] || { echo "FAIL: exports: $exported"; exit 1; }

# pkg-config's flags are enough to compile against the C ABI alone.
cflags=$(PKG_CONFIG_PATH="$work/prefix/lib/$(gcc -print-multiarch)/pkgconfig" pkg-config --cflags cke-sdk)
echo '#include <cke/plugin_abi.h>
int main(void) { return CKE_ABI_MAJOR == 1 ? 0 : 1; }' > "$work/c_check.c"
# shellcheck disable=SC2086
cc -std=c99 -Wall -Werror $cflags "$work/c_check.c" -o "$work/c_check" && "$work/c_check" \
  || { echo "FAIL: C99 compile with pkg-config flags ($cflags)"; exit 1; }

# The installed ckecli finds the installed plugins next to itself, plus the example by flag.
json=$("$work/prefix/bin/ckecli" plugins list -output=json -plugin-dir="$work/example")
echo "$json" | jq -e '.plugins[] | select(.name == "example-dir" and .kind == "storage")' >/dev/null \
  || { echo "FAIL: example plugin not listed: $json"; exit 1; }
echo "$json" | jq -e '.plugins[] | select(.name == "gzip" and (.file | startswith("'"$work/prefix"'")))' >/dev/null \
  || { echo "FAIL: installed gzip not found relative to the installed ckecli: $json"; exit 1; }
# The conformance kit, as installed, passes the example (its files 0600, nothing left by a
# failed put).
mkdir -m 700 "$work/store"
printf '{"path": "%s"}\n' "$work/store" >"$work/example.json"
"$work/prefix/bin/cke-storage-conformance" --plugin-dir "$work/example" --files-in "$work/store" \
  --large-mib 64 example-dir "$work/example.json" >"$work/kit.out" ||
  { cat "$work/kit.out"; echo "FAIL: the example does not pass the storage conformance kit"; exit 1; }
echo ok
