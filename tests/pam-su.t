#!/bin/bash
# pam_corral in the system's real su / su-l / runuser / runuser-l stacks:
# the test appends the module to those /etc/pam.d files (su-l and
# runuser-l include su and runuser, so there it is listed twice, which must
# still make one session), installs /usr/bin/corral-shell (and the helper)
# when missing, writes /etc/corral/corral.ini, and catches syslog on /dev/log
# when nothing listens there. Everything is restored or removed on exit.
# Each refusal is shown against what the same command does without corral.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then skip_all "edits /etc/pam.d, creates users: run as root"; fi
for f in su su-l runuser runuser-l; do
	[ -f "/etc/pam.d/$f" ] || skip_all "no /etc/pam.d/$f"
done
# The locks of the other tests that edit /etc/pam.d and /etc/corral: flock
# on /etc/pam.d (tests/audit.t, tests/deb.t; what this test starts must not
# inherit that fd), then the end-to-end tests' lock directory (a holder that
# is dead is taken over: tests/e2e/lock.sh).
exec {lock_fd}</etc/pam.d
flock -w 900 "$lock_fd" || bail "another test holds the /etc/pam.d lock"
unlocked() { "$@" {lock_fd}<&-; }
. "$(dirname "$0")/e2e/lock.sh"
e2e_lock || bail "an end-to-end test held $E2E_LOCK for 10 minutes"
trap 'rm -rf "$E2E_LOCK"' EXIT   # until cleanup takes over
module=$(realpath "$build/pam_corral.so")
users=(crsu1 crsu2 crsu3)
work=$(mktemp -d)
chmod 0755 "$work"
saved_etc=
installed_shell=
installed_helper=
made_varlib=
made_run=
catcher=
cgroups_before=$(ls -d /sys/fs/cgroup/*/corral/*/ 2>/dev/null | sort)
linger_id=

cleanup() {
	for f in su su-l runuser runuser-l; do
		[ -f "$work/pam.d.$f" ] && cat "$work/pam.d.$f" >"/etc/pam.d/$f"
	done
	for u in "${users[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
		uid=$(id -u "$u" 2>/dev/null) && rm -rf "/var/lib/corral/tmp/$uid"
		userdel -r "$u" >/dev/null 2>&1
	done
	if [ -n "$linger_id" ]; then   # a lingering session's cgroups stay after close
		for cg in /sys/fs/cgroup/*/corral/"$linger_id"; do
			for _ in $(seq 20); do [ -d "$cg" ] && ! rmdir "$cg" 2>/dev/null || break; sleep 0.1; done
		done
	fi
	# what the module made for the test (only when empty: others may use them)
	[ -n "$made_varlib" ] && rmdir /var/lib/corral/tmp /var/lib/corral 2>/dev/null
	[ -n "$made_run" ] && rmdir /run/corral/hosts /run/corral/sessions /run/corral 2>/dev/null
	rm -rf /etc/corral
	[ -n "$saved_etc" ] && mv "$saved_etc" /etc/corral
	[ -n "$installed_shell" ] && rm -f /usr/bin/corral-shell
	[ -n "$installed_helper" ] && rm -rf /usr/libexec/corral
	if [ -n "$catcher" ]; then
		kill "$catcher" 2>/dev/null
		wait "$catcher" 2>/dev/null
		rm -f /dev/log
	fi
	rm -f /tmp/crsu-true /dev/shm/crsu1-x
	rm -rf "$work"
	[ "$e2e_have_lock" = held ] && rm -rf "$E2E_LOCK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- setup -------------------------------------------------------------------
if [ ! -e /usr/bin/corral-shell ]; then
	install -m 0755 "$build/corral-shell" /usr/bin/corral-shell && installed_shell=1
fi
if [ ! -e /usr/libexec/corral/corral-helper ] && [ ! -e /usr/bin/corral-helper ] && [ -x "$build/corral-helper" ] &&
	[ ! -e /usr/libexec/corral ]; then
	install -D -m 0755 "$build/corral-helper" /usr/libexec/corral/corral-helper && installed_helper=1
	install -D -m 0755 "$build/corral-session" /usr/libexec/corral/corral-session
fi
[ -e /var/lib/corral ] || made_varlib=1
[ -e /run/corral ] || made_run=1
if [ -e /etc/corral ]; then saved_etc=$(mktemp -d /etc/corral.saved-by-test.XXXXXX) && rmdir "$saved_etc" && mv /etc/corral "$saved_etc"; fi
log=$work/syslog
touch "$log"
if [ ! -e /dev/log ]; then
	# started directly (not through a function) so that $! is perl itself
	perl -MIO::Socket::UNIX -MSocket -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die "/dev/log: $!\n";
		chmod 0666, "/dev/log";
		open my $out, ">>", $ARGV[0] or die "$ARGV[0]: $!\n";
		$out->autoflush(1);
		while (1) { my $msg = ""; defined $s->recv($msg, 65536) or next; $msg =~ s/\n*\z/\n/; print $out $msg; }
	' "$log" </dev/null >/dev/null 2>&1 {lock_fd}<&- &
	catcher=$!
	for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
fi
for u in "${users[@]}"; do userdel -r "$u" >/dev/null 2>&1; done
useradd -m -s /usr/bin/corral-shell crsu1 2>/dev/null || exit 1
useradd -m -s /usr/bin/corral-shell crsu2 2>/dev/null || exit 1
useradd -m -s /bin/bash crsu3 || exit 1
# what su and runuser do before the module is in their stacks: the shell
# overrides run the other shell as the user, the bash user gets bash
# (-p and -m take the shell from $SHELL, which CI may not set: set it here)
declare -A before
for args in "-s /bin/bash" "-p" "-m" "--sh=/bin/bash" "-l -s /bin/bash"; do
	# shellcheck disable=SC2086
	before[$args]=$(SHELL=/bin/bash unlocked su $args crsu1 -c 'id -un' </dev/null 2>&1 | grep -cx crsu1)
done
before[bash]=$(unlocked su - crsu3 -c 'echo ran unconfined' </dev/null 2>&1 | grep -c 'ran unconfined')
before[runuser]=$(unlocked runuser -u crsu1 -- id -un </dev/null 2>&1 | grep -cx crsu1)
for f in su su-l runuser runuser-l; do
	cp -p "/etc/pam.d/$f" "$work/pam.d.$f" || exit 1
	echo "session required $module" >>"/etc/pam.d/$f"
done
mkdir -m 0755 /etc/corral
write_config() {
	cat >/etc/corral/corral.ini
	chmod 0644 /etc/corral/corral.ini
}
good_config() {
	write_config <<'INI'
[default]
confine = no
[user:crsu1]
confine = yes
fs.read = /usr /etc /proc /run/corral /dev/zero
fs.write = ~ /tmp /dev/null
fs.exec = /usr
fs.private_tmp = yes
limits.processes = 30
limits.memory = 64M
[user:crsu2]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
session.linger = yes
[user:crsu3]
confine = yes
INI
}
good_config

logged() {  # description, extended regex (a line of the caught syslog)
	if [ -z "$catcher" ]; then skip "/dev/log was there already: cannot read what was logged"; return; fi
	sleep 0.1
	if grep -Eq -- "$2" "$log"; then pass "$1"; else fail "$1" "no syslog line /$2/" "$(tail -n 5 "$log")"; fi
}
gone() {  # pid: dead or a zombie waiting for init, within 2 s
	for _ in $(seq 20); do
		state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		[ -z "$state" ] || [ "$state" = Z ] && { echo gone; return; }
		sleep 0.1
	done
	echo alive
}
sid='[0-9a-f]{32}'
suc() { unlocked su - "$@" </dev/null 2>&1; }   # su - USER -c CMD, output and errors
# the same as crsu1 without PAM (runuser and su have the module now)
bare() { (cd / && unlocked setpriv --reuid=crsu1 --regid=crsu1 --init-groups -- "$@" </dev/null); }

plan 36
# --- confined through su - -----------------------------------------------------
rm -f /dev/shm/crsu1-x
bare touch /dev/shm/crsu1-x && bare=written || bare=refused
rm -f /dev/shm/crsu1-x
out=$(suc crsu1 -c 'touch /dev/shm/crsu1-x; echo status=$?')
is "su - USER -c: a write outside home fails (without corral: $bare)" \
	"$bare / $out" "written / touch: cannot touch '/dev/shm/crsu1-x': Read-only file system
status=1"
is "su - USER -c: a file written in home works" "$(suc crsu1 -c 'echo hi >~/note && cat ~/note')" hi
out=$(suc crsu1 -c 'echo id=$CORRAL_SESSION; ls /run/corral/sessions; head -n 4 /run/corral/sessions/$CORRAL_SESSION')
id=$(sed -n 's/^id=//p' <<<"$out" | head -n 1)
is "the session record exists during the command (ls), and the command can read its own (id, user, uid lines)" \
	"$(grep -Ecx "$sid" <<<"$id") $(grep -cx "$id" <<<"$out") $(grep -cx "id $id" <<<"$out") $(grep -cx 'user crsu1' <<<"$out") $(grep -cx "uid $(id -u crsu1)" <<<"$out")" \
	"1 1 1 1 1"
is "... and it is gone after su returns" "$([ -n "$id" ] && ! [ -e "/run/corral/sessions/$id" ] && echo gone)" gone
logged "session-open is logged with the session id" "pam_corral\(su-l:session\): user=crsu1 session=$id event=session-open service=su-l"
logged "session-close is logged with the session id" "pam_corral\(su-l:session\): user=crsu1 session=$id event=session-close"
out=$(suc crsu1 -c 'echo id=$CORRAL_SESSION; grep -E ":(pids|freezer|memory):" /proc/self/cgroup')
id=$(sed -n 's/^id=//p' <<<"$out")
is "/proc/self/cgroup shows the session's corral/ID cgroups" "$(sed 1d <<<"$out" | cut -d: -f2- | sort)" \
	"freezer:/corral/$id
memory:/corral/$id
pids:/corral/$id"
is "su-l lists the module twice (su-l includes su): still one session" \
	"$(suc crsu1 -c 'grep -lx "user crsu1" /run/corral/sessions/* | wc -l')" 1

# --- limits ----------------------------------------------------------------------
forker='my @k; my $n = 0; for (1 .. 60) { my $p = fork; if (!defined $p) { print "stopped: $!\n"; last } if (!$p) { sleep 5; exit 0 } push @k, $p; $n++ } kill "KILL", @k; waitpid($_, 0) for @k; print "forked $n\n";'
out=$(suc crsu1 -c "perl -e '$forker'")
like "limits.processes = 30: a fork loop stops at the limit with EAGAIN" "$out" \
	'^stopped: Resource temporarily unavailable'$'\n''forked (1[0-9]|2[0-9])$'
is "... the same loop without corral starts all 60" "$(bare perl -e "$forker")" "forked 60"
is "... and the host survives (forks fine afterwards)" "$(/bin/echo alive)" alive
out=$(suc crsu1 -c 'head -c 300M /dev/zero | tail | wc -c; echo "status=${PIPESTATUS[1]}"')
like "limits.memory = 64M: a 300M memory hog is killed (137)" "$out" 'status=137$'
is "... the same hog without corral succeeds" \
	"$(bare bash -c 'head -c 300M /dev/zero | tail | wc -c; echo "status=${PIPESTATUS[1]}"')" \
	"314572800
status=0"

# --- the end of the session -----------------------------------------------------------
pid=$(suc crsu1 -c 'sleep 300 >/dev/null 2>&1 & echo $!')
is "a background sleep left by the command is dead after su returns" "$(gone "$pid")" gone
bare=$(bare bash -c 'sleep 300 >/dev/null 2>&1 & echo $!')
is "... which without corral survives" "$(gone "$bare")" alive
kill "$bare" 2>/dev/null
out=$(suc crsu2 -c 'echo $CORRAL_SESSION; sleep 300 >/dev/null 2>&1 & echo $!')
linger_id=$(head -n 1 <<<"$out")
pid=$(tail -n 1 <<<"$out")
is "with session.linger = yes it is still alive" "$(gone "$pid")" alive
kill "$pid" 2>/dev/null

# --- private /tmp ------------------------------------------------------------------
rm -f /tmp/crsu1-private
suc crsu1 -c 'echo kept >/tmp/crsu1-private' >/dev/null
is "fs.private_tmp: a file written to /tmp inside is not in the host's /tmp" \
	"$([ -e /tmp/crsu1-private ] && echo host-has-it || echo host-clean)" host-clean
is "... and a second session of the same user sees it" "$(suc crsu1 -c 'cat /tmp/crsu1-private')" kept
cp /bin/true /tmp/crsu-true
like "... /tmp inside is noexec: a copied binary that runs from the host's /tmp (root: $(/tmp/crsu-true && echo runs))" \
	"$(suc crsu1 -c 'cp /bin/true /tmp/true && /tmp/true; echo status=$?')" \
	'/tmp/true: Permission denied'$'\n''status=126$'
like "... nor can ld.so map it from there" \
	"$(suc crsu1 -c '/lib64/ld-linux-x86-64.so.2 /tmp/true; echo status=$?')" \
	'/tmp/true: failed to map segment from shared object'$'\n''status=127$'
is "... which it does from the host's /tmp (root)" \
	"$(/lib64/ld-linux-x86-64.so.2 /tmp/crsu-true; echo status=$?)" "status=0"

# --- refusals ----------------------------------------------------------------------
out=$(suc crsu3 -c 'echo ran unconfined'); status=$?
is "a confined user whose shell is /bin/bash is refused by su - (without the module: bash ran)" \
	"${before[bash]} / $status / $(grep -c 'ran unconfined' <<<"$out")" "1 / 1 / 0"
logged "... and the syslog says why (rule=shell)" \
	'pam_corral\(su-l:session\): user=crsu3 event=refused op=open_session service=su-l rule=shell errno=1 reason="login shell /bin/bash is not /usr/bin/corral-shell"'
for args in "-s /bin/bash" "-p" "-m" "--sh=/bin/bash" "-l -s /bin/bash"; do
	# shellcheck disable=SC2086
	out=$(SHELL=/bin/bash unlocked su $args crsu1 -c 'id -un' </dev/null 2>&1); status=$?
	is "su $args USER -c is refused (without the module it ran another shell as the user)" \
		"${before[$args]} / $status / $(grep -cx crsu1 <<<"$out")" "1 / 1 / 0"
done
logged "... logged as rule=shell" \
	'pam_corral\(su:session\): user=crsu1 event=refused op=open_session service=su rule=shell errno=1 reason="su -s would not start the login shell corral-shell"'
out=$(unlocked runuser -l crsu1 -c 'touch /dev/shm/crsu1-x; echo status=$?; echo $CORRAL_SESSION' </dev/null 2>&1)
like "runuser -l USER -c runs the command confined" "$out" \
	"^touch: cannot touch '/dev/shm/crsu1-x': Read-only file system"$'\n''status=1'$'\n'"$sid\$"
out=$(unlocked runuser -u crsu1 -- id -un </dev/null 2>&1); status=$?
is "runuser -u USER -- CMD is refused: no login shell (without the module it ran)" \
	"${before[runuser]} / $status / $(grep -cx crsu1 <<<"$out")" "1 / 1 / 0"

printf '[default]\nconfine = yes\nlimits.processes = many\n' | write_config
out=$(suc crsu1 -c 'echo ran'); status=$?
is "a broken config refuses a confined user" "$status / $(grep -c '^ran' <<<"$out")" "1 / 0"
logged "... and the log line names the file and line" \
	'pam_corral\(su-l:session\): user=crsu1 event=refused op=open_session service=su-l rule=config errno=22 reason="/etc/corral/corral.ini:3: error: '
like "... while root (exempt) still gets in with su -" "$(suc root -c 'echo root ok')" '(^|'$'\n'')root ok$'
good_config

# --- nothing left behind --------------------------------------------------------------
# (other sessions may come and go on the host meanwhile: only ours count)
sleep 0.2
is "no session record of the test users is left in /run/corral/sessions" \
	"$(grep -lxE 'user (crsu1|crsu2|crsu3)' /run/corral/sessions/* 2>/dev/null)" ""
if [ -n "$catcher" ]; then
	ours=$(grep -oE "user=crsu[0-9] session=$sid event=session-open" "$log" | sed 's/.*session=\([0-9a-f]*\).*/\1/' | sort -u)
	left=$(for id in $ours; do [ "$id" = "$linger_id" ] || ls -d /sys/fs/cgroup/*/corral/"$id" 2>/dev/null; done)
	is "no cgroup of the test's $(wc -w <<<"$ours") sessions is left but the lingering one's (removed on exit)" "$left" ""
else
	# no log to name our sessions: new, empty session cgroups count
	left=$(comm -13 <(echo "$cgroups_before") <(ls -d /sys/fs/cgroup/*/corral/*/ 2>/dev/null | sort) |
		grep -v "/$linger_id/\$" | while read -r cg; do [ -n "$(cat "$cg/cgroup.procs" 2>/dev/null)" ] || echo "$cg"; done)
	is "no new empty session cgroup is left but the lingering one's (removed on exit)" "$left" ""
fi
