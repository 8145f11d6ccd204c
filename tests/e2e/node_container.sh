#!/bin/sh
# node_container.sh ROOTFS SHARED_DIR: boots systemd as PID 1 of a container made of ROOTFS (run
# under `unshare --pid --mount --fork --propagation private`, so that its mounts and processes
# are its own and end with it). The host's network is shared: the nodes' sshd and members bind
# the test's loopback addresses. SHARED_DIR (the test's directory) is mounted at the same path
# inside, so that member directories are where the test looks for them. Started by lib.sh's
# boot_node_container; killing this process ends the container.
set -eu
root=$1
shared=$2
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount -t tmpfs -o mode=755 tmpfs "$root/dev"
for node in null zero random urandom full tty; do
  touch "$root/dev/$node"
  mount --bind "/dev/$node" "$root/dev/$node"
done
mkdir -p "$root/dev/pts" "$root/dev/shm" "$root$shared"
# A devpts and /dev/shm of the container's own: systemd needs them to build a unit's private /dev
# (PrivateDevices=, which the cke package's unit sets).
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777 tmpfs "$root/dev/shm"
mount --bind "$shared" "$root$shared"
exec chroot "$root" /usr/bin/env container=cke-test /lib/systemd/systemd --log-target=console
