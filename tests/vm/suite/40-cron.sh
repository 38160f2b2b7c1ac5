#!/bin/bash
# cron (issue 11, scenario 7): a confined student's own crontab. With cron
# in the policy's services the job runs confined (no_new_privs, seccomp, a
# corral scope, a session record of service cron), a write outside fs.write
# fails with EROFS, and when the job ends the keeper closes the session and
# nothing is left. Without cron in services the job is refused and never runs.
# Both crontabs fire in the same minute (the wait is at most ~70 s).
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmcron
other=vmcronx
suite_enable_pam >/dev/null 2>&1
suite_policy "[user:$user]" "services = +cron"
ok "the policy passes corralctl check" corralctl check
suite_user "$user" || { fail "create $user"; suite_done; }
suite_user "$other" || { fail "create $other"; suite_done; }
home=$(getent passwd "$user" | cut -d: -f6)
ohome=$(getent passwd "$other" | cut -d: -f6)
open=/srv/corral-vm-open
install -d -m 1777 "$open"
suite_on_exit "rm -rf $open"
ok "cron is running" systemctl is-active --quiet cron
suite_mark
# (no % in a crontab line: cron makes it a newline)
# shellcheck disable=SC2016 # expanded by the job
echo '* * * * * { grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; echo "session=$CORRAL_SESSION"; echo "cgroup=$(cut -d: -f3 /proc/self/cgroup)"; echo x >'"$open"'/cron-job && echo written; echo started; sleep 1777; echo done; } >$HOME/cron.out 2>&1' |
	crontab -u "$user" -
# shellcheck disable=SC2016 # expanded by the job
echo '* * * * * touch $HOME/cron-ran' | crontab -u "$other" -
diag "crontabs installed at $(date +%T); waiting for the next minute"

# until the job runs, or its session was refused
suite_wait 80 sh -c "grep -q started $home/cron.out || journalctl -q --since '$SUITE_MARK' -t corral -o cat | grep -q 'user=$user .*event=refused'"
if grep -q started "$home/cron.out" 2>/dev/null; then
	crontab -r -u "$user"   # one run is enough
	out=$(cat "$home/cron.out")
	like "the cron job ran, confined: NoNewPrivs 1" "$out" 'NoNewPrivs:[[:space:]]+1'
	like "... Seccomp 2" "$out" 'Seccomp:[[:space:]]+2'
	like "... in a corral scope" "$out" 'cgroup=/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope'
	like "... a write outside fs.write fails with EROFS" "$out" "$open/cron-job: Read-only file system"
	unlike "... and is not done" "$out" written
	ok "... and made nothing" test ! -e "$open/cron-job"
	id=$(sed -n 's/^session=//p' <<<"$out")
	like "the job has CORRAL_SESSION" "$id" '^[0-9a-f]{32}$'
	like "... and its session record, service cron" "$(cat "/run/corral/sessions/$id" 2>&1)" $'(^|\n)service cron\n'
	pid=$(pgrep -u "$user" -fx "sleep 1777" | head -n 1)
	is "the job's sleep is confined" "$(suite_status_field "$pid" NoNewPrivs) $(suite_status_field "$pid" Seccomp)" "1 2"
	suite_check -l "$user" "every process of $user is confined or exempt while the job runs"
	pkill -u "$user" -fx "sleep 1777"
	suite_wait 20 grep -q "done" "$home/cron.out"
	suite_gone "$user" "after the job no process of $user is left" 20
	ok "... and the session record is gone" test ! -e "/run/corral/sessions/$id"
	suite_check "$user" "every process of $user is confined or exempt after the job"
	suite_wait 10 sh -c "journalctl -q --since '$SUITE_MARK' -t corral -o cat | grep -q 'session=$id event=session-close'"
	log=$(suite_journal -t corral -o cat)
	like "journalctl -t corral: the keeper's session-close for the job" "$log" \
		"pam_corral\(cron:session\): user=$user session=$id event=session-close op=keeper"
	todo "journalctl -t corral: pam_corral's session-open for the cron job" \
		"with op=confine-caller the module logs session-open after confining the caller: it goes through pam_syslog under cron's identifier (CRON), not the journal as corral" \
		grep -q "pam_corral(cron:session): user=$user session=$id event=session-open service=cron" <<<"$log"
	out=$(suite_journal -o json CORRAL_SESSION="$id" CORRAL_EVENT=session-open)
	todo "... with its CORRAL_* fields" "the same: the line has no journal fields" test -n "$out"
	diag "$(suite_journal -o short -g "session=$id" 2>&1)"
else
	crontab -r -u "$user"
	fail "the cron job of $user ran within 80 s" "$(cat "$home/cron.out" 2>&1)" "$(suite_journal -u cron -o short 2>&1 | tail -n 10)"
fi
crontab -r -u "$other"
log=$(suite_journal -t corral -o cat)
like "without cron in services the job's session is refused" "$log" \
	"pam_corral\(cron:session\): user=$other event=refused op=open_session service=cron rule=services"
ok "... and the job did not run" test ! -e "$ohome/cron-ran"
suite_gone "$other" "no process of $other is left"
suite_done
