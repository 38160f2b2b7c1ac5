#!/bin/bash
# `make demo`: validates the shipped example policy and shows what a
# throwaway student account gets from it. Creates and removes its own user.
set -u
build=${CORRAL_BUILD:-build}
user=corral-demo
group=students
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo: run as root (it creates and removes a throwaway user)" >&2
	exit 1
fi
made_group=no
dir=$(mktemp -d /tmp/corral-demo.XXXXXX)
cleanup() {
	userdel -r "$user" >/dev/null 2>&1
	[ "$made_group" = yes ] && groupdel "$group" >/dev/null 2>&1
	rm -rf "$dir"
}
trap cleanup EXIT
chmod 0755 "$dir"
install -m 0644 conf/corral.ini "$dir/corral.ini"
if ! getent group "$group" >/dev/null; then
	groupadd "$group" && made_group=yes
fi
useradd -m -g "$group" -s /bin/bash "$user" || exit 1

echo "== corralctl check -c conf/corral.ini (copied to $dir, root-owned)"
"$build/corralctl" check -c "$dir/corral.ini"
echo
echo "== corralctl explain -c conf/corral.ini $user   ($user is in group $group)"
"$build/corralctl" explain -c "$dir/corral.ini" "$user"
echo
echo "== the same file with a typo: corral refuses it and names the line"
sed 's/^limits.memory = 2G/limits.memory = 2 GB/' conf/corral.ini >"$dir/corral.ini"
"$build/corralctl" check -c "$dir/corral.ini"
echo "(exit status $?: confined users would be refused at login, exempt users let in)"
