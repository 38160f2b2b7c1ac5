#!/bin/bash
# Adversarial suite, network class: only what tests/helper.t does not
# cover. io_uring's own connect; raw, packet, SCTP and MPTCP sockets; IPv6
# spellings of a forbidden IPv4 address; pathname unix sockets of daemons
# that run code for their caller (the session bus, a docker-like socket),
# reached directly, through a symlink, a relative path or /proc; and a host
# name of net.connect re-pointed in /etc/hosts during the session.
# Changes /etc/hosts for a moment (restored byte for byte): takes the lock
# the end-to-end tests share.
. "$(dirname "$0")/lib.sh"
esc_init --lock
u=crxnt1
esc_user "$u"
home=$(esc_home "$u")
uid=$(id -u "$u")
esc_compile net
esc_compile priv
n=$ESC_TOOLS/net
lab=$(esc_policy lab "$u" </dev/null)

# listen ADDR PORT: a root listener that greets with "hello ADDR"
esc_listen() {
	perl -MIO::Socket::IP -e '$SIG{PIPE} = "IGNORE";
		my $s = IO::Socket::IP->new(Listen => 16, LocalHost => $ARGV[0], LocalPort => $ARGV[1], ReuseAddr => 1) or die "listen @ARGV: $!\n";
		while (my $c = $s->accept) { print $c "hello $ARGV[0]\n"; close $c }' "$1" "$2" &
	local pid=$!
	esc_on_exit "kill $pid"
	for _ in $(seq 50); do timeout 1 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null && return 0; sleep 0.1; done
	bail "cannot listen on $1:$2"
}
# unix_listen OWNER PATH: a pathname unix listener, as OWNER (root or the user)
unix_listen() {
	local script='use IO::Socket::UNIX; $SIG{PIPE} = "IGNORE"; unlink $ARGV[0]; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 16) or die "$ARGV[0]: $!\n"; chmod 0666, $ARGV[0]; while (my $c = $s->accept) { print $c "hello\n"; close $c }'
	if [ "$1" = root ]; then
		perl -e "$script" "$2" & esc_on_exit "kill $!"
	else
		esc_bg "$1" perl -e "$script" "$2"
	fi
	for _ in $(seq 50); do [ -S "$2" ] && return 0; sleep 0.1; done
	bail "cannot listen on $2"
}
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
esc_listen 127.0.0.1 "$port"   # a port net.connect does not grant

echo "# io_uring: its connect would not pass through seccomp, so the ring is refused"
attack "IORING_OP_CONNECT to a port net.connect does not grant" '^ok:hello 127\.0\.0\.1$' 'io_uring_setup:EPERM' "$lab" "$u" "$n" io_uring 127.0.0.1 "$port"

echo "# other socket types"
install -m 0755 "$ESC_TOOLS/priv" "$ESC_TOOLS/cap-priv"
if setcap cap_net_raw+ep "$ESC_TOOLS/cap-priv" 2>/dev/null; then
	attack "raw ICMP socket (a cap_net_raw+ep copy)" '^ok$' ESOCKTNOSUPPORT "$lab" "$u" "$ESC_TOOLS/cap-priv" raw
	attack "packet socket (a cap_net_raw+ep copy)" '^ok$' EAFNOSUPPORT "$lab" "$u" "$ESC_TOOLS/cap-priv" packet
else
	skip "no setcap (libcap2-bin): raw and packet sockets cannot be shown to work unconfined"
fi
attack "raw socket without the capability (refused unconfined too)" - ESOCKTNOSUPPORT "$lab" "$u" "$ESC_TOOLS/priv" raw
attack "MPTCP connect to a port net.connect does not grant" '^ok:hello 127\.0\.0\.1$' 'socket:EPROTONOSUPPORT' "$lab" "$u" "$n" mptcp 127.0.0.1 "$port"
if [ "$(as_user "$u" "$n" sctp 127.0.0.1 "$port")" = socket:EPROTONOSUPPORT ]; then
	attack "SCTP socket (this kernel has no SCTP: refused unconfined too)" - 'socket:EPROTONOSUPPORT' "$lab" "$u" "$n" sctp 127.0.0.1 "$port"
else
	attack "SCTP connect" '^(ok.*|ECONNREFUSED)$' 'socket:EPROTONOSUPPORT' "$lab" "$u" "$n" sctp 127.0.0.1 "$port"
fi

echo "# IPv6 spellings of a forbidden IPv4 address"
esc_listen 127.0.0.4 80
esc_listen 127.0.0.5 80
deny=$(esc_policy deny "$u" <<INI
net.deny = 127.0.0.4
INI
)
attack "net.deny = 127.0.0.4: plain IPv4" '^ok:hello 127\.0\.0\.4$' ECONNREFUSED "$deny" "$u" "$n" tcp 127.0.0.4 80
attack "net.deny = 127.0.0.4: IPv4-mapped ::ffff:127.0.0.4" '^ok:hello 127\.0\.0\.4$' ECONNREFUSED "$deny" "$u" "$n" tcp ::ffff:127.0.0.4 80
attack "net.deny = 127.0.0.4: IPv4-mapped, hex spelling ::ffff:7f00:4" '^ok:hello 127\.0\.0\.4$' ECONNREFUSED "$deny" "$u" "$n" tcp ::ffff:7f00:4 80
run_confined "$deny" "$u" "$n" tcp 127.0.0.5 80
is "net.deny = 127.0.0.4: the neighbour 127.0.0.5 is still reachable" "$R_OUT|$R_AFTER" "ok:hello 127.0.0.5|ok ok"
allow=$(esc_policy allow "$u" <<INI
net.connect = tcp://127.0.0.5:80
INI
)
run_confined "$allow" "$u" "$n" tcp ::ffff:127.0.0.5 80
is "net.connect = tcp://127.0.0.5:80: its IPv4-mapped form is the same address, allowed" "$R_OUT|$R_AFTER" "ok:hello 127.0.0.5|ok ok"
attack "net.connect = tcp://127.0.0.5:80: 127.0.0.4 through its mapped form" '^ok:hello 127\.0\.0\.4$' ECONNREFUSED "$allow" "$u" "$n" tcp ::ffff:127.0.0.4 80
# v4-compatible (::a.b.c.d), SIIT (::ffff:0:a.b.c.d) and NAT64 forms are
# IPv6 addresses to the kernel, not the IPv4 one: the allow list of an IPv4
# address does not allow them (corral-helper refuses), and where they are
# allowed (net.deny names only the IPv4 address; net.connect allows port
# 80 anywhere) the kernel does not take them to the IPv4 listener
# (non-blocking connects, given up after 1.5 s: the route goes nowhere)
for form in ::127.0.0.5 ::ffff:0:127.0.0.5 64:ff9b::127.0.0.5; do
	run_confined "$allow" "$u" "$n" tcp-nb "$form" 80
	is "net.connect = tcp://127.0.0.5:80: [$form]:80 is not that address: refused" "$R_OUT|$R_AFTER" "ECONNREFUSED|ok ok"
done
base=$(as_user "$u" "$n" tcp-nb ::127.0.0.4 80)
run_confined "$deny" "$u" "$n" tcp-nb ::127.0.0.4 80
like "net.deny = 127.0.0.4: the v4-compatible [::127.0.0.4]:80 does not reach 127.0.0.4 (unconfined: $base)" \
	"$R_OUT|$R_AFTER" '^E[A-Z]+\|ok ok$'


echo "# unix sockets of daemons that run code for their caller"
install -d -o "$u" -g "$u" -m 0700 "/run/user/$uid"
esc_on_exit "rm -rf '/run/user/$uid'"
unix_listen "$u" "/run/user/$uid/bus"
attack "the user's session bus /run/user/$uid/bus (systemd-run --user's way out)" '^ok$' ECONNREFUSED "$lab" "$u" "$n" unix "/run/user/$uid/bus"
mkdir -p -m 0755 /run/corral-escape
esc_on_exit "rm -rf /run/corral-escape"
unix_listen root /run/corral-escape/docker.sock
attack "a docker-like socket /run/corral-escape/docker.sock (mode 0666)" '^ok$' ECONNREFUSED "$lab" "$u" "$n" unix /run/corral-escape/docker.sock
as_user "$u" sh -c "ln -s /run/corral-escape/docker.sock ~/docker.sock; ln -s /run/user/$uid/bus ~/bus" >/dev/null
attack "... through a symlink in the home" '^ok$' ECONNREFUSED "$lab" "$u" "$n" unix "$home/docker.sock"
attack "the session bus through a symlink in the home" '^ok$' ECONNREFUSED "$lab" "$u" "$n" unix "$home/bus"
attack "... by a relative path after chdir to /run/corral-escape" '^ok$' ECONNREFUSED "$lab" "$u" "$n" unix-rel /run/corral-escape docker.sock
attack "... through the magic link /proc/self/root" '^ok$' 'ECONNREFUSED|EACCES' "$lab" "$u" "$n" unix /proc/self/root/run/corral-escape/docker.sock
attack "... through /proc/self/cwd after chdir" '^ok$' 'ECONNREFUSED|EACCES' "$lab" "$u" "$n" unix-rel /run/corral-escape /proc/self/cwd/docker.sock
unix_listen "$u" "$home/own.sock"
run_confined "$lab" "$u" "$n" unix "$home/own.sock"
is "a socket in the home (fs.write) stays reachable" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# known limits of the mediated connect"
# the listener tells each peer the pid SO_PEERCRED names
esc_bg "$u" python3 -c '
import os, socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1]); s.listen(8)
while True:
    c, _ = s.accept()
    pid, uid, gid = struct.unpack("3i", c.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, 12))
    c.sendall(b"%d\n" % pid); c.close()' "$home/peercred.sock"
for _ in $(seq 50); do [ -S "$home/peercred.sock" ] && break; sleep 0.1; done
peer='import os, socket, sys
c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1])
peer = int(c.recv(32))
print("peer=" + ("self" if peer == os.getpid() else "helper" if str(peer) == os.environ.get("ESC_HELPER") else str(peer)))'
run_unconfined "$u" python3 -c "$peer" "$home/peercred.sock"
base=$R_OUT
run_confined "$lab" "$u" python3 -c "$peer" "$home/peercred.sock"
is "KNOWN LIMIT: a connect made by corral-helper on the process's behalf shows the helper's pid in SO_PEERCRED (unconfined: $base)" \
	"$base|$R_OUT|$R_AFTER" "peer=self|peer=helper|ok ok"
own='import errno, os, socket
name = "\0corral-escape-own-%d" % os.getpid()
s = socket.socket(socket.AF_UNIX); s.bind(name); s.listen(1)
c = socket.socket(socket.AF_UNIX)
try:
    c.connect(name); print("ok")
except OSError as e:
    print(errno.errorcode[e.errno])'
run_unconfined "$u" python3 -c "$own"
base=$R_OUT
run_confined "$lab" "$u" python3 -c "$own"
is "KNOWN LIMIT: with ipc.abstract_unix = deny the session's own abstract socket is refused too (unconfined: $base)" \
	"$base|$R_OUT|$R_AFTER" "ok|ECONNREFUSED|ok ok"

echo "# listening outside net.bind"
listen_test() {  # unconfined|confined: the session listens unbound, root connects
	local file=$home/listen-port out pid port
	rm -f "$file"
	if [ "$1" = unconfined ]; then
		( run_unconfined "$u" "$n" listen-unbound "$file"; echo "$R_OUT|$R_AFTER" >"$ESC_WORK/listen" ) &
	else
		( run_confined "$lab" "$u" "$n" listen-unbound "$file"; echo "$R_OUT|$R_AFTER" >"$ESC_WORK/listen" ) &
	fi
	pid=$!
	for _ in $(seq 100); do [ -s "$file" ] && break; sleep 0.05; done
	port=$(cat "$file" 2>/dev/null)
	[ -n "$port" ] && perl -MIO::Socket::INET -e 'IO::Socket::INET->new(PeerAddr => "127.0.0.1:$ARGV[0]", Timeout => 3) or exit 1' "$port"
	wait "$pid"
	echo "$(cat "$ESC_WORK/listen") port=$port"
}
attack "a TCP bind outside net.bind (8000-8999)" '^ok$' EACCES "$lab" "$u" "$ESC_TOOLS/probe" bind 9999
base=$(listen_test unconfined)
out=$(listen_test confined)
like "listen() on a never-bound TCP socket would take a random port outside net.bind: refused by corral-helper (unconfined: $base; confined: $out)" \
	"$out" '^EACCES\|ok ok'
like "... and unconfined the same listen() does take a port a connection reaches (the test can fail)" "$base" 'port=[0-9]+$'
run_confined "$lab" "$u" "$n" udp-bind 9999
is "KNOWN LIMIT: net.bind governs TCP only (Landlock has no UDP rule): a UDP socket binds 0.0.0.0:9999" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# a host name of net.connect re-pointed in /etc/hosts during the session"
esc_listen 127.0.0.2 80
esc_listen 127.0.0.3 80
cp -p /etc/hosts "$ESC_WORK/hosts.saved"
esc_on_exit "cat '$ESC_WORK/hosts.saved' >/etc/hosts"
echo "127.0.0.2 corral-escape-host" >>/etc/hosts
dns=$(esc_policy dns "$u" <<INI
net.connect = tcp://corral-escape-host:80
INI
)
pinned=$(esc_policy pinned "$u" <<INI
net.connect = tcp://corral-escape-host:80
net.pin_hosts = yes
INI
)
repoint() {  # POLICY: the session resolves, we re-point the name, it resolves again
	rm -f "$home/go" "$home/go.ready"
	cat "$ESC_WORK/hosts.saved" >/etc/hosts
	echo "127.0.0.2 corral-escape-host" >>/etc/hosts
	( run_confined "$1" "$u" sh -c "'$n' name corral-escape-host 80 ~/go; '$n' tcp 127.0.0.3 80; '$n' tcp 127.0.0.2 80"
	  echo "$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" >"$ESC_WORK/repoint" ) &
	local session=$!
	for _ in $(seq 100); do [ -e "$home/go.ready" ] && break; sleep 0.1; done
	cat "$ESC_WORK/hosts.saved" >/etc/hosts
	echo "127.0.0.3 corral-escape-host" >>/etc/hosts
	touch "$home/go"
	wait "$session"
	cat "$ESC_WORK/repoint"
}
like "unconfined, 127.0.0.3:80 is reachable" "$(as_user "$u" "$n" tcp 127.0.0.3 80)" '^ok:hello 127\.0\.0\.3$'
is "re-pointed from 127.0.0.2 to 127.0.0.3 during the session: only the address resolved at the start is allowed" \
	"$(repoint "$dns")" "ok:127.0.0.2 ECONNREFUSED:127.0.0.3 ECONNREFUSED ok:hello 127.0.0.2 |ok ok"
is "... with net.pin_hosts = yes the name keeps resolving to the pinned address" \
	"$(repoint "$pinned")" "ok:127.0.0.2 ok:127.0.0.2 ECONNREFUSED ok:hello 127.0.0.2 |ok ok"
cat "$ESC_WORK/hosts.saved" >/etc/hosts
is "/etc/hosts is back as it was" "$(cmp "$ESC_WORK/hosts.saved" /etc/hosts && echo same)" same

esc_done
