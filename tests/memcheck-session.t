#!/bin/bash
# The shell (corral-session) and corral-helper under memory checkers in real
# PAM sessions. valgrind 3.19 (Debian 12's) does not know landlock_*,
# pidfd_open or SECCOMP_GET_NOTIF_SIZES, so under it a confined session
# cannot start: it runs the paths that do not confine (an unconfined user,
# a restricted command refused) and checks that both programs fail closed
# when it hides what they need. Whole confined sessions, with the helper
# serving real traffic, run with both programs built with ASan+UBSan.
# Installs /etc/corral/corral.ini for the test and restores it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
src=$(cd "$(dirname "$0")/.." && pwd)
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users and /etc/corral: run as root"; fi
for f in pam_driver pam_corral.so corral-session valgrind/corral-helper san/corral-helper san/corral-session; do
	[ -e "$build/$f" ] || skip_all "$build/$f is missing (make unit-tests)"
done
command -v valgrind >/dev/null || skip_all "no valgrind"
users=(crmc1 crmc2 crmc3)
saved=
pids=()
cleanup() {
	for p in "${pids[@]}"; do pkill -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for u in "${users[@]}"; do pkill -KILL -u "$u" 2>/dev/null; userdel -r "$u" >/dev/null 2>&1; done
	rm -rf /etc/corral
	[ -n "$saved" ] && mv "$saved" /etc/corral
	rm -rf "${vg:-/nonexistent}" "${san:-/nonexistent}" "${logs:-/nonexistent}"
	[ -n "$made_run" ] && rmdir /run/corral/hosts /run/corral/sessions /run/corral 2>/dev/null
	[ -n "$made_varlib" ] && rmdir /var/lib/corral/tmp/* /var/lib/corral/tmp /var/lib/corral 2>/dev/null
}
made_run=; [ -e /run/corral ] || made_run=1           # the module's runtime dirs: removed if we made them
made_varlib=; [ -e /var/lib/corral ] || made_varlib=1
if [ -e /etc/corral ]; then saved=$(mktemp -d /etc/corral.saved-by-test.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved"; fi
trap cleanup EXIT
for u in "${users[@]}"; do userdel -r "$u" >/dev/null 2>&1; useradd -m -s /usr/bin/corral-shell "$u" 2>/dev/null || exit 1; done
logs=$(mktemp -d)
chmod 1777 "$logs"   # the users' processes write their checkers' logs here
driver=$(realpath "$build/pam_driver")
# Two tool trees outside anything the sessions' namespaces make noexec.
# corral-session starts the corral-helper beside it.
vg=$(mktemp -d /usr/local/lib/corral-vg.XXXXXX)
san=$(mktemp -d /usr/local/lib/corral-san.XXXXXX)
chmod 0755 "$vg" "$san"
install -m 0755 "$build/corral-session" "$vg/corral-session"
install -m 0755 "$build/valgrind/corral-helper" "$vg/corral-helper.real"
vgopts="--error-exitcode=99 --suppressions=$src/tests/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect,possible"
vgopts+=" --errors-for-leak-kinds=definite,indirect,possible"
# the helper is started with an empty environment: a wrapper runs it under valgrind
cat >"$vg/corral-helper" <<SH
#!/bin/sh
exec /usr/bin/valgrind $vgopts --log-file=$logs/helper.%p $vg/corral-helper.real "\$@"
SH
chmod 0755 "$vg/corral-helper"
install -m 0755 "$build/san/corral-session" "$san/corral-session"
install -m 0755 "$build/san/corral-helper" "$san/corral-helper.real"
cat >"$san/corral-helper" <<SH
#!/bin/sh
ASAN_OPTIONS=log_path=$logs/asan-helper UBSAN_OPTIONS=log_path=$logs/ubsan-helper:print_stacktrace=1 \\
	exec $san/corral-helper.real "\$@"
SH
chmod 0755 "$san/corral-helper"
cc -O2 -Wall -Wextra -Werror -pthread -o "$san/netprobe" "$src/tests/helper/netprobe.c" || exit 1
for d in "$vg" "$san"; do
	mkdir -m 0755 "$d/pam.d"
	echo "session required $(realpath "$build/pam_corral.so")" >"$d/pam.d/sshd"
done

# --- servers the helper connects the session to --------------------------------------
port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
P_OK=$(port); P_BAD=$(port); P_UDP=$(port); P_UDP2=$(port)
ready=$logs/ready
perl -MIO::Socket::INET -e '
	my $t = IO::Socket::INET->new(Listen => 16, LocalAddr => "127.0.0.1:$ARGV[0]", ReuseAddr => 1) or die;
	my $u = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1:$ARGV[1]") or die;
	open my $r, ">", $ARGV[2] or die; close $r;
	if (fork) { while (1) { my $m; my $p = $u->recv($m, 65536); $u->send("re:$m", 0, $p) if defined $p; } }
	while (my $c = $t->accept) { my $l = <$c>; print $c "re:" . ($l // ""); close $c; }
' "$P_OK" "$P_UDP" "$ready" >/dev/null 2>&1 &
pids+=($!)   # cleanup ends its fork too (pkill -P)
for _ in $(seq 100); do [ -e "$ready" ] && break; sleep 0.02; done

mkdir -m 0755 /etc/corral
cat >/etc/corral/corral.ini <<INI
[default]
confine = no
[user:crmc1]
confine = yes
fs.read = /usr /etc /proc
; valgrind, which runs inside the session's view, writes its logs and
; temporary files in /tmp
fs.write = ~ /dev/null /tmp
fs.exec = /usr $san
net.connect = tcp://127.0.0.1:$P_OK udp://127.0.0.1:$P_UDP
[user:crmc3]
confine = yes
commands = echo
fs.read = /usr /etc
fs.write = ~ /dev/null /tmp
fs.exec = /usr
INI
chmod 0644 /etc/corral/corral.ini

# clean LOG...: no checker log reports an error or a leak. A process that
# execs a program valgrind does not trace writes no summary: no report then.
vg_report='ERROR SUMMARY: [1-9]|^==[0-9]+== (Invalid|Conditional jump|Use of uninitialised|Syscall param|Mismatched|Source and destination|Argument|Process terminating|[0-9,]+ bytes in [0-9,]+ blocks are)'
clean() {
	local f bad=
	for f in "$@"; do
		if ! grep -q '^==[0-9]*== Command: ' "$f" || grep -Eq "$vg_report" "$f"; then bad+=" $f"; fi
	done
	if [ -z "$bad" ] && [ $# -gt 0 ]; then echo clean; else
		echo "not clean:$bad ($# logs)"
		for f in $bad; do sed 's/^/#   /' "$f" | grep -v '^#   ==[0-9]*== *$' | head -n 30 >&2; done
	fi
}
# as USER DIR CMD...: a PAM session of USER through DIR's service file
as() { local u=$1 d=$2; shift 2; (cd / && "$driver" -q -d "$d/pam.d" -s sshd -u "$u" -- "$@"); }
# the shell under valgrind (the programs it runs are not traced)
vgshell() {
	local u=$1
	shift
	as "$u" "$vg" /usr/bin/valgrind $vgopts --track-fds=yes --trace-children=yes \
		--trace-children-skip='/usr/*,/bin/*' --log-file="$logs/shell.%p" "$vg/corral-session" "$@"
}

plan 16

# --- valgrind: the shell ------------------------------------------------------------
rm -f "$logs"/shell.* "$logs"/helper.*
out=$(vgshell crmc2 -c 'echo unconfined; id -un' 2>&1)
is "valgrind: a user no section confines gets the plain shell" "$out" "unconfined
crmc2"
is "... and the shell is clean (no error, no leak)" "$(clean "$logs"/shell.*)" clean
# only the standard fds and what the caller gave may stay open when it execs
leaked=$(grep -h -A1 'Open file descriptor' "$logs"/shell.* | grep -v -e '^--$' -e 'Open file descriptor [012]:' |
	paste - - | grep -v -e 'inherited from parent' -e "$logs/shell" || true)
is "... and leaves no fd of its own open in the program" "$leaked" ""

rm -f "$logs"/shell.*
out=$(vgshell crmc3 -c 'rm -rf /' 2>&1); status=$?
is "valgrind: restricted mode refuses a command that is not listed (126)" "$status: $out" \
	"126: corral: command 'rm' is not allowed for this account"
is "... clean" "$(clean "$logs"/shell.*)" clean

rm -f "$logs"/shell.* "$logs"/helper.*
out=$(vgshell crmc1 -c "touch $logs/ran" 2>&1); status=$?
like_landlock=$(grep -Ec 'cannot be enforced on this kernel: only Landlock .* this kernel has none' <<<"$out")
is "valgrind hides Landlock: the confined session is refused, the command never runs" \
	"$status / $like_landlock / $([ -e "$logs/ran" ] && echo ran || echo 'not run')" "1 / 1 / not run"
is "... and the shell is clean on that path (record, policy, plan)" "$(clean "$logs"/shell.*)" clean

# --- valgrind: the helper --------------------------------------------------------------
rm -f "$logs"/shell.* "$logs"/helper.*
out=$(as crmc1 "$vg" "$vg/corral-session" -c "touch $logs/ran" 2>&1); status=$?
is "valgrind hides pidfd_open from the helper: it refuses the session, the command never runs" \
	"$status / $(grep -c 'refusing the session' <<<"$out") / $([ -e "$logs/ran" ] && echo ran || echo 'not run')" \
	"1 / 1 / not run"
is "... and the helper is clean up to there (arguments, sealed policy, notify setup)" \
	"$(clean "$logs"/helper.*)" clean

# --- ASan+UBSan: whole confined sessions ----------------------------------------------
# sanshell USER CMD: the session's output; the sanitizers write reports to $logs
sanshell() {
	as "$1" "$san" env ASAN_OPTIONS="log_path=$logs/asan-shell" \
		UBSAN_OPTIONS="log_path=$logs/ubsan-shell:print_stacktrace=1" "$san/corral-session" -c "$2"
}
reports() {  # what the sanitizers reported, or "none"
	local f found=
	for f in "$logs"/asan-* "$logs"/ubsan-*; do
		[ -e "$f" ] || continue
		found=1
		sed 's/^/#   /' "$f" | head -n 30 >&2
	done
	rm -f "$logs"/asan-* "$logs"/ubsan-*
	[ -n "$found" ] && echo reported || echo none
}
probe=$san/netprobe
out=$(sanshell crmc1 "$probe echo 127.0.0.1 $P_OK; $probe connect 127.0.0.1 $P_BAD;
	$probe udp 127.0.0.1 $P_UDP sendto; $probe udp 127.0.0.1 $P_UDP2 sendmsg; $probe mmsg 127.0.0.1 $P_UDP $P_UDP;
	$probe memfd; touch /etc/corral-mc 2>/dev/null || echo write-refused" 2>&1)
is "ASan: helper and shell serve a confined session (TCP, UDP, sendmmsg, memfd, Landlock)" "$out" "ok:re:hello
ECONNREFUSED
ok:re:hi
ECONNREFUSED
ret=2 len=3,6
create=ok rw=ok exec-seal=yes fexecve=EACCES mfd_exec=EACCES
write-refused"
is "... with no sanitizer report from either" "$(reports)" none
out=$(sanshell crmc1 "$probe bad 127.0.0.1 $P_OK" 2>&1)
want="huge=EINVAL negative=EINVAL len129=EINVAL null=EFAULT low=EFAULT unmapped=EFAULT straddle=EFAULT"
want+=" sendto_name=EFAULT sendto_data=EFAULT sendmsg_hdr=EFAULT sendmsg_iovlen=EMSGSIZE sendmsg_data=EFAULT"
want+=" sendmsg_name=EFAULT sendmmsg_vec=EFAULT sendmmsg_name=EFAULT unix_long=EINVAL abstract_long=EINVAL"
want+=" badfd_null=EBADF notsock_null=EFAULT notsock=ENOTSOCK after=ok"
is "ASan: hostile pointers and lengths get the kernel's errnos, no sanitizer report" "$out / $(reports)" "$want / none"
out=$(sanshell crmc1 "$probe flood 127.0.0.1 $P_BAD 3000 >/dev/null; echo done" 2>&1)
is "ASan: a flood of 3000 refused connects, no sanitizer report" "$out / $(reports)" "done / none"
out=$(sanshell crmc1 'sleep 100 & echo started' 2>&1)
sleep 0.5   # the helper ends the tree, then exits (LSan runs then)
is "ASan: the helper ends a session with a process left behind, no report (LSan at its exit)" \
	"$out / $(pgrep -u crmc1 -x sleep || echo gone) / $(reports)" "started / gone / none"

# --- valgrind: the shell on a broken config, without a session --------------------------
echo '[user:crmc1] confine = yes' >/etc/corral/corral.ini
chmod 0644 /etc/corral/corral.ini
rm -f "$logs"/shell.*
out=$(cd / && runuser -u crmc1 -- /usr/bin/valgrind $vgopts --log-file="$logs/shell.%p" "$vg/corral-session" -c "touch $logs/ran" 2>&1)
status=$?
is "valgrind: a broken config refuses the shell (exit 1, says where), the command never runs" \
	"$status / $(grep -c '^corral: no valid policy (/etc/corral/corral.ini:1: ' <<<"$out") / $([ -e "$logs/ran" ] && echo ran || echo 'not run')" \
	"1 / 1 / not run"
is "... clean" "$(clean "$logs"/shell.*)" clean
