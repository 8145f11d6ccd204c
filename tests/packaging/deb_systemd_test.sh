#!/usr/bin/env bash
# The cke package's systemd unit under a real systemd: the node container (a Debian root file
# system booted with systemd as PID 1, tests/e2e/node_rootfs.sh) gets the packages with apt,
# which pulls their dependencies from Debian's archive.
#   1. The postinst enables and starts cke.service; it runs as user cke with the unit's
#      hardening, its socket is /var/lib/cke/cke.sock, 0600.
#   2. `ckecli cluster set` brings up three members under the unit (the seed's Administration
#      transcript from the host's etcdctl); they run as cke, confined like cke.
#   3. `systemctl restart cke` keeps the members running (KillMode=process), and cke adopts them.
#   4. apt-get purge stops the members and removes /var/lib/cke.
# The packages' dependencies stay in the root file system (reused by later runs).
source "$(cd "$(dirname "$0")/../e2e" && pwd)/lib.sh"
e2e_setup 71
cd "$E2E_DIR"
build=$(cd "$CKE_BIN/.." && pwd)
(cd "$build" && cpack --config CPackConfig.cmake -B "$E2E_DIR/cpack" -D CPACK_OUTPUT_FILE_PREFIX="$E2E_DIR/debs") \
  >cpack.log 2>&1 || fail "cpack: $(tail -n 5 cpack.log)"
rm -rf cpack

purge_in_node() {
  [ -n "$E2E_NODE_PID" ] || return 0
  in_node sh -c 'dpkg-query -W cke >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cke ckecli cke-plugins-core' \
    >>"$E2E_DIR/apt.log" 2>&1 || true
}
E2E_ON_CLEANUP=purge_in_node
E2E_EXTRA_LOGS="$E2E_DIR/apt.log $E2E_DIR/journal.log"
boot_node_container
# A run killed before its cleanup leaves the packages in the root file system: purged first.
purge_in_node

# --- 1. install: the postinst starts the service --------------------------------------------------
in_node sh -c "apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
  $E2E_DIR/debs/cke_*.deb $E2E_DIR/debs/ckecli_*.deb $E2E_DIR/debs/cke-plugins-core_*.deb" >>apt.log 2>&1 ||
  fail "apt-get install in the node container: $(tail -n 5 apt.log)"
# ckecli inside the container, on its default socket (lib.sh exports the test's own CKE_SERVER).
node_ckecli() { in_node env -u CKE_SERVER ckecli "$@"; }
journal() { in_node journalctl -u cke.service --no-pager >journal.log 2>&1 || true; }
# wait_service SECONDS WHAT COMMAND...: wait_until, with the unit's journal when it times out.
wait_service() {
  local timeout=$1 what=$2
  local deadline=$((SECONDS + timeout))
  shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { journal; fail "timed out after ${timeout}s waiting for $what"; }
    sleep 0.5
  done
}
service_active() { [ "$(in_node systemctl is-active cke.service)" = active ] && in_node test -S /var/lib/cke/cke.sock; }
wait_service 30 "cke.service to run" service_active
[ "$(in_node systemctl is-enabled cke.service)" = enabled ] || fail "cke.service is not enabled"
cke_pid=$(in_node systemctl show -p MainPID --value cke.service)
[ "$(in_node stat -c %U "/proc/$cke_pid")" = cke ] || fail "cke runs as $(in_node stat -c %U "/proc/$cke_pid")"
[ "$(in_node stat -c '%a %U' /var/lib/cke/cke.sock)" = "600 cke" ] || fail "the socket is $(in_node stat -c '%a %U' /var/lib/cke/cke.sock)"
in_node grep -q '^NoNewPrivs:[[:space:]]*1' "/proc/$cke_pid/status" || fail "cke runs without NoNewPrivileges"
in_node grep -q '^Seccomp:[[:space:]]*2' "/proc/$cke_pid/status" || fail "cke runs without its system call filter"
[ "$(in_node sh -c "grep '^CapEff' /proc/$cke_pid/status" | awk '{print $2}')" = 0000000000000000 ] ||
  fail "cke has capabilities"
echo "cke.service runs as cke (pid $cke_pid), no capabilities, NoNewPrivileges, seccomp"

# --- 2. a cluster under the unit ----------------------------------------------------------------
node_ckecli cluster set "$E2E_DIR/cluster.yml" >/dev/null || fail "ckecli cluster set"
healthy() { [ "$(node_ckecli status -output=json | jq -r '.phase + " " + (.auth_enabled | tostring)')" = "healthy true" ]; }
wait_service 90 "a healthy cluster under cke.service" healthy
CERT=$(node_ckecli etcd root-issue)
echo "$CERT" | jq -r .ca_certificate >etcd-ca.crt
echo "$CERT" | jq -r .certificate >etcd-root.crt
echo "$CERT" | jq -r .private_key >etcd-root.key
export ETCDCTL_CACERT=$E2E_DIR/etcd-ca.crt ETCDCTL_CERT=$E2E_DIR/etcd-root.crt ETCDCTL_KEY=$E2E_DIR/etcd-root.key
list=$(etcdctl --endpoints="$NODE1:2379" member list)
[ "$(echo "$list" | grep -c ', started, ')" = 3 ] || fail "expected three started members: $list"
etcdctl --endpoints="$NODE2:2379" put /under-systemd yes >/dev/null
members=$(in_node pgrep -f -- "--data-dir=/var/lib/cke/members/" | sort | tr '\n' ' ')
[ "$(echo "$members" | wc -w)" = 3 ] || fail "expected three members under /var/lib/cke: $members"
for pid in $members; do
  [ "$(in_node stat -c %U "/proc/$pid")" = cke ] || fail "member $pid runs as $(in_node stat -c %U "/proc/$pid")"
  in_node grep -q '^Seccomp:[[:space:]]*2' "/proc/$pid/status" || fail "member $pid escaped the unit's confinement"
done
echo "three members under cke.service, as cke, confined: $members"

# --- 3. restart: the members stay ---------------------------------------------------------------
in_node systemctl restart cke.service
wait_service 30 "cke.service to run again" service_active
wait_service 60 "cke to adopt the members" healthy
[ "$(in_node pgrep -f -- "--data-dir=/var/lib/cke/members/" | sort | tr '\n' ' ')" = "$members" ] ||
  fail "systemctl restart cke restarted the members"
[ "$(etcdctl --endpoints="$NODE3:2379" get /under-systemd --print-value-only)" = yes ] || fail "data lost over a restart"
echo "systemctl restart cke: members kept (pids $members)"

# --- 4. purge -------------------------------------------------------------------------------------
in_node sh -c 'DEBIAN_FRONTEND=noninteractive apt-get purge -y -q cke ckecli cke-plugins-core' >>apt.log 2>&1 ||
  fail "apt-get purge: $(tail -n 5 apt.log)"
[ -z "$(in_node pgrep -f -- "--data-dir=/var/lib/cke/members/" || true)" ] || fail "members run after purge"
! in_node test -e /var/lib/cke || fail "/var/lib/cke is left after purge"
! in_node test -e /etc/systemd/system/multi-user.target.wants/cke.service || fail "the unit is still enabled after purge"
echo "purged: members stopped, /var/lib/cke gone"
echo ok
