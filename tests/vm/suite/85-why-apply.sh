#!/bin/bash
# corralctl why and corralctl apply on the guest's own kernel (issues 15
# and 16): why names the layer this kernel decides with (Landlock's ABI,
# the mount view, corral-helper where Landlock has no scope) and its verdict
# is what an ssh session of the user gets; apply narrows a running ssh
# session's network at once, a later widening gives it nothing back, and a
# narrowing of files ends it after the grace period, its terminal told.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmwhy
suite_enable_pam >/dev/null 2>&1
suite_policy "net.connect = tcp://127.0.0.1:22 tcp://127.0.0.1:2222" "ipc.signals = session"
suite_user "$user" || { fail "create $user"; suite_done; }
abi=$(sed -n 's/^landlock_abi=//p' <<<"$("$SUITE_DIR/facts.sh")")
why() { corralctl why "$user" "$@" 2>&1; }

# --- why against the session ---
out=$(why read /var/lib/dpkg/status)
like "why: a file outside fs.read is refused by Landlock ABI $abi" "$out" \
	"^refused: .*EACCES.*"$'\n'"decided by: Landlock ABI $abi"$'\n'".*fs\.read = \(no tree grants reading\)"
like "... and the session gets EACCES" "$(suite_ssh "$user" 'cat /var/lib/dpkg/status >/dev/null' 2>&1)" \
	"Permission denied"
out=$(why write /var/tmp/vmwhy-file)
like "why: a new file outside fs.write is EROFS from the mount view" "$out" \
	"EROFS.*"$'\n'"decided by: mount view \(read-only outside fs.write\)"
like "... and the session gets EROFS" "$(suite_ssh "$user" 'touch /var/tmp/vmwhy-file' 2>&1)" "Read-only file system"
out=$(why read /etc/shadow)
like "why: fs.deny by the mount view, its line named" "$out" \
	"decided by: mount view \(an inaccessible node.*"$'\n'".*fs\.deny = /etc/shadow +/etc/corral/corral.ini:[0-9]+ \[group:vmstudents\]"
out=$(why signal outside)
if [ "${abi:-0}" -ge 6 ]; then
	like "why: ABI $abi scopes signals in Landlock" "$out" "EPERM.*"$'\n'"decided by: Landlock ABI $abi"
else
	like "why: ABI $abi has no signal scope: corral-helper decides" "$out" "EPERM.*"$'\n'"decided by: corral-helper"
fi
out=$(why connect 127.0.0.1:2200)
like "why: a port net.connect does not list is refused" "$out" "^refused: .*ECONNREFUSED"
ok "why: ... and 127.0.0.1:22 is allowed" corralctl why "$user" connect 127.0.0.1:22

# --- apply: a running ssh session follows the policy ---
loop='while :; do if timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/22" 2>/dev/null; then echo ok; else echo refused; fi >>~/net; sleep 0.3; done'
terminal=$(mktemp)
suite_on_exit "rm -f $terminal"
suite_ssh_tt "$user" "$loop" >"$terminal" 2>&1 </dev/null &
client=$!
home=$(getent passwd "$user" | cut -d: -f6)
suite_wait 60 test -s "$home/net"
latest() { sleep 2; tail -n 1 "$home/net"; }
is "apply: the session reaches sshd's port" "$(latest)" ok
suite_policy "net.connect = tcp://127.0.0.1:2222" "ipc.signals = session"
like "apply: the session is changed" "$(corralctl apply --user "$user" 2>&1)" "^1 session, 1 changed"
is "apply: net.connect narrowed at once in the running ssh session" "$(latest)" refused
suite_policy "net.connect = tcp://127.0.0.1:22 tcp://127.0.0.1:2222" "ipc.signals = session"
corralctl apply --user "$user" >/dev/null 2>&1
is "apply: widened again, the running session regains nothing" "$(latest)" refused
like "corralctl sessions: the session has a live policy" "$(corralctl sessions 2>&1)" " $user "
suite_policy "net.connect = tcp://127.0.0.1:22 tcp://127.0.0.1:2222" "ipc.signals = session" \
	"[user:$user]" "fs.deny = +~/notes"
like "apply: fs.deny cannot change live: the session is to end" "$(corralctl apply --user "$user" --grace 3 2>&1)" \
	"1 to end after the grace period"
suite_wait 30 sh -c "! kill -0 $client 2>/dev/null"
ok "the ssh session ended after the grace period" sh -c "! kill -0 $client 2>/dev/null"
like "its terminal was told why" "$(cat "$terminal")" "fs\.deny narrowed"
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null
ok "corral-apply.service is installed for apply --follow" systemctl cat corral-apply.service
suite_gone "$user" "after the end no process of $user is left"
suite_done
