#!/bin/bash
# End to end through su, runuser and Debian's cron ("Every way in", part 1):
# the real /etc/pam.d/su, su-l, runuser-l and cron extended with
# `session required BUILD/pam_corral.so`, the build installed as
# /usr/bin/corral-shell and /usr/libexec/corral/corral-helper when missing,
# and a cron daemon (cron -f -L 15) started by the test. Users
# (throwaway): cecu confined, cecs confined but only through sshd
# (services = sshd), ceca an exempt admin (group cecadm in exempt_groups),
# cecn confined without services = cron, cecc confined with it. The same
# thing done unconfined is shown first where it proves the check can fail.
# One cron minute is waited for, once: every cron check comes from that one
# run of the three users' jobs. Everything is undone on exit (tests/e2e/lib.sh).
cd "$(dirname "$0")/.." || exit 1
. tests/e2e/lib.sh
e2e_init su runuser /usr/sbin/cron crontab
T0=$SECONDS
if pgrep -x cron >/dev/null; then skip_all "a cron daemon is running already"; fi

e2e_group cecadm
e2e_user cecu /usr/bin/corral-shell
e2e_user cecs /usr/bin/corral-shell
e2e_user ceca /usr/bin/corral-shell -G cecadm
e2e_user cecn /usr/bin/corral-shell
e2e_user cecc /usr/bin/corral-shell
e2e_on_exit "rm -f /var/tmp/cec-*"
rm -f /var/tmp/cec-*
home_u=$(getent passwd cecu | cut -d: -f6)
home_c=$(getent passwd cecc | cut -d: -f6)
home_n=$(getent passwd cecn | cut -d: -f6)
home_a=$(getent passwd ceca | cut -d: -f6)

confined='confine = yes
fs.read = /usr /etc /proc /run/corral /dev/urandom /dev/zero
fs.write = ~ /dev/null
fs.exec = /usr'
e2e_write_config <<INI
[global]
exempt_groups = cecadm

[default]
confine = no

[user:cecu]
$confined

[user:cecs]
$confined
services = sshd

[user:cecn]
$confined

[user:cecc]
$confined
services = cron
INI

# what su does before the module is in its stack: -s runs another shell,
# unconfined, as the user
before=$(su -s /bin/bash cecu -c 'id -un; grep ^NoNewPrivs: /proc/self/status' </dev/null 2>&1 | tr -s '\t' ' ')
e2e_pam_extend su su-l runuser-l cron

# --- su - and runuser -l ----------------------------------------------------------------
probe='touch /var/tmp/cec-$USER; echo "outside=$?"; echo hi >~/note && echo "home=$(cat ~/note)"
grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "
echo "sid=$CORRAL_SESSION"; test -f "/run/corral/sessions/$CORRAL_SESSION" && echo record'
out=$(su - ceca -c "$probe" </dev/null 2>&1)
like "unconfined (exempt admin), su - USER -c: a write to /var/tmp works, no NoNewPrivs, no seccomp, no record" "$out" \
	"^outside=0"$'\n'"home=hi"$'\n'"NoNewPrivs: 0"$'\n'"Seccomp: 0"$'\n'"sid=$"
for via in "su -" "runuser -l"; do
	rm -f /var/tmp/cec-cecu "$home_u/note"
	# shellcheck disable=SC2086
	out=$($via cecu -c "$probe" </dev/null 2>&1)
	like "$via USER -c: the write outside home is refused (a read-only file system), home is writable" "$out" \
		"^touch: cannot touch '/var/tmp/cec-cecu': Read-only file system"$'\n'"outside=1"$'\n'"home=hi"$'\n'
	like "... NoNewPrivs 1 and Seccomp 2 in /proc/self/status" "$out" $'\n'"NoNewPrivs: 1"$'\n'"Seccomp: 2"$'\n'
	like "... CORRAL_SESSION is set and /run/corral/sessions/\$CORRAL_SESSION exists" "$out" \
		$'\n'"sid=$E2E_SID"$'\n'"record$"
	sid=$(grep -Eo "sid=$E2E_SID" <<<"$out" | cut -d= -f2)
	is "... the record is gone when $via returns" "$([ -n "$sid" ] && [ ! -e "/run/corral/sessions/$sid" ] && echo gone)" gone
	is "... nothing was written to /var/tmp" "$(ls /var/tmp/cec-cecu 2>/dev/null)" ""
done
e2e_log_mark
out=$(su - cecs -c 'echo ran' </dev/null 2>&1); status=$?
is "su - USER of a user allowed only through sshd (services = sshd) is refused: nothing ran" \
	"$status $(grep -c '^ran' <<<"$out")" "1 0"
logged "... logged with rule=services" \
	'pam_corral\(su-l:session\): user=cecs event=refused op=open_session service=su-l rule=services'
out=$(runuser -l cecs -c 'echo ran' </dev/null 2>&1); status=$?
is "runuser -l USER of that user is refused too" "$status $(grep -c '^ran' <<<"$out")" "1 0"
like "without the module in the stack, su -s /bin/bash USER -c ran bash unconfined" "$before" \
	"^cecu"$'\n'"NoNewPrivs: 0$"
e2e_log_mark
out=$(su -s /bin/bash cecu -c id </dev/null 2>&1); status=$?
is "with it, su -s /bin/bash USER -c id is refused: nothing ran" "$status $(grep -c 'uid=' <<<"$out")" "1 0"
logged "... logged with rule=shell" \
	'pam_corral\(su:session\): user=cecu event=refused op=open_session service=su rule=shell'

# --- cron ---------------------------------------------------------------------------------------
# every minute: the marks and checks of one run, then "done" last
job='{ grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "; echo "sid=$CORRAL_SESSION"; test -f "/run/corral/sessions/$CORRAL_SESSION" && echo record; touch /var/tmp/cec-$LOGNAME 2>&1; echo "outside=$?"; id -un; } >$HOME/cron-out 2>&1; echo done >$HOME/cron-done'
for u in ceca cecn cecc; do
	echo "* * * * * $job" >"$E2E_WORK/crontab.$u"
	crontab -u "$u" "$E2E_WORK/crontab.$u" || bail "crontab -u $u"
done
made_run_files=
for f in /run/crond.pid /run/crond.reboot; do [ -e "$f" ] || made_run_files+=" $f"; done
# a job runs at a minute boundary: do not start cron in a minute's last 3 s
sec=$(date +%-S)
[ "$sec" -ge 57 ] && sleep $((61 - sec))
e2e_log_mark
/usr/sbin/cron -f -L 15 >"$E2E_WORK/cron.log" 2>&1 &
cron_pid=$!
e2e_on_exit "kill $cron_pid; wait $cron_pid; rm -f$made_run_files"
e2e_on_exit "for u in ceca cecn cecc; do crontab -r -u \$u; done"
deadline=$((SECONDS + 61 - $(date +%-S) + 20))   # the next minute, plus time for the jobs
while [ "$SECONDS" -lt "$deadline" ]; do
	if [ -e "$home_a/cron-done" ] && [ -e "$home_c/cron-done" ]; then
		[ -z "$e2e_catcher" ] && break
		log_count 'pam_corral\(cron:session\): user=cecn event=refused' | grep -qv '^0$' && break
	fi
	sleep 0.5
done
sleep 2   # the refused job, had it run anyway, would have written by now
for u in ceca cecn cecc; do crontab -r -u "$u" 2>/dev/null; done   # one run is all it takes
is "the exempt admin's cron job ran unconfined (no NoNewPrivs, no seccomp, /var/tmp written)" \
	"$(cat "$home_a/cron-out" 2>&1)" "NoNewPrivs: 0
Seccomp: 0
sid=
outside=0
ceca"
out=$(cat "$home_c/cron-out" 2>&1)
like "with services = cron, the job ran as its user, confined: NoNewPrivs 1, Seccomp 2" "$out" \
	"^NoNewPrivs: 1"$'\n'"Seccomp: 2"$'\n'
like "... in a session: CORRAL_SESSION is set and its record exists while the job runs" "$out" \
	$'\n'"sid=$E2E_SID"$'\n'"record"$'\n'
like "... its write outside home is refused (a read-only file system), nothing written" \
	"$out $(ls /var/tmp/cec-cecc 2>/dev/null)" \
	"touch: cannot touch '/var/tmp/cec-cecc': Read-only file system"$'\n'"outside=1"$'\n'"cecc $"
logged "... the module confined cron's process itself (op=confine-caller) and logged the session" \
	'pam_corral\(cron:session\): user=cecc session=[0-9a-f]{32} event=session-open service=cron .*op=confine-caller'
csid=$(grep -Eo "sid=$E2E_SID" <<<"$out" | cut -d= -f2)
if [ -n "$e2e_catcher" ]; then
	# the keeper closes the session when cron's process for the job ends:
	# give it a moment
	for _ in $(seq 50); do
		[ "$(log_count "user=cecc session=${csid:-none} event=session-close")" -ge 1 ] && break
		sleep 0.1
	done
	is "... and its end is logged by the keeper (event=session-close op=keeper), as for sshd and su sessions" \
		"$(log_count "user=cecc session=${csid:-none} event=session-close op=keeper")" 1
else
	skip "/dev/log was there already: cannot read what was logged"
fi
is "without services = cron, the job did not run: no output, no side effect" \
	"$(ls "$home_n/cron-out" "$home_n/cron-done" /var/tmp/cec-cecn 2>/dev/null)" ""
logged "... refused with rule=services" \
	'pam_corral\(cron:session\): user=cecn event=refused op=open_session service=cron rule=services'
kill "$cron_pid"
wait "$cron_pid" 2>/dev/null
is "cron is stopped, the crontabs are gone" \
	"$(kill -0 "$cron_pid" 2>/dev/null && echo running) $(crontab -l -u cecc 2>/dev/null; crontab -l -u cecn 2>/dev/null)" " "

# --- nothing left behind -------------------------------------------------------------------------
is "no process, session record or session cgroup of the test's users is left (the cron session's keeper closed it)" \
	"$(e2e_leftovers)" ""
echo "# $((SECONDS - T0)) s"
done_testing
