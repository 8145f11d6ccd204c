#!/usr/bin/env bash
# The Debian packages on this machine, as an operator meets them:
#   1. CPack builds them from the build tree; lintian finds no error or warning (overrides are
#      justified in their files); Depends carries the shared libraries (dpkg-shlibdeps).
#   2. dpkg -i installs them: user cke, /var/lib/cke 0700, /etc/cke/cke.env, the unit; the
#      binaries in /usr/bin find the plugins in the versioned multiarch directory; the S3
#      example builds out of tree against the cke-sdk package alone.
#   3. cke from /usr/bin runs as user cke on /var/lib/cke, as the unit runs it, on a cluster.yml;
#      the seed's Administration transcript works against it with ckecli's default socket.
#   4. dpkg --remove keeps every byte of data and the configuration; dpkg --purge stops the
#      members and leaves nothing but the user cke (Debian keeps system users).
# Needs root. Packages left by a killed earlier run of this test are purged first (a marker file
# says they are the test's); cke packages installed otherwise make it refuse to run.
#   deb_install_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
source=$(cd "$2" && pwd)
PACKAGES=(cke ckecli cke-plugins-core cke-plugins-ssh cke-plugins-kubernetes cke-plugins-dns cke-plugins-cfssl
  cke-etcdbackup cke-sdk)
MARKER=/var/lib/cke-deb-test.installed
NODES=(127.70.0.1 127.70.0.2 127.70.0.3)
PLUGIN_DIR=/usr/lib/$(gcc -print-multiarch)/cke/plugins-1
CKE_PID=""

fail() {
  echo "FAIL: $*" >&2
  [ -z "${work:-}" ] || [ ! -f "$work/cke.log" ] || { echo "--- cke.log (tail)" >&2; tail -n 20 "$work/cke.log" >&2; }
  exit 1
}
has() { grep "$@" >/dev/null; }
installed() { dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${PACKAGES[@]}" 2>/dev/null | awk '$1 != "not-installed" {print $2}'; }
wait_until() { # SECONDS WHAT COMMAND...
  local timeout=$1 what=$2
  local deadline=$((SECONDS + timeout))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${timeout}s waiting for $what"
    sleep 0.2
  done
}
member_pids() { pgrep -f -- "--data-dir=/var/lib/cke/members/" || true; }
purge_all() {
  local left
  left=$(installed)
  # shellcheck disable=SC2086
  [ -z "$left" ] || dpkg --purge $left >/dev/null
  rm -f "$MARKER"
}
cleanup() {
  local status=$?
  if [ -n "$CKE_PID" ]; then kill "$CKE_PID" 2>/dev/null || true; wait "$CKE_PID" 2>/dev/null || true; fi
  [ ! -f "$MARKER" ] || purge_all || true
  local pid
  for pid in $(member_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
  exit $status
}

[ "$(id -u)" -eq 0 ] || fail "needs root (dpkg -i)"
if [ -n "$(installed)" ]; then
  [ -f "$MARKER" ] || fail "cke packages are installed here ($(installed | tr '\n' ' ')); this test installs and purges them: remove them first"
  echo "purging the packages a killed earlier run of this test left"
  purge_all
fi
work=$(mktemp -d /tmp/cke-deb-XXXXXX)
chmod 755 "$work"  # cke runs as user cke and reads cluster.yml here
trap cleanup EXIT

# --- 1. build, lintian, dependencies --------------------------------------------------------------
(cd "$build" && cpack --config CPackConfig.cmake -B "$work/cpack" -D CPACK_OUTPUT_FILE_PREFIX="$work/debs") \
  >"$work/cpack.log" 2>&1 ||
  fail "cpack: $(tail -n 5 "$work/cpack.log")"
debs=()
for p in "${PACKAGES[@]}"; do
  f=$(ls "$work/debs/${p}_"*.deb 2>/dev/null || true)
  [ -n "$f" ] || fail "cpack made no package $p ($(ls "$work/debs"))"
  debs+=("$f")
done
lintian --fail-on error,warning --suppress-tags-from-file /dev/null "${debs[@]}" >"$work/lintian.log" 2>&1 ||
  fail "lintian: $(grep -E '^(E|W):' "$work/lintian.log" | head -n 10)"
depends=$(dpkg-deb -f "$work/debs/cke_"*.deb Depends)
for lib in libgrpc++ libprotobuf libssl3 libyaml-cpp etcd-server adduser cke-plugins-core; do
  echo "$depends" | has -F "$lib" || fail "cke does not depend on $lib: $depends"
done
dpkg-deb -c "$work/debs/cke-plugins-core_"*.deb | has -F ".$PLUGIN_DIR/cke-runtime-local.so" ||
  fail "cke-plugins-core does not put the plugins in $PLUGIN_DIR"
echo "built ${#debs[@]} packages, lintian clean"

# --- 2. install ---------------------------------------------------------------------------------
touch "$MARKER"
dpkg -i "${debs[@]}" >"$work/dpkg-install.log" 2>&1 || fail "dpkg -i: $(tail -n 5 "$work/dpkg-install.log")"
getent passwd cke >/dev/null || fail "no user cke"
[ "$(stat -c '%a %U %G' /var/lib/cke)" = "700 cke cke" ] || fail "/var/lib/cke is $(stat -c '%a %U %G' /var/lib/cke)"
[ -f /etc/cke/cke.env ] || fail "no /etc/cke/cke.env"
dpkg-query -W -f='${Conffiles}\n' cke | has -F /etc/cke/cke.env || fail "/etc/cke/cke.env is no conffile"
[ -f /lib/systemd/system/cke.service ] || fail "no systemd unit"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify /lib/systemd/system/cke.service >"$work/verify.log" 2>&1 ||
    fail "systemd-analyze verify: $(cat "$work/verify.log")"
fi
plugins=$(/usr/bin/ckecli plugins list -output=json)
for name in local local-ca gzip zstd pvc ssh kubernetes coredns cfssl; do
  echo "$plugins" | jq -e --arg n "$name" --arg d "$PLUGIN_DIR/" \
    '.plugins[] | select(.name == $n and (.file | startswith($d)))' >/dev/null ||
    fail "/usr/bin/ckecli does not find plugin $name in $PLUGIN_DIR: $(echo "$plugins" | jq -c '[.plugins[] | .name + " " + .file]')"
done
pkg-config --exists cke-sdk || fail "pkg-config does not know cke-sdk"
# A third party's plugin against the cke-sdk package alone: the S3 example, out of tree, with no
# prefix given (find_package(CkeSdk) finds /usr), then the installed conformance kit loads it.
cp -r "$source/examples/storage-s3" "$work/s3-plugin"
(cmake -S "$work/s3-plugin" -B "$work/s3-plugin/build" -DCMAKE_BUILD_TYPE=Release &&
  cmake --build "$work/s3-plugin/build") >"$work/s3-build.log" 2>&1 ||
  fail "building the S3 example against the cke-sdk package: $(tail -n 5 "$work/s3-build.log")"
/usr/bin/ckecli plugins list -output=json -plugin-dir="$work/s3-plugin/build" |
  jq -e '.plugins[] | select(.name == "s3" and .kind == "storage")' >/dev/null ||
  fail "/usr/bin/ckecli does not load the S3 plugin built against the cke-sdk package"
echo "installed: user cke, /var/lib/cke, /etc/cke/cke.env, the unit, $(echo "$plugins" | jq '.plugins | length') plugins in $PLUGIN_DIR"

# --- 3. cke as the unit runs it, and the seed's Administration transcript ------------------------
cat >"$work/cluster.yml" <<YAML
name: deb-test
nodes:
  - {address: ${NODES[0]}, hostname: node1, control_plane: true}
  - {address: ${NODES[1]}, hostname: node2, control_plane: true}
  - {address: ${NODES[2]}, hostname: node3, control_plane: true}
options:
  etcd:
    extra_args: ["--heartbeat-interval=200", "--election-timeout=2000"]
YAML
chmod 644 "$work/cluster.yml"
# shellcheck disable=SC1091
source /etc/cke/cke.env
# shellcheck disable=SC2086
runuser -u cke -- /usr/bin/cke $CKE_OPTIONS --cluster "$work/cluster.yml" >"$work/cke.log" 2>&1 &
CKE_PID=$!
healthy() { [ "$(/usr/bin/ckecli status -output=json | jq -r '.phase + " " + (.auth_enabled | tostring)')" = "healthy true" ]; }
wait_until 90 "a healthy cluster through ckecli's default socket" healthy
[ "$(stat -c '%a %U' /var/lib/cke/cke.sock)" = "600 cke" ] || fail "the API socket is $(stat -c '%a %U' /var/lib/cke/cke.sock)"

CERT=$(/usr/bin/ckecli etcd root-issue)
echo "$CERT" | jq -r .ca_certificate >"$work/etcd-ca.crt"
echo "$CERT" | jq -r .certificate >"$work/etcd-root.crt"
echo "$CERT" | jq -r .private_key >"$work/etcd-root.key"
export ETCDCTL_API=3 ETCDCTL_CACERT=$work/etcd-ca.crt ETCDCTL_CERT=$work/etcd-root.crt ETCDCTL_KEY=$work/etcd-root.key
list=$(etcdctl --endpoints="${NODES[0]}:2379" member list)
[ "$(echo "$list" | grep -c ', started, ')" = 3 ] || fail "expected three started members: $list"
etcdctl --endpoints="${NODES[1]}:2379" put /deb-test kept >/dev/null
members=$(member_pids | sort | tr '\n' ' ')
[ "$(echo "$members" | wc -w)" = 3 ] || fail "expected 3 members under /var/lib/cke: $members"
for pid in $members; do
  [ "$(stat -c %U "/proc/$pid")" = cke ] || fail "member $pid runs as $(stat -c %U "/proc/$pid"), not cke"
done
echo "cke from /usr/bin as user cke: seed transcript ok ($(echo "$list" | wc -l) members)"
kill "$CKE_PID"
wait "$CKE_PID" 2>/dev/null || true
CKE_PID=""

# --- 4. remove keeps data, purge leaves nothing ----------------------------------------------------
dpkg --remove "${PACKAGES[@]}" >"$work/dpkg-remove.log" 2>&1 || fail "dpkg --remove: $(tail -n 5 "$work/dpkg-remove.log")"
for f in /usr/bin/cke /usr/bin/ckecli /usr/bin/etcdbackup /usr/bin/cke-storage-conformance "$PLUGIN_DIR" /lib/systemd/system/cke.service; do
  [ ! -e "$f" ] || fail "$f is still there after dpkg --remove"
done
[ -f /etc/cke/cke.env ] || fail "dpkg --remove deleted the configuration"
[ -n "$(find /var/lib/cke/members -name db -path '*/member/snap/*' 2>/dev/null)" ] || fail "dpkg --remove deleted the members' data"
[ -f /var/lib/cke/pki/client-ca.key ] || [ -n "$(find /var/lib/cke -name '*ca.key' -print -quit)" ] || fail "dpkg --remove deleted the CA keys"
[ "$(member_pids | sort | tr '\n' ' ')" = "$members" ] || fail "dpkg --remove stopped the members"
[ "$(etcdctl --endpoints="${NODES[2]}:2379" get /deb-test --print-value-only)" = kept ] || fail "the cluster lost data on remove"

dpkg --purge "${PACKAGES[@]}" >"$work/dpkg-purge.log" 2>&1 || fail "dpkg --purge: $(tail -n 5 "$work/dpkg-purge.log")"
rm -f "$MARKER"
[ -z "$(installed)" ] || fail "still installed after purge: $(installed)"
[ -z "$(member_pids)" ] || fail "members still run after purge: $(member_pids)"
leftovers=""
for f in /var/lib/cke /etc/cke "$(dirname "$PLUGIN_DIR")" /lib/systemd/system/cke.service /usr/include/cke \
         /usr/lib/cmake/CkeSdk "/usr/lib/$(gcc -print-multiarch)/pkgconfig/cke-sdk.pc" /usr/share/lintian/overrides/cke \
         /usr/bin/cke /usr/bin/ckecli /usr/bin/etcdbackup /usr/bin/cke-storage-conformance; do
  [ ! -e "$f" ] || leftovers="$leftovers $f"
done
for p in "${PACKAGES[@]}"; do [ ! -e "/usr/share/doc/$p" ] || leftovers="$leftovers /usr/share/doc/$p"; done
[ -z "$leftovers" ] || fail "left after purge:$leftovers"
getent passwd cke >/dev/null || fail "purge removed the user cke (Debian keeps system users)"
echo "removed (data and configuration kept), then purged (members stopped, nothing left but the user cke)"
echo ok
