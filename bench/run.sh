#!/bin/bash
# bench/run.sh — corral's benchmarks against an unconfined login and the
# peers (bubblewrap, firejail). Run as root on a machine you can spare:
#
#     make bench                  # or: CORRAL_BUILD=$PWD/build bench/run.sh
#     BENCH_QUICK=1 make bench    # a short version (about a minute)
#
# It compiles bench/*.c (gcc -O2 -Wall -Wextra -Werror) into a temporary
# directory under /usr/local/lib (inside the policy's fs.exec), creates a
# throwaway group and two users with a typical lab policy, installs its own
# /etc/corral/corral.ini (the one there is moved aside and put back), runs
# every measurement through bench/spawn (medians over interleaved rounds),
# prints the tables and writes them to docs/PERFORMANCE.md. Everything it
# created is removed at the end, also when it fails or is interrupted.
#
# Environment: CORRAL_BUILD (the build directory, default ./build),
# BENCH_QUICK=1, BENCH_DOC (where to write the report, default
# docs/PERFORMANCE.md), BENCH_KEEP (a directory to copy the raw results to).
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$(cd "${CORRAL_BUILD:-$repo/build}" 2>/dev/null && pwd) || build=${CORRAL_BUILD:-$repo/build}
quick=${BENCH_QUICK:-0}
doc=${BENCH_DOC:-$repo/docs/PERFORMANCE.md}
keep=${BENCH_KEEP:-}
group=crbenchlab
user=crbench      # the lab policy
duser=crbdeny     # the lab policy plus fs.deny = /usr/share/doc
puser=crbport     # the lab policy with one bind port instead of 1000
marker=.corral-bench-user

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: it creates users, PAM sessions and /etc/corral"
for f in corral-shell corral-helper pam_corral.so; do
	[ -e "$build/$f" ] || die "$build/$f is missing: make all (or make bench)"
done
for t in gcc make git /usr/bin/python3 runuser useradd; do
	command -v "$t" >/dev/null || die "needs $t"
done

if [ "$quick" = 1 ]; then
	R_LOGIN=8 R_PAM=6 R_SYS=3 N_SYS=100000 R_TRAP=3 N_CONNECT=500 N_MEMFD=1000
	FLOOR="-b 200 -r 4" R_HEAVY=2 R_LIGHT=4 N_SCALE=20 R_SCALE=1 R_IDLE=1
	N_FILES=200 N_COMMITS=300 N_SOURCES=12 BUDGET=30
else
	R_LOGIN=40 R_PAM=30 R_SYS=10 N_SYS=400000 R_TRAP=10 N_CONNECT=2000 N_MEMFD=5000
	FLOOR="-b 500 -r 10" R_HEAVY=7 R_LIGHT=15 N_SCALE=100 R_SCALE=3 R_IDLE=3
	N_FILES=2000 N_COMMITS=3000 N_SOURCES=30 BUDGET=150
fi

# ---- cleanup: everything below is undone here, whatever happens ----
B='' R='' saved='' wrote_config='' listener_pid='' made_group='' config_sum='' config_text='' watcher_pid=''
kill_user_processes() {
	local uid
	uid=$(id -u "$1" 2>/dev/null) || return 0
	for pid in $(ps -o pid= -u "$uid" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
}
cleanup() {
	local status=$?
	trap - EXIT INT TERM HUP
	[ -n "$watcher_pid" ] && kill "$watcher_pid" 2>/dev/null
	[ -n "$listener_pid" ] && kill "$listener_pid" 2>/dev/null && wait "$listener_pid" 2>/dev/null
	for u in "$user" "$duser" "$puser"; do
		if id "$u" >/dev/null 2>&1 && [ -e "$(getent passwd "$u" | cut -d: -f6)/$marker" ]; then
			kill_user_processes "$u"
			sleep 0.2
			kill_user_processes "$u"
			userdel -r "$u" >/dev/null 2>&1
		fi
	done
	[ -n "$made_group" ] && groupdel "$group" >/dev/null 2>&1
	if [ -n "$wrote_config" ]; then
		# only what is still ours: a test that swapped /etc/corral meanwhile restores its own
		if [ ! -e /etc/corral ] || { [ "$(sha256sum </etc/corral/corral.ini)" = "$config_sum" ]; } 2>/dev/null; then
			rm -rf /etc/corral
			[ -n "$saved" ] && mv "$saved" /etc/corral
		else
			say "bench: /etc/corral was changed by something else during the run: left as it is${saved:+; the original is in $saved}"
		fi
	fi
	if [ -n "$keep" ] && [ -n "$R" ] && [ -d "$R" ]; then
		mkdir -p "$keep" && cp -a "$R"/. "$keep"/ && say "bench: raw results kept in $keep"
	fi
	[ -n "$B" ] && rm -rf "$B"
	[ -n "$R" ] && rm -rf "$R"
	[ "$status" -ne 0 ] && say "bench: failed (status $status); cleaned up"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

for u in "$user" "$duser" "$puser"; do
	if id "$u" >/dev/null 2>&1; then
		home=$(getent passwd "$u" | cut -d: -f6)
		[ -e "$home/$marker" ] || die "user $u exists and is not a leftover of this script: not touching it"
		kill_user_processes "$u"
		userdel -r "$u" >/dev/null 2>&1
	fi
done

B=$(mktemp -d /usr/local/lib/corral-bench.XXXXXX) || die "mktemp"
chmod 0755 "$B"
R=$(mktemp -d /tmp/corral-bench-results.XXXXXX) || die "mktemp"

# ---- build ----
say "bench: compiling bench/*.c into $B"
for src in "$here"/*.c; do
	gcc -O2 -Wall -Wextra -Werror -o "$B/$(basename "$src" .c)" "$src" || die "cannot compile $src"
done
# the PAM test driver (tests/tools): `make all build/probe` does not build it
gcc -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-prototypes -o "$B/pam_driver" \
	"$repo/tests/tools/pam_driver.c" -lpam || die "cannot compile tests/tools/pam_driver.c"
install -m 0755 "$build/corral-shell" "$B/corral-shell"
install -m 0755 "$build/corral-helper" "$B/corral-helper"   # found beside the shell
install -m 0755 "$build/corral-session" "$B/corral-session" # the real shell, started by the first stage
mkdir -m 0755 "$B/pam.d"
echo "session required $build/pam_corral.so" >"$B/pam.d/sshd"
echo "session required pam_permit.so" >"$B/pam.d/permit"
chmod 0644 "$B/pam.d/sshd" "$B/pam.d/permit"
S=$B/spawn
PD="$B/pam_driver -q -d $B/pam.d"
CSH=$B/corral-shell

# ---- the loopback listener the trapped connect goes to (outside every session) ----
port=18080
while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
"$B/trapped" listen "$port" >"$R/listener.out" 2>&1 &
listener_pid=$!
for _ in $(seq 50); do grep -q ready "$R/listener.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$R/listener.out" || die "the loopback listener did not start: $(cat "$R/listener.out")"

# ---- users and policy ----
if ! getent group "$group" >/dev/null; then groupadd "$group" || die "groupadd"; made_group=1; fi
for u in "$user" "$duser" "$puser"; do
	useradd -m -G "$group" -s /usr/bin/corral-shell "$u" 2>/dev/null || die "useradd $u"
	touch "$(getent passwd "$u" | cut -d: -f6)/$marker"
done
if [ -e /etc/corral ]; then
	saved=$(mktemp -d /etc/corral.saved-by-bench.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved" ||
		die "cannot move /etc/corral aside"
fi
wrote_config=1
mkdir -m 0755 /etc/corral
# The example lab policy (conf/corral.ini, [group:students]) with a trapped
# network rule (an address: corral-helper decides it), no CPU cap (it would
# halve make -j2 by design, not by overhead) and room for 100 sessions of
# one user (RLIMIT_NPROC counts all of the user's processes).
cat >/etc/corral/corral.ini <<INI
; written by bench/run.sh for the benchmarks; the original is put back after
[default]
confine = no
[group:$group]
confine = yes
shell = /bin/bash
fs.read = /usr /etc /opt /proc /sys/devices/system/cpu /dev/urandom /dev/random /dev/zero
fs.write = ~ /tmp /var/tmp /dev/null /dev/tty /dev/pts /dev/ptmx
fs.exec = /usr /opt
fs.deny = /etc/shadow /etc/gshadow
fs.private_tmp = yes
net.connect = tcp://127.0.0.1:80 tcp://127.0.0.1:$port
net.bind = 8000-8999
ipc.abstract_unix = deny
ipc.signals = session
limits.processes = 4096
limits.memory = 2G
limits.files = 1024
limits.file_size = 4G
limits.core = 0
session.max_time = 12h
session.idle_timeout = 2h
env.keep = LANG LC_* TERM COLORTERM
umask = 077
services = sshd
[user:$duser]
fs.deny = +/usr/share/doc
[user:$puser]
net.bind = 8000
INI
chmod 0644 /etc/corral/corral.ini
config_sum=$(sha256sum </etc/corral/corral.ini)
IFS= read -r -d '' config_text </etc/corral/corral.ini
"$build/corralctl" check -c /etc/corral/corral.ini >"$R/check.out" 2>&1 || die "policy invalid: $(cat "$R/check.out")"

# ---- workloads, in the lab user's home ----
home=$(getent passwd "$user" | cut -d: -f6)
W=$home/work
say "bench: generating the workloads in $W"
runuser -u "$user" -- bash -s "$W" "$N_SOURCES" "$N_FILES" "$N_COMMITS" <<'GEN' || die "cannot generate the workloads"
set -e
W=$1 sources=$2 files=$3 commits=$4
mkdir -p "$W/proj" && cd "$W/proj"
for i in $(seq 1 "$sources"); do
	{
		echo '#include <stdio.h>'; echo '#include <stdlib.h>'; echo '#include <string.h>'
		echo "struct item$i { int key; double weight; char name[32]; };"
		for j in 1 2 3; do
			cat <<C
static int cmp${i}_$j(const void *a, const void *b)
{
	const struct item$i *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}
double work${i}_$j(int n)
{
	struct item$i *v = calloc((size_t)n, sizeof(*v));
	double sum = 0;
	for (int k = 0; k < n; k++) {
		v[k].key = (k * $((i * 7 + j)) + $j) % 1013;
		v[k].weight = v[k].key / (double)(k + 1);
		snprintf(v[k].name, sizeof(v[k].name), "item-%d-%d", $i, k);
	}
	qsort(v, (size_t)n, sizeof(*v), cmp${i}_$j);
	for (int k = 0; k < n; k++)
		sum += v[k].weight * (double)strlen(v[k].name);
	free(v);
	return sum;
}
C
		done
	} >"f$i.c"
done
{
	echo '#include <stdio.h>'
	for i in $(seq 1 "$sources"); do echo "double work${i}_1(int n);"; done
	echo 'int main(void) { double s = 0;'
	for i in $(seq 1 "$sources"); do echo "s += work${i}_1(100);"; done
	echo 'printf("%f\n", s); return 0; }'
} >main.c
printf '%s\n' 'CFLAGS = -O2 -Wall' 'OBJS = $(patsubst %.c,%.o,$(wildcard *.c))' 'prog: $(OBJS)' \
	'	$(CC) -o $@ $(OBJS)' '%.o: %.c' '	$(CC) $(CFLAGS) -c -o $@ $<' >Makefile
make -s -j2 >/dev/null
mkdir -p "$W/repo" && cd "$W/repo"
git init -q .
git symbolic-ref HEAD refs/heads/master
awk -v files="$files" -v commits="$commits" '
function blob(s) { s = s "\n"; printf "data %d\n%s", length(s), s }
function path(k) { return sprintf("src/d%02d/file%04d.txt", k % 40, k) }
BEGIN {
	t = 1700000000
	printf "commit refs/heads/master\ncommitter Bench <bench@example.invalid> %d +0000\n", t
	blob("initial import")
	for (k = 0; k < files; k++) { printf "M 644 inline %s\n", path(k); blob("file " k " version 0") }
	for (c = 1; c < commits; c++) {
		k = (c * 7919) % files
		printf "commit refs/heads/master\ncommitter Bench <bench@example.invalid> %d +0000\n", t + c * 60
		blob("change " c " to file " k)
		printf "M 644 inline %s\n", path(k); blob("file " k " version " c)
	}
}' | git fast-import --quiet
git reset -q --hard
GEN

# ---- runners: where each measured command runs ----
BWRAP_LAB="bwrap --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp --bind $home $home --unshare-all --share-net --die-with-parent"
FJ="firejail --quiet --noprofile"
r_pam="cd / && exec $PD -s sshd -u $user -- $S serve"            # a corral PAM session, unconfined process in it
r_pamdeny="cd / && exec $PD -s sshd -u $duser -- $S serve"
r_pamport="cd / && exec $PD -s sshd -u $puser -- $S serve"
r_corral="cd / && exec $PD -s sshd -u $user -- $CSH -c 'exec $S serve'"   # inside the confined session
r_plain="cd / && exec $PD -s permit -u $user -- $S serve"        # a plain login of the same user
r_bwrap="cd / && exec $PD -s permit -u $user -- $BWRAP_LAB $S serve"
r_fj="cd / && exec $PD -s permit -u $user -- $FJ $S serve"
r_local="exec $S serve"                                         # root, outside everything

# What works here: a peer that cannot run is reported, not benchmarked.
have_bwrap=0 have_fj=0 fj_note='' bwrap_note=''
if command -v bwrap >/dev/null; then
	if out=$(cd / && $PD -s permit -u "$user" -- bwrap --ro-bind / / /usr/bin/true 2>&1); then have_bwrap=1
	else bwrap_note="bwrap fails here: ${out:-exit status $?}"; fi
else bwrap_note="bwrap is not installed"; fi
if command -v firejail >/dev/null; then
	if out=$(cd / && $PD -s permit -u "$user" -- $FJ /usr/bin/true 2>&1); then have_fj=1
	else fj_note="firejail fails here: ${out:-exit status $?}"; fi
	# as the lab user inside the confined session it cannot work (no new namespaces there)
	fj_in_corral=$(cd / && $PD -s sshd -u "$user" -- "$CSH" -c "$FJ /usr/bin/true" 2>&1 | head -n 1)
else fj_note="firejail is not installed"; fi
[ -n "$bwrap_note" ] && say "bench: $bwrap_note"
[ -n "$fj_note" ] && say "bench: $fj_note"
out=$(cd / && $PD -s sshd -u "$user" -- "$CSH" -c "$B/trapped connect $port 3" 2>&1) ||
	die "the trapped connect does not work in a confined session: $out"

config_ours() { [ "$(sha256sum 2>/dev/null </etc/corral/corral.ini)" = "$config_sum" ]; } 2>/dev/null
# Touches $1 as soon as /etc/corral/corral.ini is not ours, even for a moment
# (a test elsewhere moving it aside and back): builtins only, every 50 ms.
# With $2, only until the file $2 exists.
watch_config() {
	local now fd
	exec {fd}<> <(:)
	while [ -z "${2:-}" ] || [ ! -e "$2" ]; do
		now=
		{ IFS= read -r -d '' now </etc/corral/corral.ini; } 2>/dev/null
		[ "$now" = "$config_text" ] || { : >"$1"; return 0; }
		read -r -t 0.05 -u "$fd" _
	done
}
incident() { say "bench: $*"; echo "$*" >>"$R/incidents"; }
# Runs $R/name.spec; results into $R/name.tsv, raw answers into $R/raw.tsv.
# The policy matters when a PAM session opens: for "start" tables only
# while the runners start (their sessions' records carry the policy after
# that), for "all" tables all along (every case opens a session).
run_spec() {   # name rounds warmup start|all
	local name=$1 rounds=$2 warmup=$3 scope=$4 attempt ok
	for attempt in 1 2 3; do
		# a test run elsewhere that swaps /etc/corral puts ours back when it ends
		for _ in $(seq 150); do config_ours && break; sleep 2; done
		config_ours || die "/etc/corral/corral.ini is not ours any more (a test running at the same time?)"
		say "bench: $name ($rounds rounds)"
		rm -f "$R/swapped" "$R/$name.raw" "$R/$name.ready"
		if [ "$scope" = start ]; then watch_config "$R/swapped" "$R/$name.ready" &
		else watch_config "$R/swapped" & fi
		watcher_pid=$!
		ok=1
		"$S" bench -n "$rounds" -w "$warmup" -T "$BUDGET" -r "$R/$name.raw" -R "$R/$name.ready" "$R/$name.spec" \
			>"$R/$name.tsv" 2> >(tee "$R/$name.err" >&2) || ok=0
		kill "$watcher_pid" 2>/dev/null
		wait "$watcher_pid" 2>/dev/null
		watcher_pid=
		if [ -e "$R/swapped" ] || { [ "$scope" = all ] && ! config_ours; }; then
			# sessions opened meanwhile may have had someone else's policy
			incident "$name, attempt $attempt: /etc/corral was swapped while sessions opened (a test running at the same time?); discarded"
		elif [ "$ok" = 1 ]; then
			grep -v '^#' "$R/$name.tsv" >>"$R/results.tsv"
			cat "$R/$name.raw" >>"$R/raw.tsv"
			return 0
		else
			incident "$name, attempt $attempt failed: $(grep -v '^bench:' "$R/$name.err" | tail -n 2 | tr '\n' ' ')"
		fi
	done
	die "$name: three attempts failed"
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
t_start=$(date +%s)

# 1. login latency: commands started from inside one PAM session of the lab
# user (the module's work is once per login, measured apart below)
{
	echo "runner pam $r_pam"
	echo "runner deny $r_pamdeny"
	echo "runner port $r_pamport"
	echo "case login_true pam /usr/bin/true"
	echo "case login_bash pam /bin/bash -c true"
	echo "case login_bashl pam /bin/bash --login -c true"
	echo "case login_corral pam $CSH -c true"
	echo "case login_corrall pam $CSH -c 'bash --login -c true'"
	echo "case login_deny deny $CSH -c true"
	echo "case login_port port $CSH -c true"
	if [ "$have_bwrap" = 1 ]; then
		echo "case login_bwrap pam bwrap --ro-bind / / /usr/bin/true"
		echo "case login_bwrapl pam $BWRAP_LAB /usr/bin/true"
	fi
	[ "$have_fj" = 1 ] && echo "case login_fj pam $FJ /usr/bin/true"
} >"$R/login.spec"
run_spec login "$R_LOGIN" 2 start

# the PAM module's own cost: a whole pam_driver run, module vs pam_permit
{
	echo "runner local $r_local"
	echo "case pam_corral local $PD -s sshd -u $user -- /usr/bin/true"
	echo "case pam_permit local $PD -s permit -u $user -- /usr/bin/true"
	echo "case full_corral local $PD -s sshd -u $user -- $CSH -c true"
	echo "case full_plain local $PD -s permit -u $user -- /bin/bash -c true"
} >"$R/pam.spec"
run_spec pam "$R_PAM" 2 all

# 2. untrapped system calls, in the session vs a plain login
{
	echo "runner corral $r_corral"
	echo "runner plain $r_plain"
	[ "$have_bwrap" = 1 ] && echo "runner bwrap $r_bwrap"
	echo "case sys_corral corral --capture $B/syscalls $N_SYS"
	echo "case sys_plain plain --capture $B/syscalls $N_SYS"
	[ "$have_bwrap" = 1 ] && echo "case sys_bwrap bwrap --capture $B/syscalls $N_SYS"
} >"$R/syscalls.spec"
run_spec syscalls "$R_SYS" 1 start

# 3. trapped system calls, and the bare notification floor
{
	echo "runner corral $r_corral"
	echo "runner plain $r_plain"
	echo "case connect_corral corral --capture $B/trapped connect $port $N_CONNECT"
	echo "case connect_plain plain --capture $B/trapped connect $port $N_CONNECT"
	echo "case memfd_corral corral --capture $B/trapped memfd $N_MEMFD"
	echo "case memfd_plain plain --capture $B/trapped memfd $N_MEMFD"
	echo "case floor plain --capture $B/notify_floor $FLOOR"
} >"$R/trapped.spec"
run_spec trapped "$R_TRAP" 1 start

# 4. real workloads, each run from a runner inside its sandbox
variants="corral plain"
[ "$have_bwrap" = 1 ] && variants="$variants bwrap"
[ "$have_fj" = 1 ] && variants="$variants fj"
runner_of() { case $1 in corral) echo "$r_corral" ;; plain) echo "$r_plain" ;; bwrap) echo "$r_bwrap" ;; fj) echo "$r_fj" ;; esac; }
{
	for v in $variants; do echo "runner $v $(runner_of "$v")"; done
	for v in $variants; do
		echo "case compile_$v $v make -s -B -j2 -C $W/proj"
		echo "case find_$v $v --capture /bin/sh -c 'echo files=\$(find /usr -type f 2>/dev/null | wc -l)'"
	done
} >"$R/heavy.spec"
run_spec heavy "$R_HEAVY" 1 start
{
	for v in $variants; do echo "runner $v $(runner_of "$v")"; done
	for v in $variants; do
		echo "case gitstatus_$v $v git -C $W/repo status"
		echo "case gitlog_$v $v git -C $W/repo log"
		echo "case python_$v $v /usr/bin/python3 -c 'import json, email, http.client, decimal, asyncio'"
		echo "case loop_$v $v /bin/bash -c 'for i in \$(seq 200); do /usr/bin/true; done'"
	done
} >"$R/light.spec"
run_spec light "$R_LIGHT" 1 start

# 5. scale: N sessions at once, each a small workload, then idle
cat >"$B/session-work" <<'WORK'
#!/bin/bash
# one benchmark session: a small workload, then idle until stdin closes
for i in 1 2 3 4 5; do /usr/bin/true; done
cat /etc/os-release >/dev/null
ls /usr/bin >/dev/null
echo ready
read -r _ || :
WORK
chmod 0755 "$B/session-work"
uid=$(id -u "$user")
sc_corral="$PD -s sshd -u $user -- $CSH -c $B/session-work"
sc_plain="$PD -s permit -u $user -- $B/session-work"
sc_bwrap="$PD -s permit -u $user -- $BWRAP_LAB $B/session-work"
sc_fj="$PD -s permit -u $user -- $FJ $B/session-work"
{
	echo "runner local $r_local"
	echo "case scale_corral local --capture $B/scale -n $N_SCALE -u $uid -p corral-helper -- $sc_corral"
	echo "case scale_plain local --capture $B/scale -n $N_SCALE -- $sc_plain"
	[ "$have_bwrap" = 1 ] && echo "case scale_bwrap local --capture $B/scale -n $N_SCALE -u $uid -p bwrap -- $sc_bwrap"
	[ "$have_fj" = 1 ] && echo "case scale_fj local --capture $B/scale -n $N_SCALE -k -u $uid -p firejail -- $sc_fj"
} >"$R/scale.spec"
run_spec scale "$R_SCALE" 0 all
{
	echo "runner local $r_local"
	echo "case idle_corral local --capture $B/scale -n 1 -s 1 -u $uid -p corral-helper -- $sc_corral"
	[ "$have_bwrap" = 1 ] && echo "case idle_bwrap local --capture $B/scale -n 1 -s 1 -u $uid -p bwrap -- $sc_bwrap"
	[ "$have_fj" = 1 ] && echo "case idle_fj local --capture $B/scale -n 1 -s 1 -u $uid -p firejail -- $sc_fj"
} >"$R/idle.spec"
run_spec idle "$R_IDLE" 0 all

# how many files a few workloads open: what trapping openat would multiply
opens_of() {   # label command...: number of open/openat calls, or "n/a"
	if ! command -v strace >/dev/null; then echo n/a; return; fi
	(cd / && strace -u "$user" -f -qq -e trace=open,openat,openat2 -o "$R/strace.$1" "${@:2}" \
		>/dev/null 2>&1) && wc -l <"$R/strace.$1" || echo n/a
}
opens_python=$(opens_of python /usr/bin/python3 -c 'import json, email, http.client, decimal, asyncio')
opens_gitstatus=$(opens_of gitstatus git -C "$W/repo" status)
opens_compile=$(opens_of compile make -s -B -j2 -C "$W/proj")

t_end=$(date +%s)
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----
res=$R/results.tsv raw=$R/raw.tsv
get() {   # label[:key] field: n median mean min max, from the per-case summaries
	awk -F'\t' -v l="$1" -v f="$2" '
		BEGIN { i = f == "n" ? 2 : f == "median" ? 3 : f == "mean" ? 4 : f == "min" ? 5 : f == "max" ? 6 : 0 }
		$1 == l { print $i; found = 1; exit } END { if (!found) print "nan" }' "$res"
}
# The median over rounds of A/B (ratio) or A-B (diff), A and B taken from the
# same round: they ran next to each other, so slow drift (other load on the
# machine) cancels. A and B are labels (ns) or label:key (a captured value).
paired() {   # ratio|diff A B
	awk -F'\t' -v op="$1" -v a="$2" -v b="$3" -v q="${q:-}" '
		function val(key, ns, text,   n, i, kv) {
			if (key == "") return ns
			n = split(text, kv, " ")
			for (i = 1; i <= n; i++) if (index(kv[i], key "=") == 1) return substr(kv[i], length(key) + 2)
			return ""
		}
		BEGIN { na = split(a, A, ":"); nb = split(b, Bv, ":"); if (na < 2) A[2] = ""; if (nb < 2) Bv[2] = "" }
		$2 != "run" { next }
		$3 == A[1] { va[$1] = val(A[2], $4, $5) }
		$3 == Bv[1] { vb[$1] = val(Bv[2], $4, $5) }
		END {
			n = 0
			for (r in va) if ((r in vb) && va[r] != "" && vb[r] != "" && (op == "diff" || vb[r] + 0 != 0))
				x[++n] = op == "ratio" ? (va[r] + 0) / (vb[r] + 0) : va[r] - vb[r]
			if (n == 0) { print "nan"; exit }
			for (i = 2; i <= n; i++) { v = x[i]; for (j = i - 1; j >= 1 && x[j] > v; j--) x[j + 1] = x[j]; x[j + 1] = v }
			if (q) { lo = int((n + 3) / 4); hi = n + 1 - lo; printf "%.2f–%.2f\n", x[lo], x[hi]; exit }
			print n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		}' "$raw"
}
quartiles() {   # A B: the quartiles of the per-round ratios A/B, "Q1–Q3"
	q=1 paired ratio "$1" "$2"
}
calc() {   # expression [decimals]; n/a when an input is missing
	case $1 in *nan* | *n/a* | *inf*) echo n/a; return ;; esac
	awk "BEGIN { x = ($1); if (x != x) { print \"n/a\"; exit }
		s = sprintf(\"%.${2:-2}f\", x); if (s ~ /^-0(\\.0*)?\$/) s = substr(s, 2); print s }" 2>/dev/null || echo n/a
}
has() { [ "$(get "$1" median)" != nan ]; }
med() { get "$1" median; }
ms() { calc "$(get "$1" "${2:-median}") / 1e6" "${3:-2}"; }
us() { calc "$(get "$1" "${2:-median}") / 1e3" "${3:-1}"; }
num() { calc "$(get "$1" "${2:-median}")" "${3:-1}"; }
x() { calc "$1 / $2" 2; }                      # plain ratio of two numbers
pr() { calc "$(paired ratio "$1" "$2")" 2; }    # paired ratio, 2 decimals
pd() { paired diff "$1" "$2"; }                 # paired difference, raw
verdict() {   # condition: met, missed, or n/a when a figure is missing
	case $(calc "($1) ? 1 : 0" 0) in 1) echo met ;; 0) echo "**missed**" ;; *) echo "n/a" ;; esac
}
is() { [ "$(calc "($1) ? 1 : 0" 0)" = 1 ]; }
signed() { case $1 in -* | n/a) echo "$1" ;; *) echo "+$1" ;; esac; }   # +1.0, -0.5

# the figures the text and the targets use
add_corral=$(pd login_corral login_bash)           # ns, corral-shell's own addition
add_corral_true=$(pd login_corral login_true)
add_bwrap=$(pd login_bwrap login_true)
add_fj=$(pd login_fj login_true)
bashl_ratio=$(pr login_corrall login_bashl)
deny_extra=$(pd login_deny login_corral)
bind_extra=$(pd login_corral login_port)
floor_open=$(med floor:cont_sync_med)

out=$R/report.md
{
cat <<EOF
# corral performance

Written by \`bench/run.sh\` ($( [ "$quick" = 1 ] && echo "BENCH_QUICK=1, the short version" || echo "full run")) on $(date -u '+%Y-%m-%d %H:%M UTC'); $((t_end - t_start)) s of measuring.

| machine | |
| --- | --- |
| CPUs (nproc) | $(nproc) |
| model | $(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//') |
| kernel | $(uname -r) |
| memory | $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo) |
| load average (1, 5, 15 min) at start / end | $load_start / $load_end |
| corral | $(git -C "$repo" describe --always --dirty 2>/dev/null || echo unknown) |
| peers | $( [ "$have_bwrap" = 1 ] && bwrap --version ) $( [ "$have_fj" = 1 ] && firejail --version | head -n 1 ) |

Method: the variants of a table run interleaved (A B C, B C A, ... rotating
the start) after an unrecorded warm-up round. Times are medians over the
rounds, with min and max; ratios and differences ("paired") are the median of
the per-round ratio or difference of two variants that ran next to each
other, so drift and load from other processes cancel. CPU is user + system
time of the command and everything it waited for. Commands are started by
\`bench/spawn\` runners that live inside what is measured (a PAM session, the
confined session, bwrap, firejail) and time fork → exec → reaped with
CLOCK_MONOTONIC; a command that fails aborts the table, so no failure is
timed. The policy is the example lab policy (\`conf/corral.ini\`, group
students) with \`net.connect = tcp://127.0.0.1:80 tcp://127.0.0.1:$port\`
(addresses: decided by corral-helper), \`fs.deny = /etc/shadow /etc/gshadow\`,
\`net.bind = 8000-8999\` and no \`limits.cpu\`. "plain" is a login of the same
user through a PAM stack with only pam_permit. "bwrap lab" is
\`$BWRAP_LAB\`; firejail is \`$FJ\`.
EOF
if is "$(cut -d' ' -f1 <<<"$load_start") > 0.5 || $(cut -d' ' -f1 <<<"$load_end") > 0.5"; then
	echo
	echo "The machine was not idle (load average above): single figures are noisy, the paired ratios less so."
fi
if [ -s "$R/incidents" ]; then
	echo
	echo "Incidents during this run (the round sets named were discarded and run again):"
	echo
	sed 's/^/- /' "$R/incidents"
fi
[ -n "$bwrap_note" ] && echo && echo "bwrap: $bwrap_note."
[ -n "$fj_note" ] && echo && echo "firejail: $fj_note."

echo
echo "## 1. Login latency"
echo
echo "Started from inside one PAM session of the lab user (the module ran once, at its open), $(get login_true n) rounds."
echo
echo "| command | median ms | min | max | CPU ms | added, ms (paired) | over |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- |"
row_login() {   # label text base base-text
	has "$1" || return 0
	local add="—"
	[ -n "$3" ] && add=$(calc "$(pd "$1" "$3") / 1e6" 2)
	echo "| $2 | $(ms "$1") | $(ms "$1" min) | $(ms "$1" max) | $(num "$1:cpu_ms" median 2) | $add | ${4:-} |"
}
row_login login_true "\`true\`" ""
row_login login_bash "\`bash -c true\`" login_true "\`true\`"
row_login login_bashl "\`bash --login -c true\`" login_true "\`true\`"
row_login login_corral "\`corral-shell -c true\`" login_bash "\`bash -c true\`"
row_login login_corrall "\`corral-shell -c 'bash --login -c true'\`" login_bashl "\`bash --login -c true\`"
row_login login_deny "\`corral-shell -c true\`, + \`fs.deny = /usr/share/doc\`" login_corral "the lab policy"
row_login login_port "\`corral-shell -c true\`, \`net.bind = 8000\` (1 port, not 1000)" login_corral "the lab policy"
row_login login_bwrap "\`bwrap --ro-bind / / true\`" login_true "\`true\`"
row_login login_bwrapl "bwrap lab \`true\`" login_true "\`true\`"
row_login login_fj "\`firejail --quiet --noprofile true\`" login_true "\`true\`"
echo
echo "corral-shell adds $(calc "$add_corral / 1e6" 2) ms to \`bash -c true\` ($(calc "$add_corral_true / 1e6" 2) ms over bare \`true\`, the shell included)."
has login_bwrap && echo "That is $(x "$add_corral" "$add_bwrap")x what bwrap adds over \`true\` ($(calc "$add_bwrap / 1e6" 2) ms; $(x "$add_corral_true" "$add_bwrap")x counting the shell)."
has login_fj && echo "It is $(x "$add_corral" "$add_fj")x what firejail adds ($(calc "$add_fj / 1e6" 2) ms; $(x "$add_corral_true" "$add_fj")x counting the shell)."
echo "\`bash --login -c true\` in a corral session takes ${bashl_ratio}x the unconfined one."
echo
echo "The PAM module, once per login (a whole \`pam_driver\` run: open the session, run the command as the user, close), $(get pam_corral n) rounds:"
echo
echo "| PAM session running | median ms | min | max |"
echo "| --- | ---: | ---: | ---: |"
echo "| \`true\`, pam_permit only | $(ms pam_permit) | $(ms pam_permit min) | $(ms pam_permit max) |"
echo "| \`true\`, pam_corral | $(ms pam_corral) | $(ms pam_corral min) | $(ms pam_corral max) |"
echo "| \`bash -c true\`, pam_permit only (a plain login) | $(ms full_plain) | $(ms full_plain min) | $(ms full_plain max) |"
echo "| \`corral-shell -c true\`, pam_corral (a whole confined login) | $(ms full_corral) | $(ms full_corral min) | $(ms full_corral max) |"
echo
echo "pam_corral's open + close costs $(calc "$(pd pam_corral pam_permit) / 1e6" 2) ms (paired); a whole confined login $(calc "$(pd full_corral full_plain) / 1e6" 2) ms more than a plain one ($(pr full_corral full_plain)x)."

echo
echo "## 2. System calls corral does not trap"
echo
echo "ns per call from \`bench/syscalls $N_SYS\` (getpid; stat of /usr/bin/true; open+close of /usr/lib/os-release), $(get sys_corral n) rounds."
echo
hdr="| call | plain | corral | corral − plain (paired) | corral min–max"
sep="| --- | ---: | ---: | ---: | ---:"
[ "$have_bwrap" = 1 ] && hdr="$hdr | bwrap lab | bwrap − plain" && sep="$sep | ---: | ---:"
echo "$hdr |"
echo "$sep |"
for k in getpid stat open; do
	line="| $k | $(num sys_plain:$k) | $(num sys_corral:$k) | $(calc "$(pd sys_corral:$k sys_plain:$k)" 1) | $(num sys_corral:$k min)–$(num sys_corral:$k max)"
	[ "$have_bwrap" = 1 ] && line="$line | $(num sys_bwrap:$k) | $(calc "$(pd sys_bwrap:$k sys_plain:$k)" 1)"
	echo "$line |"
done
echo
echo "For scale: a seccomp filter that does not trap the call costs getpid $(calc "$(pd floor:filtered_med floor:native_med)" 0) ns here (one tiny filter, \`notify_floor\`, section 3); a session has three (libseccomp's denylist, the socket/personality allowlist, the notification filter), and Landlock checks the path of every open."

echo
echo "## 3. Trapped system calls"
echo
echo "µs per call; each run's median and mean over its calls, then the median over $(get connect_corral n) rounds."
echo
echo "| call | plain median | corral median | corral/plain (paired) | plain mean | corral mean | corral mean/median |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for op in connect memfd; do
	echo "| $op | $(us ${op}_plain:${op}_med) | $(us ${op}_corral:${op}_med) | $(pr ${op}_corral:${op}_med ${op}_plain:${op}_med) | $(us ${op}_plain:${op}_mean) | $(us ${op}_corral:${op}_mean) | $(pr ${op}_corral:${op}_mean ${op}_corral:${op}_med) |"
done
echo
echo "connect: \`connect(127.0.0.1:$port)\` on a fresh TCP socket, to a listener outside the session; in the session corral-helper checks the rule and connects on the process's behalf. memfd: \`memfd_create(MFD_CLOEXEC)\`, which the helper serves by creating a sealed, non-executable memfd and injecting it."
echo
echo "The floor, \`bench/notify_floor $FLOOR\`: bare user-notification round trips with nothing of corral in them (their own filter trapping getppid, the parent process answering; in the ADDFD rows the trapped call returns the injected fd)."
echo
echo "| round trip | median µs | mean µs |"
echo "| --- | ---: | ---: |"
for m in "native:getpid, no filter" "filtered:getpid under a filter that does not trap it" "cont:CONTINUE" "cont_sync:CONTINUE, sync wake-up" \
	"addfd:ADDFD, then NOTIF_SEND" "addfd_sync:ADDFD, then NOTIF_SEND, sync wake-up (what corral-helper does)" \
	"addfd_flag:ADDFD with FLAG_SEND" "addfd_flag_sync:ADDFD with FLAG_SEND, sync wake-up" \
	"addfd_sync_poll:ADDFD + SEND, sync, poll() before each RECV (an event loop)"; do
	k=${m%%:*}
	echo "| ${m#*:} | $(us floor:${k}_med median 2) | $(us floor:${k}_mean median 2) |"
done
echo
echo "corral-helper's memfd_create takes $(pr memfd_corral:memfd_med floor:addfd_sync_med)x the bare ADDFD + SEND round trip (paired medians); its mean is $(pr memfd_corral:memfd_mean memfd_corral:memfd_med)x its median."

echo
echo "## 4. Workloads"
echo
echo "ms, median (min–max) over $(get compile_corral n) rounds (build, find) and $(get gitstatus_corral n) rounds (the others), each run by a runner inside its sandbox; ratios paired, for wall time and for CPU time."
echo
hdr="| workload | plain | corral | corral/plain | CPU corral/plain"
sep="| --- | ---: | ---: | ---: | ---:"
[ "$have_bwrap" = 1 ] && hdr="$hdr | bwrap lab | corral/bwrap" && sep="$sep | ---: | ---:"
[ "$have_fj" = 1 ] && hdr="$hdr | firejail | corral/firejail" && sep="$sep | ---: | ---:"
echo "$hdr |"
echo "$sep |"
for w in "compile:make -j2, $N_SOURCES files" "find:find /usr -type f | wc -l" "gitstatus:git status ($N_FILES files)" \
	"gitlog:git log ($N_COMMITS commits)" "python:python3 imports" "loop:200 x spawn true"; do
	k=${w%%:*}
	line="| ${w#*:} | $(ms ${k}_plain median 1) ($(ms ${k}_plain min 1)–$(ms ${k}_plain max 1)) | $(ms ${k}_corral median 1) ($(ms ${k}_corral min 1)–$(ms ${k}_corral max 1)) | $(pr ${k}_corral ${k}_plain) | $(pr ${k}_corral:cpu_ms ${k}_plain:cpu_ms)"
	[ "$have_bwrap" = 1 ] && line="$line | $(ms ${k}_bwrap median 1) | $(pr ${k}_corral ${k}_bwrap)"
	[ "$have_fj" = 1 ] && line="$line | $(ms ${k}_fj median 1) | $(pr ${k}_corral ${k}_fj)"
	echo "$line |"
done
echo
echo "find counted $(num find_corral:files median 0) files in the session, $(num find_plain:files median 0) in a plain login."

echo
echo "## 5. Scale"
echo
echo "$N_SCALE sessions started at once, each a whole login (\`pam_driver\` → the shell) running a small workload (5 x true, cat, ls) and then idling; $(get scale_corral n) rounds. \"ready\": from the start until all $N_SCALE finished their workload; memory taken with all of them idle."
echo
echo "| $N_SCALE sessions | ready ms | all ended ms | MemAvailable drop per session, KiB | sandbox process PSS per session, KiB | its RSS, KiB | sessions failed (most in a round) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for v in "corral:corral (corral-helper)" "plain:plain login (no sandbox process)" "bwrap:bwrap lab (bwrap)" "fj:firejail (firejail)"; do
	k=scale_${v%%:*}
	has "$k" || continue
	if [ "${v%%:*}" = plain ]; then p="—" r="—"; else p=$(num "$k:pss_kb" median 0) r=$(num "$k:rss_kb" median 0); fi
	echo "| ${v#*:} | $(num "$k:ready_ms" median 0) | $(num "$k:total_ms" median 0) | $(num "$k:avail_kb" median 0) | $p | $r | $(num "$k:failed" max 0) |"
done
if is "$(get scale_fj:failed max) > 0"; then
	echo
	echo "firejail failed some of its $N_SCALE concurrent sessions itself (run with \`-k\`: the figures are over the sessions that started); its messages: \`$(grep -m 1 -h '^Error' "$R/scale.err" 2>/dev/null)\`."
fi
echo
echo "One session alone, idle (its sandbox process shares nothing with other sessions):"
echo
echo "| one idle session | PSS KiB | RSS KiB | processes |"
echo "| --- | ---: | ---: | ---: |"
for v in "corral:corral-helper" "bwrap:bwrap" "fj:firejail"; do
	k=idle_${v%%:*}
	has "$k" || continue
	echo "| ${v#*:} | $(num "$k:pss_kb" median 0) | $(num "$k:rss_kb" median 0) | $(num "$k:procs" median 0) |"
done

echo
echo "## fs.deny: a static Landlock carve-out vs a trap on every open"
echo
echo "\`fs.deny = /usr/share/doc\` under \`fs.read = /usr\` and \`fs.exec = /usr\` makes the session grant /usr and /usr/share entry by entry around the denied tree (lib/sandbox.c, grant_around): session start $(ms login_deny) ms against $(ms login_corral) ms, $(calc "$deny_extra / 1e3" 0) µs more (paired), once per session."
echo "Trapping openat instead would cost at least the bare CONTINUE round trip, $(calc "$floor_open / 1e3" 2) µs, on every open of the session (more with the path read and checked): the carve-out is paid back after $(calc "$deny_extra / $floor_open" 0) opens."
echo "Opens counted with strace (unconfined): python3 with those imports $opens_python, git status $opens_gitstatus, the make -j2 build $opens_compile$( [ "$opens_compile" != n/a ] && echo " (≈ $(calc "$opens_compile * $floor_open / 1e6" 1) ms of traps at the floor)")."
echo "Landlock also takes TCP ports one rule each: \`net.bind = 8000-8999\` is 1000 rules, $(calc "$bind_extra / 1e3" 0) µs of session start against \`net.bind = 8000\` (paired)."

echo
echo "## Targets"
echo
echo "| target | measured | |"
echo "| --- | --- | --- |"
if has login_bwrap; then
	r=$(x "$add_corral" "$add_bwrap")
	echo "| corral-shell login adds ≤ 0.35x what bwrap adds over \`true\` | ${r}x ($(x "$add_corral_true" "$add_bwrap")x counting the shell) | $(verdict "$r <= 0.35") |"
fi
if has login_fj; then
	r=$(x "$add_corral" "$add_fj")
	echo "| ... and ≤ 0.1x what firejail adds | ${r}x ($(x "$add_corral_true" "$add_fj")x counting the shell) | $(verdict "$r <= 0.1") |"
fi
echo "| \`bash --login -c true\` under corral within 1.6x of unconfined | ${bashl_ratio}x | $(verdict "$bashl_ratio <= 1.6") |"
d_getpid=$(calc "$(pd sys_corral:getpid sys_plain:getpid)" 1)
d_stat=$(calc "$(pd sys_corral:stat sys_plain:stat)" 1)
d_open=$(calc "$(pd sys_corral:open sys_plain:open)" 1)
worst=$(printf '%s\n' "$d_getpid" "$d_stat" "$d_open" | sort -g | tail -n 1)
echo "| untrapped syscalls ≤ +20 ns | getpid $(signed "$d_getpid"), stat $(signed "$d_stat"), open+close $(signed "$d_open") ns | $(verdict "$worst <= 20") |"
r=$(pr compile_corral compile_plain)
echo "| compile within 1.05x | ${r}x (CPU $(pr compile_corral:cpu_ms compile_plain:cpu_ms)x; quartiles $(quartiles compile_corral compile_plain)) | $(verdict "$r <= 1.05") |"
r=$(pr loop_corral loop_plain)
echo "| spawning within 1.10x | ${r}x (CPU $(pr loop_corral:cpu_ms loop_plain:cpu_ms)x) | $(verdict "$r <= 1.10") |"
for w in "gitstatus:git status" "gitlog:git log" "find:find" "python:python3 start"; do
	k=${w%%:*}
	r=$(pr ${k}_corral ${k}_plain)
	if [ "$have_bwrap" = 1 ]; then
		rb=$(pr ${k}_corral ${k}_bwrap)
		echo "| ${w#*:} within 1.25x and never worse than bwrap | ${r}x plain, ${rb}x bwrap (per-round ratios to bwrap, quartiles: $(quartiles ${k}_corral ${k}_bwrap)) | $(verdict "$r <= 1.25 && $rb <= 1.0") |"
	else
		echo "| ${w#*:} within 1.25x | ${r}x plain (no bwrap here) | $(verdict "$r <= 1.25") |"
	fi
done
r=$(pr connect_corral:connect_med connect_plain:connect_med)
echo "| trapped connect within 1.8x of native | ${r}x | $(verdict "$r <= 1.8") |"
r=$(pr memfd_corral:memfd_med floor:addfd_sync_med)
r2=$(pr memfd_corral:memfd_mean memfd_corral:memfd_med)
echo "| injected memfd within 1.5x of the bare ADDFD floor, mean within 1.5x of median | ${r}x the floor, mean/median $r2 | $(verdict "$r <= 1.5 && $r2 <= 1.5") |"
if has idle_bwrap; then
	r=$(pr idle_corral:pss_kb idle_bwrap:pss_kb)
	r100=$(pr scale_corral:pss_kb scale_bwrap:pss_kb)
	echo "| helper ≤ 0.5x bwrap's per-session PSS | ${r}x for one idle session ($(num idle_corral:pss_kb median 0) vs $(num idle_bwrap:pss_kb median 0) KiB), ${r100}x with $N_SCALE sessions | $(verdict "$r <= 0.5") |"
fi

# what this means for an admin: sentences chosen from the numbers
echo
echo "## What this means for an admin"
echo
login_ms=$(calc "$(pd full_corral full_plain) / 1e6" 1)
s="A confined login costs $login_ms ms more than a plain one here (pam_corral and corral-shell; $(ms full_corral median 1) ms in all)"
if has login_bwrap; then
	if is "$add_corral < $add_bwrap"; then s="$s, and corral-shell itself adds less than starting bwrap does"
	else s="$s, and corral-shell itself adds $(x "$add_corral" "$add_bwrap")x what starting bwrap does"; fi
fi
if is "$login_ms < 50"; then
	echo "$s. Nobody notices that at an interactive ssh login; \`ssh host cmd\` in a loop, many small scp/rsync connections and minutely cron jobs pay it each time."
else
	echo "$s. That is noticeable for \`ssh host cmd\` in scripts and for every scp/rsync connection."
fi
echo "Part of it is building the Landlock ruleset: an \`fs.deny\` inside a granted tree turns the tree into one rule per entry around it (\`/usr/share/doc\` costs $(calc "$deny_extra / 1e6" 1) ms per session start here) and \`net.bind\` is one rule per port ($(calc "$bind_extra / 1e6" 1) ms for 8000-8999); keep denies few and near the top of a tree, and bind ranges short."
gp=$(calc "$(pd sys_corral:getpid sys_plain:getpid)" 0)
op=$(calc "$(pd sys_corral:open sys_plain:open)" 0)
echo "Inside the session every system call runs the seccomp filters ($(signed "$gp") ns on getpid) and every open goes through Landlock ($(signed "$op") ns per open+close)."
cr=$(pr compile_corral compile_plain) fr=$(pr find_corral find_plain) gr=$(pr gitstatus_corral gitstatus_plain) py=$(pr python_corral python_plain)
over=
for w in "compile:the parallel build:1.05" "loop:spawning 200 processes:1.10" "gitstatus:git status:1.25" "gitlog:git log:1.25" \
	"find:the walk of /usr:1.25" "python:the python start:1.25"; do
	k=${w%%:*} rest=${w#*:}
	r=$(pr ${k}_corral ${k}_plain)
	is "$r > ${rest##*:}" && over="$over${over:+, }${rest%:*} ${r}x (CPU $(pr ${k}_corral:cpu_ms ${k}_plain:cpu_ms)x, per-round quartiles $(quartiles ${k}_corral ${k}_plain))"
done
if [ -z "$over" ]; then
	echo "On real work that stays small: ${cr}x on a parallel build, ${fr}x on a walk of /usr, ${gr}x for git status, ${py}x for a python start; students will not see it in editors, compilers or git."
else
	echo "On real work: ${cr}x on a parallel build, ${fr}x on a walk of /usr, ${gr}x for git status, ${py}x for a python start; over the targets: $over. Where the CPU ratio stays near 1 and the quartiles straddle 1, the excess is this machine's noise rather than work corral adds."
fi
fcpu=$(pr find_corral:cpu_ms find_plain:cpu_ms)
is "$fcpu > 1.05" && echo "Walking big trees costs CPU for real (${fcpu}x for find): Landlock checks every directory opened, the more so the deeper it is."
cn=$(pr connect_corral:connect_med connect_plain:connect_med)
cd_us=$(calc "$(pd connect_corral:connect_med connect_plain:connect_med) / 1e3" 0)
echo "Connections that an address rule decides go through corral-helper: ${cn}x a native loopback connect, $cd_us µs more each — nothing next to a real network round trip, but a program making thousands of short connections a second would feel it; port-only rules (Landlock) do not trap."
more=$(calc "($(med scale_corral:avail_kb) - $(med scale_plain:avail_kb)) * $N_SCALE / 1024" 0)
s="Memory: a session's corral-helper is $(num scale_corral:pss_kb median 0) KiB PSS with $N_SCALE sessions running ($(num idle_corral:pss_kb median 0) KiB when it is the only one)"
has idle_bwrap && s="$s, bwrap $(num scale_bwrap:pss_kb median 0) / $(num idle_bwrap:pss_kb median 0) KiB"
if is "$more <= 0"; then
	echo "$s; $N_SCALE confined sessions took no more MemAvailable than $N_SCALE plain ones, within the noise."
else
	echo "$s; $N_SCALE confined sessions took about $more MiB more MemAvailable than $N_SCALE plain ones (MemAvailable is machine-wide: a rough figure)."
fi
echo "bwrap and firejail cost next to nothing per system call once started (namespaces only), which is why they do well in the runtime columns; they decide no network destinations, signals or per-path rules for a login, which is what corral's filters and helper pay for."
[ -n "${fj_in_corral:-}" ] && echo "firejail cannot start inside a corral session (no_new_privs voids its setuid bit and the filter refuses new namespaces): \`${fj_in_corral}\`."
} >"$out"

cat "$out"
mkdir -p "$(dirname "$doc")" && cp "$out" "$doc" && chmod 0644 "$doc" && say "bench: wrote $doc"
