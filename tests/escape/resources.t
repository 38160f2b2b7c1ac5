#!/bin/bash
# Adversarial suite, resource class: a confined student exhausts what the
# session may have: tasks (limits.processes, the session's pids cgroup),
# memory (limits.memory, the cgroup's OOM killer: the session's processes
# only), file size (limits.file_size), the private /tmp; and many sessions
# open at once start and end cleanly.
. "$(dirname "$0")/lib.sh"
esc_init
u=crxrs1
esc_user "$u"
home=$(esc_home "$u")
uid=$(id -u "$u")
esc_compile res
esc_compile fs
r=$ESC_TOOLS/res
lab=$(esc_policy lab "$u" </dev/null)   # limits.processes = 64, limits.memory = 256M, limits.file_size = 50M

echo "# tasks: limits.processes = 64"
attack "fork 100 waiting children" '^ok:100$' 'EAGAIN:[0-9]+' "$lab" "$u" "$r" forks 100
n=${R_OUT#EAGAIN:}
ok "... stopped below the limit ($n children besides the session's own processes)" test "$n" -lt 64
# a real fork bomb for 4 seconds; meanwhile the host and the user's other
# processes (outside the session's cgroup) fork as usual
esc_bg "$u" sleep 300
( run_confined "$lab" "$u" "$r" bomb 4; echo "$R_OUT|$R_STATUS|$R_AFTER" >"$ESC_WORK/bomb" ) &
bomb=$!
sleep 1.5
start=$(date +%s%N)
for _ in $(seq 50); do /bin/true; done
host_ms=$((($(date +%s%N) - start) / 1000000))
same_user=$(as_user "$u" sh -c 'echo forked')
wait "$bomb"
is "a fork bomb: the session's first process sees EAGAIN, stops the bomb and the session goes on" "$(cat "$ESC_WORK/bomb")" "ok:EAGAIN|0|ok ok"
ok "the host stays responsive during the bomb (50 forks+execs took ${host_ms} ms)" test "$host_ms" -lt 10000
is "the same user outside the session still forks during the bomb" "$same_user" forked

echo "# memory: limits.memory = 256M"
attack "allocate and touch 512 MiB" '^ok$' '(Killed)?' "$lab" "$u" "$r" memory 512
is "... killed by the session cgroup's OOM killer (SIGKILL: 137), the session goes on" "$R_STATUS|$R_AFTER" "137|ok ok"
sleeper=$(pgrep -u "$u" -x sleep | head -n 1)
ok "... and the user's process outside the session survives (pid $sleeper)" esc_alive "$sleeper"
run_confined "$lab" "$u" "$r" memory 100
is "100 MiB, below the limit, works" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# file size: limits.file_size = 50M"
ESC_BETWEEN="rm -f '$home/big'"
attack "write 60 MiB to one file (SIGXFSZ ignored)" '^ok$' EFBIG "$lab" "$u" "$r" filesize "$home/big" 60
is "... the file stops at exactly 50 MiB" "$(stat -c %s "$home/big")" $((50 * 1024 * 1024))
ESC_BETWEEN="rm -f '$home/big2'"
attack "dd 60 MiB (SIGXFSZ kills it)" '.*60\+0 records out.*' '.*' "$lab" "$u" dd if=/dev/zero of="$home/big2" bs=1M count=60
is "... dd is killed by SIGXFSZ (153), the session goes on" "$R_STATUS|$R_AFTER" "153|ok ok"
ESC_BETWEEN=
rm -f "$home/big" "$home/big2"

echo "# the private /tmp"
mark=crxrs1-escape.$$
install -o "$u" -m 0644 /dev/null "/tmp/$mark-host"
esc_on_exit "rm -rf /tmp/$mark-*"
run_confined "$lab" "$u" sh -c "'$r' filesize /tmp/$mark-fill 45; mkdir /tmp/$mark-many && '$r' files /tmp/$mark-many 2000; '$ESC_TOOLS/fs' read /tmp/$mark-host"
is "45 MiB and 2000 files written to the session's /tmp; the host's /tmp files are not there" "$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" "ok ok ENOENT |ok ok"
is "... the host's /tmp has none of it" "$(ls -d /tmp/$mark-* | tr '\n' ' ')" "/tmp/$mark-host "
is "... it is in /var/lib/corral/tmp/$uid/tmp (a quota is the admin's: corral does not limit disk space)" \
	"$(stat -c %s "/var/lib/corral/tmp/$uid/tmp/$mark-fill") $(ls "/var/lib/corral/tmp/$uid/tmp/$mark-many" | wc -l)" "$((45 * 1024 * 1024)) 2000"

echo "# many sessions at once"
many=()
for i in $(seq 10); do
	( run_confined "$lab" "$u" sh -c "echo started; sleep 6; echo done"; echo "$R_OUT|$R_STATUS|$R_AFTER" | tr '\n' ' ' >"$ESC_WORK/many.$i" ) &
	many+=($!)
done
for _ in $(seq 50); do   # all started (a loaded host may take a while)
	during=$(grep -l "^user $u\$" /run/corral/sessions/* 2>/dev/null | wc -l)
	[ "$during" -ge 10 ] && break
	sleep 0.1
done
sleep 0.5
# the sessions' cgroups, as the user's processes show them: pids/corral/ID
# on v1 controllers, corral-ID.scope under systemd
cgroups=$(for p in $(pgrep -u "$uid"); do cat "/proc/$p/cgroup" 2>/dev/null; done |
	grep -oE '(:pids:/corral/(.*/)?[0-9a-f]{32}$|/corral-[0-9a-f]{32}\.scope$)' | sort -u | wc -l)
wait "${many[@]}"
is "10 concurrent sessions: 10 session records while they run" "$during" 10
is "... 10 session cgroups while they run" "$cgroups" 10
ok_all=$(for f in "$ESC_WORK"/many.*; do [ "$(cat "$f")" = "started done|0|ok ok " ] && echo "$f"; done | wc -l)
is "... all 10 started, ran and ended with status 0" "$ok_all" 10

esc_done
