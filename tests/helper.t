#!/bin/bash
# corral-helper on the real kernel, through `corralctl run`: connect,
# sendto, sendmsg and sendmmsg decided per address and done on the
# process's behalf; pathname and abstract unix sockets; net.loopback own
# (two throwaway users); TCP Fast Open; ICMP; races on the sockaddr and on
# the fd; hostile pointers; a flood of refusals; memfd_create served sealed;
# what the session can do to the helper and what happens when it dies.
# Every refusal is first shown to work unconfined (so the test can fail),
# then refused with its exact errno and, when syslog can be caught, logged.
# Runs in a private mount namespace where /dev/log is the test's own catcher
# (an overlay on /dev: nothing changes for the rest of the machine).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=$(realpath "${CORRAL_BUILD:-build}")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users: run as root"; fi
if ! command -v cc >/dev/null; then skip_all "no C compiler for the probe"; fi
if [ -z "${CORRAL_HELPER_T_NS:-}" ] && unshare -m --propagation private true 2>/dev/null; then
	CORRAL_HELPER_T_NS=1 exec unshare -m --propagation private /bin/bash "$0" "$@"
fi
# only in a mount namespace of our own may /dev be covered
private_ns=
[ -n "${CORRAL_HELPER_T_NS:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] && private_ns=yes
ctl=$build/corralctl
src=$(dirname "$(realpath "$0")")
A=crhelpa
B=crhelpb
base=$((30000 + ($$ % 1500) * 20))
P_OK=$((base + 1))      # TCP, allowed to 127.0.0.1
P_BAD=$((base + 2))     # TCP, forbidden (counts every connection it gets)
P_NET=$((base + 3))     # TCP, allowed for 127.0.0.0/8 minus net.deny 127.0.0.64/26
P_UDP=$((base + 4))     # UDP, allowed
P_UDP2=$((base + 5))    # UDP, forbidden
P_LA=$((base + 6))      # user A's own listener on 127.0.0.1
P_LB=$((base + 7))      # user B's listener on 127.0.0.1
P_FULL=$((base + 8))    # TCP, a listener that never accepts
pids=()
saved_ping=
overlay=
catcher=
bus=/run/corral-test-bus.$$

cleanup() {
	# the users' servers first: their runuser parents then end quietly
	pkill -KILL -u "$A" 2>/dev/null
	pkill -KILL -u "$B" 2>/dev/null
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	[ -n "$saved_ping" ] && sysctl -qw net.ipv4.ping_group_range="$saved_ping"
	[ -n "$catcher" ] && kill "$catcher" 2>/dev/null && wait "$catcher" 2>/dev/null
	[ -n "$overlay" ] && umount -l /dev 2>/dev/null
	[ "$created_log" = yes ] && rm -f /dev/log
	for u in "$A" "$B"; do userdel -f -r "$u" >/dev/null 2>&1; done
	rm -rf "${tools:-/nonexistent}" "${dir:-/nonexistent}" "$bus" "${overlay:-/nonexistent}"
}
created_log=no
for u in "$A" "$B"; do userdel -f -r "$u" >/dev/null 2>&1; done
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
for u in "$A" "$B"; do useradd -m -s /bin/bash "$u" || exit 1; done
homeA=$(getent passwd "$A" | cut -d: -f6)
dir=$(mktemp -d)
chmod 0755 "$dir"
tools=$(mktemp -d /usr/local/lib/corral-test.XXXXXX)
chmod 0755 "$tools"
cc -O2 -Wall -Wextra -Werror -pthread -o "$tools/netprobe" "$src/helper/netprobe.c" || exit 1
probe=$tools/netprobe

# --- syslog: our own /dev/log --------------------------------------------------
log=$dir/syslog
touch "$log"
if [ -n "$private_ns" ]; then
	overlay=$(mktemp -d)
	mkdir "$overlay/up" "$overlay/work"
	if mount -t overlay overlay -o "lowerdir=/dev,upperdir=$overlay/up,workdir=$overlay/work" /dev 2>/dev/null; then
		rm -f /dev/log
	else
		rm -rf "$overlay"
		overlay=
	fi
fi
if [ -z "$overlay" ] && [ ! -e /dev/log ]; then created_log=yes; fi
if [ -n "$overlay" ] || [ "$created_log" = yes ]; then
	perl -MIO::Socket::UNIX -MSocket -e '
		my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die "/dev/log: $!\n";
		chmod 0666, "/dev/log";
		open my $out, ">>", $ARGV[0] or die "$ARGV[0]: $!\n";
		$out->autoflush(1);
		while (1) { my $m = ""; defined $s->recv($m, 65536) or next; $m =~ s/\n*\z/\n/; print $out $m; }
	' "$log" &
	catcher=$!
	for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.05; done
	[ -S /dev/log ] || catcher=
fi
if [ -z "$catcher" ]; then echo "# /dev/log is someone else's: the helper's log lines are not checked"; fi
mark=0
log_mark() { mark=$(wc -l <"$log"); }
# logged ERE: a line matching it arrived since the mark
logged() {
	[ -z "$catcher" ] && return 0
	for _ in $(seq 40); do
		tail -n +$((mark + 1)) "$log" | grep -qE -- "$1" && return 0
		sleep 0.05
	done
	return 1
}

# --- servers -------------------------------------------------------------------
cat >"$dir/server.pl" <<'PERL'
# server.pl KIND WHERE [COUNTFILE]: a test listener. tcp: counts each
# connection (a line in COUNTFILE), answers "re:" and the first line read;
# udp: answers each datagram with "re:" and it; unix / abstract: greets.
use strict;
use IO::Socket::INET;
use IO::Socket::IP;
use IO::Socket::UNIX;
use Socket;
my ($kind, $where, $count) = @ARGV;
$SIG{PIPE} = 'IGNORE';
my $s;
if ($kind eq 'tcp') {
	# "[::]:PORT" listens dual-stack
	my ($host, $port) = $where =~ /^\[?(.*?)\]?:(\d+)$/ or die "$where?\n";
	$s = IO::Socket::IP->new(Listen => 512, LocalHost => $host, LocalService => $port, ReuseAddr => 1,
				 V6Only => 0) or die "$where: $!\n";
} elsif ($kind eq 'udp') {
	$s = IO::Socket::INET->new(Proto => 'udp', LocalAddr => $where) or die "$where: $!\n";
} elsif ($kind eq 'full') {
	# backlog 0 and never an accept: the second connection waits in SYN-SENT
	my ($host, $port) = split /:/, $where;
	socket($s, PF_INET, SOCK_STREAM, 0) or die;
	setsockopt($s, SOL_SOCKET, SO_REUSEADDR, 1);
	bind($s, sockaddr_in($port, inet_aton($host))) or die "$where: $!\n";
	listen($s, 0) or die;
	open my $ready, '>', "$ENV{READY}" or die; close $ready;
	sleep 1000 while 1;
} else {
	my $name = $kind eq 'abstract' ? "\0$where" : $where;
	unlink $where if $kind eq 'unix';
	$s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $name, Listen => 64) or die "$where: $!\n";
}
open my $ready, '>', "$ENV{READY}" or die; close $ready;
if ($kind eq 'udp') {
	while (1) { my $m; my $peer = $s->recv($m, 65536); $s->send("re:$m", 0, $peer) if defined $peer; }
}
while (1) {
	my $c = $s->accept or next;
	if ($count) { open my $f, '>>', $count; print $f "x\n"; close $f; }
	if ($kind eq 'tcp') {
		$c->blocking(1);
		my $line = <$c>;
		print $c "re:" . ($line // "");
	} else {
		print $c "hi-from-server\n";
	}
	close $c;
}
PERL
serve() {  # USER KIND WHERE [COUNTFILE]
	local user=$1 ready=$dir/ready.$RANDOM$RANDOM
	shift
	# stderr to a file: runuser says "Killed" when cleanup ends the server
	if [ "$user" = root ]; then
		READY=$ready perl "$dir/server.pl" "$@" 2>>"$dir/servers.err" &
	else
		runuser -u "$user" -- env READY="$ready" perl "$dir/server.pl" "$@" 2>>"$dir/servers.err" &
	fi
	pids+=($!)
	for _ in $(seq 100); do [ -e "$ready" ] && return 0; sleep 0.02; done
	echo "# server $* did not start: $(tail -n 3 "$dir/servers.err" | tr '\n' ' ')"
}
chmod 0755 "$dir/server.pl"
chmod 1777 "$dir"   # ready files of the users' servers
serve root tcp "[::]:$P_OK" "$dir/count.ok"
serve root tcp "0.0.0.0:$P_BAD" "$dir/count.bad"
serve root tcp "0.0.0.0:$P_NET"
serve root udp "127.0.0.1:$P_UDP"
serve root full "127.0.0.1:$P_FULL"
serve root udp "127.0.0.1:$P_UDP2"
serve "$A" tcp "127.0.0.1:$P_LA"
serve "$B" tcp "127.0.0.1:$P_LB"
mkdir -m 0755 "$bus" && chown "$A" "$bus"
serve "$A" unix "$bus/bus"
serve "$A" unix "$homeA/sock"
runuser -u "$A" -- ln -s "$bus/bus" "$homeA/link"
serve "$A" abstract "corral-test-$$"
touch "$dir/count.ok" "$dir/count.bad"
rm -f "$dir"/ready.*
chmod 0755 "$dir"
count() { wc -l <"$dir/count.$1"; }

# --- policies ------------------------------------------------------------------
policy() {  # NAME, INI body (after the section line) on stdin
	{ echo "[user:$A]"; echo "confine = yes"; cat; } >"$dir/$1.ini"
	chmod 0644 "$dir/$1.ini"
}
files='fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr'
policy main <<INI
$files
net.connect = tcp://127.0.0.1:$P_OK tcp://127.0.0.1:$P_FULL tcp://127.0.0.0/8:$P_NET udp://127.0.0.1:$P_UDP udp://127.0.0.1:$P_BAD icmp://127.0.0.1
net.deny = 127.0.0.64/26
INI
policy fewfiles <<INI
$files
net.connect = tcp://127.0.0.1:$P_OK
limits.files = 12
INI
policy abstract <<INI
$files
ipc.abstract_unix = allow
INI
for mode in own none any; do policy "lo-$mode" <<INI; done
$files
net.loopback = $mode
INI

unconfined() { (cd / && runuser -u "$A" -- "$probe" "$@" 2>&1); }
confined() { local p=$1; shift; (cd / && "$ctl" run -c "$dir/$p.ini" -u "$A" -- "$probe" "$@" 2>&1); }


# refused DESCRIPTION POLICY WANT LOG-ERE PROBE-ARGS...: unconfined (as A)
# the probe must not give WANT; confined it must, and the helper must log.
refused() {
	local what=$1 pol=$2 want=$3 pattern=$4 base out
	shift 4
	base=$(unconfined "$@")
	log_mark
	out=$(confined "$pol" "$@")
	if [ "$base" = "$want" ]; then
		fail "$what: unconfined gives '$base' too, so this proves nothing"
	elif [ "$out" != "$want" ]; then
		fail "$what: got '$out', want '$want' (unconfined: '$base')"
	elif [ "$pattern" != - ] && ! logged "$pattern"; then
		fail "$what: $want, but no log line /$pattern/"
		tail -n +$((mark + 1)) "$log" | sed 's/^/#   /'
	else
		pass "$what: $want (unconfined: $base)"
	fi
}
# works DESCRIPTION POLICY WANT PROBE-ARGS...: confined, what is allowed works
works() {
	local what=$1 pol=$2 want=$3 out
	shift 3
	out=$(confined "$pol" "$@")
	[ "$out" = "$want" ] && pass "$what: $want" || fail "$what: got '$out', want '$want'"
}
denied() {  # OP TARGET RULE-ERE: the helper's log line
	echo "user=$A session=[0-9a-f]+ event=denied op=$1 target=\"$2\" rule=\"$3\" errno=$4"
}
RE_NOMATCH='net\.connect \(no rule matches\)'

# --- TCP -----------------------------------------------------------------------
works "allowed host:port: data goes both ways" main "ok:re:hello" echo 127.0.0.1 "$P_OK"
refused "connect to a port net.connect does not grant" main ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_BAD" "$RE_NOMATCH" 111)" connect 127.0.0.1 "$P_BAD"
refused "connect to an address net.connect does not grant" main ECONNREFUSED \
	"$(denied connect "127.0.0.3:$P_OK" "$RE_NOMATCH" 111)" connect 127.0.0.3 "$P_OK"
refused "the IPv4-mapped IPv6 form of a forbidden destination" main ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_BAD" "$RE_NOMATCH" 111)" connect "::ffff:127.0.0.1" "$P_BAD"
works "the IPv4-mapped IPv6 form of an allowed destination" main "ok:re:hello" echo "::ffff:127.0.0.1" "$P_OK"
works "inside an allowed CIDR (127.0.0.0/8)" main "ok:re:hello" echo 127.0.0.9 "$P_NET"
refused "net.deny 127.0.0.64/26 beats net.connect 127.0.0.0/8" main ECONNREFUSED \
	"$(denied connect "127.0.0.70:$P_NET" 'net\.deny 127\.0\.0\.64/26' 111)" connect 127.0.0.70 "$P_NET"

# --- UDP -----------------------------------------------------------------------
works "UDP sendto an allowed port (and the answer)" main "ok:re:hi" udp 127.0.0.1 "$P_UDP" sendto
works "UDP sendmsg to an allowed port" main "ok:re:hi" udp 127.0.0.1 "$P_UDP" sendmsg
refused "UDP sendto a forbidden port" main ECONNREFUSED \
	"$(denied sendto "127.0.0.1:$P_UDP2" "$RE_NOMATCH" 111)" udp 127.0.0.1 "$P_UDP2" sendto
refused "UDP sendmsg to a forbidden port" main ECONNREFUSED \
	"$(denied sendmsg "127.0.0.1:$P_UDP2" "$RE_NOMATCH" 111)" udp 127.0.0.1 "$P_UDP2" sendmsg
refused "UDP sendto with an AF_UNSPEC address (udp_sendmsg reads it as AF_INET)" main ECONNREFUSED \
	"$(denied sendto "127.0.0.1:$P_UDP2" "$RE_NOMATCH" 111)" udp-unspec 127.0.0.1 "$P_UDP2"
works "UDP sendto with an AF_UNSPEC address to an allowed port" main "ok:re:hi" udp-unspec 127.0.0.1 "$P_UDP"
refused "sendmmsg: first allowed, second refused: 1 sent, its msg_len set" main "ret=1 len=3,777" \
	"$(denied sendmmsg "127.0.0.1:$P_UDP2" "$RE_NOMATCH" 111)" mmsg 127.0.0.1 "$P_UDP" "$P_UDP2"
refused "sendmmsg: first refused: the error, nothing sent" main "ret=ECONNREFUSED len=777,777" \
	"$(denied sendmmsg "127.0.0.1:$P_UDP2" "$RE_NOMATCH" 111)" mmsg 127.0.0.1 "$P_UDP2" "$P_UDP"
works "sendmmsg: both allowed" main "ret=2 len=3,6" mmsg 127.0.0.1 "$P_UDP" "$P_UDP"
# after connect (decided), send() without an address is never trapped: it
# works even once the process is out of the helper's reach (not dumpable),
# where a trapped sendto with an address is refused
refused "connected UDP: send() untrapped, sendto(address) trapped" main "connect=ok send=ok sendto=EPERM" - \
	udp-connect-send 127.0.0.1 "$P_UDP"

# --- TCP Fast Open -------------------------------------------------------------
refused "TCP Fast Open sendto(MSG_FASTOPEN) to a forbidden port" main ECONNREFUSED \
	"$(denied sendto "127.0.0.1:$P_BAD" "$RE_NOMATCH" 111)" tfo 127.0.0.1 "$P_BAD"
works "TCP Fast Open to an allowed port on a blocking socket waits and sends" main "ok:re:hello" tfo 127.0.0.1 "$P_OK"
base=$(unconfined sndtimeo 127.0.0.1 "$P_FULL")
out=$(confined main sndtimeo 127.0.0.1 "$P_FULL")
[ "$out" = "EINPROGRESS after 1 s" ] && [ "$base" = "$out" ] &&
	pass "a blocking connect that cannot complete ends at SO_SNDTIMEO (1 s) with EINPROGRESS, as unconfined" ||
	fail "SO_SNDTIMEO connect: got '$out', unconfined '$base'"

# --- ICMP ------------------------------------------------------------------------
gidA=$(id -g "$A")
saved_ping=$(sysctl -n net.ipv4.ping_group_range | tr -s '\t ' ' ')
sysctl -qw net.ipv4.ping_group_range="$gidA $gidA"
works "icmp://127.0.0.1: a ping socket pings 127.0.0.1" main ok ping 127.0.0.1
refused "icmp://127.0.0.1: ping to 127.0.0.2 refused" main ECONNREFUSED \
	"$(denied sendto "127.0.0.2:0" "$RE_NOMATCH" 111)" ping 127.0.0.2
sysctl -qw net.ipv4.ping_group_range="$saved_ping" && saved_ping=

# --- unix sockets ----------------------------------------------------------------
refused "abstract unix socket refused by default" main ECONNREFUSED \
	"$(denied connect "@corral-test-$$" 'ipc\.abstract_unix deny' 111)" abstract "corral-test-$$"
works "abstract unix socket with ipc.abstract_unix = allow" abstract "ok:hi-from-server" abstract "corral-test-$$"
refused "pathname socket outside fs.write and ipc.unix (a user-owned 'session bus')" main ECONNREFUSED \
	"$(denied connect "$bus/bus" 'ipc\.unix \(default\)' 111)" unix "$bus/bus"
works "pathname socket inside fs.write (home)" main "ok:hi-from-server" unix "$homeA/sock"
works "relative pathname (from the session's cwd, home)" main "ok:hi-from-server" unix sock
refused "a symlink in home to the forbidden socket" main ECONNREFUSED \
	"$(denied connect "$bus/bus" 'ipc\.unix \(default\)' 111)" unix "$homeA/link"
works "a missing pathname socket: ENOENT, as the kernel says" main ENOENT unix "$homeA/nothing-here"

# --- net.loopback ------------------------------------------------------------------
works "net.loopback = own: A reaches A's own listener" lo-own "ok:re:hello" echo 127.0.0.1 "$P_LA"
works "net.loopback = own: and through 0.0.0.0" lo-own "ok:re:hello" echo 0.0.0.0 "$P_LA"
refused "net.loopback = own: A does not reach B's listener" lo-own ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_LB" 'net\.loopback own \(not yours\)' 111)" connect 127.0.0.1 "$P_LB"
refused "net.loopback = own: not root's listener on 0.0.0.0 either" lo-own ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_OK" 'net\.loopback own \(not yours\)' 111)" connect 127.0.0.1 "$P_OK"
refused "net.loopback = none: not A's own listener" lo-none ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_LA" 'net\.loopback none' 111)" connect 127.0.0.1 "$P_LA"
refused "net.loopback = none: not B's" lo-none ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_LB" 'net\.loopback none' 111)" connect 127.0.0.1 "$P_LB"
refused "net.loopback = none: ::1 neither" lo-none ECONNREFUSED \
	"$(denied connect "\[::1\]:$P_OK" 'net\.loopback none' 111)" connect ::1 "$P_OK"
refused "net.loopback = none: 0.0.0.0 (the kernel sends it to loopback) neither" lo-none ECONNREFUSED \
	"$(denied connect "127.0.0.1:$P_OK" 'net\.loopback none' 111)" connect 0.0.0.0 "$P_OK"
hostaddr=$(ip -4 -o addr show scope global 2>/dev/null | awk '{ sub("/.*", "", $4); print $4; exit }')
if [ -n "$hostaddr" ]; then
	refused "net.loopback = none: the host's own address $hostaddr neither" lo-none ECONNREFUSED \
		"$(denied connect "$hostaddr:$P_OK" 'net\.loopback none \(a local address\)' 111)" connect "$hostaddr" "$P_OK"
else
	pass "# SKIP no non-loopback address on this host"
fi
works "net.loopback = any: A's listener" lo-any "ok:re:hello" echo 127.0.0.1 "$P_LA"
works "net.loopback = any: B's listener" lo-any "ok:re:hello" echo 127.0.0.1 "$P_LB"

# --- races -------------------------------------------------------------------------
: >"$dir/count.bad"
out=$(confined main race 127.0.0.1 "$P_OK" "$P_BAD" 3000)
got=$(count bad)
if [[ "$out" =~ ^attempts=3000\ ok=([0-9]+)\ refused=([0-9]+)\ other=0$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] &&
	[ "${BASH_REMATCH[2]}" -gt 0 ] && [ "$got" = 0 ]; then
	pass "a thread flipping the sockaddr's port during 3000 connects: both ports seen, the forbidden listener got 0 connections ($out)"
else
	fail "sockaddr race: '$out', forbidden listener got $got connections"
fi
: >"$dir/count.bad"
out=$(confined main dup2race 127.0.0.1 "$P_BAD" 3000)
got=$(count bad)
if [[ "$out" =~ ^attempts=3000\ ok=([0-9]+)\ refused=([0-9]+)\ other=([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" -gt 0 ] &&
	[ "${BASH_REMATCH[2]}" -gt 0 ] && [ "$got" = 0 ]; then
	pass "fd swapped (dup2) between TCP and UDP sockets during 3000 connects to a UDP-only port: TCP never got there ($out)"
else
	fail "dup2 race: '$out', forbidden TCP listener got $got connections"
fi

# limits.files is the helper's limit too: its cache of the tasks' pidfds
# must make room, or every process after the first few would get EBADF
out=$(cd / && "$ctl" run -c "$dir/fewfiles.ini" -u "$A" -- /bin/sh -c \
	"for i in \$(seq 30); do $probe connect 127.0.0.1 $P_OK; done" 2>&1 | sort | uniq -c | tr -s ' ')
[ "$out" = " 30 ok" ] && pass "limits.files = 12: 30 processes one after the other all connect" ||
	fail "limits.files = 12: 30 connects gave '$out'"

# --- hostile arguments -----------------------------------------------------------------
want="huge=EINVAL negative=EINVAL len129=EINVAL null=EFAULT low=EFAULT unmapped=EFAULT straddle=EFAULT"
want+=" sendto_name=EFAULT sendto_data=EFAULT sendmsg_hdr=EFAULT sendmsg_iovlen=EMSGSIZE sendmsg_data=EFAULT"
want+=" sendmsg_name=EFAULT sendmmsg_vec=EFAULT sendmmsg_name=EFAULT unix_long=EINVAL abstract_long=EINVAL"
want+=" badfd_null=EBADF notsock_null=EFAULT notsock=ENOTSOCK"
want+=" after=ok"
base=$(unconfined bad 127.0.0.1 "$P_OK")
out=$(confined main bad 127.0.0.1 "$P_OK")
[ "$out" = "$want" ] && [ "$base" = "$want" ] &&
	pass "huge, negative and unmapped lengths and pointers, bad fds: the kernel's errnos in its order, and a later connect works" ||
	fail "hostile arguments: got '$out', want '$want' (unconfined '$base')"

# --- a flood of refusals ------------------------------------------------------------------
: >"$dir/count.bad"
log_mark
start=$(date +%s%N)
out=$(cd / && "$ctl" run -c "$dir/main.ini" -u "$A" -- /bin/sh -c \
	"$probe flood 127.0.0.1 $P_BAD 100000 & sleep 0.1; $probe timed 127.0.0.1 $P_OK 300; wait" 2>&1)
took=$(( ($(date +%s%N) - start) / 1000000 ))
slowest=$(sed -n 's/^timed ok=300 of 300 slowest=\([0-9]*\)$/\1/p' <<<"$out")
if grep -q '^flood refused=100000 of 100000 ' <<<"$out" && [ -n "$slowest" ] && [ "$slowest" -lt 500 ] &&
	[ "$(count bad)" = 0 ]; then
	pass "100000 refused connects while a sibling's 300 allowed ones complete (slowest ${slowest} ms; ${took} ms in all)"
else
	fail "flood: $(tr '\n' ' ' <<<"$out") forbidden listener got $(count bad)"
fi
if [ -n "$catcher" ]; then
	logged "user=$A session=[0-9a-f]+ event=session-end status=0 denials=100000 suppressed=[0-9]+" >/dev/null
	lines=$(tail -n +$((mark + 1)) "$log" | grep -c "user=$A session=[0-9a-f]* event=denied op=connect target=\"127.0.0.1:$P_BAD\"")
	limit=$((20 + 5 * (took / 1000 + 2)))
	if tail -n +$((mark + 1)) "$log" | grep -qE "event=session-end status=0 denials=100000 suppressed=$((100000 - lines))( |$)" &&
		[ "$lines" -ge 20 ] && [ "$lines" -le "$limit" ]; then
		pass "... logged rate-limited: $lines lines (burst 20 + 5/s), the summary counts 100000 denials"
	else
		fail "flood log: $lines denial lines (limit $limit); $(tail -n +$((mark + 1)) "$log" | grep session-end)"
	fi
else
	pass "# SKIP no syslog catcher: rate limiting not checked"
fi

# --- memfd_create ------------------------------------------------------------------------
refused "memfd_create served sealed: works as a file, F_SEAL_EXEC set, fexecve EACCES, MFD_EXEC EACCES" main \
	"create=ok rw=ok exec-seal=yes fexecve=EACCES mfd_exec=EACCES" \
	"user=$A session=[0-9a-f]+ event=denied op=memfd_create target=\"MFD_EXEC\" rule=\"fs\.exec\" errno=13" memfd

# the helper creates the memfd, the kernel refuses to install it in a full
# fd table: the call is answered with the kernel's EMFILE, not left waiting
base=$(unconfined memfd-full)
out=$(confined main memfd-full)
want="full=EMFILE then=ok lowest=yes"
[ "$out" = "$want" ] && [ "$base" = "$want" ] &&
	pass "memfd_create with the fd table full: EMFILE, then the lowest free number once one is free, as unconfined" ||
	fail "memfd_create, fd table full: got '$out', want '$want' (unconfined: '$base')"

# --- the helper, from inside the session ---------------------------------------------------
exec 7</dev/null
base=$(cd / && runuser -u "$A" -- ls /proc/self/fd | tr '\n' ' ')
out=$(cd / && "$ctl" run -c "$dir/main.ini" -u "$A" -- ls /proc/self/fd 2>&1 | tr '\n' ' ')
exec 7<&-
[ "$out" = "0 1 2 3 " ] && [ "$base" != "$out" ] &&
	pass "a fresh session process has only fds 0 1 2 (and ls's own 3) (unconfined, with fd 7 open: $base)" ||
	fail "session fds: '$out' (unconfined '$base')"
base=$(cd / && runuser -u "$A" -- /bin/sh -c "$probe parent 9 127.0.0.1 $P_OK; :" 2>/dev/null)
out=$(confined main parent 9 127.0.0.1 "$P_OK")
want="parent=corral-helper mem=EACCES fd=EACCES kill=EPERM after=ok"
[ "$out" = "$want" ] && [ "$base" = "parent=sh mem=ok fd=ok kill=ok after=ok" ] &&
	pass "the helper's /proc/PID/mem and /proc/PID/fd do not open, kill -9 is EPERM, it goes on serving (unconfined, of a parent sh: $base)" ||
	fail "attacks on the helper: got '$out', want '$want' (unconfined: '$base')"
base=$(unconfined nodump-connect 127.0.0.1 "$P_OK")
before=$(count ok)
out=$(confined main nodump-connect 127.0.0.1 "$P_OK")
sleep 0.1
[ "$out" = EPERM ] && [ "$base" = ok ] && [ "$(count ok)" = "$before" ] &&
	pass "a non-dumpable process's connect is refused (EPERM), never continued: the listener saw nothing (unconfined: $base)" ||
	fail "non-dumpable connect: got '$out' (unconfined '$base'), listener connections $before -> $(count ok)"

# --- an idle helper keeps little of itself mapped ---------------------------------------
# Its own code (the r-xp mapping of corral-helper): after HELPER_IDLE_RELEASE_MS
# (10 s) without a request, what start-up touched is unmapped; a trapped
# connect maps back what it touches; 10 s after it that goes again.
code_kb() {  # PID: "rss size" of the helper's own code mapping, in KiB
	awk '/^[0-9a-f]+-[0-9a-f]+ r-xp .*\/corral-helper$/ { on = 1; next }
	     /^[0-9a-f]+-[0-9a-f]+ / { on = 0 }
	     on && /^Size:/ { size = $2 } on && /^Rss:/ { rss = $2 }
	     END { print rss + 0, size + 0 }' "/proc/$1/smaps" 2>/dev/null
}
quiet_code_kb() {  # PID SIZE: waits up to 15 s for at most half of SIZE mapped; prints the rss
	local rss
	for _ in $(seq 150); do
		read -r rss _ < <(code_kb "$1")
		[ "$((rss * 2))" -le "$2" ] && break
		sleep 0.1
	done
	echo "$rss"
}
(cd / && exec "$ctl" run -c "$dir/main.ini" -u "$A" -- /bin/sh -c \
	"trap '$probe connect 127.0.0.1 $P_OK >/dev/null 2>&1' USR1; while :; do sleep 0.05; done" >/dev/null 2>&1) &
runner=$!
helper= shell=
for _ in $(seq 100); do
	helper=$(pgrep -u "$A" -x corral-helper | head -n 1)
	shell=$(pgrep -u "$A" -x sh | head -n 1)
	[ -n "$helper" ] && [ -n "$shell" ] && break
	sleep 0.05
done
read -r started size < <(code_kb "$helper")
idle=$(quiet_code_kb "$helper" "${size:-0}")
before=$(count ok)
kill -USR1 "$shell" 2>/dev/null
for _ in $(seq 100); do [ "$(count ok)" != "$before" ] && break; sleep 0.05; done
sleep 0.2
read -r served _ < <(code_kb "$helper")
quiet=$(quiet_code_kb "$helper" "${size:-0}")
pkill -KILL -u "$A" -x sh
wait "$runner" 2>/dev/null
if [ "${size:-0}" -gt 0 ] && [ "$((started * 2))" -gt "$size" ] && [ "$((idle * 2))" -le "$size" ] &&
	[ "$(count ok)" != "$before" ] && [ "$served" -gt "$idle" ] && [ "$((quiet * 2))" -le "$size" ]; then
	pass "the helper maps ${started} of its ${size} KiB of code at start, ${idle} once quiet; a trapped connect maps back ${served}; 10 s later ${quiet}"
else
	fail "helper code mapped (KiB of ${size:-?}): at start ${started:-?}, quiet ${idle:-?}, after a connect ${served:-?} (connections $before -> $(count ok)), quiet again ${quiet:-?}"
fi

# killing the helper from outside ends the session: unconfined, the
# children of a killed shell live on; in a session, nothing is left
(runuser -u "$A" -- /bin/sh -c 'sleep 3131 & sleep 3132 & wait' >/dev/null 2>&1 &)
for _ in $(seq 60); do [ "$(pgrep -u "$A" -f '^sleep 313[12]$' | wc -l)" = 2 ] && break; sleep 0.05; done
pkill -KILL -u "$A" -x sh
sleep 0.3
base=$(pgrep -u "$A" -f '^sleep 313[12]$' | wc -l)
pkill -KILL -u "$A" -f '^sleep 313[12]$'
(cd / && exec "$ctl" run -c "$dir/main.ini" -u "$A" -- /bin/sh -c 'sleep 3133 & sleep 3134 & wait' >/dev/null 2>&1) &
runner=$!
helper=
for _ in $(seq 100); do
	helper=$(pgrep -u "$A" -x corral-helper | head -n 1)
	[ -n "$helper" ] && [ "$(pgrep -u "$A" -f '^sleep 313[34]$' | wc -l)" = 2 ] && break
	sleep 0.05
done
before=$(pgrep -u "$A" -f '^sleep 313[34]$' | wc -l)
[ -n "$helper" ] && kill -KILL "$helper"
for _ in $(seq 60); do
	left=$(pgrep -u "$A" -f '^(sleep 313[34]|/bin/sh -c sleep 3133.*)$' | wc -l)
	[ "$left" = 0 ] && break
	sleep 0.05
done
wait "$runner" 2>/dev/null
if [ "$base" = 2 ] && [ -n "$helper" ] && [ "$before" = 2 ] && [ "$left" = 0 ]; then
	pass "killing the helper (as root) ends the session: shell and both children gone (unconfined, 2 children outlive a killed shell)"
else
	fail "helper killed: helper '$helper', children before $before, left $left (unconfined survivors: $base)"
fi
done_testing
