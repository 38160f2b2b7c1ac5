#!/bin/bash
# corralctl sessions lists the sessions pam_corral opened (from their
# records) while they run, and nothing after they closed; a stale record
# (its process gone) is marked as such.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then skip_all "opens PAM sessions: run as root"; fi
user=crsess1
dir=
cleanup() {
	[ -n "${driver_pid:-}" ] && kill "$driver_pid" 2>/dev/null && wait "$driver_pid" 2>/dev/null
	pkill -KILL -u "$user" 2>/dev/null
	userdel -r "$user" >/dev/null 2>&1
	[ -n "${stale:-}" ] && rm -f "/run/corral/sessions/$stale"
	rm -rf "${dir:-/nonexistent}"
}
trap cleanup EXIT
useradd -m -s /usr/bin/corral-shell "$user" 2>/dev/null || exit 1
dir=$(mktemp -d)
chmod 0755 "$dir"
mkdir -m 0755 "$dir/pam.d"
cat >"$dir/corral.ini" <<INI
[group:$user]
confine = yes
fs.read = /usr /etc
fs.write = ~
INI
chmod 0644 "$dir/corral.ini"
echo "session required $(realpath "$build/pam_corral.so") config=$dir/corral.ini" >"$dir/pam.d/sshd"
echo "session required pam_permit.so" >"$dir/pam.d/other"
ctl=$build/corralctl
plan 4
(cd / && "$build/pam_driver" -q -d "$dir/pam.d" -s sshd -u "$user" -- /bin/sleep 5) &
driver_pid=$!
for _ in $(seq 50); do
	out=$("$ctl" sessions)
	grep -q " $user " <<<"$out" && break
	sleep 0.1
done
line=$(grep " $user " <<<"$out")
[ -n "$line" ] && grep -q "sshd" <<<"$line" && grep -q "\[group:$user\]" <<<"$line" &&
	pass "an open session is listed with its user, service and sections: $line" ||
	fail "sessions: $out"
id=$(awk '{print $1}' <<<"$line")
[ -n "$id" ] && [ -f "/run/corral/sessions/$id" ] && pass "its id names its record" || fail "id '$id'"
wait "$driver_pid"
driver_pid=
out=$("$ctl" sessions)
! grep -q " $user " <<<"$out" && pass "after close it is gone" || fail "still listed: $out"
# a record whose process is gone (a crashed daemon) shows as stale
stale=0123456789abcdef0123456789abcdef
{
	echo "corral-session 1"; echo "id $stale"; echo "user $user"; echo "uid $(id -u "$user")"; echo "service sshd"
	echo "pid 999999"; echo "pid_start 1"; echo "started $(date +%s)"; echo "mntns 0"; echo "policy"
	printf 'corral-policy 1\nuser %s\nuid %s\ngid %s\nhome /home/%s\nexempt no\nend\n' "$user" "$(id -u "$user")" "$(id -g "$user")" "$user"
} >"/run/corral/sessions/$stale"
chmod 0644 "/run/corral/sessions/$stale"
out=$("$ctl" sessions)
grep "$stale" <<<"$out" | grep -q "stale" && pass "a record whose process is gone is marked stale" ||
	fail "stale: $out"
