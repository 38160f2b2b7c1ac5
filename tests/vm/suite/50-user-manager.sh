#!/bin/bash
# The user manager (issue 11, scenario 8). For a confined user,
# user@UID.service is skipped by the package's drop-in (ExecCondition=
# corralctl user-manager): inactive, never failed, one op=user-manager line in
# journalctl -t corral per start attempt; systemctl --user and systemd-run
# --user fail inside the session and start nothing. With systemd-user in the
# policy's services the manager is meant to start confined by pam_corral:
# tried, and reported (a TODO when it does not work).
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmum
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$user" || { fail "create $user"; suite_done; }
uid=$(id -u "$user")
unit=user@$uid.service
ok "the package's drop-in is on user@.service" sh -c "systemctl cat user@.service | grep -q 'ExecCondition=+/usr/sbin/corralctl user-manager %i'"
is "corralctl user-manager says no for $user (exit 1)" "$(corralctl user-manager "$user" >/dev/null 2>&1; echo $?)" 1

suite_mark
# shellcheck disable=SC2016 # expanded in the session
inside='echo "xdg=${XDG_RUNTIME_DIR:-unset} bus=${DBUS_SESSION_BUS_ADDRESS:-unset}"
systemctl --user is-system-running; echo "systemctl-user=$?"
systemd-run --user --unit=corral-vm-escape sleep 1888; echo "systemd-run-user=$?"
XDG_RUNTIME_DIR=/run/user/$(id -u) systemctl --user start default.target; echo "with-xdg=$?"
XDG_RUNTIME_DIR=/run/user/$(id -u) systemd-run --user --unit=corral-vm-escape2 sleep 1888; echo "run-with-xdg=$?"'
out=$(suite_ssh "$user" "$inside" 2>&1)
like "in the session: no user bus in the environment" "$out" 'xdg=unset bus=unset'
like "systemctl --user fails" "$out" 'systemctl-user=[1-9]'
like "systemd-run --user fails" "$out" 'systemd-run-user=[1-9]'
like "... also with XDG_RUNTIME_DIR set by hand" "$out" 'with-xdg=[1-9].*run-with-xdg=[1-9]'
diag "$out"
out=$(suite_ssh "$user" 'true' 2>&1)
sleep 2
ok "... and nothing was started: no sleep 1888 anywhere" sh -c '! pgrep -fx "sleep 1888"'
unlike "... no corral-vm-escape unit" "$(systemctl list-units --all --no-legend 'corral-vm-escape*' 2>&1)" escape
is "$unit is inactive" "$(suite_unit_prop "$unit" ActiveState)" inactive
is "$unit is not failed (Result=success)" "$(suite_unit_prop "$unit" Result)" success
attempts=$(suite_journal -u "$unit" -o cat | grep -c "Starting .*User Manager for UID $uid")
lines=$(suite_journal -t corral -o cat | grep -c "user=$user event=refused op=user-manager service=systemd-user rule=services")
if [ "$attempts" -ge 1 ]; then
	pass "systemd tried to start $unit ($attempts times for 2 logins)"
else
	fail "systemd tried to start $unit" "$(suite_journal -u "$unit" -o short 2>&1 | tail -n 5)"
fi
is "journalctl -t corral: one op=user-manager line per start attempt" "$lines" "$attempts"
like "systemd says the unit was skipped, not failed" "$(suite_journal -u "$unit" -o cat)" "Skipped due to 'exec-condition'|Condition check resulted in .* being skipped"
is "systemctl --failed is empty" "$(systemctl --failed --no-legend --plain 2>&1)" ""
suite_gone "$user" "after the logins no process of $user is left"
suite_check "$user" "every process of $user is confined or exempt"

# --- systemd-user in services: the manager confined as a direct service ---------------
suite_policy "[user:$user]" "services = +systemd-user"
is "with systemd-user in services corralctl user-manager says yes" "$(corralctl user-manager "$user" >/dev/null 2>&1; echo $?)" 0
suite_mark
held=-l
suite_hold "$user" 184 || held=''
suite_wait 20 sh -c "systemctl show -P ActiveState $unit | grep -Eqx 'active|failed|inactive'"
sleep 2
state=$(suite_unit_prop "$unit" ActiveState)/$(suite_unit_prop "$unit" Result)
mpid=$(suite_unit_prop "$unit" MainPID)
if [ "$state" = active/success ] && [ "${mpid:-0}" != 0 ]; then
	pass "the manager starts"
	is "... confined: NoNewPrivs 1, Seccomp 2" "$(suite_status_field "$mpid" NoNewPrivs) $(suite_status_field "$mpid" Seccomp)" "1 2"
	suite_check -l "$user" "every process of $user (the manager's included) is confined or exempt"
else
	todo "with systemd-user in services the user manager starts, confined by pam_corral" \
		"systemd --user fails under the confinement: pam_systemd cannot reach the system bus (EPERM), no XDG_RUNTIME_DIR, its sd_notify to /run/systemd/notify is denied (ipc.unix); $unit ends failed" \
		test "$state" = active/success
	diag "$unit: $state" "$(suite_journal -o short 2>&1 | grep -E "user@$uid|\(systemd\)|\(sd-pam\)|XDG_RUNTIME_DIR|user=$user .*event=denied" | tail -n 14)"
	# shellcheck disable=SC2086 # -l or nothing
	suite_check $held "$user" "every process of $user is confined or exempt (the manager tried)"
fi
suite_release "$user" 184
systemctl stop "$unit" 2>/dev/null
suite_gone "$user" "after it no process of $user is left"
sleep 1
left=$(grep -lx "service systemd-user" /run/corral/sessions/* 2>/dev/null | xargs -r grep -lx "user $user")
todo "the manager's corral session is closed when it ends (no record left)" \
	"intermittent: the failed manager's session is sometimes never closed (no session-close line, its record stays: corralctl sessions says stale)" \
	test -z "$left"
[ -n "$left" ] && diag "left: $left" "$(corralctl sessions 2>&1 | grep " $user ")"
# shellcheck disable=SC2086 # file names, one a word
rm -f $left
# the experiment's failed unit is reported above; the suite's last check
# (99-clean) is about the rest
systemctl reset-failed "$unit" 2>/dev/null
suite_done
