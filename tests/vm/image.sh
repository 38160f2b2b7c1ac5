#!/bin/bash
# Builds (or finds in the cache) the disk image of one Debian guest:
#   tests/vm/image.sh GUEST        GUEST: bookworm | bookworm-bpo | trixie
# Prints the image's directory on stdout:
#   disk.img    the root file system (ext4, 3 GiB sparse), booted with -snapshot
#   vmlinuz, initrd.img, kernel-release   for qemu's direct kernel boot
#   recipe      what it was built from (hash inputs, mirror, date, package versions)
# Images live in ${CORRAL_VM_CACHE:-/var/cache/corral-vm}/images/GUEST-HASH,
# HASH from this script, the guest's files in tests/vm/recipe/, its name and the test
# bed's ssh key: a changed recipe builds a new image (and removes the old
# one); CORRAL_VM_REBUILD=1 builds again anyway. The Debian mirror is the
# host's (apt-get indextargets), read at run time. Needs root and mmdebstrap.
#   tests/vm/image.sh --cached GUEST    prints the directory only when the
#                                       image is in the cache (else status 1)
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$here/common.sh"

cached_only=0
if [ "${1:-}" = --cached ]; then cached_only=1; shift; fi
guest=${1:-}
dist=$(vm_guest_dist "$guest") || vm_die "usage: tests/vm/image.sh [--cached] GUEST (one of: $VM_GUESTS_KNOWN)"
[ "$(id -u)" -eq 0 ] || vm_die "image.sh needs root (mmdebstrap, chroot)"
for tool in mmdebstrap mkfs.ext4 ssh-keygen; do
	command -v "$tool" >/dev/null || vm_die "$tool is not installed"
done
recipe=$here/recipe
[ -f "$recipe/packages.$guest" ] || vm_die "no $recipe/packages.$guest"

# the test bed's ssh key: root of every guest logs in with it
vm_key() {
	{ mkdir -p "$VM_CACHE/ssh" && chmod 0700 "$VM_CACHE/ssh"; } || vm_die "cannot create $VM_CACHE/ssh"
	if [ ! -s "$VM_CACHE/ssh/id_ed25519" ]; then
		ssh-keygen -q -t ed25519 -N '' -C corral-vm -f "$VM_CACHE/ssh/id_ed25519" ||
			vm_die "ssh-keygen failed"
	fi
}
if [ "$cached_only" = 0 ]; then
	vm_lock "key"
	vm_key
	exec 9>&-
elif [ ! -s "$VM_CACHE/ssh/id_ed25519.pub" ]; then
	exit 1
fi

# the recipe of this guest: what a change of rebuilds it (and only it)
inputs=("$here/image.sh" "$recipe/packages.common" "$recipe/packages.$guest" "$recipe/hook-essential.sh"
	"$recipe/hook-customize.sh" "$recipe/setup.sh")
[ -f "$recipe/preseed.$guest" ] && inputs+=("$recipe/preseed.$guest")
[ "$guest" = bookworm ] && inputs+=("$recipe/lab.sh")
hash=$(vm_recipe_hash "${inputs[@]}" "$VM_CACHE/ssh/id_ed25519.pub" -- "$guest") || vm_die "cannot hash the recipe"
images=$VM_CACHE/images
dir=$images/$guest-$hash
if [ -f "$dir/ready" ] && [ "${CORRAL_VM_REBUILD:-0}" != 1 ]; then
	echo "$dir"
	exit 0
fi
[ "$cached_only" = 0 ] || exit 1

vm_lock "image-$guest"
if [ -f "$dir/ready" ] && [ "${CORRAL_VM_REBUILD:-0}" != 1 ]; then  # built meanwhile
	echo "$dir"
	exit 0
fi
vm_mirrors || vm_die "cannot build the $guest image: no Debian mirror"
suites=("$dist" "$dist-updates")
[ "$guest" = bookworm-bpo ] && suites+=("$dist-backports")
for s in "${suites[@]}"; do
	vm_reachable "$s" || vm_die "cannot build the $guest image: $VM_MIRROR/dists/$s/InRelease cannot be fetched"
done
sources=()
for s in "${suites[@]}"; do sources+=("deb $VM_MIRROR $s main"); done
if [ -n "$VM_SECURITY_MIRROR" ] && vm_reachable "$dist-security" "$VM_SECURITY_MIRROR"; then
	sources+=("deb $VM_SECURITY_MIRROR $dist-security main")
else
	vm_log "no security archive reachable for $dist: building without $dist-security"
fi

mkdir -p "$images" || vm_die "cannot create $images"
tmp=$(mktemp -d "$images/.build-$guest.XXXXXX") || vm_die "cannot create a build directory in $images"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

packages=$(sed 's/#.*//' "$recipe/packages.common" "$recipe/packages.$guest" | tr -s ' \t\n' ',' | sed 's/^,//; s/,$//')
started=$(date +%s)
vm_log "building the $guest image (mmdebstrap $dist from $VM_MIRROR) in $tmp"
q() { printf '%q' "$1"; }
# shellcheck disable=SC2016 # "$1" is mmdebstrap's hook argument
if ! mmdebstrap --mode=root --variant=minbase --components=main \
	--include="$packages" \
	--essential-hook="$(q "$recipe/hook-essential.sh") \"\$1\" $guest $(q "$recipe")" \
	--customize-hook="$(q "$recipe/hook-customize.sh") \"\$1\" $guest $(q "$recipe") $(q "$VM_CACHE/ssh/id_ed25519.pub")" \
	--customize-hook='chroot "$1" dpkg-query -W -f "\${Package} \${Version}\n" >"$1/root/packages.txt"' \
	"$dist" "$tmp/root" "${sources[@]}" >"$tmp/mmdebstrap.log" 2>&1; then
	tail -n 40 "$tmp/mmdebstrap.log" >&2
	vm_die "mmdebstrap failed for $guest (the last 40 lines of its output above)"
fi

kver=$(sed -n 's/^kernel=//p' "$tmp/root/etc/corral-vm/guest")
{ [ -n "$kver" ] && [ -f "$tmp/root/boot/vmlinuz-$kver" ] && [ -f "$tmp/root/boot/initrd.img-$kver" ]; } ||
	vm_die "the $guest image has no kernel and initrd in /boot"
{ cp "$tmp/root/boot/vmlinuz-$kver" "$tmp/vmlinuz" && cp "$tmp/root/boot/initrd.img-$kver" "$tmp/initrd.img"; } ||
	vm_die "cannot copy the kernel out of the $guest image"
echo "$kver" >"$tmp/kernel-release"
{
	echo "guest: $guest"
	echo "hash: $hash"
	echo "built: $(date -u +%FT%TZ)"
	echo "sources:"
	printf '  %s\n' "${sources[@]}"
	echo "packages:"
	sed 's/^/  /' "$tmp/root/root/packages.txt"
} >"$tmp/recipe"
rm -f "$tmp/root/root/packages.txt"

truncate -s 3G "$tmp/disk.img" || vm_die "cannot create $tmp/disk.img"
if ! mkfs.ext4 -q -F -L corral-root -d "$tmp/root" "$tmp/disk.img" >"$tmp/mkfs.log" 2>&1; then
	cat "$tmp/mkfs.log" >&2
	vm_die "mkfs.ext4 -d failed for $guest"
fi
rm -rf "$tmp/root" "$tmp/mmdebstrap.log" "$tmp/mkfs.log"

# the new image replaces every older one of this guest
for old in "$images/$guest"-*; do
	[[ ${old##*/} =~ ^$guest-[0-9a-f]{16}$ ]] && [ "$old" != "$dir" ] && rm -rf "$old"
done
rm -rf "$dir"
touch "$tmp/ready"
chmod 0755 "$tmp"
mv "$tmp" "$dir" || vm_die "cannot move the image to $dir"
trap - EXIT
vm_log "$guest image built in $(($(date +%s) - started)) s: $dir ($(du -sh "$dir/disk.img" | cut -f1) used)"
echo "$dir"
