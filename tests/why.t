#!/bin/bash
# corralctl why from the command line: exit codes (0 allowed, 1 refused,
# 2 usage or no user, 3 invalid config), rules named FILE:LINE [section],
# --json, links looked at as the user, and who may ask about whom. The
# agreement with real sessions, row by row, is tests/why-agree.t.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
ctl=$(realpath "$build/corralctl")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users: run as root"; fi
user=crwhy
other=crwhy2
cleanup() {
	userdel -r "$user" >/dev/null 2>&1
	userdel -r "$other" >/dev/null 2>&1
	rm -rf "${dir:-/nonexistent}" /srv/crwhy
}
cleanup
trap cleanup EXIT
useradd -m -s /bin/bash "$user" && useradd -m -s /bin/bash "$other" || exit 1
home=$(getent passwd "$user" | cut -d: -f6)
mkdir -p /srv/crwhy/course /srv/crwhy/secret
echo notes >/srv/crwhy/course/notes.txt
chmod 0755 /srv/crwhy /srv/crwhy/course
ln -s /srv/crwhy/course /srv/crwhy/course-link
dir=$(mktemp -d)
chmod 0755 "$dir"
cat >"$dir/corral.ini" <<INI
[default]
confine = no
[user:$user]
confine = yes
fs.read = /usr /etc /srv/crwhy/course
fs.write = ~
fs.exec = /usr
fs.deny = ~/.ssh
net.connect = tcp://:443
ipc.signals = session
INI
chmod 0644 "$dir/corral.ini"
cp "$dir/corral.ini" "$dir/broken.ini"
echo "fs.nonsense = 1" >>"$dir/broken.ini"
why() { "$ctl" why -c "$dir/corral.ini" "$@"; }

plan 17
out=$(why "$user" read /srv/crwhy/course/notes.txt)
is "allowed read: exit 0" "$?" 0
like "allowed read: the fs.read tree with its line and section" "$out" \
	"fs\.read = /srv/crwhy/course +$dir/corral.ini:5 \[user:$user\]"
out=$(why "$user" write /srv/crwhy/course/new)
is "write outside fs.write: exit 1" "$?" 1
like "write outside fs.write: EROFS from the mount view" "$out" \
	"^refused: .*EROFS.*"$'\n'"decided by: mount view \(read-only outside fs.write\)"
like "write outside fs.write: fs.write named with its line" "$out" "fs\.write = \(no tree contains /srv/crwhy/course/new\) +$dir/corral.ini:6"
out=$(why "$user" list "$home/.ssh/keys")
like "fs.deny inside the writable home: refused by the view, the deny line named" "$out" \
	"decided by: mount view \(an inaccessible node.*"$'\n'".*fs\.deny = $home/\.ssh +$dir/corral.ini:8 \[user:$user\]"
out=$(why "$user" read /srv/crwhy/course-link/notes.txt)
like "a root-owned link is followed to what it names" "$out" "\(/srv/crwhy/course/notes\.txt\)"
ln -s /srv/crwhy/course "$home/mine" && chown -h "$user:" "$home/mine"
out=$(why "$user" read "$home/mine/notes.txt")
like "a link the user made is named in the note" "$out" "note: .*$home/mine is a symbolic link $user could re-point"
out=$(why --json "$user" connect 192.0.2.1:22)
is "connect refused: exit 1" "$?" 1
ok "--json is one JSON object with verdict, errno, layer and rules" python3 -c '
import json, sys
o = json.loads(sys.argv[1])
assert o["verdict"] == "refused" and o["errno"] == "ECONNREFUSED", o
assert o["rules"][0]["key"] == "net.connect" and o["layer"], o
' "$out"
why "$other" read /etc/passwd >/dev/null
is "a user no section confines: allowed (exit 0)" "$?" 0
why nosuchuser-crwhy read /etc/passwd >/dev/null 2>&1
is "no such user: exit 2" "$?" 2
why "$user" delete /etc/passwd >/dev/null 2>&1
is "an unknown operation: exit 2" "$?" 2
why "$user" read relative/path >/dev/null 2>&1
is "a relative path: exit 2" "$?" 2
"$ctl" why -c "$dir/broken.ini" "$user" read /etc/passwd >/dev/null 2>&1
is "an invalid config: exit 3" "$?" 3
out=$(runuser -u "$other" -- "$ctl" why -c "$dir/corral.ini" "$user" read /etc/passwd 2>&1)
is "another user may not ask about $user: exit 2" "$?" 2
out=$(cd / && runuser -u "$user" -- "$ctl" why -c "$dir/corral.ini" "$user" read /srv/crwhy/course/notes.txt 2>&1)
is "a user may ask about themselves" "$?" 0
