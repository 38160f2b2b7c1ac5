#!/bin/bash
# `make demo`: checks the shipped example policy, explains what a student
# gets, then runs a real confined session of a throwaway student that tries
# allowed and forbidden things and shows expected vs observed for each.
# Creates and removes its own users (and group, if it had to make one).
set -u
build=${CORRAL_BUILD:-build}
user=corral-demo
other=corral-demo2
group=students
if [ "$(id -u)" -ne 0 ]; then
	echo "make demo: run as root (it creates and removes throwaway users)" >&2
	exit 1
fi
made_group=no
dir=$(mktemp -d /tmp/corral-demo.XXXXXX)
tools=$(mktemp -d /usr/local/lib/corral-demo.XXXXXX)
cleanup() {
	pkill -KILL -u "$user" 2>/dev/null
	userdel -r "$user" >/dev/null 2>&1
	userdel -r "$other" >/dev/null 2>&1
	[ "$made_group" = yes ] && groupdel "$group" >/dev/null 2>&1
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	rm -rf "$dir" "$tools" /dev/shm/corral-demo-*
}
trap cleanup EXIT
chmod 0755 "$dir" "$tools"
install -m 0644 conf/corral.ini "$dir/corral.ini"
install -m 0755 "$build/probe" "$tools/probe"
if ! getent group "$group" >/dev/null; then
	groupadd "$group" && made_group=yes
fi
useradd -m -g "$group" -s /bin/bash "$user" || exit 1
useradd -m -s /bin/bash "$other" || exit 1
other_home=$(getent passwd "$other" | cut -d: -f6)
echo "notes of $other" >"$other_home/notes.txt"
chmod 0755 "$other_home" && chmod 0644 "$other_home/notes.txt"

echo "== corralctl check -c conf/corral.ini (copied to $dir, root-owned)"
"$build/corralctl" check -c "$dir/corral.ini"
echo
echo "== corralctl explain $user   ($user is in group $group)"
"$build/corralctl" explain -c "$dir/corral.ini" "$user" | grep -v '(not set)'
echo
echo "== a confined session of $user (corralctl run: the login path minus PAM)"
runuser -u "$user" -- sleep 120 >/dev/null 2>&1 &   # the student's own process, outside the session
outside=
for _ in $(seq 100); do
	outside=$(pgrep -u "$user" -x sleep | head -n 1)
	[ -n "$outside" ] && break
	sleep 0.05
done
[ -n "$outside" ] || { echo "demo: the student's process outside the session did not start"; exit 1; }
home=$(getent passwd "$user" | cut -d: -f6)
failures=0
try() {  # what, expected, probe arguments...
	local what=$1 want=$2 got
	shift 2
	got=$(cd / && "$build/corralctl" run -c "$dir/corral.ini" -u "$user" -- "$tools/probe" "$@" 2>&1)
	[ -z "$got" ] && got="ran"
	if [ "$got" = "$want" ]; then mark="ok  "; else mark="FAIL"; failures=$((failures + 1)); fi
	printf '%s %-62s expected %-12s observed %s\n' "$mark" "$what" "$want" "$got"
}
runuser -u "$user" -- cp /bin/true "$home/copied-true"
# a listener on a port the student may not reach (unconfined, connecting works)
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(Listen => 8, LocalAddr => "127.0.0.1:2222", ReuseAddr => 1) or die; sleep 60' &
listener=$!
for _ in $(seq 100); do
	(exec 3<>/dev/tcp/127.0.0.1/2222) 2>/dev/null && break
	sleep 0.05
done
try "write a file in the home directory" ok write "$home/hello"
# the session's view makes everything outside fs.write read-only (EROFS); Landlock
# alone would say EACCES
try "write outside home (/dev/shm, world-writable)" EROFS write /dev/shm/corral-demo-x
try "read another user's world-readable file" EACCES read "$other_home/notes.txt"
try "read /etc/hostname (fs.read)" ok read /etc/hostname
try "run /usr/bin/true (fs.exec)" ran exec /usr/bin/true
try "run a binary copied to the home directory" EACCES exec "$home/copied-true"
try "... or map it executable as ld.so would (noexec home)" EPERM mmap-exec "$home/copied-true"
try "bind TCP port 8080 (net.bind 8000-8999)" ok bind 8080
try "bind TCP port 9999" EACCES bind 9999
try "connect to root's listener on 127.0.0.1:2222 (net.loopback = own)" ECONNREFUSED connect 2222
try "signal the student's own process outside the session" EPERM kill "$outside"
try "create a user namespace" EPERM unshare-user
try "open a raw packet socket" EAFNOSUPPORT socket 17 3 0
try "inject input into the terminal (TIOCSTI)" EPERM tiocsti 0
kill "$listener" 2>/dev/null
echo
echo "== the same file with a typo: corral refuses it and names the line"
sed 's/^limits.memory = 2G/limits.memory = 2 GB/' conf/corral.ini >"$dir/corral.ini"
"$build/corralctl" check -c "$dir/corral.ini"
echo "(exit status $?: confined users would be refused at login, exempt users let in)"
cd / && "$build/corralctl" run -c "$dir/corral.ini" -u "$user" -- /bin/true
echo "(corralctl run as $user: exit status $?, the session was refused)"
echo
[ "$failures" -eq 0 ] && echo "demo: every observation matched" || echo "demo: $failures observation(s) did not match"
exit "$failures"
