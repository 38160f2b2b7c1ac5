# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# The real-host suite's library: sourced by the scenarios (NN-name.sh), which
# run as root inside a booted guest (tests/vm.t copies this directory to
# /opt/corral-vm/suite and runs run.sh; corral's package is installed).
#
# Results (tap.sh, also used by the host-side scenarios), one line each,
# numbered by run.sh:
#   ok DESC CMD...        CMD's status 0 -> "ok - DESC", else "not ok - DESC"
#   is DESC GOT WANT      equal strings
#   like DESC GOT REGEX   GOT matches the extended regex
#   unlike DESC GOT REGEX GOT does not match
#   pass DESC / fail DESC [DIAG...]    a result decided by the scenario
#   skip DESC REASON      "ok - DESC # SKIP REASON"
#   todo DESC REASON CMD... a known bug: "# TODO REASON" (not ok does not fail)
#   diag TEXT...          "# TEXT" lines
# A scenario ends with suite_done (exit 0); dying before (set -u, exit 1) is a
# failure run.sh reports.
#
# The guest:
#   SUITE_GUEST, SUITE_DIST, SUITE_LAB (yes/no: LDAP+NFS lab setup, see
#   /etc/corral-vm/guest), SUITE_DIR (this directory)
#   suite_enable_pam      pam-auth-update --enable corral (idempotent)
#   suite_policy [TEXT]   /etc/corral/corral.ini: the base policy below, then TEXT
#                         (more sections, or keys for [group:vmstudents]); $SUITE_GLOBAL:
#                         more lines for its [global] section
#   suite_user NAME [useradd options...]
#                         a local user in group vmstudents (confined by the base
#                         policy), shell /usr/bin/corral-shell, password
#                         $SUITE_PASSWORD, an ssh key root logs in with; removed
#                         (processes, home) when the scenario ends
#   suite_ssh USER CMD... ssh from inside the guest to its own sshd (a real client),
#                         as USER with its key; stdout/stderr/status of CMD
#   suite_status_field PID FIELD   a field of /proc/PID/status ("NoNewPrivs" -> 1)
#   suite_invariant [-l] USER
#                         every process of USER (all of /proc, not only ours) is
#                         confined (NoNewPrivs 1, Seccomp 2) or exempt (sshd's
#                         per-user process, corral-helper; systemd --user and
#                         (sd-pam) only with SUITE_EXEMPT_USER_MANAGER=1): status
#                         0 and a summary line, or 1 and each offending process
#                         with its exe, cmdline, cgroup and status. -l: a session
#                         is live, so at least one confined process must be there.
#   suite_mark / suite_journal [journalctl options...]
#                         the journal since the mark (suite_mark sets it)
#   suite_on_exit CMD     run CMD (by eval) when the scenario ends
#   suite_admin NAME      an unconfined admin: shell /bin/bash, not in vmstudents,
#                         sudo without a password, an ssh key (suite_ssh NAME works);
#                         removed like suite_user's
#   suite_ssh_cmd USER    the ssh command line suite_ssh uses (for scp -S, rsync -e,
#                         GIT_SSH_COMMAND), one string; suite_ssh_tt USER [CMD...]
#                         the same with a pty (-tt): stdin is the terminal's input
#   suite_wait SECONDS CMD...  run CMD every 0.5 s until it succeeds (status 0) or
#                         SECONDS passed (status 1)
#   suite_wait_while PID SECONDS CMD...  the same, but status 1 as soon as PID is gone
#                         and CMD still fails (a client that ended: a refused login)
#   suite_hold USER MARK [CMD]  an ssh session of USER kept open in the background:
#                         runs CMD (default: nothing) then `exec sleep MARK`; returns when
#                         that sleep runs (status 1 if it never did, within 60 s);
#                         suite_release USER MARK ends it (kills the sleep, waits for ssh)
#   suite_check [-l] USER DESC  suite_invariant as a result: pass with its summary, or
#                         fail with the offending processes and ps of USER
#   suite_gone USER DESC [SECONDS]  a result: no process of USER is left (waits up to
#                         SECONDS, default 10, for the session's end); lists them if some are
#   suite_unit_prop UNIT PROP   systemctl show -P PROP UNIT

set -u
SUITE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SUITE_GUEST=$(sed -n 's/^guest=//p' /etc/corral-vm/guest 2>/dev/null)
SUITE_LAB=$(sed -n 's/^lab=//p' /etc/corral-vm/guest 2>/dev/null)
case $SUITE_GUEST in trixie*) SUITE_DIST=trixie ;; *) SUITE_DIST=bookworm ;; esac
SUITE_PASSWORD=${SUITE_PASSWORD:-corral-vm-Pw1}
SUITE_KEYS=/root/.corral-vm-keys
SUITE_MARK=
# shellcheck source=tests/vm/suite/tap.sh
. "$SUITE_DIR/tap.sh"
suite_users=()
suite_exit_steps=()

suite_on_exit() { suite_exit_steps+=("$*"); }
suite_cleanup() {
	local i u uid
	for ((i = ${#suite_exit_steps[@]} - 1; i >= 0; i--)); do eval "${suite_exit_steps[i]}"; done
	for u in "${suite_users[@]}"; do
		crontab -r -u "$u" 2>/dev/null
		# an unconfined user's manager (an admin's) stopped cleanly: killed, it
		# would be a failed unit
		uid=$(id -u "$u" 2>/dev/null) && systemctl stop "user@$uid.service" 2>/dev/null
		pkill -KILL -u "$u" 2>/dev/null
		sleep 0.2
		userdel -r -f "$u" >/dev/null 2>&1
		rm -f "$SUITE_KEYS/$u" "$SUITE_KEYS/$u.pub" "/etc/sudoers.d/corral-vm-$u"
	done
}
trap suite_cleanup EXIT

# --- the guest -----------------------------------------------------------------------
suite_enable_pam() {
	grep -q pam_corral /etc/pam.d/common-session 2>/dev/null && return 0
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable corral
}

# The base policy: nobody confined but group vmstudents, whose sessions may
# read the system and write only their home, the terminals and /dev/null.
# shellcheck disable=SC2120 # TEXT is optional
suite_policy() {
	mkdir -p /etc/corral
	{
		cat <<'EOF'
; written by the corral test bed (tests/vm/suite/lib.sh: suite_policy)
[global]
exempt_users = root
EOF
		[ -n "${SUITE_GLOBAL:-}" ] && printf '%s\n' "$SUITE_GLOBAL"
		cat <<'EOF'

[default]
confine = no
services = sshd login su su-l runuser-l
log.denials = yes

[group:vmstudents]
confine = yes
shell = /bin/bash
fs.read = /usr /etc /proc /sys/devices/system/cpu /dev/urandom /dev/random /dev/zero /opt/corral-vm
fs.write = ~ /dev/null /dev/tty /dev/pts /dev/ptmx
fs.exec = /usr
fs.deny = /etc/shadow /etc/gshadow
limits.processes = 256
limits.files = 1024
session.linger = no
umask = 077
EOF
		[ $# -gt 0 ] && printf '%s\n' "$@"
	} >/etc/corral/corral.ini
	chmod 0644 /etc/corral/corral.ini
	chown root:root /etc/corral/corral.ini
}

suite_user() {  # NAME [useradd options...]
	local name=$1
	shift
	getent group vmstudents >/dev/null || groupadd vmstudents || return 1
	suite_new_user "$name" -s /usr/bin/corral-shell -G vmstudents "$@"
}

suite_admin() {  # NAME
	suite_new_user "$1" -s /bin/bash || return 1
	echo "$1 ALL=(ALL) NOPASSWD: ALL" >"/etc/sudoers.d/corral-vm-$1"
	chmod 0440 "/etc/sudoers.d/corral-vm-$1"
}

suite_new_user() {  # NAME [useradd options...]
	local name=$1
	shift
	pkill -KILL -u "$name" 2>/dev/null
	userdel -r -f "$name" >/dev/null 2>&1
	useradd -m "$@" "$name" || return 1
	suite_users+=("$name")
	local out
	# (bookworm's lab image warns about its missing cracklib dictionary)
	out=$(echo "$name:$SUITE_PASSWORD" | chpasswd 2>&1) || { echo "$out" >&2; return 1; }
	install -d -m 0700 "$SUITE_KEYS"
	rm -f "$SUITE_KEYS/$name" "$SUITE_KEYS/$name.pub"
	ssh-keygen -q -t ed25519 -N '' -C "$name" -f "$SUITE_KEYS/$name" || return 1
	local home
	home=$(getent passwd "$name" | cut -d: -f6)
	install -d -m 0700 -o "$name" -g "$name" "$home/.ssh"
	install -m 0600 -o "$name" -g "$name" "$SUITE_KEYS/$name.pub" "$home/.ssh/authorized_keys"
}

suite_ssh_cmd() {  # USER
	echo "ssh -i $SUITE_KEYS/$1 -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no" \
		"-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=60"
}

suite_ssh() {  # USER CMD...
	local user=$1
	shift
	# shellcheck disable=SC2046 # options, one word each
	$(suite_ssh_cmd "$user") "$user@127.0.0.1" -- "$@"
}

suite_ssh_tt() {  # USER [CMD...]
	local user=$1
	shift
	# shellcheck disable=SC2046 # options, one word each
	$(suite_ssh_cmd "$user") -tt "$user@127.0.0.1" "$@"
}

suite_wait() {  # SECONDS CMD...
	local deadline=$(($(date +%s) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

suite_wait_while() {  # PID SECONDS CMD...
	local pid=$1 deadline=$(($(date +%s) + $2))
	shift 2
	until "$@" >/dev/null 2>&1; do
		if ! kill -0 "$pid" 2>/dev/null; then
			"$@" >/dev/null 2>&1
			return
		fi
		[ "$(date +%s)" -lt "$deadline" ] || return 1
		sleep 0.5
	done
}

suite_hold() {  # USER MARK [CMD]
	local user=$1 mark=$2 cmd=${3:-:}
	suite_ssh "$user" "$cmd"$'\n'"exec sleep $mark" >/dev/null 2>&1 </dev/null &
	local client=$!
	eval "suite_hold_${mark}=$client"
	# until the sleep runs, or the client ended (a refused login)
	suite_wait_while "$client" 60 pgrep -u "$user" -fx "sleep $mark"
}

suite_release() {  # USER MARK
	local var=suite_hold_$2
	pkill -u "$1" -fx "sleep $2" 2>/dev/null
	[ -n "${!var:-}" ] && wait "${!var}" 2>/dev/null
	return 0
}

suite_check() {  # [-l] USER DESC
	local opt=() out
	if [ "$1" = -l ]; then opt=(-l); shift; fi
	if out=$(suite_invariant "${opt[@]}" "$1"); then
		pass "$2"
		diag "$out"
	else
		fail "$2" "$out" "$(ps -o pid,user,cgroup:60,args -u "$1" 2>&1)"
	fi
}

suite_gone() {  # USER DESC [SECONDS]
	if suite_wait "${3:-10}" sh -c "! pgrep -u '$1' >/dev/null"; then
		pass "$2"
	else
		fail "$2" "processes of $1 left:" "$(ps -o pid,user,cgroup:60,args -u "$1" 2>&1)"
	fi
}

suite_unit_prop() { systemctl show -P "$2" "$1" 2>/dev/null; }

suite_status_field() {  # PID FIELD
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

suite_mark() { SUITE_MARK=$(date '+%Y-%m-%d %H:%M:%S.%6N'); }  # to the microsecond
suite_journal() { journalctl --no-pager -q --since "${SUITE_MARK:-today}" "$@"; }

# --- the invariant -----------------------------------------------------------------
# Every process of USER, found in /proc (not only those a test started), is
# confined or one of the exempt kinds, each recognised by its executable
# (not its command line, which a process chooses itself).
suite_invariant() {  # [-l] USER
	local live=0 user uid pid d exe cmd nnp sc kind bad=() n=0 confined=0 exempt=0 key val ruid euid args
	if [ "${1:-}" = -l ]; then live=1; shift; fi
	user=$1
	uid=$(id -u "$user" 2>/dev/null) || { echo "suite_invariant: no user $user"; return 1; }
	# bash builtins only until a process is the user's: forks are slow under TCG
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		ruid='' euid='' nnp='' sc=''
		while IFS=$'\t' read -r key val; do
			case $key in
			Uid:) read -r ruid euid _ <<<"$val" ;;  # real effective saved fs
			NoNewPrivs:) nnp=$val ;;
			Seccomp:) sc=$val; break ;;
			esac
		done 2>/dev/null <"$d/status"
		[ "$ruid" = "$uid" ] || [ "$euid" = "$uid" ] || continue
		[ -n "$nnp" ] || continue
		if [ "$nnp" = 1 ] && [ "$sc" = 2 ]; then
			n=$((n + 1))
			confined=$((confined + 1))
			continue
		fi
		exe=$(readlink "$d/exe" 2>/dev/null) || continue   # gone meanwhile, or a zombie
		n=$((n + 1))
		args=()
		mapfile -d '' -t args <"$d/cmdline" 2>/dev/null
		cmd="${args[*]:-}"
		kind=
		case $exe in
		/usr/sbin/sshd | /usr/lib/openssh/sshd-session)
			[[ $cmd =~ ^sshd(-session)?:\ $user(@|\ |$) ]] && kind=sshd ;;
		/usr/libexec/corral/corral-helper) kind=helper ;;
		/usr/lib/systemd/systemd | /lib/systemd/systemd)
			[ "${SUITE_EXEMPT_USER_MANAGER:-0}" = 1 ] && [[ $cmd =~ ^(/usr/lib/systemd/systemd\ --user|/lib/systemd/systemd\ --user|\(sd-pam\)) ]] &&
				kind=manager ;;
		esac
		if [ -n "$kind" ]; then
			exempt=$((exempt + 1))
			continue
		fi
		bad+=("pid $pid exe=$exe cmdline=[$cmd] NoNewPrivs=$nnp Seccomp=$sc cgroup=$(cut -d: -f3- "$d/cgroup" 2>/dev/null | paste -sd' ')")
	done
	if [ ${#bad[@]} -gt 0 ]; then
		echo "$user: ${#bad[@]} of $n processes unconfined and not exempt:"
		printf '  %s\n' "${bad[@]}"
		return 1
	fi
	echo "$user: $n processes, $confined confined, $exempt exempt"
	if [ "$live" = 1 ] && [ "$confined" = 0 ]; then
		echo "$user has no confined process: no live session to check"
		return 1
	fi
	return 0
}
