#!/usr/bin/env bash
# Installs every Debian package cke needs to build, run and test (the compiler toolchain aside).
# Idempotent: installs only what is missing and refreshes the package index only when needed.
set -euo pipefail

packages=(
  # build; clang and its runtimes for the fuzz targets (libFuzzer); gcc's sanitizer runtimes
  cmake pkg-config make clang libclang-rt-14-dev libasan8 libubsan1 libtsan2
  # libraries
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  libssl-dev libyaml-cpp-dev libarchive-dev libboost-dev libboost-filesystem-dev
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
  libldns-dev libcurl4-openssl-dev libcpp-httplib-dev libssh-dev
  libgtest-dev libgmock-dev
  # cke's metrics endpoint (prometheus-cpp: core and pull), and promtool for its tests
  prometheus-cpp-dev prometheus
  # a real CFSSL CA server for the cfssl certificate backend's tests
  golang-cfssl
  # the real etcd and the tools tests and benchmarks call
  etcd-server etcd-client jq gzip zstd xz-utils openssl time procps util-linux bc
  # real DNS servers the DNS publisher is tested against, and dig
  knot knot-dnsutils bind9 bind9-utils bind9-dnsutils
  # a real sshd the ssh runtime is tested against (one per test node, on loopback), and sudo
  # for the test that logs in as a user other than root
  openssh-server sudo
  # a Debian root file system booted as a container with systemd as PID 1, for the ssh runtime's
  # systemd units (tests/e2e/node_rootfs.sh)
  debootstrap
  # the Debian packages (make deb: CPack with dpkg-shlibdeps), lintian and systemd-analyze for
  # their test, adduser for their postinst
  dpkg-dev fakeroot lintian systemd adduser
)

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-deps.sh: run as root or install sudo" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Refresh the index only when it is absent or a day old, or when an install fails on it.
  lists=/var/lib/apt/lists
  if [ -z "$(find "$lists" -maxdepth 1 -name '*_Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
    "${as_root[@]}" apt-get update -q
  fi
  if ! "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; then
    "${as_root[@]}" apt-get update -q
    "${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
fi

# Debian's etcd-server starts a system etcd on 127.0.0.1:2379 where systemd runs; cke's members
# must own their ports, so stop and disable it. The prometheus package would serve on every
# interface: the tests need only its promtool.
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
  for service in etcd prometheus; do
    if systemctl is-active --quiet "$service" 2>/dev/null || systemctl is-enabled --quiet "$service" 2>/dev/null; then
      echo "install-deps.sh: stopping and disabling the system $service service"
      "${as_root[@]}" systemctl disable --now "$service"
    fi
  done
fi

# Commands the tests call that a machine may already have from elsewhere (a vendor's Node.js that
# bundles npm, a cloud SDK's kubectl): Debian's packages conflict with those, so they are
# installed only when the command is missing.
need_command() { # COMMAND PACKAGE...
  local command=$1
  shift
  command -v "$command" >/dev/null 2>&1 && return 0
  echo "install-deps.sh: installing $* for $command"
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -q --no-install-recommends "$@"
}
need_command node nodejs
need_command npm npm
need_command kubectl kubernetes-client

# The npm packages of the test servers, exactly as their lock files pin them, each again only
# when its lock file changed since the last install: the stand-in Kubernetes API server
# (tests/kube-standin) and s3rver, the S3 server the S3 example plugin is tested against.
for npm_dir in kube-standin s3rver; do
  dir=$(cd "$(dirname "$0")/../tests/$npm_dir" && pwd)
  if ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.cke-installed-lock.json"; then
    echo "install-deps.sh: installing the npm packages of tests/$npm_dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    cp "$dir/package-lock.json" "$dir/node_modules/.cke-installed-lock.json"
  fi
done
