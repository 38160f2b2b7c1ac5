#!/bin/bash
# cgroups and shared limits on systemd (issue 11, scenario 12). A session's
# limits are on its own transient scope corral-ID.scope (TasksMax, MemoryMax,
# MemorySwapMax=0, CPUQuotaPerSecUSec), in corral-group_G-user_UID.slice
# under corral-group_G.slice when limits.user.* and limits.group.* are set.
# limits.processes stops a fork loop at the limit with EAGAIN; limits.memory
# kills an allocation beyond it and lets a smaller one through;
# limits.user.processes spans two concurrent sessions of one user;
# limits.group.* sit on the group's slice.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmcg
group=vmcggrp
suite_enable_pam >/dev/null 2>&1
groupadd -f "$group"
suite_on_exit "groupdel $group"
suite_policy "[group:$group]" "limits.group.memory = 300M" "limits.group.processes = 150" \
	"[user:$user]" "limits.processes = 40" "limits.memory = 64M" "limits.cpu = 50" \
	"limits.user.processes = 60" "limits.user.memory = 200M"
ok "the policy passes corralctl check" corralctl check
suite_user "$user" -G "vmstudents,$group" || { fail "create $user"; suite_done; }
uid=$(id -u "$user")
gslice=corral-group_$group.slice
uslice=corral-group_$group-user_$uid.slice
cgpath() { echo "/sys/fs/cgroup/corral.slice/$gslice${1:+/$1}"; }
loop=/opt/corral-vm/forkloop.py
cat >"$loop" <<'EOF'
# forkloop.py HOLD: fork children (each sleeps) until fork fails; print the
# count and the errno; hold them HOLD seconds, then end them
import errno, os, sys, time
hold = float(sys.argv[1])
kids = []
try:
    while len(kids) < 500:
        p = os.fork()
        if p == 0:
            time.sleep(120)
            os._exit(0)
        kids.append(p)
    print("forked %d no-limit" % len(kids), flush=True)
except OSError as e:
    print("forked %d %s" % (len(kids), errno.errorcode.get(e.errno, e.errno)), flush=True)
time.sleep(hold)
for k in kids:
    os.kill(k, 9)
for k in kids:
    os.waitpid(k, 0)
print("done", flush=True)
EOF
chmod 0644 "$loop"
w=$(mktemp -d /root/corral-vm-cg.XXXXXX)
suite_on_exit "rm -rf $w $loop"

suite_mark
# --- one session: its scope's properties, the fork loop, memory ---------------------
suite_ssh "$user" "python3 $loop 5
python3 -c \"b = b'x' * (24 << 20); print('small-ok')\"
python3 -c \"b = b'x' * (100 << 20); print('big-ok')\"; echo \"big=\$?\"" >"$w/one" 2>&1 &
client=$!
scope=none
if suite_wait_while "$client" 90 grep -q forked "$w/one"; then
	out=$(cat "$w/one")
	like "limits.processes = 40: the fork loop stops with EAGAIN" "$out" 'forked [0-9]+ EAGAIN'
	pid=$(pgrep -u "$user" -x python3 | head -n 1)
	cg=$(cut -d: -f3 "/proc/$pid/cgroup")
	scope=$(basename "$cg")
	is "the session's scope is in the user's slice in the group's slice" "$cg" "/corral.slice/$gslice/$uslice/$scope"
	like "... a corral scope" "$scope" '^corral-[0-9a-f]{32}\.scope$'
	is "... at its limit: pids.current = pids.max = 40" "$(cat "$(cgpath "$uslice/$scope")/pids.current") $(cat "$(cgpath "$uslice/$scope")/pids.max")" "40 40"
	props=$(systemctl show -p TasksMax -p MemoryMax -p MemorySwapMax -p CPUQuotaPerSecUSec -p Slice "$scope" | sort | paste -sd' ')
	is "systemctl show $scope: the session's limits" "$props" \
		"CPUQuotaPerSecUSec=500ms MemoryMax=67108864 MemorySwapMax=0 Slice=$uslice TasksMax=40"
	props=$(systemctl show -p TasksMax -p MemoryMax -p Slice "$uslice" | sort | paste -sd' ')
	is "systemctl show $uslice: limits.user.*" "$props" "MemoryMax=209715200 Slice=$gslice TasksMax=60"
	props=$(systemctl show -p TasksMax -p MemoryMax -p Slice "$gslice" | sort | paste -sd' ')
	is "systemctl show $gslice: limits.group.*" "$props" "MemoryMax=314572800 Slice=corral.slice TasksMax=150"
	is "... and in the cgroup: the group slice's memory.max, pids.max" "$(cat "$(cgpath)/memory.max") $(cat "$(cgpath)/pids.max")" "314572800 150"
	suite_check -l "$user" "every process of $user is confined or exempt at the limit"
else
	fail "the fork loop of $user runs" "$(cat "$w/one")"
fi
wait "$client"
out=$(cat "$w/one")
like "limits.memory = 64M: 24M can be allocated" "$out" 'small-ok'
unlike "... 100M cannot" "$out" $'(^|\n)big-ok'   # a line of its own: bash's "Killed" line quotes the command
like "... the kernel's OOM killer acts in the session's scope" "$(suite_journal -k -o cat | grep 'oom-kill:')" \
	"oom_memcg=/corral.slice/$gslice/$uslice/$scope,.*uid=$uid"
# systemd's OOMPolicy (stop) then ends the whole scope: the session, not
# only the process; reported, not asserted (corral sets no OOMPolicy)
diag "$out" "$(suite_journal -o cat -u "$scope" | grep -iE 'oom|Failed' | head -n 3)"

# --- two sessions of the user: limits.user.processes = 60 spans both ---------------------
# shellcheck disable=SC2016 # expanded in the session
suite_hold "$user" 186 'for i in $(seq 25); do sleep 1861 & done' || fail "a first session of $user is held open"
suite_wait 20 sh -c "[ \$(pgrep -u $user -fx 'sleep 1861' | wc -l) -ge 25 ]"
suite_ssh "$user" "python3 $loop 5" >"$w/two" 2>&1 &
client=$!
if suite_wait_while "$client" 90 grep -q forked "$w/two"; then
	out=$(cat "$w/two")
	n=$(sed -n 's/^forked \([0-9]*\) .*/\1/p' <<<"$out")
	like "limits.user.processes = 60: the second session's fork loop stops with EAGAIN" "$out" 'forked [0-9]+ EAGAIN'
	if [ "${n:-99}" -lt 30 ]; then pass "... early: $n forks, fewer than its own limit of 40 allows"; else fail "... early: $n forks, fewer than its own limit of 40 allows"; fi
	is "... the user's slice is at its limit: pids.current = 60" "$(cat "$(cgpath "$uslice")/pids.current")" 60
	is "... spread over two corral scopes" "$(find "$(cgpath "$uslice")" -mindepth 1 -maxdepth 1 -name 'corral-*.scope' | wc -l)" 2
	suite_check -l "$user" "every process of $user is confined or exempt in both sessions"
else
	fail "the second session's fork loop runs" "$(cat "$w/two")"
fi
wait "$client"
suite_release "$user" 186
suite_gone "$user" "after both sessions no process of $user is left"
suite_check "$user" "every process of $user is confined or exempt after them"
# pam_corral(8): "systemd removes empty slices itself"
suite_wait 5 sh -c "! systemctl list-units --no-legend --plain '$gslice' '$uslice' | grep -q ."
todo "the empty slices of the user and the group are removed after the last session" \
	"corral-group_G.slice and corral-group_G-user_UID.slice stay loaded and active when empty (systemd does not collect transient slices)" \
	test -z "$(systemctl list-units --no-legend --plain "$gslice" "$uslice")"
suite_done
