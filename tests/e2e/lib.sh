# Shared setup of the end-to-end tests (tests/e2e-*.t): sourced by bash.
#
# e2e_init installs the build the way the system would have it for the
# test and registers one EXIT trap that undoes every change, also when the
# test fails or is interrupted:
#   - /usr/bin/corral-shell and /usr/libexec/corral/corral-helper from the
#     build, only when absent (removed after);
#   - /usr/bin/corral-shell in /etc/shells when missing (the line removed after);
#   - /etc/corral moved aside (and put back); /etc/pam.d files saved by
#     e2e_pam_extend (and restored byte for byte);
#   - a /dev/log catcher (tests/e2e/devlog.pl) when nothing is bound on
#     /dev/log, logging to $E2E_LOG (removed after); when /dev/log is there
#     already, the log checks are skipped;
#   - /run/sshd, /var/lib/corral and /run/corral when they are missing;
#   - throwaway users and groups (e2e_user, e2e_group), removed with their
#     homes, processes and private /tmp directories;
#   - the session cgroups under /sys/fs/cgroup/*/corral/ that appear during
#     the test (left by lingering sessions), removed once empty.
# A test adds its own undo steps with e2e_on_exit (run first, last in first out).
# Only one end-to-end test runs at a time (the lock directory $E2E_LOCK).
# Other tests that rewrite /etc/corral or these /etc/pam.d files while this
# one runs make its results meaningless: each failure then says so ("note:").
# E2E_KEEP_LOGS=DIR keeps the caught syslog and the daemons' logs in DIR.
#
# TAP: tests/lib/tap.sh (ok/is/like/unlike/skip/todo), and logged here, print
# one test line each; done_testing prints the plan at the end ("1..N"), so
# a test that dies midway fails.

E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_BUILD=$(realpath "${CORRAL_BUILD:-build}")
E2E_MODULE=$E2E_BUILD/pam_corral.so
E2E_WORK=
E2E_LOG=
E2E_SID='[0-9a-f]{32}'
e2e_catcher=
e2e_users=()
e2e_config_sum=
e2e_groups=()
e2e_pam_saved=()
e2e_undo=()
e2e_installed_shell=
e2e_installed_helper=
e2e_added_shells=
e2e_saved_etc=
e2e_made_dirs=()
e2e_cgroups_before=
e2e_have_lock=

# --- TAP (tests/lib/tap.sh) ------------------------------------------------------
# shellcheck source=tests/lib/tap.sh
. "$E2E_LIB/../lib/tap.sh"
TAP_ON_FAIL=e2e_interference
e2e_interference() {  # files of the test that something else changed meanwhile
	local s
	if [ -n "$e2e_config_sum" ] && [ "$(md5sum </etc/corral/corral.ini 2>/dev/null)" != "$e2e_config_sum" ]; then
		echo "/etc/corral/corral.ini is not what this test wrote: another test replaced it?"
	fi
	for s in "${e2e_pam_saved[@]}"; do
		cmp -s "/etc/pam.d/$s" <(cat "$E2E_WORK/pam.d.$s"; echo "session required $E2E_MODULE") ||
			echo "/etc/pam.d/$s is not what this test made of it: another test changed it?"
	done
}

# --- the caught syslog -------------------------------------------------------------
e2e_log_mark() { e2e_mark=$(wc -l <"$E2E_LOG" 2>/dev/null || echo 0); }   # lines before now
e2e_log_since() { sleep 0.3; tail -n "+$((e2e_mark + 1))" "$E2E_LOG" 2>/dev/null; }
logged() {  # description, extended regex a line of the log (since the last mark) must match
	if [ -z "$e2e_catcher" ]; then skip "/dev/log was there already: cannot read what was logged"; return; fi
	local since=
	for _ in $(seq 20); do   # syslog(3) from other processes: give them a moment
		since=$(e2e_log_since)
		grep -Eq -- "$2" <<<"$since" && { pass "$1"; return; }
	done
	fail "$1" "no log line /$2/ among:" "$(tail -n 8 <<<"$since")"
}
log_count() {  # extended regex: lines of the log since the mark that match
	e2e_log_since | grep -Ec -- "$1"
}

# --- helpers -----------------------------------------------------------------------
e2e_gone() {  # pid: "gone" when dead or a zombie, within 3 s; else "alive"
	local state
	for _ in $(seq 30); do
		state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
		if [ -z "$state" ] || [ "$state" = Z ]; then echo gone; return; fi
		sleep 0.1
	done
	echo alive
}
e2e_free_port() {  # a TCP port on 127.0.0.1 nothing listens on, above 20000
	python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(20000, 60999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
}
e2e_on_exit() { e2e_undo+=("$*"); }   # a command run (by eval) on exit, before the shared undo
e2e_write_config() {  # stdin: /etc/corral/corral.ini
	cat >/etc/corral/corral.ini
	chmod 0644 /etc/corral/corral.ini
	e2e_config_sum=$(md5sum </etc/corral/corral.ini)
}
e2e_user() {  # name shell [useradd options...]: a throwaway user with a home
	local name=$1 shell=$2
	shift 2
	userdel -r "$name" >/dev/null 2>&1
	useradd -m -s "$shell" "$@" "$name" >/dev/null 2>&1 || bail "useradd $name failed"
	e2e_users+=("$name")
}
e2e_group() {  # name
	groupdel "$1" >/dev/null 2>&1
	groupadd "$1" || bail "groupadd $1 failed"
	e2e_groups+=("$1")
}
e2e_pam_extend() {  # service...: save /etc/pam.d/SERVICE and append the module to it
	local s
	for s in "$@"; do
		[ -f "/etc/pam.d/$s" ] || bail "no /etc/pam.d/$s"
		cp -p "/etc/pam.d/$s" "$E2E_WORK/pam.d.$s" || exit 1
		e2e_pam_saved+=("$s")
		echo "session required $E2E_MODULE" >>"/etc/pam.d/$s"
	done
}
e2e_records_of_ours() {  # session records in /run/corral/sessions of this test's users
	local f u
	for f in /run/corral/sessions/*; do
		[ -f "$f" ] || continue
		u=$(sed -n 's/^user //p' "$f" 2>/dev/null | head -n 1)
		for x in "${e2e_users[@]}"; do [ "$u" = "$x" ] && echo "${f##*/} ($u)"; done
	done
}
e2e_my_sessions() {  # ids of the sessions of this test's users, as logged
	local users
	users=$(IFS='|'; echo "${e2e_users[*]}")
	grep -Eo "user=($users) session=[0-9a-f]{32}" "$E2E_LOG" 2>/dev/null | grep -Eo '[0-9a-f]{32}$' | sort -u
}
e2e_new_cgroups() {  # session cgroups that appeared during the test (of its own sessions,
	# when the log says which those are: other tests may run at the same time)
	local new
	new=$(comm -13 <(echo "$e2e_cgroups_before") <(ls -d /sys/fs/cgroup/*/corral/*/ 2>/dev/null | sort))
	if [ -n "$e2e_catcher" ]; then
		grep -F -f <(e2e_my_sessions | sed 's|.*|/corral/&/|') <<<"$new"
	else
		echo "$new"
	fi | grep .
}
e2e_leftovers() {  # what the test left: processes, records and cgroups of its sessions
	local u out
	# a daemon's per-session child (as the user, or root closing the session)
	# may still be on its way out when the client has its answer: up to 5 s
	for _ in $(seq 50); do
		out=$(
			for u in "${e2e_users[@]}"; do
				pgrep -u "$u" >/dev/null 2>&1 && echo "processes of $u: $(pgrep -u "$u" | tr '\n' ' ')"
			done
			e2e_records_of_ours | sed 's/^/record /'
			e2e_new_cgroups | sed 's/^/cgroup /'
		)
		[ -z "$out" ] && return
		sleep 0.1
	done
	echo "$out"
}

# --- setup and undo -------------------------------------------------------------------
e2e_cleanup() {
	local i s u uid cg
	for ((i = ${#e2e_undo[@]} - 1; i >= 0; i--)); do eval "${e2e_undo[i]}" >/dev/null 2>&1; done
	# another test editing the same files meanwhile makes this one's results meaningless
	e2e_interference | sed 's/^/# warning: /' >&2
	for s in "${e2e_pam_saved[@]}"; do cat "$E2E_WORK/pam.d.$s" >"/etc/pam.d/$s"; done
	for u in "${e2e_users[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
		crontab -r -u "$u" >/dev/null 2>&1
	done
	sleep 0.2
	for u in "${e2e_users[@]}"; do
		uid=$(id -u "$u" 2>/dev/null) && rm -rf "/var/lib/corral/tmp/$uid"
		userdel -r "$u" >/dev/null 2>&1 || userdel -f -r "$u" >/dev/null 2>&1
	done
	for g in "${e2e_groups[@]}"; do groupdel "$g" >/dev/null 2>&1; done
	for f in /run/corral/sessions/*; do   # records our sessions left (reported by the test)
		[ -f "$f" ] || continue
		u=$(sed -n 's/^user //p' "$f" 2>/dev/null | head -n 1)
		for x in "${e2e_users[@]}"; do [ "$u" = "$x" ] && rm -f "$f"; done
	done
	for cg in $(e2e_new_cgroups); do
		for _ in $(seq 20); do [ -d "$cg" ] && ! rmdir "$cg" 2>/dev/null || break; sleep 0.1; done
	done
	rm -rf /etc/corral
	[ -n "$e2e_saved_etc" ] && mv "$e2e_saved_etc" /etc/corral
	[ -n "$e2e_added_shells" ] && sed -i '\|^/usr/bin/corral-shell$|d' /etc/shells
	[ -n "$e2e_installed_shell" ] && rm -f /usr/bin/corral-shell
	[ -n "$e2e_installed_helper" ] && rm -f /usr/libexec/corral/corral-helper /usr/libexec/corral/corral-session &&
		rmdir /usr/libexec/corral 2>/dev/null
	for ((i = ${#e2e_made_dirs[@]} - 1; i >= 0; i--)); do rm -rf "${e2e_made_dirs[i]}"; done
	if [ -n "$e2e_catcher" ]; then
		kill "$e2e_catcher" 2>/dev/null
		wait "$e2e_catcher" 2>/dev/null
	fi
	# E2E_KEEP_LOGS=DIR: keep the caught syslog and the daemons' logs there (debugging)
	[ -n "$E2E_KEEP_LOGS" ] && [ -n "$E2E_WORK" ] && cp "$E2E_WORK"/*log* "$E2E_KEEP_LOGS"/ 2>/dev/null
	[ -n "$E2E_WORK" ] && rm -rf "$E2E_WORK"
	[ "$e2e_have_lock" = held ] && rm -rf "$E2E_LOCK"
	return 0
}

. "$(dirname "${BASH_SOURCE[0]}")/lock.sh"

e2e_init() {  # programs the test needs...
	if [ "$(id -u)" -ne 0 ]; then skip_all "runs daemons, edits /etc/pam.d, creates users: run as root"; fi
	local p
	for p in "$E2E_BUILD/corral-shell" "$E2E_BUILD/corral-helper" "$E2E_MODULE" "$@"; do
		[ -x "$p" ] || [ -x "$(command -v "$p")" ] || skip_all "$p is missing (make all; apt-get install)"
	done
	e2e_lock || bail "another end-to-end test ($E2E_LOCK) held the lock for 10 minutes"
	trap e2e_cleanup EXIT
	trap 'exit 1' INT TERM HUP
	E2E_WORK=$(mktemp -d /var/lib/corral-e2e.XXXXXX) || exit 1
	chmod 0755 "$E2E_WORK"
	E2E_LOG=$E2E_WORK/syslog
	: >"$E2E_LOG"
	e2e_cgroups_before=$(ls -d /sys/fs/cgroup/*/corral/*/ 2>/dev/null | sort)
	for p in /run/sshd /var/lib/corral /run/corral; do
		[ -e "$p" ] || e2e_made_dirs+=("$p")
	done
	[ -d /run/sshd ] || mkdir -m 0755 /run/sshd
	if [ ! -e /usr/bin/corral-shell ]; then
		install -m 0755 "$E2E_BUILD/corral-shell" /usr/bin/corral-shell && e2e_installed_shell=1
	fi
	if [ ! -e /usr/libexec/corral/corral-helper ]; then
		install -D -m 0755 "$E2E_BUILD/corral-helper" /usr/libexec/corral/corral-helper && e2e_installed_helper=1
		install -D -m 0755 "$E2E_BUILD/corral-session" /usr/libexec/corral/corral-session
	fi
	if ! grep -qx /usr/bin/corral-shell /etc/shells; then
		echo /usr/bin/corral-shell >>/etc/shells && e2e_added_shells=1
	fi
	if [ -e /etc/corral ]; then
		e2e_saved_etc=$(mktemp -d /etc/corral.saved-by-e2e.XXXXXX) && rmdir "$e2e_saved_etc" && mv /etc/corral "$e2e_saved_etc"
	fi
	mkdir -m 0755 /etc/corral
	if [ ! -e /dev/log ]; then
		perl "$E2E_LIB/devlog.pl" /dev/log "$E2E_LOG" &
		e2e_catcher=$!
		for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
		[ -S /dev/log ] || bail "the /dev/log catcher did not start"
	fi
}
