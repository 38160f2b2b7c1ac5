#!/bin/bash
# Policies that change while a session runs (issue 16), with a real
# `corralctl run` session on a terminal: `corralctl apply` narrows what
# corral-helper decides at once, never widens it again, lowers the cgroup
# limits, and ends a session whose narrowing no layer can make live after
# the grace period, telling its terminal. A live file root did not write
# changes nothing; an invalid config changes nothing.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
ctl=$(realpath "$build/corralctl")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users: run as root"; fi
command -v script >/dev/null || skip_all "needs script(1) for a terminal"
user=crlive
cleanup() {
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	[ -n "${gid:-}" ] && "$ctl" revoke "$gid" >/dev/null 2>&1
	pkill -u "$user" 2>/dev/null
	userdel -r "$user" >/dev/null 2>&1
	rm -rf "${dir:-/nonexistent}"
}
cleanup
trap cleanup EXIT
useradd -m -s /bin/bash "$user" || exit 1
dir=$(mktemp -d)
chmod 0755 "$dir"
# two listeners on free ports; their numbers come back on stdout
python3 -c '
import socket, sys, time
socks = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64); socks.append(s)
print(*[s.getsockname()[1] for s in socks], flush=True)
time.sleep(120)' >"$dir/ports" &
listener=$!
for _ in $(seq 50); do [ -s "$dir/ports" ] && break; sleep 0.1; done
read -r p1 p2 <"$dir/ports"
policy() {  # net.connect, fs.read, limits.processes [window section lines...]
	cat >"$dir/corral.ini" <<INI
[user:$user]
confine = yes
fs.read = $2
fs.write = ~ /dev/null
fs.exec = /usr
net.connect = $1
limits.processes = $3
INI
	shift 3
	[ $# -gt 0 ] && printf '%s\n' "$@" >>"$dir/corral.ini"
	chmod 0644 "$dir/corral.ini"
}
both="tcp://127.0.0.1:$p1 tcp://127.0.0.1:$p2"
policy "$both" "/usr /etc /proc /dev" 200
apply() { "$ctl" apply -c "$dir/corral.ini" --user "$user" "$@"; }
# the session: a connect to p1 every 0.3 s, each result a line in a file
loop=/home/$user/loop.sh
cat >"$loop" <<'SH'
i=0
while [ $i -lt 200 ]; do
	if timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null; then r=ok; else r=refused; fi
	echo "$(date +%s.%N) $r" >>"$2"
	i=$((i + 1)); sleep 0.3
done
SH
chmod 0755 "$loop"
results=/home/$user/results
session() {
	(cd / && script -qfc "$ctl run -c $dir/corral.ini -u $user -- bash $loop $p1 $results" \
		"$dir/terminal" >/dev/null 2>&1; echo "exit $?" >"$dir/status") &
}
last() {  # the last result after the session had 1 s to see a change
	sleep 1.2
	tail -n 1 "$results" | cut -d' ' -f2
}
record() { grep -l "^user $user\$" /run/corral/sessions/* 2>/dev/null | grep -v '\.live$' | head -n 1; }

plan 20
session
for _ in $(seq 50); do [ -s "$results" ] && break; sleep 0.2; done
is "the session reaches p1 under the login's policy" "$(last)" ok
policy "tcp://127.0.0.1:$p2" "/usr /etc /proc /dev" 200
out=$(apply)
like "apply narrows one session live" "$out" "^1 session, 1 changed, 0 to end"
is "net.connect narrowed: p1 refused at once, in the running session" "$(last)" refused
policy "$both" "/usr /etc /proc /dev" 200
apply >/dev/null
is "widened again: the running session regains nothing" "$(last)" refused
id=$(basename "$(record)")
cp "/run/corral/sessions/$id.live" "$dir/saved.live"
# a live file that is not root's is refused by the helper: nothing widens
sed "s/127.0.0.1:$p2/127.0.0.1:$p1/" "$dir/saved.live" >"/run/corral/sessions/.forged" &&
	chown "$user" "/run/corral/sessions/.forged" && mv "/run/corral/sessions/.forged" "/run/corral/sessions/$id.live" &&
	touch "/run/corral/sessions/$id" # what apply does after writing: the helper reads the file again
is "a live file the user owns changes nothing" "$(last)" refused
cp "$dir/saved.live" "/run/corral/sessions/$id.live"
echo "fs.nonsense = 1" >>"$dir/corral.ini"
apply >/dev/null 2>&1
is "an invalid config: apply fails (exit 1)" "$?" 1
is "an invalid config changes nothing" "$(last)" refused
# limits come down live in the session's cgroup
policy "$both" "/usr /etc /proc /dev" 50
apply >/dev/null
pids=$(for d in $(grep '^cgroup ' "$(record)" | cut -d' ' -f2); do cat "$d/pids.max" 2>/dev/null; done | head -n 1)
is "limits.processes lowered live in the session's cgroup" "$pids" 50
# an exam window a few seconds ahead: `apply --follow` wakes at its start
# and at its end; the window narrows the running session at its start and
# its end gives nothing back
start=$(date -d '+4 sec' +%Y-%m-%dT%H:%M:%S)
policy "$both" "/usr /etc /proc /dev" 50 "[window:crlive-exam]" "when = $start/4s" "applies = user:$user" \
	"net.connect = tcp://127.0.0.1:$p2"
rm -f "/run/corral/sessions/$id.live"
"$ctl" apply -c "$dir/corral.ini" --user "$user" >/dev/null
is "before the window, a fresh live file: p1 reachable again" "$(last)" ok
"$ctl" apply -c "$dir/corral.ini" --user "$user" --follow >/dev/null 2>&1 &
follower=$!
sleep 4.5
is "the window opened: the follower narrowed the session at its start" "$(last)" refused
like "corralctl sessions shows the open window" "$("$ctl" sessions 2>/dev/null | grep "^$id")" "windows: crlive-exam"
sleep 4
is "the window closed: the running session regains nothing" "$(last)" refused
unlike "... and the window is no longer listed as open" "$("$ctl" sessions 2>/dev/null | grep "^$id")" "windows: crlive-exam"
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
# a grant reaches a running session through apply, and its expiry takes it
# away again (apply --follow wakes at the expiry)
policy "tcp://127.0.0.1:$p2" "/usr /etc /proc /dev" 50
rm -f "/run/corral/sessions/$id.live"
apply >/dev/null
is "without a grant p1 is refused" "$(last)" refused
gid=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$p1" --for 5s --reason live.t 2>/dev/null | awk '{print $1; exit}')
apply >/dev/null
is "a grant reaches the running session at once" "$(last)" ok
"$ctl" apply -c "$dir/corral.ini" --user "$user" --follow >/dev/null 2>&1 &
follower=$!
sleep 5
is "at the grant's expiry the follower takes it away" "$(last)" refused
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
[ -n "$gid" ] && "$ctl" revoke "$gid" >/dev/null 2>&1
# fs.read cannot change in a running session: it ends after the grace
policy "$both" "/usr /etc /proc" 50
out=$(apply --grace 2)
like "a narrowing no layer makes live: the session is set to end" "$out" "1 to end after the grace period"
sleep 1
like "the terminal is told why and when" "$(cat "$dir/terminal")" "corral: the session's policy changed \(fs\.read narrowed\); this session ends in [0-9]+ seconds"
for _ in $(seq 40); do [ -s "$dir/status" ] && break; sleep 0.25; done
ok "the session ended after the grace period" test -s "$dir/status"
like "the log names the narrowing" "$(cat "$dir/terminal")" "ending the session"
