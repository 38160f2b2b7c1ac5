#!/bin/bash
# su -, su -l, runuser -l and corralctl run -u, run by an admin from the
# admin's own ssh session (issue 11, scenario 6). The student's processes are
# confined and in a corral scope of their own, never the admin's logind scope;
# at the end of the student's session the admin's shell and its background
# job go on, and no process of the student's is left (a setsid'd one
# included). runuser: Debian's /etc/pam.d/runuser has no common-session, so
# without pam_corral added there (as corralctl audit says) the session fails
# closed; with it, runuser -l works.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmsu
admin=vmadm
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$user" || { fail "create $user"; suite_done; }
suite_admin "$admin" || { fail "create $admin"; suite_done; }
home=$(getent passwd "$user" | cut -d: -f6)
cp /etc/pam.d/runuser /root/corral-vm-runuser.pam
suite_on_exit "cp /root/corral-vm-runuser.pam /etc/pam.d/runuser; rm -f /root/corral-vm-runuser.pam"

# --- runuser without pam_corral in its stack: fail closed -------------------------
suite_mark
out=$(runuser -l "$user" -c "touch $home/ran-unconfined; echo ran" 2>&1)
status=$?
is "runuser -l without pam_corral in /etc/pam.d/runuser is refused (status 1)" "$status" 1
unlike "... the command did not run" "$out" ran
ok "... and made nothing" test ! -e "$home/ran-unconfined"
like "... corral-shell says why" "$out" 'cannot confine this session: .*pam_corral'
like "... and logs it" "$(suite_journal -t corral -o cat)" "user=$user event=refused op=confine"
like "corralctl audit names the fix for runuser" "$(corralctl audit 2>&1)" \
	'PAM service runuser \(/etc/pam\.d/runuser\) has no session pam_corral\.so.*add "session required pam_corral\.so" to /etc/pam\.d/runuser'
echo "session	required	pam_corral.so" >>/etc/pam.d/runuser
out=$(su -s /bin/sh "$user" -c "touch $home/ran-other-shell" 2>&1)
is "su -s /bin/sh (another shell) is refused" "$?" 1
out2=$(runuser -u "$user" -- touch "$home/ran-no-shell" 2>&1)
is "runuser -u (no shell at all) is refused" "$?" 1
ok "... neither ran" test ! -e "$home/ran-other-shell" -a ! -e "$home/ran-no-shell"
diag "$out" "$out2"

# --- from an admin's ssh session: the four ways in turn, in one admin session ---------
# (the admin's script waits for root's go-N file before each, so that root
# checks one student session at a time)
cat >"/home/$admin/as-student.sh" <<SCRIPT
sleep 1234 &
bg=\$!
student='setsid sleep 1555 </dev/null >/dev/null 2>&1 & exec sleep 1556'
run() {  # N PREFIX...
	n=\$1
	shift
	while [ ! -e ~/go-\$n ]; do sleep 0.2; done
	"\$@" "\$student"
	echo "student-status-\$n \$?"
	sleep 0.3
	kill -0 "\$bg" && echo "admin-bg-alive-\$n \$(cut -d: -f3 /proc/\$bg/cgroup)"
	echo "admin-shell-alive-\$n \$(cut -d: -f3 /proc/\$\$/cgroup)"
}
run 1 sudo su - $user -c
run 2 sudo su -l $user -c
run 3 sudo runuser -l $user -c
run 4 sudo corralctl run -u $user -- sh -c
kill "\$bg"
SCRIPT
chown "$admin:" "/home/$admin/as-student.sh"
out_file=/root/corral-vm-su.out
suite_on_exit "rm -f $out_file"
suite_ssh "$admin" bash as-student.sh >"$out_file" 2>&1 </dev/null &
client=$!

as_student() {  # N LABEL
	local n=$1 label=$2 pid cg admin_shell out
	touch "/home/$admin/go-$n"
	if ! suite_wait_while "$client" 60 sh -c "pgrep -u $user -fx 'sleep 1556' || grep -q student-status-$n $out_file" ||
		! pgrep -u "$user" -fx "sleep 1556" >/dev/null; then
		fail "$label: the student's command runs" "$(cat "$out_file")"
		return
	fi
	pid=$(pgrep -u "$user" -fx "sleep 1556" | head -n 1)
	cg=$(cut -d: -f3 "/proc/$pid/cgroup")
	like "$label: the student's process is in a corral scope" "$cg" '^/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope$'
	is "$label: ... and confined (NoNewPrivs, Seccomp)" \
		"$(suite_status_field "$pid" NoNewPrivs) $(suite_status_field "$pid" Seccomp)" "1 2"
	suite_check -l "$user" "$label: every process of $user is confined or exempt during the session"
	admin_shell=$(pgrep -u "$admin" -fx "bash as-student.sh" | head -n 1)
	like "$label: the admin's shell stays in the admin's logind scope" \
		"$(cut -d: -f3 "/proc/$admin_shell/cgroup" 2>&1)" '^/user\.slice/user-[0-9]+\.slice/session-[0-9]+\.scope$'
	pkill -u "$user" -fx "sleep 1556"
	suite_wait 30 grep -q "admin-shell-alive-$n" "$out_file"
	out=$(cat "$out_file")
	like "$label: the admin's background job survives the student's session" "$out" \
		"admin-bg-alive-$n /user\.slice/user-[0-9]+\.slice/session-[0-9]+\.scope"
	like "$label: ... and so does the admin's shell, in its scope" "$out" \
		"admin-shell-alive-$n /user\.slice/user-[0-9]+\.slice/session-[0-9]+\.scope"
	suite_gone "$user" "$label: no process of $user is left (its setsid'd sleep included)"
}
as_student 1 "su -"
as_student 2 "su -l"
as_student 3 "runuser -l"
as_student 4 "corralctl run -u"
wait "$client"
diag "$(cat "$out_file")"
suite_check "$user" "every process of $user is confined or exempt after the sessions"
suite_done
