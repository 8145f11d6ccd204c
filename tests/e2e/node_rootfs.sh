#!/usr/bin/env bash
# node_rootfs.sh DIR: a Debian root file system for test nodes that run systemd (debootstrap,
# the host's release, from Debian's archive): systemd, openssh-server, etcd and sudo. The test
# boots it as a container (lib.sh: boot_node_container) so that the ssh runtime meets a real
# systemd as PID 1. Built once per build directory; DIR/.complete marks a finished one. The
# packages' own etcd and ssh services are masked (the tests start what they need), and so is
# systemd-tmpfiles: at boot it would empty /tmp, where the test's directory is mounted.
set -euo pipefail
root=${1:?usage: node_rootfs.sh DIR}
[ -f "$root/.complete" ] && exit 0
command -v debootstrap >/dev/null || { echo "node_rootfs.sh: no debootstrap: run packaging/install-deps.sh" >&2; exit 1; }
. /etc/os-release
mirror=${CKE_DEBIAN_MIRROR:-http://deb.debian.org/debian}
rm -rf "$root.tmp"
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,openssh-server,etcd-server,etcd-client,sudo,procps \
  "$VERSION_CODENAME" "$root.tmp" "$mirror" >"$root.tmp.log" 2>&1 ||
  { echo "node_rootfs.sh: debootstrap failed: $(tail -n 3 "$root.tmp.log")" >&2; exit 1; }
chroot "$root.tmp" systemctl mask --quiet etcd.service ssh.service ssh.socket \
  systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
  getty@tty1.service console-getty.service e2scrub_reap.service \
  systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service systemd-tmpfiles-clean.timer
rm -rf "$root"
mv "$root.tmp" "$root"
rm -f "$root.tmp.log"
touch "$root/.complete"
