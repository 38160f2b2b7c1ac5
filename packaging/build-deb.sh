#!/bin/bash
# Builds the Debian package of this working tree, offline:
#   packaging/build-deb.sh VERSION BUILDDIR   ->   BUILDDIR/corral_VERSION_ARCH.deb
# The tree (without build output and .git) is copied to a temporary
# directory under BUILDDIR, packaging/debian becomes its debian/, and
# dpkg-buildpackage builds it there: debhelper runs the Makefile's all and
# install, so nothing needs to be built beforehand.
set -euo pipefail

usage="usage: packaging/build-deb.sh VERSION BUILDDIR"
version=${1:?$usage}
builddir=${2:?$usage}
src=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$builddir"
builddir=$(cd "$builddir" && pwd)
tmp=$(mktemp -d "$builddir/deb.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tree=$tmp/corral-$version
mkdir "$tree"

# the working tree as it is (uncommitted files included), minus what is
# built or git's; BUILDDIR too when it lies inside the tree
excludes=(--exclude=./.git --exclude=./build)
case "$builddir/" in
"$src"/*) excludes+=("--exclude=./${builddir#"$src"/}") ;;
esac
tar -C "$src" "${excludes[@]}" -cf - . | tar -C "$tree" -xf -
rm -rf "$tree/debian"
cp -a "$tree/packaging/debian" "$tree/debian"

# The package version is the changelog's: when VERSION is another one, the
# copy gets an entry for it on top.
top=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Version)
if [ "$top" != "$version" ]; then
	maintainer=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Maintainer)
	{
		printf 'corral (%s) unstable; urgency=medium\n\n' "$version"
		printf '  * Built from a working tree as version %s.\n\n' "$version"
		printf ' -- %s  %s\n\n' "$maintainer" "$(date -R)"
		cat "$tree/packaging/debian/changelog"
	} >"$tree/debian/changelog"
fi

# no debug-symbol package: only the .deb is kept
export DEB_BUILD_OPTIONS="${DEB_BUILD_OPTIONS:+$DEB_BUILD_OPTIONS }noddebs parallel=$(nproc)"
(cd "$tree" && dpkg-buildpackage -us -uc -b)

arch=$(dpkg-architecture -qDEB_HOST_ARCH)
deb=corral_${version}_${arch}.deb
mv "$tmp/$deb" "$builddir/$deb"
echo "built $builddir/$deb"
