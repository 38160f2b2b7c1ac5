#!/bin/bash
# Lingering (issue 11, scenario 9). loginctl enable-linger inside a session
# fails (the system bus is not reachable from it); an admin's enable-linger
# starts no user manager for a confined user. session.linger = yes: a
# `setsid sleep &` of an ssh session outlives the logout, in the corral scope
# and confined; no: it is gone. logind's KillUserProcesses wins: with yes
# (a logind.conf.d drop-in, logind restarted) linger = yes keeps nothing; with
# no (Debian's default, checked first) it keeps the process.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmlinger
dropin=/etc/systemd/logind.conf.d/corral-vm-kill.conf
suite_enable_pam >/dev/null 2>&1
suite_policy "[user:$user]" "session.linger = yes"
# a uid of its own: logind still knows a uid an earlier scenario's user had
# for a while, and would not start that user's manager again
suite_user "$user" -u 2155 || { fail "create $user"; suite_done; }
uid=$(id -u "$user")
# shellcheck disable=SC2317 # called through ok
restart_logind() { systemctl restart systemd-logind && suite_wait 20 systemctl is-active --quiet systemd-logind; }
suite_on_exit "rm -f $dropin; systemctl restart systemd-logind"

# --- enable-linger: by an admin first, while the user has never logged in
# (logind starts the manager when it creates the user) ---
suite_mark
ok "an admin's loginctl enable-linger $user works" loginctl enable-linger "$user"
ok "... the user lingers" test -e "/var/lib/systemd/linger/$user"
suite_wait 20 sh -c "journalctl -q --since '$SUITE_MARK' -u user@$uid.service -o cat | grep -q 'Starting .*User Manager for UID $uid'"
suite_wait 10 sh -c "journalctl -q --since '$SUITE_MARK' -t corral -o cat | grep -q 'user=$user event=refused op=user-manager'"
like "... systemd tries to start its user manager" "$(suite_journal -u "user@$uid.service" -o cat)" "Starting .*User Manager for UID $uid"
like "... and corral refuses it (journalctl -t corral)" "$(suite_journal -t corral -o cat)" "user=$user event=refused op=user-manager"
is "... user@$uid.service is not running, not failed" "$(suite_unit_prop "user@$uid.service" ActiveState)/$(suite_unit_prop "user@$uid.service" Result)" inactive/success
ok "... no process of $user runs" sh -c "! pgrep -u $user"
loginctl disable-linger "$user"
out=$(suite_ssh "$user" 'loginctl enable-linger; echo "status=$?"' 2>&1)
like "loginctl enable-linger inside the session fails" "$out" 'status=[1-9]'
ok "... and the user does not linger" test ! -e "/var/lib/systemd/linger/$user"
diag "$out"

# --- session.linger = yes / no, under Debian's default KillUserProcesses=no ---
linger_round() {  # a setsid'd sleep 1999 started in an ssh session; prints its pid after the session's close
	suite_mark
	suite_ssh "$user" 'setsid sleep 1999 </dev/null >/dev/null 2>&1 & echo started' >/dev/null 2>&1
	suite_wait 15 sh -c "journalctl -q --since '$SUITE_MARK' -t corral -o cat | grep -q 'user=$user .*event=session-close'"
	sleep 1
	pgrep -u "$user" -fx "sleep 1999" | head -n 1
}
kup=$(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses 2>&1)
is "logind: KillUserProcesses is off (Debian's default)" "$kup" "b false"
pid=$(linger_round)
if [ -n "$pid" ]; then
	pass "session.linger = yes: a setsid'd sleep outlives the logout"
	like "... still in the corral scope" "$(cut -d: -f3 "/proc/$pid/cgroup")" '^/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope$'
	is "... and confined (NoNewPrivs 1, Seccomp 2)" "$(suite_status_field "$pid" NoNewPrivs) $(suite_status_field "$pid" Seccomp)" "1 2"
	suite_check -l "$user" "every process of $user is confined or exempt after the logout"
else
	fail "session.linger = yes: a setsid'd sleep outlives the logout"
fi
pkill -KILL -u "$user"
suite_gone "$user" "(the lingering processes ended by root)"

suite_policy
pid=$(linger_round)
is "session.linger = no: the setsid'd sleep is gone with the logout" "$pid" ""
suite_gone "$user" "... no process of $user is left"

# --- KillUserProcesses=yes ---
suite_policy "[user:$user]" "session.linger = yes"
mkdir -p "$(dirname "$dropin")"
printf '[Login]\nKillUserProcesses=yes\n' >"$dropin"
ok "systemd-logind restarts with KillUserProcesses=yes" restart_logind
is "logind: KillUserProcesses is on" "$(busctl get-property org.freedesktop.login1 /org/freedesktop/login1 org.freedesktop.login1.Manager KillUserProcesses 2>&1)" "b true"
pid=$(linger_round)
is "KillUserProcesses=yes overrides session.linger = yes: the sleep is gone" "$pid" ""
suite_gone "$user" "... no process of $user is left"
rm -f "$dropin"
ok "systemd-logind restarts without the drop-in" restart_logind
suite_gone "$user" "at the end no process of $user is left"
suite_done
