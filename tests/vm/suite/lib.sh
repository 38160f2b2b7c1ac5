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
#                         (more sections, or keys for [group:vmstudents])
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
	local i u
	for ((i = ${#suite_exit_steps[@]} - 1; i >= 0; i--)); do eval "${suite_exit_steps[i]}"; done
	for u in "${suite_users[@]}"; do
		pkill -KILL -u "$u" 2>/dev/null
		sleep 0.2
		userdel -r -f "$u" >/dev/null 2>&1
		rm -f "$SUITE_KEYS/$u" "$SUITE_KEYS/$u.pub"
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
	pkill -KILL -u "$name" 2>/dev/null
	userdel -r -f "$name" >/dev/null 2>&1
	useradd -m -s /usr/bin/corral-shell -G vmstudents "$@" "$name" || return 1
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

suite_ssh() {  # USER CMD...
	local user=$1
	shift
	ssh -i "$SUITE_KEYS/$user" -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o ConnectTimeout=60 \
		"$user@127.0.0.1" -- "$@"
}

suite_status_field() {  # PID FIELD
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null
}

suite_mark() { SUITE_MARK=$(date '+%Y-%m-%d %H:%M:%S'); sleep 1; }
suite_journal() { journalctl --no-pager -q --since "${SUITE_MARK:-today}" "$@"; }

# --- the invariant -----------------------------------------------------------------
# Every process of USER, found in /proc (not only those a test started), is
# confined or one of the exempt kinds, each recognised by its executable
# (not its command line, which a process chooses itself).
suite_invariant() {  # [-l] USER
	local live=0 user uid pid d exe cmd nnp sc kind bad=() n=0 confined=0 exempt=0
	if [ "${1:-}" = -l ]; then live=1; shift; fi
	user=$1
	uid=$(id -u "$user" 2>/dev/null) || { echo "suite_invariant: no user $user"; return 1; }
	for d in /proc/[0-9]*; do
		pid=${d#/proc/}
		# real or effective uid: Uid: real effective saved fs
		read -r _ ruid euid _ < <(grep '^Uid:' "$d/status" 2>/dev/null) || continue
		[ "$ruid" = "$uid" ] || [ "$euid" = "$uid" ] || continue
		exe=$(readlink "$d/exe" 2>/dev/null) || continue   # gone meanwhile, or a zombie
		cmd=$(tr '\0' ' ' <"$d/cmdline" 2>/dev/null)
		nnp=$(suite_status_field "$pid" NoNewPrivs)
		sc=$(suite_status_field "$pid" Seccomp)
		[ -n "$nnp" ] || continue
		n=$((n + 1))
		if [ "$nnp" = 1 ] && [ "$sc" = 2 ]; then
			confined=$((confined + 1))
			continue
		fi
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
		bad+=("pid $pid exe=$exe cmdline=[${cmd% }] NoNewPrivs=$nnp Seccomp=$sc cgroup=$(cut -d: -f3- "$d/cgroup" 2>/dev/null | paste -sd' ')")
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
