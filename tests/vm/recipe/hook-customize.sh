#!/bin/bash
# mmdebstrap --customize-hook (runs on the host): ROOT GUEST RECIPE_DIR PUBKEY
# Copies the recipe into the chroot and runs setup.sh there (and lab.sh for
# the lab image), with /proc, /sys and /dev still mounted by mmdebstrap.
set -eu
root=$1 guest=$2 recipe=$3 pubkey=$4

mkdir -p "$root/root/corral-vm-recipe"
cp "$recipe"/*.sh "$root/root/corral-vm-recipe/"
cp "$pubkey" "$root/root/corral-vm-recipe/authorized_key"
chroot "$root" /bin/bash /root/corral-vm-recipe/setup.sh "$guest"
if [ "$guest" = bookworm ]; then
	chroot "$root" /bin/bash /root/corral-vm-recipe/lab.sh
fi
rm -rf "$root/root/corral-vm-recipe"
