#!/bin/bash
# Adversarial suite, privilege class: a confined student tries to gain
# privilege or reach kernel surface the session excludes: setuid-root and
# file-capability binaries (no_new_privs), namespaces, keyrings, bpf, perf,
# userfaultfd, terminal injection, tracing processes outside the session,
# other system call ABIs and personality flags. Each attack works
# unconfined as the same user first (see lib.sh).
. "$(dirname "$0")/lib.sh"
esc_init
u=crxpr1 v=crxpr2 t=crxpr3
esc_user "$u"
esc_user "$v"
esc_user "$t"
passwd -d "$t" >/dev/null   # an empty password: su to it needs no prompt (pam_unix nullok)
uid=$(id -u "$u")
esc_compile priv
p=$ESC_TOOLS/priv
lab=$(esc_policy lab "$u" </dev/null)

echo "# setuid-root and file-capability binaries (no_new_privs: nothing is gained)"
install -o root -m 4755 /usr/bin/id "$ESC_TOOLS/suid-id"
install -o root -m 4755 /usr/bin/head "$ESC_TOOLS/suid-head"
attack "a setuid-root copy of id: euid" '^0$' "$uid" "$lab" "$u" "$ESC_TOOLS/suid-id" -u
attack "a setuid-root copy of head reads /etc/shadow" '^root:$' '.*Permission denied' "$lab" "$u" "$ESC_TOOLS/suid-head" -c 5 /etc/shadow
attack "su to an account with an empty password" "^$t\$" '.*(Authentication failure|cannot|failed|not permitted).*' "$lab" "$u" su "$t" -c 'id -un'
# unconfined it reads the shadow entry (status and dates); confined it
# runs as the user and sees only /etc/passwd
attack "passwd -S (setuid root): the shadow fields" "^$u [A-Z]+ [0-9]{4}-.*" "$u [A-Z]+" "$lab" "$u" passwd -S "$u"
install -m 0755 "$p" "$ESC_TOOLS/cap-priv"
if setcap cap_net_raw+ep "$ESC_TOOLS/cap-priv" 2>/dev/null; then
	attack "a cap_net_raw+ep copy: effective capabilities" '^ok:0000000000002000$' 'ok:0000000000000000' "$lab" "$u" "$ESC_TOOLS/cap-priv" caps
	attack "a cap_net_raw+ep copy: raw ICMP socket to 127.0.0.1" '^ok$' 'ESOCKTNOSUPPORT|EPERM' "$lab" "$u" "$ESC_TOOLS/cap-priv" raw
	attack "a cap_net_raw+ep copy: AF_PACKET socket" '^ok$' 'EAFNOSUPPORT|EPERM' "$lab" "$u" "$ESC_TOOLS/cap-priv" packet
else
	skip "setcap failed (no file capabilities on this filesystem)"
fi

echo "# namespaces"
for ns in user net mnt pid ipc uts cgroup time; do
	attack "unshare(CLONE_NEW${ns^^}) (with a user namespace)" '^ok$' EPERM "$lab" "$u" "$p" unshare "$ns"
done
attack "clone(CLONE_NEWUSER)" '^ok$' EPERM "$lab" "$u" "$p" clone user
attack "clone(CLONE_NEWUSER|CLONE_NEWNET)" '^ok$' EPERM "$lab" "$u" "$p" clone net
attack "unshare -r (util-linux) runs as root in a new user namespace" '^0$' '.*(Operation not permitted|not permitted).*' "$lab" "$u" unshare -r id -u
esc_bg "$u" unshare -U sleep 300
for _ in $(seq 50); do holder=$(pgrep -u "$u" -x sleep | head -n 1); [ -n "$holder" ] && break; sleep 0.1; done
attack "setns into a user namespace the user made outside the session" '^ok$' 'open:EACCES|EPERM' "$lab" "$u" "$p" setns "/proc/$holder/ns/user"

echo "# kernel surface"
attack "keyctl" '^ok$' EPERM "$lab" "$u" "$p" keyctl
attack "add_key" '^ok$' EPERM "$lab" "$u" "$p" add_key
attack "request_key" '^ok$' EPERM "$lab" "$u" "$p" request_key
bpf_was=$(sysctl -n kernel.unprivileged_bpf_disabled 2>/dev/null)
if [ "$bpf_was" = 0 ] || [ "$bpf_was" = 2 ]; then
	# unprivileged bpf is off on this host: allowed for the unconfined run only
	esc_on_exit "sysctl -qw kernel.unprivileged_bpf_disabled=$bpf_was"
	sysctl -qw kernel.unprivileged_bpf_disabled=0
	run_unconfined "$u" "$p" bpf
	sysctl -qw kernel.unprivileged_bpf_disabled="$bpf_was"
	bpf_base=$R_OUT
	run_confined "$lab" "$u" "$p" bpf
	is "bpf(BPF_MAP_CREATE) refused (unconfined, with unprivileged bpf on: $bpf_base)" "$bpf_base|$R_OUT|$R_AFTER" "ok|EPERM|ok ok"
else
	attack "bpf(BPF_MAP_CREATE) (unprivileged bpf is off for good on this host)" - EPERM "$lab" "$u" "$p" bpf
fi
# Debian's kernels refuse perf to users already (kernel.perf_event_paranoid = 3)
if [ "$(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null)" = 3 ]; then
	skip "perf_event_open: refused to every user on this host (kernel.perf_event_paranoid = 3)"
else
	attack "perf_event_open (task clock, user space only)" '^ok$' EPERM "$lab" "$u" "$p" perf
fi
attack "userfaultfd(UFFD_USER_MODE_ONLY)" '^ok$' EPERM "$lab" "$u" "$p" userfaultfd
attack "/dev/userfaultfd (root's only, unconfined too)" - EACCES "$lab" "$u" "$ESC_TOOLS/probe" read /dev/userfaultfd

echo "# terminal injection (on a pty made by script(1))"
command -v script >/dev/null || bail "script(1) (bsdutils) is missing"
tty_run() {  # unconfined|confined CMD...: in a fresh pty; sets R_*
	local how=$1 cmd q
	shift
	q=$(printf '%q ' "$ESC_TOOLS/after.sh" "$@")
	if [ "$how" = unconfined ]; then
		cmd="setpriv --reuid=$u --regid=$(id -g "$u") --init-groups --reset-env -- env HOME=$(esc_home "$u") PATH=/usr/bin:/bin $q"
	else
		cmd="$ESC_CTL run -c $lab -u $u -- $q"
	fi
	esc_parse "$(cd / && timeout -k 5 60 script -qec "$cmd" /dev/null </dev/null 2>&1 | tr -d '\r')"
}
# kernels built without LEGACY_TIOCSTI (Debian's 6.12) refuse it to every
# unprivileged process (EIO): corral's filter must still answer first
tiocsti_base=ok
[ "$(cat /proc/sys/dev/tty/legacy_tiocsti 2>/dev/null)" = 0 ] && tiocsti_base=EIO
for junk in "" junk; do
	tty_run unconfined "$p" tiocsti $junk; base=$R_OUT
	tty_run confined "$p" tiocsti $junk
	is "TIOCSTI into the terminal${junk:+ (junk in the upper 32 bits)} refused (unconfined: $base)" "$base|$R_OUT|$R_AFTER" "$tiocsti_base|EPERM|ok ok"
	tty_run unconfined "$p" tioclinux $junk; base=$R_OUT
	tty_run confined "$p" tioclinux $junk
	like "TIOCLINUX${junk:+ (junk in the upper 32 bits)} refused (unconfined, on a pty: $base)" "$base|$R_OUT|$R_AFTER" '^(ok|EINVAL|ENOTTY)\|EPERM\|ok ok$'
done

echo "# processes outside the session (Landlock's ptrace scope)"
esc_bg "$u" "$p" victim "$(esc_home "$u")/victim-addr"
esc_bg "$v" sleep 300
for _ in $(seq 50); do
	mine=$(pgrep -u "$u" -f "priv victim" | head -n 1) theirs=$(pgrep -u "$v" -x sleep | head -n 1)
	[ -n "$mine" ] && [ -n "$theirs" ] && [ -s "$(esc_home "$u")/victim-addr" ] && break
	sleep 0.1
done
addr=$(cat "$(esc_home "$u")/victim-addr")
attack "ptrace of the user's own process outside the session" '^ok$' EPERM "$lab" "$u" "$p" ptrace "$mine"
attack "process_vm_readv of the user's own process outside the session" '^ok:victim-secret-42$' EPERM "$lab" "$u" "$p" vmread "$mine" "$addr"
attack "open /proc/PID/mem of the user's own process outside the session" '^ok$' EACCES "$lab" "$u" "$p" procmem "$mine"
attack "ptrace of another user's process (refused unconfined too)" - EPERM "$lab" "$u" "$p" ptrace "$theirs"
attack "ptrace of the session's own helper (its parent)" - EPERM "$lab" "$u" sh -c "'$p' ptrace \$ESC_HELPER"

echo "# another session of the same user (a Landlock domain of its own)"
home=$(esc_home "$u")
rm -f "$home/other-session"
( confined "$lab" "$u" sh -c 'echo $$ >~/other-session; exec sleep 30' >/dev/null ) &
other_bg=$!
for _ in $(seq 100); do [ -s "$home/other-session" ] && break; sleep 0.05; done
other=$(cat "$home/other-session")
attack "ptrace of a process in another session of the same user" '^ok$' EPERM "$lab" "$u" "$p" ptrace "$other"
# below Landlock ABI 6 corral-helper refuses the pidfd of a process outside
# the session already (pidfd_open:EPERM); with Landlock, pidfd_getfd is
attack "pidfd_getfd of its fd 1" '^ok$' '(pidfd_open:)?EPERM' "$lab" "$u" "$p" pidfd-getfd "$other" 1
attack "open its /proc/PID/mem" '^ok$' EACCES "$lab" "$u" "$p" procmem "$other"
run_confined "$lab" "$u" sh -c "'$p' kill $other; '$p' pidfd-signal $other"
confined_out=$(tr '\n' ' ' <<<"$R_OUT")
alive=$(esc_alive "$other" && echo alive)
base=$(as_user "$u" "$p" kill "$other")
like "kill and pidfd_send_signal of it are refused (it lives on; unconfined kill: $base)" "$confined_out|$alive|$base" \
	'^EPERM (pidfd_open:)?EPERM \|alive\|ok$' 
wait "$other_bg" 2>/dev/null
# kill(-1): every process the caller may signal
esc_bg "$u" sleep 300
for _ in $(seq 50); do first=$(pgrep -u "$u" -x sleep | head -n 1); [ -n "$first" ] && break; sleep 0.1; done
as_user "$u" "$p" kill-all >/dev/null
gone=$(esc_gone "$first")
esc_bg_stop
esc_bg "$u" sleep 300
for _ in $(seq 50); do second=$(pgrep -u "$u" -x sleep | head -n 1); [ -n "$second" ] && break; sleep 0.1; done
out=$(confined "$lab" "$u" sh -c "sleep 100 & exec '$p' kill-all")
is "kill(-1, SIGKILL) inside the session reaches only the session's processes: the user's process outside lives on (unconfined, it was killed)" \
	"$gone|$out|$(esc_alive "$second" && echo alive)" "gone|ok|alive"

echo "# other system call ABIs (killed by SIGSYS)"
attack_killed "x32 getpid (bit 30 set)" "$lab" "$u" "$p" x32
attack_killed "x32-only system call 512" "$lab" "$u" "$p" x32-512
attack_killed "int 0x80 (i386 getpid) from a 64-bit process" "$lab" "$u" "$p" int80

echo "# personality"
attack "personality(READ_IMPLIES_EXEC)" '^ok$' EPERM "$lab" "$u" "$p" personality 0400000
attack "personality(PER_LINUX32)" '^ok$' EPERM "$lab" "$u" "$p" personality 0008
attack "personality(PER_BSD)" '^ok$' EPERM "$lab" "$u" "$p" personality 0006
run_confined "$lab" "$u" "$p" personality 0040000
is "personality(ADDR_NO_RANDOMIZE) stays allowed (setarch -R, gdb)" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# the session and its own helper"
# the helper is outside the sandbox, not one of the session's processes:
# with ipc.signals = session its limits and priority are not the session's
# to change (before, it was a known limit: a renice or prlimit of it went
# through, and its memfd_create then failed EMFILE)
run_confined "$lab" "$u" sh -c "renice -n 19 -p \$ESC_HELPER >/dev/null 2>&1 && echo reniced || echo renice-refused; prlimit --pid \$ESC_HELPER --nofile=3:3 2>/dev/null && echo limited || echo prlimit-refused; m=\$('$ESC_TOOLS/probe' memfd-sealed); [ \"\$m\" = EPERM ] && m=ok; echo \$m; '$ESC_TOOLS/probe' write ~/x"
is "a session process cannot renice or prlimit its own helper (EPERM), whose memfd_create goes on working" \
	"$(tr '\n' ' ' <<<"$R_OUT")" "renice-refused prlimit-refused ok ok "
any=$(esc_policy any "$u" <<INI
ipc.signals = any
INI
)
home=$(esc_home "$u")
rm -f "$home/grandchild"
out=$(confined "$any" "$u" sh -c "setsid sh -c 'sleep 60 & echo \$! >~/grandchild'; sleep 0.5; kill -KILL \$PPID; sleep 5; echo survived")
status=$?
gc=$(cat "$home/grandchild" 2>/dev/null)
is "KNOWN LIMIT: with ipc.signals = any the session may kill its helper: that ends the session (137), and its setsid grandchild does not outlive it (the session cgroup is emptied)" \
	"$status|$out|$([ -n "$gc" ] && esc_gone "$gc")" "137||gone"
# without the root side (corralctl run as the user itself: no cgroup, no
# record), a grandchild survives the helper, and its trapped calls fail ENOSYS
bare=$ESC_WORK/bare/corral.ini
mkdir -m 0755 "$ESC_WORK/bare"
printf '[user:%s]\nconfine = yes\nnet.connect = tcp://:80\nipc.signals = any\n' "$u" >"$bare" && chmod 0644 "$bare"
rm -f "$home/grandchild" "$home/gc-result"
out=$(as_user "$u" "$ESC_CTL" run -c "$bare" -- sh -c "setsid sh -c 'echo \$\$ >~/grandchild; sleep 1; $ESC_TOOLS/probe connect 80 >~/gc-result; exec sleep 30' >/dev/null 2>&1 & sleep 0.5; kill -KILL \$PPID; sleep 5; echo survived")
status=$?
for _ in $(seq 30); do [ -s "$home/gc-result" ] && break; sleep 0.1; done
gc=$(cat "$home/grandchild" 2>/dev/null)
is "KNOWN LIMIT: without the session cgroup (no PAM), a grandchild outlives the killed helper, every trapped call failing ENOSYS" \
	"$status|$out|$(cat "$home/gc-result" 2>/dev/null)|$(ps -o comm= -p "$gc" 2>/dev/null)" "137||ENOSYS|sleep"
[ -n "$gc" ] && kill -KILL "$gc" 2>/dev/null

esc_done
