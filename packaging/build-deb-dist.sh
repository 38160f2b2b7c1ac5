#!/bin/bash
# Builds the Debian package of this working tree for one Debian release, in a
# cached build root, at native speed:
#   packaging/build-deb-dist.sh DIST VERSION OUTDIR  ->  OUTDIR/corral_VERSION_ARCH.deb
# DIST: bookworm | trixie. The build root is made once by mmdebstrap (variant
# buildd, plus dpkg-dev, debhelper, fakeroot and the Build-Depends of
# packaging/debian/control) from the Debian mirror of the host's apt
# configuration, and kept in ${CORRAL_VM_CACHE:-/var/cache/corral-vm}/buildroot/DIST-HASH,
# HASH from this script, the Build-Depends and DIST: a change builds a new
# one (CORRAL_VM_REBUILD=1: anyway). The tree is bind-mounted read-only into
# the root and packaging/build-deb.sh runs there under chroot, in a private
# mount namespace (its mounts vanish with it). Needs root.
#   packaging/build-deb-dist.sh --cached DIST     status 0 when DIST's build
#                                                 root is in the cache (builds nothing)
set -uo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/vm/common.sh
. "$src/tests/vm/common.sh"

usage="usage: packaging/build-deb-dist.sh [--cached] bookworm|trixie VERSION OUTDIR"
cached_only=0
if [ "${1:-}" = --cached ]; then cached_only=1; shift; fi
dist=${1:-}
version=${2:-}
out=${3:-}
case $dist in bookworm | trixie) ;; *) vm_die "$usage" ;; esac
[ -n "$version" ] && [ -n "$out" ] || [ "$cached_only" = 1 ] || vm_die "$usage"
[ "$(id -u)" -eq 0 ] || vm_die "building for $dist needs root (mmdebstrap, chroot, mounts)"
for tool in mmdebstrap unshare chroot; do
	command -v "$tool" >/dev/null || vm_die "$tool is not installed"
done

# the Build-Depends field, one package name a line (versions, architecture
# qualifiers and alternatives after the first dropped)
builddeps=$(awk '
	/^Build-Depends:/ { on = 1; sub(/^Build-Depends:/, ""); print; next }
	on && /^[ \t]/ { print; next }
	{ on = 0 }' "$src/packaging/debian/control" |
	tr ',' '\n' | sed 's/|.*//; s/([^)]*)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/[ \t]//g' | grep . | sort -u)
[ -n "$builddeps" ] || vm_die "no Build-Depends in packaging/debian/control"
packages=$(printf '%s\n' dpkg-dev debhelper fakeroot "$builddeps" | sort -u | paste -sd, -)

hash=$(vm_recipe_hash "$src/packaging/build-deb-dist.sh" -- "$dist" "$packages") || vm_die "cannot hash the recipe"
roots=$VM_CACHE/buildroot
dir=$roots/$dist-$hash
if [ "$cached_only" = 1 ]; then
	[ -f "$dir/ready" ] && [ "${CORRAL_VM_REBUILD:-0}" != 1 ]
	exit
fi
vm_lock "buildroot-$dist"
if [ ! -f "$dir/ready" ] || [ "${CORRAL_VM_REBUILD:-0}" = 1 ]; then
	vm_mirrors || vm_die "cannot make the $dist build root: no Debian mirror"
	for s in "$dist" "$dist-updates"; do
		vm_reachable "$s" || vm_die "cannot make the $dist build root: $VM_MIRROR/dists/$s/InRelease cannot be fetched"
	done
	sources=("deb $VM_MIRROR $dist main" "deb $VM_MIRROR $dist-updates main")
	if [ -n "$VM_SECURITY_MIRROR" ] && vm_reachable "$dist-security" "$VM_SECURITY_MIRROR"; then
		sources+=("deb $VM_SECURITY_MIRROR $dist-security main")
	fi
	mkdir -p "$roots" || vm_die "cannot create $roots"
	tmp=$(mktemp -d "$roots/.build-$dist.XXXXXX") || vm_die "cannot create a directory in $roots"
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 1' INT TERM HUP
	started=$(date +%s)
	vm_log "making the $dist build root (mmdebstrap --variant=buildd from $VM_MIRROR)"
	# shellcheck disable=SC2016 # "$1" is mmdebstrap's hook argument
	if ! mmdebstrap --mode=root --variant=buildd --components=main --include="$packages" \
		--customize-hook='mkdir -p "$1/build/src" "$1/build/out"' \
		"$dist" "$tmp/root" "${sources[@]}" >"$tmp/mmdebstrap.log" 2>&1; then
		tail -n 40 "$tmp/mmdebstrap.log" >&2
		vm_die "mmdebstrap failed for the $dist build root (the last 40 lines of its output above)"
	fi
	rm -f "$tmp/mmdebstrap.log"
	for old in "$roots/$dist"-*; do
		[[ ${old##*/} =~ ^$dist-[0-9a-f]{16}$ ]] && [ "$old" != "$dir" ] && rm -rf "$old"
	done
	rm -rf "$dir"
	touch "$tmp/ready"
	mv "$tmp" "$dir" || vm_die "cannot move the build root to $dir"
	trap - EXIT
	vm_log "$dist build root made in $(($(date +%s) - started)) s: $dir"
fi

mkdir -p "$out" || vm_die "cannot create $out"
out=$(cd "$out" && pwd)
root=$dir/root
log=$out/build.log
rm -f "$out"/corral_*.deb
started=$(date +%s)
vm_log "building corral $version for $dist in $root"
# In a private mount namespace: /proc, /dev, the tree (read-only) and a
# scratch /build/out exist for the build only; the .deb is copied out
# before the namespace ends.
# shellcheck disable=SC2016 # the script's own arguments
if ! unshare --mount --propagation private /bin/bash -euo pipefail -c '
	root=$1 src=$2 version=$3 out=$4
	mount -t proc proc "$root/proc"
	mount --rbind /dev "$root/dev"
	mount --bind "$src" "$root/build/src"
	mount -o remount,bind,ro "$root/build/src"
	mount -t tmpfs -o size=2g tmpfs "$root/build/out"
	env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
		chroot "$root" /build/src/packaging/build-deb.sh "$version" /build/out
	cp "$root"/build/out/corral_"$version"_*.deb "$out/"
' build-deb-dist "$root" "$src" "$version" "$out" >"$log" 2>&1; then
	tail -n 60 "$log" >&2
	vm_die "the package build for $dist failed (the last 60 lines above; all of it in $log)"
fi
debs=("$out"/corral_"$version"_*.deb)
deb=${debs[0]}
[ -f "$deb" ] || deb=''

[ -n "$deb" ] || vm_die "the build for $dist made no corral_${version}_*.deb"
vm_log "built $deb for $dist in $(($(date +%s) - started)) s"
echo "$deb"
