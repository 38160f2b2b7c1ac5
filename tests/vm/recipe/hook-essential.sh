#!/bin/bash
# mmdebstrap --essential-hook (runs on the host): ROOT GUEST RECIPE_DIR
# Before the kernel and the other packages are installed: a small initramfs
# (only what a virtio disk with ext4 needs: it boots faster under TCG), and
# the debconf answers of the guest's packages (preseed.GUEST), so that the
# one initramfs build and the packages' postinsts already see them.
set -eu
root=$1 guest=$2 recipe=$3

mkdir -p "$root/etc/initramfs-tools/conf.d" "$root/etc/initramfs-tools/hooks"
printf '# corral test bed: only the modules the hook below lists\nMODULES=list\nRESUME=none\n' \
	>"$root/etc/initramfs-tools/conf.d/corral-vm"
cat >"$root/etc/initramfs-tools/hooks/corral-vm" <<'EOF'
#!/bin/sh
# corral test bed: a virtio disk with ext4 is all a guest boots from
case $1 in prereqs) exit 0 ;; esac
. /usr/share/initramfs-tools/hook-functions
force_load virtio_pci
force_load virtio_blk
force_load ext4
manual_add_modules crc32c_generic crc32c-intel
EOF
chmod 0755 "$root/etc/initramfs-tools/hooks/corral-vm"

if [ -f "$recipe/preseed.$guest" ]; then
	cp "$recipe/preseed.$guest" "$root/tmp/corral-vm-preseed"
	chroot "$root" debconf-set-selections /tmp/corral-vm-preseed
	rm -f "$root/tmp/corral-vm-preseed"
fi
