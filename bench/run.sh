#!/bin/bash
# bench/run.sh — corral's benchmarks against an unconfined login and the
# peers (bubblewrap, firejail). Run as root on a machine you can spare:
#
#     make bench                  # or: CORRAL_BUILD=$PWD/build bench/run.sh
#     BENCH_QUICK=1 make bench    # a short version (about a minute)
#     CORRAL_BEFORE=/tmp/old/build make bench   # + an earlier build's logins, interleaved
#
# It compiles bench/*.c (gcc -O2 -Wall -Wextra -Werror) into a temporary
# directory under /usr/local/lib (inside the policy's fs.exec), creates a
# throwaway group and four users with a typical lab policy, installs its own
# /etc/corral/corral.ini (the one there is moved aside and put back), runs
# every measurement through bench/spawn (medians over interleaved rounds),
# prints the tables and writes them to docs/PERFORMANCE.md. Everything it
# created is removed at the end, also when it fails or is interrupted.
#
# Environment: CORRAL_BUILD (the build directory, default ./build),
# CORRAL_BEFORE (the build directory of an earlier tree: its logins run
# interleaved with this one's, "before and after"), BENCH_QUICK=1,
# BENCH_DOC (where to write the report, default docs/PERFORMANCE.md),
# BENCH_KEEP (a directory to copy the raw results to).
set -u
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
build=$(cd "${CORRAL_BUILD:-$repo/build}" 2>/dev/null && pwd) || build=${CORRAL_BUILD:-$repo/build}
quick=${BENCH_QUICK:-0}
doc=${BENCH_DOC:-$repo/docs/PERFORMANCE.md}
keep=${BENCH_KEEP:-}
before=${CORRAL_BEFORE:-}
before_rev=
group=crbenchlab
user=crbench      # the lab policy
duser=crbdeny     # the lab policy plus fs.deny = /usr/share/doc
puser=crbport     # the lab policy with one bind port instead of 1000
nuser=crbnet      # the lab policy with port-only network rules (Landlock's from ABI 4)
marker=.corral-bench-user

say() { printf '%s\n' "$*" >&2; }
die() { say "bench: $*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root: it creates users, PAM sessions and /etc/corral"
for f in corral-shell corral-helper corral-session pam_corral.so libcorral.a; do
	[ -e "$build/$f" ] || die "$build/$f is missing: make all (or make bench)"
done
if [ -n "$before" ]; then
	before=$(cd "$before" 2>/dev/null && pwd) || die "CORRAL_BEFORE=$CORRAL_BEFORE: no such directory"
	for f in corral-shell corral-helper corral-session pam_corral.so; do
		[ -e "$before/$f" ] || die "$before/$f is missing (CORRAL_BEFORE: the build directory of the earlier tree)"
	done
fi
for t in gcc make git /usr/bin/python3 runuser useradd; do
	command -v "$t" >/dev/null || die "needs $t"
done

# N_FLOOD connects split over P_FLOOD processes at once; CURVE: how many
# whole logins at once in the scale curve (the last one is the target's)
if [ "$quick" = 1 ]; then
	R_LOGIN=8 R_PAM=6 R_SYS=3 N_SYS=100000 R_TRAP=3 N_CONNECT=500 N_MEMFD=1000 N_CALL=1000
	FLOOR="-b 200 -r 4" R_HEAVY=2 R_LIGHT=4 N_SCALE=20 R_SCALE=1 R_IDLE=1 R_CURVE=1
	N_FILES=200 N_COMMITS=300 N_SOURCES=12 BUDGET=30 N_FLOOD=1600 P_FLOOD=32
else
	R_LOGIN=40 R_PAM=30 R_SYS=15 N_SYS=400000 R_TRAP=10 N_CONNECT=2000 N_MEMFD=5000 N_CALL=5000
	FLOOR="-b 500 -r 10" R_HEAVY=7 R_LIGHT=15 N_SCALE=100 R_SCALE=3 R_IDLE=3 R_CURVE=3
	N_FILES=2000 N_COMMITS=3000 N_SOURCES=30 BUDGET=150 N_FLOOD=6400 P_FLOOD=32
fi
CURVE="1 10 100 300"
# 300 logins at once: two pipes each in bench/scale, and every session's
# own descriptors under root's limits until pam_driver drops to the user
ulimit -n 65536 2>/dev/null || ulimit -n 8192 2>/dev/null || say "bench: cannot raise the open-files limit"

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
	for u in "$user" "$duser" "$puser" "$nuser"; do
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

for u in "$user" "$duser" "$puser" "$nuser"; do
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
	[ "$src" = "$here/landlock_layer.c" ] && continue # below: it links the library
	gcc -O2 -Wall -Wextra -Werror -o "$B/$(basename "$src" .c)" "$src" || die "cannot compile $src"
done
# one Landlock layer with the session's rules: the build's own policy and plan code
gcc -O2 -Wall -Wextra -Werror -I"$repo/lib/policy" -I"$repo/lib/kernel" -I"$repo/lib/session" -I"$repo/lib/util" \
	-o "$B/landlock_layer" "$here/landlock_layer.c" "$build/libcorral.a" -liniparser -lseccomp -lcap ||
	die "cannot compile bench/landlock_layer.c against $build/libcorral.a"
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
# The fallbacks of older kernels, on this one: pam_corral's root-only cap on
# the Landlock ABI (Ubuntu 24.04 has 4, Debian 12 has 2), kept in the
# session record for corral-shell. A service directory each, so that the
# service is still "sshd" (the policy's services = sshd).
for abi in 4 2; do
	mkdir -m 0755 "$B/pam.abi$abi"
	echo "session required $build/pam_corral.so landlock_abi=$abi" >"$B/pam.abi$abi/sshd"
	chmod 0644 "$B/pam.abi$abi/sshd"
done
S=$B/spawn
PD="$B/pam_driver -q -d $B/pam.d"
PD4="$B/pam_driver -q -d $B/pam.abi4"
PD2="$B/pam_driver -q -d $B/pam.abi2"
CSH=$B/corral-shell
if [ -n "$before" ]; then
	# the earlier tree's shell, helper and module: its own copies, found beside each other
	mkdir -m 0755 "$B/before" "$B/pam.before"
	for f in corral-shell corral-helper corral-session; do install -m 0755 "$before/$f" "$B/before/$f"; done
	echo "session required $before/pam_corral.so" >"$B/pam.before/sshd"
	chmod 0644 "$B/pam.before/sshd"
	PDB="$B/pam_driver -q -d $B/pam.before"
	BCSH=$B/before/corral-shell
	before_rev=$(git -C "$before/.." describe --always --dirty 2>/dev/null || echo "unknown")
fi
host_abi=$("$B/trapped" abi | sed -n 's/^abi=//p')
OPEN_PATH=/usr/lib/x86_64-linux-gnu/libc.so.6 # bench/syscalls.c's, three directories deep

# ---- the loopback listener the trapped connect goes to (outside every session) ----
port=18080
while ss -Htln "sport = :$port" 2>/dev/null | grep -q .; do port=$((port + 1)); done
"$B/trapped" listen "$port" >"$R/listener.out" 2>&1 &
listener_pid=$!
for _ in $(seq 50); do grep -q ready "$R/listener.out" 2>/dev/null && break; sleep 0.1; done
grep -q ready "$R/listener.out" || die "the loopback listener did not start: $(cat "$R/listener.out")"
# the port the timed bind takes, in the lab's net.bind range: free of every TCP socket
bport=8000
while ss -Htan "sport = :$bport" 2>/dev/null | grep -q .; do bport=$((bport + 1)); done
[ "$bport" -le 8999 ] || die "no free TCP port in 8000-8999 for the timed bind"

# ---- users and policy ----
if ! getent group "$group" >/dev/null; then groupadd "$group" || die "groupadd"; made_group=1; fi
for u in "$user" "$duser" "$puser" "$nuser"; do
	useradd -m -G "$group" -s /usr/bin/corral-shell "$u" 2>/dev/null || die "useradd $u"
	touch "$(getent passwd "$u" | cut -d: -f6)/$marker"
done
if [ -e /etc/corral ]; then
	if ! { saved=$(mktemp -d /etc/corral.saved-by-bench.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved"; }; then
		die "cannot move /etc/corral aside"
	fi
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
; port-only rules Landlock can enforce from ABI 4 (ipc.unix = / leaves no unix
; socket to mediate): connect and bind untrapped there, trapped below
[user:$nuser]
net.connect = tcp://*:$port
net.bind = $bport
ipc.unix = /
INI
chmod 0644 /etc/corral/corral.ini
config_sum=$(sha256sum </etc/corral/corral.ini)
IFS= read -r -d '' config_text </etc/corral/corral.ini
"$build/corralctl" check -c /etc/corral/corral.ini >"$R/check.out" 2>&1 || die "policy invalid: $(cat "$R/check.out")"
if [ -n "$before" ] && [ -x "$before/corralctl" ]; then
	"$before/corralctl" check -c /etc/corral/corral.ini >"$R/check-before.out" 2>&1 ||
		die "policy invalid for the earlier build: $(cat "$R/check-before.out")"
fi

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
# the references of the system-call table: a plain login under one allow-all
# seccomp filter; under one Landlock layer with the session's rules; under
# one Landlock layer with a single rule beneath /
r_filter1="cd / && exec $PD -s permit -u $user -- $B/allow_filter $S serve"
r_llpol="cd / && exec $PD -s permit -u $user -- $B/landlock_layer policy -- $S serve"
r_llroot="cd / && exec $PD -s permit -u $user -- $B/landlock_layer root -- $S serve"
# the fallbacks: the same sessions with pam_corral's landlock_abi= cap
r_pam4="cd / && exec $PD4 -s sshd -u $user -- $S serve"
r_pam2="cd / && exec $PD2 -s sshd -u $user -- $S serve"
r_net7="cd / && exec $PD -s sshd -u $nuser -- $CSH -c 'exec $S serve'"   # port-only rules, this kernel
r_net4="cd / && exec $PD4 -s sshd -u $nuser -- $CSH -c 'exec $S serve'"
r_net2="cd / && exec $PD2 -s sshd -u $nuser -- $CSH -c 'exec $S serve'"
if [ -n "$before" ]; then   # the earlier build's sessions
	r_bpam="cd / && exec $PDB -s sshd -u $user -- $S serve"
	r_bpamdeny="cd / && exec $PDB -s sshd -u $duser -- $S serve"
fi

# What works here: a peer that cannot run is reported, not benchmarked.
have_bwrap=0 have_fj=0 fj_note='' bwrap_note=''
if command -v bwrap >/dev/null; then
	if out=$(cd / && $PD -s permit -u "$user" -- bwrap --ro-bind / / /usr/bin/true 2>&1); then have_bwrap=1
	else bwrap_note="bwrap fails here: ${out:-exit status $?}"; fi
else bwrap_note="bwrap is not installed"; fi
if command -v firejail >/dev/null; then
	# shellcheck disable=SC2086 # $FJ is a command line
	if out=$(cd / && $PD -s permit -u "$user" -- $FJ /usr/bin/true 2>&1); then have_fj=1
	else fj_note="firejail fails here: ${out:-exit status $?}"; fi
	# as the lab user inside the confined session it cannot work (no new namespaces there)
	fj_in_corral=$(cd / && $PD -s sshd -u "$user" -- "$CSH" -c "$FJ /usr/bin/true" 2>&1 | head -n 1)
else fj_note="firejail is not installed"; fi
[ -n "$bwrap_note" ] && say "bench: $bwrap_note"
[ -n "$fj_note" ] && say "bench: $fj_note"
out=$(cd / && $PD -s sshd -u "$user" -- "$CSH" -c "$B/trapped connect $port 3" 2>&1) ||
	die "the trapped connect does not work in a confined session: $out"
# every call of the fallback table, at every cap, once: a refusal here is a finding, not a figure
for pd in "$PD" "$PD4" "$PD2"; do
	for op in "connect $port 3" "bind $bport 3" "kill 3" "setprio 3"; do
		out=$(cd / && $pd -s sshd -u "$nuser" -- "$CSH" -c "$B/trapped $op" 2>&1) ||
			die "trapped $op fails in a confined session (${pd##*-d }): $out"
	done
done
# the references confine what they claim to: a Landlock layer with the lab
# rules refuses /var (not in fs.read), the one-rule layer does not, and the
# allow-all filter is a filter
out=$(cd / && $PD -s permit -u "$user" -- "$B/landlock_layer" policy -- /bin/ls /usr/bin/true 2>&1) ||
	die "landlock_layer policy cannot run: $out"
out=$(cd / && $PD -s permit -u "$user" -- "$B/landlock_layer" policy -- /bin/ls /var 2>&1) &&
	die "landlock_layer policy does not confine: ls /var worked"
out=$(cd / && $PD -s permit -u "$user" -- "$B/landlock_layer" root -- /bin/ls /var 2>&1) ||
	die "landlock_layer root refuses /var: $out"
out=$(cd / && $PD -s permit -u "$user" -- "$B/allow_filter" /bin/grep -q '^Seccomp:[[:space:]]*2' /proc/self/status 2>&1) ||
	die "allow_filter installs no filter: $out"
if [ -n "$before" ]; then
	out=$(cd / && $PDB -s sshd -u "$duser" -- "$BCSH" -c true 2>&1) ||
		die "the earlier build's login does not work: $out"
fi

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
	echo "runner pam4 $r_pam4"
	echo "runner pam2 $r_pam2"
	echo "case login_corral4 pam4 $CSH -c true"
	echo "case login_corral2 pam2 $CSH -c true"
	if [ -n "$before" ]; then
		echo "runner bpam $r_bpam"
		echo "runner bdeny $r_bpamdeny"
		echo "case login_before bpam $BCSH -c true"
		echo "case login_before_deny bdeny $BCSH -c true"
	fi
	# the peers start from a plain login: inside a pam_corral session (its
	# view: /run read-only) firejail cannot start
	if [ "$have_bwrap" = 1 ] || [ "$have_fj" = 1 ]; then
		echo "runner plain $r_plain"
		echo "case login_ptrue plain /usr/bin/true"
	fi
	if [ "$have_bwrap" = 1 ]; then
		echo "case login_bwrap plain bwrap --ro-bind / / /usr/bin/true"
		echo "case login_bwrapl plain $BWRAP_LAB /usr/bin/true"
	fi
	[ "$have_fj" = 1 ] && echo "case login_fj plain $FJ /usr/bin/true"
} >"$R/login.spec"
run_spec login "$R_LOGIN" 2 start

# the PAM module's own cost: a whole pam_driver run, module vs pam_permit
{
	echo "runner local $r_local"
	echo "case pam_corral local $PD -s sshd -u $user -- /usr/bin/true"
	echo "case pam_permit local $PD -s permit -u $user -- /usr/bin/true"
	echo "case full_corral local $PD -s sshd -u $user -- $CSH -c true"
	echo "case full_plain local $PD -s permit -u $user -- /bin/bash -c true"
	# Landlock ABI 4 and 2: what Ubuntu 24.04 and Debian 12 pay
	echo "case full_corral4 local $PD4 -s sshd -u $user -- $CSH -c true"
	echo "case full_corral2 local $PD2 -s sshd -u $user -- $CSH -c true"
	# fs.deny = /usr/share/doc on top of the lab policy
	echo "case pam_deny local $PD -s sshd -u $duser -- /usr/bin/true"
	echo "case full_deny local $PD -s sshd -u $duser -- $CSH -c true"
	# bwrap's own start, in the same rounds: a pam_permit login running bwrap
	# around true, against the same login running true (pam_permit above)
	if [ "$have_bwrap" = 1 ]; then
		echo "case pam_bwrapl local $PD -s permit -u $user -- $BWRAP_LAB /usr/bin/true"
		echo "case pam_bwrap local $PD -s permit -u $user -- bwrap --ro-bind / / /usr/bin/true"
	fi
	if [ -n "$before" ]; then
		echo "case pam_before local $PDB -s sshd -u $user -- /usr/bin/true"
		echo "case pam_before_deny local $PDB -s sshd -u $duser -- /usr/bin/true"
		echo "case full_before local $PDB -s sshd -u $user -- $BCSH -c true"
		echo "case full_before_deny local $PDB -s sshd -u $duser -- $BCSH -c true"
	fi
} >"$R/pam.spec"
run_spec pam "$R_PAM" 2 all

# 2. untrapped system calls, in the session vs a plain login
{
	echo "runner corral $r_corral"
	echo "runner plain $r_plain"
	echo "runner filter1 $r_filter1"
	echo "runner llpol $r_llpol"
	echo "runner llroot $r_llroot"
	[ "$have_bwrap" = 1 ] && echo "runner bwrap $r_bwrap"
	echo "case sys_corral corral --capture $B/syscalls $N_SYS"
	echo "case sys_plain plain --capture $B/syscalls $N_SYS"
	echo "case sys_filter1 filter1 --capture $B/syscalls $N_SYS"
	echo "case sys_llpol llpol --capture $B/syscalls $N_SYS"
	echo "case sys_llroot llroot --capture $B/syscalls $N_SYS"
	[ "$have_bwrap" = 1 ] && echo "case sys_bwrap bwrap --capture $B/syscalls $N_SYS"
} >"$R/syscalls.spec"
run_spec syscalls "$R_SYS" 1 start

# 3. trapped system calls, and the bare notification floor
{
	echo "runner corral $r_corral"
	echo "runner plain $r_plain"
	echo "case connect_corral corral --capture $B/trapped connect $port $N_CONNECT"
	echo "case connect_plain plain --capture $B/trapped connect $port $N_CONNECT"
	echo "case flood_corral corral --capture $B/trapped flood $port $N_FLOOD $P_FLOOD"
	echo "case flood_plain plain --capture $B/trapped flood $port $N_FLOOD $P_FLOOD"
	echo "case memfd_corral corral --capture $B/trapped memfd $N_MEMFD"
	echo "case memfd_plain plain --capture $B/trapped memfd $N_MEMFD"
	echo "case bind_corral corral --capture $B/trapped bind $bport $N_CALL"
	echo "case floor plain --capture $B/notify_floor $FLOOR"
	# the fallbacks: the port-only user on this kernel and capped at ABI 4 and 2
	echo "runner net7 $r_net7"
	echo "runner net4 $r_net4"
	echo "runner net2 $r_net2"
	echo "case bind_plain plain --capture $B/trapped bind $bport $N_CALL"
	echo "case kill_plain plain --capture $B/trapped kill $N_CALL"
	echo "case setprio_plain plain --capture $B/trapped setprio $N_CALL"
	for a in 7 4 2; do
		echo "case connect_net$a net$a --capture $B/trapped connect $port $N_CONNECT"
		echo "case bind_net$a net$a --capture $B/trapped bind $bport $N_CALL"
		echo "case kill_net$a net$a --capture $B/trapped kill $N_CALL"
		echo "case setprio_net$a net$a --capture $B/trapped setprio $N_CALL"
	done
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
		# target 2: the login shell's own start, in an open session
		echo "case bashl_$v $v /bin/bash --login -c true"
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
# idle: measured IDLE_S after the session is ready, when corral-helper has
# been quiet long enough to unmap its code (HELPER_IDLE_RELEASE_MS, 10 s);
# the others wait as long
IDLE_S=12
{
	echo "runner local $r_local"
	echo "case idle_corral local --capture $B/scale -n 1 -s $IDLE_S -u $uid -p corral-helper -- $sc_corral"
	[ "$have_bwrap" = 1 ] && echo "case idle_bwrap local --capture $B/scale -n 1 -s $IDLE_S -u $uid -p bwrap -- $sc_bwrap"
	[ "$have_fj" = 1 ] && echo "case idle_fj local --capture $B/scale -n 1 -s $IDLE_S -u $uid -p firejail -- $sc_fj"
} >"$R/idle.spec"
run_spec idle "$R_IDLE" 0 all
# the curve: N whole logins at once (pam_driver → pam_corral → corral-shell),
# and as many plain logins, each N in its own case, interleaved
{
	echo "runner local $r_local"
	for c in $CURVE; do
		echo "case curve_corral_$c local --capture $B/scale -n $c -u $uid -p corral-helper -- $sc_corral"
		echo "case curve_plain_$c local --capture $B/scale -n $c -- $sc_plain"
	done
} >"$R/curve.spec"
run_spec curve "$R_CURVE" 0 all

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
			if (q) { lo = int((n + 3) / 4); hi = n + 1 - lo; print x[lo], x[hi]; exit }
			print n % 2 ? x[(n + 1) / 2] : (x[n / 2] + x[n / 2 + 1]) / 2
		}' "$raw"
}
quartiles() {   # A B: the quartiles of the per-round ratios A/B, "Q1–Q3"
	local lo hi
	read -r lo hi <<<"$(q=1 paired ratio "$1" "$2")"
	echo "$(calc "$lo" 2)–$(calc "${hi:-nan}" 2)"
}
dquart() {   # A B divisor: the quartiles of the per-round differences A − B, divided
	local lo hi
	read -r lo hi <<<"$(q=1 paired diff "$1" "$2")"
	echo "$(calc "$lo / $3" 1)–$(calc "${hi:-nan} / $3" 1)"
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
add_bwrap=$(pd login_bwrap login_ptrue)           # the peers' runner is a plain login
add_fj=$(pd login_fj login_ptrue)
bashl_ratio=$(pr login_corrall login_bashl)
deny_full=$(pd full_deny full_corral)              # in a whole login
bind_extra=$(pd login_corral login_port)
# issue 17's figures, each from one interleaved table
ovh_corral=$(pd full_corral full_plain)            # a whole confined login over a whole plain one
ovh_bwrap=$(pd pam_bwrapl pam_permit)              # bwrap lab around true over true, same table
ovh_ratio=$(x "$ovh_corral" "$ovh_bwrap")
open_ll_ratio=$(pr sys_corral:open sys_llpol:open)
# who decides each call of the fallback table at Landlock ABI $1 (lib/kernel/layers.c):
# ports are Landlock's from ABI 4, the signal and abstract-socket scopes from
# ABI 6; below 6 the helper mediates every connect (ipc.abstract_unix = deny)
decider() {   # op abi
	case $1 in
	connect) if [ "$2" -ge 6 ]; then echo Landlock; elif [ "$2" -ge 4 ]; then echo "helper (abstract sockets)"; else echo "helper (ports)"; fi ;;
	bind) if [ "$2" -ge 4 ]; then echo Landlock; else echo helper; fi ;;
	kill) if [ "$2" -ge 6 ]; then echo Landlock; else echo helper; fi ;;
	setprio) echo helper ;;
	esac
}

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
Older kernels are measured on this one (Landlock ABI $host_abi) through
pam_corral's root-only test argument \`landlock_abi=N\` (ABI 4: Ubuntu 24.04;
ABI 2: Debian 12): the session then uses no Landlock right newer than ABI N,
and the keys those rights enforce go to the fallback layers, as on such a
kernel (the rest of the kernel stays 6.x: its own costs are not simulated).
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
echo "Started from inside one PAM session of the lab user (the module ran once, at its open; the command runs in the session's view), $(get login_true n) rounds; the peers from a plain login of the same user (pam_permit: firejail cannot start inside the view, whose /run is read-only)."
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
row_login login_corral4 "\`corral-shell -c true\`, session at Landlock ABI 4 (\`landlock_abi=4\`)" login_corral "ABI $host_abi (this kernel)"
row_login login_corral2 "\`corral-shell -c true\`, session at Landlock ABI 2 (\`landlock_abi=2\`)" login_corral "ABI $host_abi (this kernel)"
row_login login_before "\`corral-shell -c true\`, the earlier build ($before_rev)" login_corral "this build"
row_login login_before_deny "\`corral-shell -c true\`, + \`fs.deny\`, the earlier build" login_deny "this build"
row_login login_ptrue "\`true\`, from a plain login (the peers' runner)" ""
row_login login_bwrap "\`bwrap --ro-bind / / true\`" login_ptrue "\`true\`, plain login"
row_login login_bwrapl "bwrap lab \`true\`" login_ptrue "\`true\`, plain login"
row_login login_fj "\`firejail --quiet --noprofile true\`" login_ptrue "\`true\`, plain login"
echo
echo "corral-shell adds $(calc "$add_corral / 1e6" 2) ms to \`bash -c true\` ($(calc "$add_corral_true / 1e6" 2) ms over bare \`true\`, the shell included)."
has login_bwrap && echo "That is $(x "$add_corral" "$add_bwrap")x what bwrap adds over \`true\` ($(calc "$add_bwrap / 1e6" 2) ms; $(x "$add_corral_true" "$add_bwrap")x counting the shell)."
has login_fj && echo "It is $(x "$add_corral" "$add_fj")x what firejail adds ($(calc "$add_fj / 1e6" 2) ms; $(x "$add_corral_true" "$add_fj")x counting the shell)."
echo "\`corral-shell -c 'bash --login -c true'\` (a new confined session running it) takes ${bashl_ratio}x \`bash --login -c true\` unconfined; started in an open session (section 4), \`bash --login -c true\` takes $(pr bashl_corral bashl_plain)x."
echo
echo "The PAM module, once per login (a whole \`pam_driver\` run: open the session, run the command as the user, close), $(get pam_corral n) rounds:"
echo
echo "| PAM session running | median ms | min | max |"
echo "| --- | ---: | ---: | ---: |"
echo "| \`true\`, pam_permit only | $(ms pam_permit) | $(ms pam_permit min) | $(ms pam_permit max) |"
echo "| \`true\`, pam_corral | $(ms pam_corral) | $(ms pam_corral min) | $(ms pam_corral max) |"
echo "| \`bash -c true\`, pam_permit only (a plain login) | $(ms full_plain) | $(ms full_plain min) | $(ms full_plain max) |"
echo "| \`corral-shell -c true\`, pam_corral (a whole confined login) | $(ms full_corral) | $(ms full_corral min) | $(ms full_corral max) |"
echo "| the same at Landlock ABI 4 (\`landlock_abi=4\`, Ubuntu 24.04) | $(ms full_corral4) | $(ms full_corral4 min) | $(ms full_corral4 max) |"
echo "| the same at Landlock ABI 2 (\`landlock_abi=2\`, Debian 12) | $(ms full_corral2) | $(ms full_corral2 min) | $(ms full_corral2 max) |"
echo "| \`true\`, pam_corral, + \`fs.deny = /usr/share/doc\` | $(ms pam_deny) | $(ms pam_deny min) | $(ms pam_deny max) |"
echo "| \`corral-shell -c true\`, pam_corral, + \`fs.deny = /usr/share/doc\` | $(ms full_deny) | $(ms full_deny min) | $(ms full_deny max) |"
if has pam_bwrapl; then
	echo "| bwrap lab \`true\`, pam_permit only | $(ms pam_bwrapl) | $(ms pam_bwrapl min) | $(ms pam_bwrapl max) |"
	echo "| \`bwrap --ro-bind / / true\`, pam_permit only | $(ms pam_bwrap) | $(ms pam_bwrap min) | $(ms pam_bwrap max) |"
fi
echo
echo "pam_corral's open + close costs $(calc "$(pd pam_corral pam_permit) / 1e6" 2) ms (paired); a whole confined login $(calc "$(pd full_corral full_plain) / 1e6" 2) ms more than a plain one ($(pr full_corral full_plain)x)."
if has pam_bwrapl; then
	echo "Whole login against whole login, in the same rounds: corral's overhead (pam_corral + \`corral-shell -c true\` against pam_permit + \`bash -c true\`) is $(calc "$ovh_corral / 1e6" 2) ms; bwrap's (bwrap lab around \`true\` against \`true\`, both in a pam_permit login) $(calc "$ovh_bwrap / 1e6" 2) ms, \`bwrap --ro-bind / /\` $(calc "$(pd pam_bwrap pam_permit) / 1e6" 2) ms: corral's is ${ovh_ratio}x bwrap lab's (per-round differences, quartiles: corral $(dquart full_corral full_plain 1e6) ms, bwrap lab $(dquart pam_bwrapl pam_permit 1e6) ms)."
fi
echo "At Landlock ABI 4 a whole confined login takes $(calc "$(pd full_corral4 full_corral) / 1e6" 2) ms more than at ABI $host_abi ($(pr full_corral4 full_corral)x), at ABI 2 $(calc "$(pd full_corral2 full_corral) / 1e6" 2) ms more ($(pr full_corral2 full_corral)x), paired."

echo
echo "## 2. System calls corral does not trap"
echo
echo "ns per call from \`bench/syscalls $N_SYS\` (getppid; stat of /usr/bin/true; open+close of $OPEN_PATH, three directories deep), $(get sys_corral n) rounds; each runner in a plain login except corral's. References: **one allow-all filter** is a plain login under one seccomp filter that checks the architecture and allows everything (\`bench/allow_filter\`); **one Landlock layer** is a plain login under the Landlock ruleset corral plans for this user and kernel, applied alone (\`bench/landlock_layer policy\`: the policy resolved and planned as a session does, through \`sandbox_apply_landlock_only\`, no seccomp); **one rule at /** the same handled rights with a single rule beneath / (\`landlock_layer root\`). Differences are paired per round."
echo
hdr="| call | plain | corral | corral − plain | quartiles of the per-round difference | one allow-all filter − plain | one Landlock layer − plain | one rule at / − plain"
sep="| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---:"
[ "$have_bwrap" = 1 ] && hdr="$hdr | bwrap lab − plain" && sep="$sep | ---:"
echo "$hdr |"
echo "$sep |"
for k in getppid stat open; do
	line="| $k | $(num sys_plain:$k) | $(num sys_corral:$k) | $(signed "$(calc "$(pd sys_corral:$k sys_plain:$k)" 1)") | $(dquart sys_corral:$k sys_plain:$k 1)"
	for v in filter1 llpol llroot; do line="$line | $(signed "$(calc "$(pd sys_$v:$k sys_plain:$k)" 1)")"; done
	[ "$have_bwrap" = 1 ] && line="$line | $(signed "$(calc "$(pd sys_bwrap:$k sys_plain:$k)" 1)")"
	echo "$line |"
done
echo
echo "open+close in the session is ${open_ll_ratio}x one Landlock layer with the same rules ($(num sys_llpol:open) ns), $(pr sys_corral:open sys_llroot:open)x one layer with one rule at / ($(num sys_llroot:open) ns), paired; the layer with the session's rules is $(pr sys_llpol:open sys_llroot:open)x the one-rule layer."
echo
echo "**Noise.** A getppid costs about $(num sys_plain:getppid median 0) ns on this VM (the syscall entry itself: mitigations and the hypervisor), and single figures move from run to run (tens of ns on an idle machine, more under load): over these $(get sys_plain n) rounds a plain login's getppid ranged $(num sys_plain:getppid min 0)–$(num sys_plain:getppid max 0) ns (each run's mean over its $N_SYS calls), the session's $(num sys_corral:getppid min 0)–$(num sys_corral:getppid max 0) ns; the paired differences cancel the drift shared by neighbouring runs, and their quartiles (column 5) are the spread to read a +20 ns target against. The notify floor's filtered getpid (section 3) is the same kind of reference, measured in one process: $(signed "$(calc "$(pd floor:filtered_med floor:native_med)" 0)") ns."

echo "## 3. Trapped system calls"
echo
echo "µs per call; each run's median and mean over its calls, then the median over $(get connect_corral n) rounds."
echo
echo "| call | plain median | corral median | corral/plain (paired) | plain mean | corral mean | corral mean/median |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for op in connect flood bind memfd; do
	echo "| $op | $(us "${op}_plain:${op}_med") | $(us "${op}_corral:${op}_med") | $(pr "${op}_corral:${op}_med" "${op}_plain:${op}_med") | $(us "${op}_plain:${op}_mean") | $(us "${op}_corral:${op}_mean") | $(pr "${op}_corral:${op}_mean" "${op}_corral:${op}_med") |"
done
echo
echo "connect: \`connect(127.0.0.1:$port)\` on a fresh TCP socket, to a listener outside the session; in the session corral-helper checks the rule and connects on the process's behalf. bind: \`bind(127.0.0.1:$bport)\` on a fresh TCP socket ($N_CALL calls a run); the lab's \`net.bind = 8000-8999\` is more ports than Landlock gets one rule each for (64), so corral-helper decides every bind and binds on the process's behalf, on every kernel. memfd: \`memfd_create(MFD_CLOEXEC)\`, which the helper serves by creating a sealed, non-executable memfd and injecting it. flood: the connect above from $P_FLOOD processes released at once, $((N_FLOOD / P_FLOOD)) connects each, every call counted (in the session all of them queue at one corral-helper; on 2 CPUs a caller's time also includes waiting for a CPU, in the plain login as well)."
echo
echo "The floor, \`bench/notify_floor $FLOOR\`: bare user-notification round trips with nothing of corral in them (their own filter trapping getppid, the parent process answering; in the ADDFD rows the trapped call returns the injected fd). The connect rows: a fresh TCP socket's \`connect(127.0.0.1)\` to a listener in a third process, without a filter, and trapped and made on the caller's behalf with only what doing it safely takes (NOTIF_RECV, pidfd_getfd of the socket, process_vm_readv of the address, NOTIF_ID_VALID, connect, NOTIF_SEND; sync wake-up): no rule, no check of the socket, no non-blocking start. The memfd rows: \`memfd_create(MFD_CLOEXEC)\` without a filter, and trapped and served with only what doing it safely takes (NOTIF_RECV, process_vm_readv of the name, NOTIF_ID_VALID, memfd_create with MFD_NOEXEC_SEAL, ADDFD with FLAG_SEND, close; sync wake-up)."
echo
echo "| round trip | median µs | mean µs |"
echo "| --- | ---: | ---: |"
for m in "native:getpid, no filter" "filtered:getpid under a filter that does not trap it" "cont:CONTINUE" "cont_sync:CONTINUE, sync wake-up" \
	"addfd:ADDFD, then NOTIF_SEND" "addfd_sync:ADDFD, then NOTIF_SEND, sync wake-up" \
	"addfd_flag:ADDFD with FLAG_SEND" "addfd_flag_sync:ADDFD with FLAG_SEND, sync wake-up (what corral-helper does)" \
	"addfd_sync_poll:ADDFD + SEND, sync, poll() before each RECV (an event loop)" \
	"connect_native:connect, no filter" "connect_behalf:connect on the caller's behalf, the least it takes" \
	"memfd_native:memfd_create, no filter" "memfd_behalf:memfd_create served on the caller's behalf, the least it takes"; do
	k=${m%%:*}
	echo "| ${m#*:} | $(us "floor:${k}_med" median 2) | $(us "floor:${k}_mean" median 2) |"
done
echo
echo "corral-helper's memfd_create takes $(pr memfd_corral:memfd_med floor:addfd_flag_sync_med)x the bare round trip it makes (ADDFD with FLAG_SEND, sync wake-up; $(pr memfd_corral:memfd_med floor:addfd_sync_med)x ADDFD then NOTIF_SEND), paired medians; its mean is $(pr memfd_corral:memfd_mean memfd_corral:memfd_med)x its median. A memfd served safely on the caller's behalf costs at least $(pr floor:memfd_behalf_med floor:addfd_flag_sync_med)x that round trip (the floor's own rows); corral-helper's takes $(pr memfd_corral:memfd_med floor:memfd_behalf_med)x that least."
echo "A connect made on the caller's behalf costs at least $(pr floor:connect_behalf_med floor:connect_native_med)x a native one here (the floor's own two rows); corral-helper's connect (with its rule, socket checks and non-blocking start) takes $(pr connect_corral:connect_med floor:connect_behalf_med)x that floor."

echo
echo "### Older kernels: the calls corral-helper takes over"
echo
echo "The same calls in sessions of a user with the lab policy and port-only network rules (\`net.connect = tcp://*:$port\`, \`net.bind = $bport\`, \`ipc.unix = /\`: rules Landlock can enforce by itself), on this kernel (ABI $host_abi) and with \`landlock_abi=4\` and \`=2\`; µs per call, the median over $(get kill_net2 n) rounds of each run's median ($N_CONNECT connects, $N_CALL of the others); ratios paired against plain."
echo
echo "| call | plain | ABI $host_abi | ABI 4 | ABI 2 | ABI $host_abi / plain | ABI 4 / plain | ABI 2 / plain | decided by (ABI $host_abi / 4 / 2) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
for c in "connect:connect:\`connect\` to 127.0.0.1:$port" "bind:bind:\`bind\` to 127.0.0.1:$bport" "kill:kill:\`kill(child, 0)\`, a session process" \
	"setprio:setprio:\`setpriority(PRIO_PROCESS, child, 10)\`"; do
	op=${c%%:*} rest=${c#*:} k=${rest%%:*}
	line="| ${rest#*:} | $(us "${op}_plain:${k}_med" median 2)"
	for a in 7 4 2; do line="$line | $(us "${op}_net$a:${k}_med" median 2)"; done
	for a in 7 4 2; do line="$line | $(pr "${op}_net$a:${k}_med" "${op}_plain:${k}_med")"; done
	echo "$line | $(decider "$op" "$host_abi") / $(decider "$op" 4) / $(decider "$op" 2) |"
done
echo
echo "\"helper\": the call is trapped to corral-helper, which decides it: connect and bind it makes on the process's own socket (taken with pidfd_getfd), kill it sends through a pidfd it pinned before checking the target is the session's, setpriority it lets continue once the target is the session's (its ancestry in /proc). Landlock ports need ABI 4, the signal scope ABI 6, so a Debian 12 session traps all four calls and an Ubuntu 24.04 session kill and setpriority, and connect as well: below ABI 6 the abstract-socket scope is the helper's too (\`ipc.abstract_unix = deny\`), and it sees every connect to tell unix sockets from TCP. setpriority, prlimit, sched_set* and ioprio_set naming another process go to the helper on every kernel (no Landlock right covers them); calls naming the caller itself (pid 0) are not trapped."

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
	"gitlog:git log ($N_COMMITS commits)" "python:python3 imports" "loop:200 x spawn true" \
	"bashl:\`bash --login -c true\`"; do
	k=${w%%:*}
	line="| ${w#*:} | $(ms "${k}_plain" median 1) ($(ms "${k}_plain" min 1)–$(ms "${k}_plain" max 1)) | $(ms "${k}_corral" median 1) ($(ms "${k}_corral" min 1)–$(ms "${k}_corral" max 1)) | $(pr "${k}_corral" "${k}_plain") | $(pr "${k}_corral:cpu_ms" "${k}_plain:cpu_ms")"
	[ "$have_bwrap" = 1 ] && line="$line | $(ms "${k}_bwrap" median 1) | $(pr "${k}_corral" "${k}_bwrap")"
	[ "$have_fj" = 1 ] && line="$line | $(ms "${k}_fj" median 1) | $(pr "${k}_corral" "${k}_fj")"
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
echo "The curve: N whole logins started at once through \`pam_driver\` (pam_corral, then \`corral-shell -c\` the same workload; plain: pam_permit and the workload under bash), N = ${CURVE// /, }, interleaved, $(get "curve_corral_${CURVE%% *}" n) rounds. \"each\": a session's own time from the common start to its line; \"slowest ÷ one alone\" is paired per round against N = ${CURVE%% *}."
echo
echo "| logins at once | corral: all ready ms | median session ms | slowest session ms | slowest ÷ one alone | failed | CPU of all ÷ $(nproc) CPUs, ms | helper PSS per session, KiB | plain: all ready ms | slowest ÷ one alone | CPU of all ÷ $(nproc) CPUs, ms |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
one=${CURVE%% *} last=${CURVE##* }
for c in $CURVE; do
	k=curve_corral_$c kp=curve_plain_$c
	echo "| $c | $(num "$k:ready_ms" median 0) | $(num "$k:each_med_ms" median 0) | $(num "$k:each_max_ms" median 0) | $(pr "$k:each_max_ms" "curve_corral_$one:each_max_ms") | $(num "$k:failed" max 0) | $(calc "$(med "$k:cpu_ms") / $(nproc)" 0) | $(num "$k:pss_kb" median 0) | $(num "$kp:ready_ms" median 0) | $(pr "$kp:each_max_ms" "curve_plain_$one:each_max_ms") | $(calc "$(med "$kp:cpu_ms") / $(nproc)" 0) |"
done
echo
echo "On this machine's $(nproc) CPUs the logins share them: N logins at once cannot all be ready sooner than the CPU time they need ÷ $(nproc) (the \"CPU of all\" columns: user + system time of all N sessions, from wait4, ÷ $(nproc)). Where \"all ready\" is near that figure the logins were CPU-bound, not queued in corral. For the slowest of $last to be ready within 3x one alone ($(calc "3 * $(med curve_corral_$one:each_max_ms)" 0) ms), a login could use at most 3 x $(nproc) ÷ $last of the time one takes alone in CPU, about $(calc "3 * $(nproc) * $(med curve_corral_$one:each_max_ms) / $last" 1) ms; one alone here used $(num curve_corral_$one:cpu_ms median 1) ms ($(calc "$(med curve_corral_$one:cpu_ms) / (3 * $(nproc) * $(med curve_corral_$one:each_max_ms) / $last)" 0)x that), a plain login $(num curve_plain_$one:cpu_ms median 1) ms."
echo
echo "One session alone, idle: measured $IDLE_S s after it is ready (its sandbox process shares nothing with other sessions; corral-helper unmaps its own code after 10 s without a request, corral-helper(8)):"
echo
echo "| one idle session | PSS KiB | RSS KiB | processes |"
echo "| --- | ---: | ---: | ---: |"
for v in "corral:corral-helper" "bwrap:bwrap" "fj:firejail"; do
	k=idle_${v%%:*}
	has "$k" || continue
	echo "| ${v#*:} | $(num "$k:pss_kb" median 0) | $(num "$k:rss_kb" median 0) | $(num "$k:procs" median 0) |"
done

echo
echo "## fs.deny: before and after the session's view"
echo
if [ -n "$before" ]; then
	echo "\`fs.deny = /usr/share/doc\` on top of the lab policy (\`fs.read = /usr ...\`, \`fs.exec = /usr /opt\`), in the earlier build ($before_rev, \`CORRAL_BEFORE\`) and in this one, run interleaved in the same tables (section 1). Before, corral-shell carved the denied tree out of Landlock's ruleset at every session start: /usr and /usr/share granted entry by entry around it (lib/kernel/sandbox.c, grant_around), their top level left read-only. Now pam_corral covers the path with an inaccessible placeholder (a tmpfs clone) in the session's mount namespace when the session opens, and the trees around it keep all of their rights. ms, medians; differences paired."
else
	echo "\`fs.deny = /usr/share/doc\` on top of the lab policy (\`fs.read = /usr ...\`, \`fs.exec = /usr /opt\`): pam_corral covers the path with an inaccessible placeholder (a tmpfs clone) in the session's mount namespace when the session opens; corral-shell's Landlock ruleset no longer depends on it. ms, medians; differences paired. (The \"before\" column, an earlier build interleaved with this one, needs \`CORRAL_BEFORE=\` its build directory.)"
fi
echo
echo "| login | before | after | after − before |"
echo "| --- | ---: | ---: | ---: |"
ba_row() {   # text before-label after-label
	local b="—" d="—"
	if [ -n "$before" ]; then b=$(ms "$2"); d=$(calc "$(pd "$3" "$2") / 1e6" 2); fi
	echo "| $1 | $b | $(ms "$3") | $d |"
}
ba_cost() {   # text before-deny before after-deny after: what fs.deny adds, paired
	local b="—"
	[ -n "$before" ] && b=$(calc "$(pd "$2" "$3") / 1e6" 2)
	echo "| $1 | $b | $(calc "$(pd "$4" "$5") / 1e6" 2) | |"
}
ba_row "whole login (\`pam_driver\` → \`corral-shell -c true\`), lab policy" full_before full_corral
ba_row "whole login, + \`fs.deny\`" full_before_deny full_deny
ba_cost "**what fs.deny adds to a whole login**" full_before_deny full_before full_deny full_corral
ba_row "pam_corral alone (open + close around \`true\`), lab policy" pam_before pam_corral
ba_row "pam_corral alone, + \`fs.deny\`" pam_before_deny pam_deny
ba_cost "what fs.deny adds to pam_corral" pam_before_deny pam_before pam_deny pam_corral
ba_row "corral-shell's start in an open session, lab policy" login_before login_corral
ba_row "corral-shell's start, + \`fs.deny\`" login_before_deny login_deny
ba_cost "what fs.deny adds to corral-shell's start" login_before_deny login_before login_deny login_corral
echo
echo "A denied path is now a placeholder mount made at login (one for \`/usr/share/doc\`; inside an \`fs.write\` tree the directories on the way become mount points too), whatever the size of the tree around it; nothing is paid per open, and entries created in the tree later are no longer left out (the carve-out granted only what existed at session start)."
echo
echo "\`net.bind\`: up to 64 ports are Landlock rules, one each, made at session start; a wider range is decided by corral-helper (every bind trapped, section 3): \`net.bind = 8000-8999\` costs $(calc "$bind_extra / 1e3" 0) µs of session start against \`net.bind = 8000\` (paired)."

# the guests' ssh logins, from the last tests/vm.t run (not measured here)
vmdir=${BENCH_VM_DIR:-$repo/build/vm}
if ls "$vmdir"/*.latency >/dev/null 2>&1; then
	echo
	echo "## ssh login latency in the Debian guests (tests/vm, qemu TCG)"
	echo
	echo "From the last \`tests/vm.t\` run on this machine ($(date -u -r "$vmdir/timings" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo 'date unknown')): a whole \`ssh USER true\` against each guest's own sshd, medians of 3 interleaved logins of a confined user and of a user the same guest's pam_corral does not confine (it reads the policy and returns). The guests run under qemu's TCG, without hardware virtualisation: their CPU is about 13 times slower than this host's, so the seconds below are about 13 times what the same guest takes on hardware; the difference between the columns is what confinement adds to a login there."
	echo
	"$repo/tests/vm/tested-on.sh" --latency "$vmdir"
fi

echo
echo "## Targets"
echo
echo "Issue 17's targets; each ratio is computed within one interleaved table (the section named), paired per round."
echo
echo "| target | measured | |"
echo "| --- | --- | --- |"
if has pam_bwrapl; then
	echo "| 1. whole PAM login overhead ≤ 0.35x bubblewrap's over \`true\` (section 1, PAM table: pam_corral + \`corral-shell -c true\` − pam_permit + \`bash -c true\`, against bwrap lab \`true\` − \`true\` in a pam_permit login) | ${ovh_ratio}x: corral +$(calc "$ovh_corral / 1e6" 2) ms, bwrap lab +$(calc "$ovh_bwrap / 1e6" 2) ms; 0.35x is $(calc "0.35 * $ovh_bwrap / 1e6" 2) ms, and a confined login starts two programs more than a plain one (corral-shell, corral-helper), one program's start (\`true\`, section 1) taking $(ms login_true median 2) ms here | $(verdict "$ovh_ratio <= 0.35") |"
else
	echo "| 1. whole PAM login overhead ≤ 0.35x bubblewrap's | corral +$(calc "$ovh_corral / 1e6" 2) ms; no bwrap here | n/a |"
fi
bashl_in=$(pr bashl_corral bashl_plain)
echo "| 2. \`bash --login -c true\` in a corral session ≤ 1.3x unconfined (section 4: started in an open session, against a plain login) | ${bashl_in}x ($(ms bashl_corral median 1) vs $(ms bashl_plain median 1) ms); a new session around it, \`corral-shell -c 'bash --login -c true'\` (section 1): ${bashl_ratio}x, the session's start being target 1's | $(verdict "$bashl_in <= 1.3") |"
d_getppid=$(calc "$(pd sys_corral:getppid sys_plain:getppid)" 1)
echo "| 3. getppid in the session ≤ +20 ns over unconfined (section 2) | $(signed "$d_getppid") ns (per-round quartiles $(dquart sys_corral:getppid sys_plain:getppid 1) ns); one allow-all filter: $(signed "$(calc "$(pd sys_filter1:getppid sys_plain:getppid)" 1)") ns | $(verdict "$d_getppid <= 20") |"
echo "| 4. open+close three directories deep ≤ 1.1x one Landlock layer with the same rules (section 2) | ${open_ll_ratio}x (session $(num sys_corral:open median 0) ns, one layer $(num sys_llpol:open median 0) ns; $(pr sys_corral:open sys_llroot:open)x one layer with one rule at /) | $(verdict "$open_ll_ratio <= 1.1") |"
for w in "find:find" "gitstatus:git status" "gitlog:git log"; do
	k=${w%%:*}
	if [ "$have_bwrap" = 1 ]; then
		rb=$(pr "${k}_corral" "${k}_bwrap")
		echo "| 5. ${w#*:} in the session ≤ 1.03x bubblewrap lab (section 4) | ${rb}x (per-round quartiles $(quartiles "${k}_corral" "${k}_bwrap")) | $(verdict "$rb <= 1.03") |"
	else
		echo "| 5. ${w#*:} ≤ 1.03x bubblewrap lab | no bwrap here | n/a |"
	fi
done
r=$(pr connect_corral:connect_med connect_plain:connect_med)
echo "| 6a. trapped connect ≤ 1.6x native (section 3, medians) | ${r}x; the least a connect on the caller's behalf takes: $(pr floor:connect_behalf_med floor:connect_native_med)x native (corral-helper $(pr connect_corral:connect_med floor:connect_behalf_med)x that) | $(verdict "$r <= 1.6") |"
r=$(pr memfd_corral:memfd_med floor:addfd_flag_sync_med)
echo "| 6b. memfd ≤ 1.3x the bare ADDFD + SEND round trip (section 3: the faster of the two, ADDFD with FLAG_SEND and the sync wake-up, which corral-helper makes) | ${r}x ($(pr memfd_corral:memfd_med floor:addfd_sync_med)x ADDFD then NOTIF_SEND); the least a memfd served safely on the caller's behalf takes: $(pr floor:memfd_behalf_med floor:addfd_flag_sync_med)x (corral-helper $(pr memfd_corral:memfd_med floor:memfd_behalf_med)x that) | $(verdict "$r <= 1.3") |"
r=$(pr flood_corral:flood_mean flood_corral:flood_med)
echo "| 6c. under a flood ($P_FLOOD processes connecting at once) mean ≤ 1.3x median (section 3) | ${r}x (plain login, the same flood: $(pr flood_plain:flood_mean flood_plain:flood_med)x) | $(verdict "$r <= 1.3") |"
if has idle_bwrap; then
	r=$(pr idle_corral:pss_kb idle_bwrap:pss_kb)
	echo "| 7a. idle corral-helper PSS ≤ 0.5x bubblewrap's (section 5, one session alone) | ${r}x ($(num idle_corral:pss_kb median 0) vs $(num idle_bwrap:pss_kb median 0) KiB) | $(verdict "$r <= 0.5") |"
	r=$(pr scale_corral:pss_kb scale_bwrap:pss_kb)
	echo "| 7b. ... ≤ 0.5x per session with $N_SCALE sessions (section 5) | ${r}x ($(num scale_corral:pss_kb median 0) vs $(num scale_bwrap:pss_kb median 0) KiB) | $(verdict "$r <= 0.5") |"
fi
last=${CURVE##* } one=${CURVE%% *}
r=$(pr "curve_corral_$last:each_max_ms" "curve_corral_$one:each_max_ms")
f=$(num "curve_corral_$last:failed" max 0)
echo "| 8. $last whole logins at once (\`pam_driver\`), each ready within 3x one alone, none failed (section 5) | slowest ${r}x one alone ($(num "curve_corral_$last:each_max_ms" median 0) ms vs $(num "curve_corral_$one:each_max_ms" median 0) ms; median session $(pr "curve_corral_$last:each_med_ms" "curve_corral_$one:each_max_ms")x); $f failed | $(verdict "$r <= 3 && $f == 0") |"

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
s="An \`fs.deny\` path costs $(calc "$deny_full / 1e6" 2) ms of a whole login here (\`/usr/share/doc\`: one placeholder mount when the session opens)"
[ -n "$before" ] && s="$s, against $(calc "$(pd full_before_deny full_before) / 1e6" 2) ms when Landlock carved it out of its tree"
echo "$s; wide \`net.bind\` ranges go to corral-helper rather than one Landlock rule per port."
s4=$(calc "$(pd full_corral4 full_corral) / 1e6" 2) s2=$(calc "$(pd full_corral2 full_corral) / 1e6" 2)
if is "$(paired ratio full_corral4 full_corral) < 1.1 && $(paired ratio full_corral2 full_corral) < 1.1"; then s="about the same"; else s="more"; fi
echo "On older kernels a login costs $s ($(signed "$s4") ms at Landlock ABI 4, Ubuntu 24.04; $(signed "$s2") ms at ABI 2, Debian 12, paired against this kernel's); what changes is which calls corral-helper takes over: below ABI 6 every \`kill\` of another process ($(us kill_net2:kill_med median 1) µs instead of $(us kill_net7:kill_med median 1) µs) and every connect, below ABI 4 every TCP \`bind\` too ($(us bind_net2:bind_med median 1) µs instead of $(us bind_net7:bind_med median 1) µs); \`setpriority\` and the like naming another process go to it on any kernel ($(us setprio_net7:setprio_med median 1) µs). A program signalling or connecting thousands of times a second feels that on Debian 12; a student's shell, editor and compiler do not."
gp=$(calc "$(pd sys_corral:getppid sys_plain:getppid)" 0)
op=$(calc "$(pd sys_corral:open sys_plain:open)" 0)
echo "Inside the session every system call runs the seccomp filters ($(signed "$gp") ns on getppid) and every open goes through Landlock ($(signed "$op") ns per open+close)."
cr=$(pr compile_corral compile_plain) fr=$(pr find_corral find_plain) gr=$(pr gitstatus_corral gitstatus_plain) py=$(pr python_corral python_plain)
over=
for w in "compile:the parallel build:1.05" "loop:spawning 200 processes:1.10" "gitstatus:git status:1.25" "gitlog:git log:1.25" \
	"find:the walk of /usr:1.25" "python:the python start:1.25"; do
	k=${w%%:*} rest=${w#*:}
	r=$(pr "${k}_corral" "${k}_plain")
	is "$r > ${rest##*:}" && over="$over${over:+, }${rest%:*} ${r}x (CPU $(pr "${k}_corral:cpu_ms" "${k}_plain:cpu_ms")x, per-round quartiles $(quartiles "${k}_corral" "${k}_plain"))"
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
echo "Connections that an address rule decides go through corral-helper: ${cn}x a native loopback connect, $cd_us µs more each — nothing next to a real network round trip, but a program making thousands of short connections a second would feel it. Port-only rules do not trap only where Landlock enforces them and nothing else needs the helper to see connects: Landlock ABI 6 or later and \`ipc.unix = /\` (the default \`ipc.unix\`, NSS and syslog sockets only, is decided by corral-helper, which then sees every connect; section 3's fallback table: $(pr connect_net7:connect_med connect_plain:connect_med)x native with both, $(pr connect_net4:connect_med connect_plain:connect_med)x at ABI 4)."
more=$(calc "($(med scale_corral:avail_kb) - $(med scale_plain:avail_kb)) * $N_SCALE / 1024" 0)
s="Memory: a session's corral-helper is $(num scale_corral:pss_kb median 0) KiB PSS with $N_SCALE sessions running ($(num idle_corral:pss_kb median 0) KiB when it is the only one)"
has idle_bwrap && s="$s, bwrap $(num scale_bwrap:pss_kb median 0) / $(num idle_bwrap:pss_kb median 0) KiB"
if is "$more <= 0"; then
	echo "$s; $N_SCALE confined sessions took no more MemAvailable than $N_SCALE plain ones, within the noise."
else
	echo "$s; $N_SCALE confined sessions took about $more MiB more MemAvailable than $N_SCALE plain ones (MemAvailable is machine-wide: a rough figure)."
fi
echo "bwrap and firejail cost next to nothing per system call once started (namespaces only), which is why they do well in the runtime columns; they decide no network destinations, signals or per-path rules for a login, which is what corral's filters and helper pay for."
[ -n "${fj_in_corral:-}" ] && echo "firejail cannot start inside a corral session (no_new_privs voids its setuid bit, the filter refuses new namespaces, and in the session's view /run is read-only): \`${fj_in_corral}\`."
} >"$out"

cat "$out"
mkdir -p "$(dirname "$doc")" && cp "$out" "$doc" && chmod 0644 "$doc" && say "bench: wrote $doc"
