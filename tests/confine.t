#!/bin/bash
# Kernel confinement of a session through `corralctl run` (the login path
# minus PAM): each operation runs unconfined first as the same throwaway
# user (so the test could fail), then confined, where it must be refused
# with the exact errno; allowed operations must still work.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
ctl=$(realpath "$build/corralctl")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users: run as root"; fi
user=crconf
cleanup() {
	[ -n "${listener:-}" ] && kill "$listener" 2>/dev/null
	pkill -u "$user" 2>/dev/null
	userdel -r "$user" >/dev/null 2>&1
	rm -rf "${tools:-/nonexistent}" "${dir:-/nonexistent}" /tmp/crconf-* /var/lib/corral-test
}
cleanup
trap cleanup EXIT
useradd -m -s /bin/bash "$user" || exit 1
home=$(getent passwd "$user" | cut -d: -f6)
tools=$(mktemp -d /usr/local/lib/corral-test.XXXXXX)
chmod 0755 "$tools"
install -m 0755 "$build/probe" "$tools/probe"
mkdir -p /var/lib/corral-test && echo secret >/var/lib/corral-test/readable && chmod 0644 /var/lib/corral-test/readable
install -o "$user" -m 0644 /dev/null /var/lib/corral-test/owned-readonly
dir=$(mktemp -d)
chmod 0755 "$dir"
cat >"$dir/corral.ini" <<INI
[user:$user]
confine = yes
fs.read = /usr /etc /proc /var/lib/corral-test/owned-readonly
fs.write = ~ /dev/null
fs.exec = /usr
net.bind = 8000-8010
net.connect = tcp://:80 udp://*
limits.files = 200
umask = 027
INI
chmod 0644 "$dir/corral.ini"
probe=$tools/probe

unconfined() { runuser -u "$user" -- "$probe" "$@" 2>&1; }
confined() { (cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- "$probe" "$@" 2>&1); }
confined_cmd() { (cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- "$@"); }

t() {  # description, expected confined output, expected-unconfined-differs (yes/no), probe args...
	local what=$1 want=$2 baseline=$3
	shift 3
	local out base
	out=$(confined "$@")
	if [ "$baseline" = yes ]; then
		base=$(unconfined "$@")
		if [ "$base" = "$want" ]; then
			fail "$what: unconfined gives '$base' too, so this proves nothing"
			return
		fi
	fi
	if [ "$out" = "$want" ]; then
		pass "$what: $want${base:+ (unconfined: $base)}"
	else
		fail "$what: got '$out', want '$want'"
	fi
}

runuser -u "$user" -- sleep 300 >/dev/null 2>&1 &   # the user's own process outside the session
# a listener on a port net.connect does not grant: unconfined connects work
perl -MIO::Socket::INET -e '$s = IO::Socket::INET->new(Listen => 16, LocalAddr => "127.0.0.1:9099", ReuseAddr => 1) or die; sleep 120' &
listener=$!
sleep 0.2
user_sleeper=$(pgrep -u "$user" -x sleep | head -n 1)

plan 50
t "write in home allowed" ok no write "$home/f"
# the session's view is read-only outside fs.write: the mount answers before Landlock
t "write outside the write trees refused" EROFS yes write /tmp/crconf-x
t "read outside the read trees refused" EACCES yes read /var/lib/corral-test/readable
t "read inside fs.read allowed" ok no read /etc/hostname
t "truncate a read-only-by-policy file refused" EROFS yes truncate /var/lib/corral-test/owned-readonly
runuser -u "$user" -- cp /bin/true "$home/copied-true"
t "exec of a binary copied to home refused" EACCES yes exec "$home/copied-true"
t "exec inside fs.exec allowed (no output from true)" "" no exec /usr/bin/true
t "mmap(PROT_EXEC) of a binary copied to home refused (noexec mount)" EPERM yes mmap-exec "$home/copied-true"
t "mmap(PROT_EXEC) inside fs.exec allowed" ok no mmap-exec /usr/bin/true
t "execveat(AT_EMPTY_PATH) of the copied binary refused" EACCES yes execveat-fd "$home/copied-true"
t "exec through /proc/self/fd of the copied binary refused" EACCES yes exec-proc-fd "$home/copied-true"
base=$(runuser -u "$user" -- /lib64/ld-linux-x86-64.so.2 "$home/copied-true" 2>&1; echo "status=$?")
out=$(confined_cmd /lib64/ld-linux-x86-64.so.2 "$home/copied-true" 2>&1; echo "status=$?")
[ "$base" = "status=0" ] && grep -q "failed to map segment" <<<"$out" && grep -q "status=127" <<<"$out" &&
	pass "ld.so of a binary copied to home refused (failed to map segment; unconfined: runs)" ||
	fail "ld.so: confined '$out', unconfined '$base'"
t "bind outside net.bind refused" EACCES yes bind 9000
t "bind inside net.bind allowed" ok no bind 8005
t "TCP connect to a port net.connect does not grant refused (by corral-helper)" ECONNREFUSED yes connect 9099
t "packet socket refused" EAFNOSUPPORT yes socket 17 3 0
t "raw IPv4 socket refused" ESOCKTNOSUPPORT yes socket 2 3 1
t "SCTP socket refused" EPROTONOSUPPORT no socket 2 1 132
t "MPTCP socket refused" EPROTONOSUPPORT no socket 2 1 262
t "netlink other than ROUTE refused" EPROTONOSUPPORT no socket 16 3 9
t "netlink ROUTE allowed" ok no socket 16 3 0
t "UDP socket allowed (udp://*)" ok no socket 2 2 0
t "ICMP ping socket refused (no icmp rule)" EPROTONOSUPPORT no socket 2 2 1
t "unshare(CLONE_NEWUSER) refused" EPERM yes unshare-user
t "clone with CLONE_NEWNS refused" EPERM no clone-newns
t "clone3 answers ENOSYS (libc falls back to clone)" ENOSYS yes clone3
t "io_uring_setup refused" EPERM yes io_uring
t "TIOCSTI refused" EPERM yes tiocsti 0
t "TIOCSTI with junk in the upper 32 bits refused" EPERM yes tiocsti 1
t "personality(READ_IMPLIES_EXEC) refused" EPERM yes personality
t "mount refused" EPERM no mount
t "signal to the user's own process outside the session refused" EPERM yes kill "$user_sleeper"
t "exec of a memfd fails: corral-helper hands out sealed non-executable memfds (fs.exec set)" EACCES yes memfd-exec
t "memfd_create(MFD_EXEC) refused" EACCES yes memfd-mfd-exec
t "memfd_create with MFD_NOEXEC_SEAL allowed" ok no memfd-sealed
base=$(runuser -u "$user" -- sh -c "\"$probe\" ptrace-parent")
out=$(confined ptrace-parent)
[ "$base" = ok ] && [ "$out" = EPERM ] && pass "ptrace of the supervisor outside the session refused: EPERM (unconfined, of a same-user parent: ok)" ||
	fail "ptrace parent: confined '$out', unconfined '$base'"
t "ptrace inside the session still works (gdb, strace)" ok no ptrace-child
install -o root -m 4755 /usr/bin/id "$tools/suid-id"
base=$(runuser -u "$user" -- "$tools/suid-id" -u)
out=$(cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- "$tools/suid-id" -u 2>&1)
[ "$base" = 0 ] && [ "$out" = "$(id -u "$user")" ] && pass "a setuid-root binary gains nothing (euid $out; unconfined: $base)" ||
	fail "setuid: confined '$out', unconfined '$base'"
status=$(confined x32 >/dev/null 2>&1; echo $?)
[ "$status" = 159 ] && pass "an x32 system call kills the process (SIGSYS)" || fail "x32: exit $status"
# some hypervisors (and kernels booted with ia32_emulation=0) fault int 0x80
# before any filter sees it: there is nothing to confine then
base=$(runuser -u "$user" -- "$probe" int80 >/dev/null 2>&1; echo $?)
status=$(confined int80 >/dev/null 2>&1; echo $?)
if [ "$base" != 0 ]; then
	skip "int 0x80 does not work unconfined on this machine (exit $base): the 32-bit entry point is off"
else
	[ "$status" = 159 ] && pass "int 0x80 from a 64-bit process kills it (SIGSYS)" || fail "int 0x80: exit $status"
fi
out=$(cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- /bin/sh -c 'umask; ulimit -n; cd; pwd; echo $HOME $USER $LOGNAME $PATH' 2>&1 | tr '\n' ' ')
want="0027 200 $home $home $user $user /usr/local/bin:/usr/bin:/bin "
[ "$out" = "$want" ] && pass "umask, rlimits, home and environment set" || fail "environment: got '$out', want '$want'"

# Allowed work still works under a typical lab policy, and the session ends
# on time. A second policy: /tmp writable (compilers and git need it).
cat >"$dir/work.ini" <<INI
[user:$user]
confine = yes
fs.read = /usr /etc /proc /sys/devices/system/cpu /dev/urandom /dev/random /dev/zero
fs.write = ~ /tmp /dev/null
fs.exec = /usr
session.max_time = 2s
INI
chmod 0644 "$dir/work.ini"
work() { (cd / && "$ctl" run -c "$dir/work.ini" -u "$user" -- /bin/sh -c "$1" 2>&1); }
printf '#include <stdio.h>\nint main(void){puts("compiled");return 0;}\n' | runuser -u "$user" -- tee "$home/hello.c" >/dev/null
out=$(work 'cc -o ~/hello ~/hello.c && echo built')
[ "$out" = built ] && pass "cc compiles in the home directory" || fail "cc: $out"
out=$(work '/usr/bin/python3 -c "import json, os; print(json.dumps(os.listdir(\"/usr\") != []))"')
[ "$out" = true ] && pass "a python script runs and reads /usr" || fail "python: $out"
out=$(work 'cd && git init -q repo && cd repo && echo x >f && git add f && git -c user.name=s -c user.email=s@x commit -qm m && git log --format=%s')
[ "$out" = m ] && pass "git init/commit in the home directory" || fail "git: $out"
out=$(work 'ls /usr | grep -cx bin')
[ "$out" = 1 ] && pass "listing /usr" || fail "ls /usr: $out"
start=$(date +%s)
out=$(work 'sleep 30; echo survived'); status=$?
took=$(( $(date +%s) - start ))
[ "$status" = 129 ] && [ "$took" -lt 8 ] && [ -z "$out" ] && pass "session.max_time = 2s ends the session (status 129 after ${took}s)" ||
	fail "max_time: status $status after ${took}s, output '$out'"
sed -i 's/^session.max_time = 2s/session.idle_timeout = 2s/' "$dir/work.ini"
start=$(date +%s)
out=$(cd / && script -qec "$ctl run -c $dir/work.ini -u $user -- /bin/sh -c 'sleep 30; echo survived'" /dev/null 2>&1)
took=$(( $(date +%s) - start ))
grep -q "idle too long" <<<"$out" && ! grep -q survived <<<"$out" && [ "$took" -lt 10 ] &&
	pass "session.idle_timeout = 2s ends a session whose terminal sees no input (${took}s)" ||
	fail "idle: ${took}s, output: $(tr '\r\n' '  ' <<<"$out")"

# The seccomp filter: one program, two with log.denials (its audited
# refusals apart); where the kernel shows its action cache
# (CONFIG_SECCOMP_CACHE_DEBUG), getppid is answered from it.
out=$(work 'grep "^Seccomp_filters:" /proc/self/status')
[ "$out" = $'Seccomp_filters:\t2' ] && pass "log.denials = yes (the default): two filter programs" ||
	fail "log.denials = yes: '$out'"
printf 'log.denials = no\n' >>"$dir/work.ini"
out=$(work 'grep "^Seccomp_filters:" /proc/self/status')
[ "$out" = $'Seccomp_filters:\t1' ] && pass "log.denials = no: one filter program" || fail "log.denials = no: '$out'"
pidfile=$(mktemp)
(cd / && "$ctl" run -c "$dir/work.ini" -u "$user" -- /bin/sh -c 'echo $$; exec sleep 5' >"$pidfile" 2>&1) &
sleeper_session=$!
for _ in $(seq 50); do [ -s "$pidfile" ] && break; sleep 0.1; done
pid=$(head -n 1 "$pidfile")
if [ ! -e "/proc/$pid/seccomp_cache" ]; then
	skip "the kernel does not show its seccomp action cache (CONFIG_SECCOMP_CACHE_DEBUG; tests/unit/test_syscall_filter.c checks the programs against the kernel's emulation)"
else
	grep -Eq '^[^ ]+ getppid ALLOW$' "/proc/$pid/seccomp_cache" && ! grep -Eq '^[^ ]+ unshare ALLOW$' "/proc/$pid/seccomp_cache" &&
		pass "the kernel's action cache answers getppid, not unshare" ||
		fail "seccomp_cache: $(grep -E ' (getppid|unshare) ' "/proc/$pid/seccomp_cache" | tr '\n' ' ')"
fi
kill "$pid" 2>/dev/null
wait "$sleeper_session"
rm -f "$pidfile"
