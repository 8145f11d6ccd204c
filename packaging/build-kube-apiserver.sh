#!/usr/bin/env bash
# Builds a real kube-apiserver 1.20.2 from Debian 12's `kubernetes` source package (Debian ships
# only kubectl from it) for the Kubernetes publisher's tests, once per machine: a cached binary
# that reports v1.20.2 is kept. Prints the binary's path on its last line.
# About 5 minutes on two cores, 1.3 GB of memory, 1.8 GB of disk (in the cache directory).
# Usage: packaging/build-kube-apiserver.sh [CACHE_DIR]   (default ~/.cache/cke/kube-apiserver)
set -euo pipefail

cache=${1:-$HOME/.cache/cke/kube-apiserver}
binary=$cache/kube-apiserver
want_version=v1.20.2
want_source=1.20.5+really1.20.2-1.1+deb12u1

if [ -x "$binary" ] && "$binary" --version 2>/dev/null | grep -qx "Kubernetes $want_version"; then
  echo "$binary"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then as_root=(); else as_root=(sudo); fi
# 1. The source package needs a deb-src entry for the suites the machine already uses.
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources |
    "${as_root[@]}" tee /etc/apt/sources.list.d/cke-deb-src.sources >/dev/null
  "${as_root[@]}" apt-get update -q >&2
fi
# 2. Go, the reflect2 the vendored one is replaced with, and the build's own needs (rsync).
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends \
  golang-go golang-github-modern-go-reflect2-dev rsync dpkg-dev >&2

mkdir -p "$cache"
work=$(mktemp -d "$cache/build-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# 3. The whole upstream tree with vendor/.
apt-get source -q "kubernetes=$want_source" >&2 ||
  { echo "build-kube-apiserver.sh: Debian no longer has kubernetes $want_source" >&2; exit 1; }
tree=$(find . -maxdepth 1 -mindepth 1 -type d -name 'kubernetes-*' | head -n 1)
# 4. The vendored reflect2 1.0.1 crashes the server under Go >= 1.18 on any YAML response; the
# Debian package's 1.0.2 does not.
reflect2=$tree/vendor/github.com/modern-go/reflect2
find "$reflect2" -maxdepth 1 \( -name '*.go' -o -name '*.s' \) -delete
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.go "$reflect2/"
cp /usr/share/gocode/src/github.com/modern-go/reflect2/*.s "$reflect2/" 2>/dev/null || true
# 5. The Makefile runs the code generators first: a bare `go build` cannot work.
(cd "$tree" && CGO_ENABLED=0 GOFLAGS= GOCACHE="$cache/go-cache" make WHAT=cmd/kube-apiserver >&2)
install -m 0755 "$tree/_output/bin/kube-apiserver" "$binary.new"
mv "$binary.new" "$binary"
"$binary" --version | grep -qx "Kubernetes $want_version" ||
  { echo "build-kube-apiserver.sh: the built binary is not $want_version" >&2; exit 1; }
echo "$binary"
