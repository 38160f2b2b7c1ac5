#!/bin/bash
# Runs inside the guest's chroot at image build time: setup.sh GUEST
# (the recipe's files are beside it; authorized_key is the test bed's key).
# Makes a bootable, quiet, reachable guest:
#   - hostname corral-GUEST, /etc/hosts, /etc/fstab with the root fs (/dev/vda)
#   - eth0 (net.ifnames=0 on the kernel command line) with qemu's user-mode
#     network address, statically, by systemd-networkd; DNS through qemu
#   - root logs in by ssh with the test bed's key only (sshd on 22)
#   - a serial getty on ttyS1 for console-login tests (the kernel console is ttyS0)
#   - the timers that would wake up during a test masked
#   - a fixed machine-id (no first-boot presets), /etc/corral-vm/guest
#   - the initramfs checked to hold the virtio disk and ext4 modules
set -euo pipefail
guest=$1
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "setup.sh: $*" >&2; exit 1; }

echo "corral-$guest" >/etc/hostname
cat >/etc/hosts <<EOF
127.0.0.1	localhost
127.0.1.1	corral-$guest
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
cat >/etc/fstab <<'EOF'
# the guest's root file system: the virtio disk qemu gives it (-snapshot)
/dev/vda	/	ext4	defaults,errors=remount-ro	0	0
EOF

mkdir -p /etc/systemd/network
cat >/etc/systemd/network/10-eth0.network <<'EOF'
# qemu's user-mode network: the guest is 10.0.2.15, the host 10.0.2.2
[Match]
Name=eth0

[Network]
Address=10.0.2.15/24
Gateway=10.0.2.2
DNS=10.0.2.3
LinkLocalAddressing=no
IPv6AcceptRA=no
EOF
echo "nameserver 10.0.2.3" >/etc/resolv.conf
systemctl enable systemd-networkd.service >/dev/null 2>&1 || fail "cannot enable systemd-networkd"

# a fixed machine id: an empty one would make each boot a "first boot"
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >/etc/machine-id
echo >>/etc/machine-id
mkdir -p /var/lib/dbus
ln -sf /etc/machine-id /var/lib/dbus/machine-id

# root: the test bed's key, no password
install -d -m 0700 /root/.ssh
install -m 0600 "$here/authorized_key" /root/.ssh/authorized_keys
passwd -l root >/dev/null
mkdir -p /etc/ssh/sshd_config.d
cat >/etc/ssh/sshd_config.d/corral-vm.conf <<'EOF'
# corral test bed: key logins for root; no reverse lookups of clients
PermitRootLogin prohibit-password
UseDNS no
EOF
[ -s /etc/ssh/ssh_host_ed25519_key ] || fail "openssh-server made no host keys"

# a login prompt on the second serial port (qemu: a unix socket on the host)
units=/usr/lib/systemd/system
[ -e $units/serial-getty@.service ] || units=/lib/systemd/system
mkdir -p /etc/systemd/system/getty.target.wants
ln -sf "$units/serial-getty@.service" /etc/systemd/system/getty.target.wants/serial-getty@ttyS1.service

# nothing periodic wakes up during a test
for unit in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
	fstrim.timer man-db.timer dpkg-db-backup.timer logrotate.timer; do
	ln -sf /dev/null "/etc/systemd/system/$unit"
done

# the kernel for direct boot, its initramfs small (hook-essential.sh)
kver=$(find /lib/modules -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort -V | tail -n 1)
[ -n "$kver" ] || fail "no kernel installed"
initrd=/boot/initrd.img-$kver
[ -f "$initrd" ] || update-initramfs -c -k "$kver" >/dev/null
listing=$(lsinitramfs "$initrd")
for m in virtio_blk virtio_pci ext4; do
	grep -q "/$m\.ko" <<<"$listing" || grep -q "/$m\.ko\$" "/lib/modules/$kver/modules.builtin" ||
		fail "the initramfs $initrd lacks $m"
done

mkdir -p /etc/corral-vm
lab=no
[ "$guest" = bookworm ] && lab=yes
cat >/etc/corral-vm/guest <<EOF
guest=$guest
kernel=$kver
lab=$lab
EOF

apt-get clean
