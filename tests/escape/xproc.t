#!/bin/bash
# Adversarial suite, cross-process class: with ipc.signals = session (the
# default) a confined student tries to change a process of its own that
# runs OUTSIDE the session, without a signal or ptrace: its resource
# limits (prlimit), priority (setpriority for the process, its process
# group, every process of the user), CPUs (sched_setaffinity), scheduling
# (sched_setscheduler, sched_setparam, sched_setattr), I/O priority
# (ioprio_set), memory (process_madvise, migrate_pages, move_pages), or to
# compare it with itself (kcmp). The kernel lets a process do all of these
# to any process of the same uid; each works unconfined first (see lib.sh),
# must be refused with EPERM inside the session, and must leave the
# outside process as it was (read by root from /proc/PID/limits, stat,
# status and ionice). The same calls on the session's own processes keep
# working.
. "$(dirname "$0")/lib.sh"
esc_init
u=crxxp1
esc_user "$u"
home=$(esc_home "$u")
uid=$(id -u "$u")
esc_compile xproc
x=$ESC_TOOLS/xproc
lab=$(esc_policy lab "$u" </dev/null)   # ipc.signals is not set: session

# the victim: a process of the user outside any session, leader of its own
# process group (so PRIO_PGRP reaches only the user's processes), holding
# a page whose address it writes to ~/victim-addr
esc_bg "$u" setsid "$x" victim "$home/victim-addr"
for _ in $(seq 50); do
	victim=$(pgrep -u "$u" -f "xproc victim" | head -n 1)
	[ -n "$victim" ] && [ -s "$home/victim-addr" ] && break
	sleep 0.1
done
[ -n "$victim" ] || bail "the victim process did not start"
addr=$(cat "$home/victim-addr")
pgid=$(sed 's/.*) //' "/proc/$victim/stat" | cut -d' ' -f3)
allcpus=$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$victim/status")
# what an attack may change, as root sees it
state() {
	local p=$1
	printf 'nofile=%s nice=%s policy=%s cpus=%s io=%s\n' \
		"$(awk '/^Max open files/ {print $4 ":" $5}' "/proc/$p/limits")" \
		"$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f17)" \
		"$(sed 's/.*) //' "/proc/$p/stat" | cut -d' ' -f39)" \
		"$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' "/proc/$p/status")" \
		"$(ionice -p "$p" 2>&1 | tr -d ' ')"
}
orig=$(state "$victim")
orig_nofile=$(awk '/^Max open files/ {print $4 ":" $5}' "/proc/$victim/limits")
hard=${orig_nofile#*:}   # the attacks lower only the soft limit: root here may lack CAP_SYS_RESOURCE to raise a hard one back
reset() {  # what the unconfined run changed (the limit as the user: root here may lack CAP_SYS_RESOURCE)
	as_user "$u" prlimit --pid "$victim" --nofile="$orig_nofile"
	renice -n 0 -p "$victim"
	taskset -pc "$allcpus" "$victim"
	chrt -o -p 0 "$victim"
	ionice -c 0 -p "$victim"
}
echo "# the victim: pid $victim, process group $pgid: $orig"
ESC_BETWEEN=reset
# after the confined run: the victim as before (printed only when not)
# shellcheck disable=SC2016  # evaluated by attack (lib.sh) after the confined run
ESC_CHECK='now=$(state "$victim"); [ "$now" = "$orig" ] || { echo "the outside process changed: $now (was: $orig)"; reset >/dev/null 2>&1; }'
other_cpu=$((($(nproc) > 1) ? 1 : 0))

echo "# resource limits"
attack "prlimit(PID, RLIMIT_NOFILE, 3:$hard) of the user's process outside the session" '^ok$' EPERM "$lab" "$u" "$x" prlimit "$victim" 3 "$hard"
attack "prlimit --pid PID --nofile=3:$hard (util-linux)" '^$' '.*(Operation not permitted|EPERM).*' "$lab" "$u" prlimit --pid "$victim" --nofile=3:"$hard"

echo "# priority"
attack "setpriority(PRIO_PROCESS, PID, 10)" '^ok$' EPERM "$lab" "$u" "$x" prio process "$victim" 10
attack "renice -n 10 -p PID (util-linux)" '.*old priority 0, new priority 10.*' '.*(Operation not permitted|Permission denied).*' "$lab" "$u" renice -n 10 -p "$victim"
attack "setpriority(PRIO_PGRP, its process group $pgid, 10)" '^ok$' EPERM "$lab" "$u" "$x" prio pgrp "$pgid" 10
attack "setpriority(PRIO_USER, uid $uid, 10): every process of the user, outside too" '^ok$' EPERM "$lab" "$u" "$x" prio user "$uid" 10

echo "# CPUs and scheduling"
attack "sched_setaffinity(PID, {CPU $other_cpu})" '^ok$' EPERM "$lab" "$u" "$x" affinity "$victim" "$other_cpu"
attack "taskset -p $((1 << other_cpu)) PID (util-linux)" '.*new affinity mask.*' '.*(Operation not permitted|failed to set).*' "$lab" "$u" taskset -p $((1 << other_cpu)) "$victim"
attack "sched_setscheduler(PID, SCHED_BATCH)" '^ok$' EPERM "$lab" "$u" "$x" scheduler "$victim"
attack "sched_setparam(PID, 0)" '^ok$' EPERM "$lab" "$u" "$x" setparam "$victim"
attack "sched_setattr(PID, SCHED_OTHER, nice 10)" '^ok$' EPERM "$lab" "$u" "$x" setattr "$victim" 10
attack "ioprio_set(IOPRIO_WHO_PROCESS, PID, best-effort 7)" '^ok$' EPERM "$lab" "$u" "$x" ioprio "$victim"
attack "ionice -c 3 -p PID (util-linux)" '^$' '.*(Operation not permitted|failed).*' "$lab" "$u" ionice -c 3 -p "$victim"

echo "# memory and comparison"
run_unconfined "$u" "$x" madvise "$victim" "$addr"
if [ "$R_OUT" = ok ]; then
	attack "process_madvise(pidfd of PID, MADV_COLD)" '^ok$' '(pidfd_open:)?EPERM' "$lab" "$u" "$x" madvise "$victim" "$addr"
else
	# confined, Landlock's ptrace scope answers first (mm_access: EACCES)
	attack "process_madvise(pidfd of PID, MADV_COLD) (refused unconfined too: $R_OUT, a remote process_madvise needs CAP_SYS_NICE)" \
		- '(pidfd_open:)?(EPERM|EACCES)' "$lab" "$u" "$x" madvise "$victim" "$addr"
fi
attack "kcmp(PID, self, KCMP_VM)" '^ok$' EPERM "$lab" "$u" "$x" kcmp "$victim"
attack "migrate_pages(PID, node 0 -> node 0)" '^ok$' EPERM "$lab" "$u" "$x" migrate "$victim"
attack "move_pages(PID, no pages)" '^ok$' EPERM "$lab" "$u" "$x" movepages "$victim"
ESC_BETWEEN=
ESC_CHECK=

echo "# the session's own processes keep these rights"
run_confined "$lab" "$u" sh -c "
	ulimit -n 100 && echo ulimit=ok
	nice -n 5 true && echo nice=ok
	sleep 30 & c=\$!
	renice -n 5 -p \$c >/dev/null && echo renice=ok
	prlimit --pid \$c --nofile=100:100 && echo prlimit=ok
	taskset -p 1 \$c >/dev/null && echo taskset=ok
	chrt -b -p 0 \$c && echo chrt=ok
	ionice -c 2 -n 7 -p \$c && echo ionice=ok
	for op in 'prlimit \$c 50 50' 'prio process \$c 7' 'affinity \$c 0' 'scheduler \$c' 'setparam \$c' 'setattr \$c 8' 'ioprio \$c' 'kcmp \$c' 'migrate \$c' 'movepages \$c' 'pidfd \$c'; do
		echo \"\${op%% *}=\$(eval \"'$x' \$op\")\"
	done
	kill \$c"
own=$(tr '\n' ' ' <<<"$R_OUT")
for want in ulimit nice renice prlimit taskset chrt ionice; do
	case $want in
	ulimit) what="ulimit -n 100 in the session's shell (setrlimit of itself)" ;;
	nice) what="nice -n 5 true" ;;
	renice) what="renice -n 5 -p of a child in the session" ;;
	prlimit) what="prlimit --pid of a child in the session --nofile=100:100" ;;
	taskset) what="taskset -p 1 of a child in the session" ;;
	chrt) what="chrt -b -p 0 of a child in the session" ;;
	ionice) what="ionice -c 2 -n 7 -p of a child in the session" ;;
	esac
	like "$what works" "$own|$R_AFTER" "(^| )$want=ok .*\\|ok ok$"
done
like "the attack program's calls on a child in the session work (prlimit, setpriority, affinity, scheduler, setparam, setattr, ioprio, kcmp, migrate_pages, move_pages, pidfd_open and a signal through it)" \
	"$own" "prlimit=ok prio=ok affinity=ok scheduler=ok setparam=ok setattr=ok ioprio=ok kcmp=ok migrate=ok movepages=ok pidfd=ok $"
is "... and the outside process is still as it was" "$(state "$victim")" "$orig"

esc_done
