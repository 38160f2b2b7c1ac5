#!/bin/bash
# corralctl denials on the real kernel (Landlock ABI 7): a confined session
# with log.denials = yes reads a file outside fs.read (Landlock, EACCES),
# calls unshare (corral's seccomp filter, EPERM) and connects where
# net.connect does not go (corral-helper); the first two come back from the
# kernel log, the third from syslog, each with the user, the session and
# the rule. With
# log.denials = no the same session leaves no record. Switches the
# kernel's audit on (and the kernel log's rate limit up) for the test and
# puts both back. Runs in a private mount namespace where /dev/log is the
# test's own catcher, so corral's session events can be read too.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=$(realpath "${CORRAL_BUILD:-build}")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users and switches the kernel's audit: run as root"; fi
[ -x "$build/audit_switch" ] || skip_all "no $build/audit_switch (make unit-tests builds it)"
"$build/audit_switch" >/dev/null 2>&1 || skip_all "the kernel's audit cannot be read (no CONFIG_AUDIT?)"
if [ -z "${CORRAL_DENIALS_T_NS:-}" ] && unshare -m --propagation private true 2>/dev/null; then
	CORRAL_DENIALS_T_NS=1 exec unshare -m --propagation private /bin/bash "$0" "$@"
fi
ctl=$build/corralctl
switch=$build/audit_switch
user=crdeny
secret_dir=/var/lib/corral-denials-test
audit_was= burst_was= overlay= catcher= created_log=no
cleanup() {
	[ -n "$audit_was" ] && "$switch" "$audit_was" >/dev/null
	[ -n "$burst_was" ] && sysctl -qw kernel.printk_ratelimit_burst="$burst_was"
	[ -n "$catcher" ] && kill "$catcher" 2>/dev/null && wait "$catcher" 2>/dev/null
	[ -n "$overlay" ] && umount -l /dev 2>/dev/null
	[ "$created_log" = yes ] && rm -f /dev/log
	pkill -KILL -u "$user" 2>/dev/null
	userdel -f -r "$user" >/dev/null 2>&1
	rm -rf "${tools:-/nonexistent}" "${dir:-/nonexistent}" "$secret_dir" "${overlay:-/nonexistent}"
}
userdel -f -r "$user" >/dev/null 2>&1
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
useradd -m -s /bin/bash "$user" || exit 1
dir=$(mktemp -d)
chmod 0755 "$dir"
cat >"$dir/corral.ini" <<INI
[user:$user]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
net.connect = tcp://192.0.2.1:80
log.denials = yes
INI
chmod 0644 "$dir/corral.ini"
abi=$("$ctl" explain -c "$dir/corral.ini" "$user" 2>&1 | sed -n 's/.*Landlock ABI \([0-9]*\).*/\1/p' | head -n 1)
if [ -z "$abi" ] || [ "$abi" -lt 7 ]; then
	skip_all "Landlock ABI ${abi:-none} on this kernel: its denials are reported from ABI 7 (Linux 6.15)"
fi
tools=$(mktemp -d /usr/local/lib/corral-test.XXXXXX)
chmod 0755 "$tools"
install -m 0755 "$build/probe" "$tools/probe"
mkdir -p "$secret_dir" && echo secret >"$secret_dir/secret" && chmod 0644 "$secret_dir/secret"

# --- syslog: our own /dev/log (as tests/helper.t) ---------------------------------
log=$dir/syslog
touch "$log"
if [ -n "${CORRAL_DENIALS_T_NS:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ]; then
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
[ -z "$catcher" ] && echo "# /dev/log is someone else's: the session is mapped from the kernel's records alone"

# --- the kernel's audit on, its log's rate limit up ---------------------------------
audit_was=$("$switch" | sed -n 's/^enabled=\([0-9]\).*/\1/p')
burst_was=$(sysctl -n kernel.printk_ratelimit_burst)
sysctl -qw kernel.printk_ratelimit_burst=1000
"$switch" 1 >/dev/null || bail "cannot switch the kernel's audit on"

# The kernel's records of the secret read, and of the user's refused
# unshare, stamped (audit(SECONDS.MS:...)) at or after epoch ms $1: older
# runs' records may be in the ring buffer, or leave it meanwhile.
audit_since() { sed -n 's/.*audit(\([0-9]*\)\.\([0-9]\{3\}\):.*/\1\2/p' | awk -v since="$1" '$1 >= since' | wc -l; }
records() { dmesg 2>/dev/null | grep "type=1423 .*path=\"$secret_dir/secret\"" | audit_since "$1"; }
seccomp_records() { dmesg 2>/dev/null | grep "type=1326 .*uid=$(id -u "$user") .*syscall=272 " | audit_since "$1"; }
session_run() { (cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- /bin/sh -c \
	"$tools/probe read $secret_dir/secret; $tools/probe unshare-user; $tools/probe connect 9 127.0.0.1" 2>&1); }

plan 16
start=$(date +%s)
start_ms=$(date +%s%3N)
out=$(session_run)
is "the session: the read refused by Landlock, unshare by seccomp, the connect by corral-helper" "$(echo $out)" \
	"EACCES EPERM ECONNREFUSED"
# kauditd is late under load: both of this session's records, before
# anything reads or counts them (the second part counts what comes after)
for _ in $(seq 100); do
	[ "$(records "$start_ms")" -gt 0 ] && [ "$(seccomp_records "$start_ms")" -gt 0 ] && break
	sleep 0.1
done
is "log.denials = yes: the kernel reports the read (AUDIT_LANDLOCK_ACCESS)" "$(records "$start_ms")" 1

# (the kernel log may hold the records of earlier runs: since this one's start)
den=$("$ctl" denials -c "$dir/corral.ini" --user "$user" --since "@$start" --file "$log" 2>"$dir/stderr")
status=$?
sed 's/^/#   /' <<<"$den"
is "corralctl denials exits 0" "$status" 0
like "it names its sources" "$(cat "$dir/stderr")" "read .*the kernel log"
date_re='[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}'
if [ -n "$catcher" ]; then
	session=$(sed -n "s/.*user=$user session=\([0-9a-f]\{32\}\) event=confined pid=.*/\1/p" "$log" | tail -n 1)
	like "corral-shell logged the domain's creator (event=confined pid=)" "$session" '^[0-9a-f]{32}$'
else
	session='[0-9a-f]{32}|-'
	skip "no catcher on /dev/log"
fi
# how many lines of the last denials output match an extended regex
lines() { grep -Ec -- "$1" <<<"$den"; }
is "the Landlock denial: time, user, session, layer, op, path, errno and the rule (fs.read at its line)" \
	"$(lines "^$date_re $user ($session) landlock read $secret_dir/secret EACCES fs.read corral.ini:3$")" 1
is "the seccomp denial: the call, its errno and corral's rule" \
	"$(lines "^$date_re $user ($session) seccomp unshare .* EPERM corral's seccomp filter: creates namespaces$")" 1
if [ -n "$catcher" ]; then
	is "the helper's denial, from syslog, with the rule why names" \
		"$(lines "^$date_re $user $session helper connect 127.0.0.1:9 ECONNREFUSED net.connect corral.ini:6$")" 1
else
	skip "no catcher on /dev/log: the helper's lines are someone else's"
fi
n=3 in_session=" in 1 session"
[ -z "$catcher" ] && n=2 in_session="( in 1 session)?"
is "the summary: the user, the count, the session, the biggest group and its rule" \
	"$(lines "^$user: $n denials$in_session, 1 of them (read $secret_dir/secret: fs.read corral.ini:3|unshare .*|connect .*)$")" 1
if [ -n "$catcher" ]; then
	den_s=$("$ctl" denials -c "$dir/corral.ini" --session "$session" --file "$log" 2>/dev/null)
	is "--session ID: the same three" "$(grep -Ec "^$date_re $user $session " <<<"$den_s")" 3
	# an older session whose domain creator had the same pid (pids are
	# reused; the kernel log keeps older records): the read is not its
	pid=$(sed -n "s/.*session=$session event=confined pid=\([0-9]*\).*/\1/p" "$log" | tail -n 1)
	old=0123456789abcdef0123456789abcdef
	stamp=$(LC_ALL=C date -d '-1 hour' '+%b %e %H:%M:%S')
	{
		printf '<14>%s corral[1]: user=%s session=%s event=confined pid=%s\n' "$stamp" "$user" "$old" "$pid"
		printf '<14>%s corral[1]: user=%s session=%s event=session-end status=0\n' "$stamp" "$user" "$old"
		cat "$log"
	} >"$dir/syslog-reused"
	den_o=$("$ctl" denials -c "$dir/corral.ini" --user "$user" --since "@$start" --file "$dir/syslog-reused" 2>/dev/null)
	is "a pid reused from an older session: the read is still this session's" \
		"$(grep -Ec "^$date_re $user $session landlock read " <<<"$den_o") $(grep -c " $old " <<<"$den_o")" "1 0"
else
	skip "no session id without the catcher"
	skip "no session id without the catcher"
fi
den_f=$("$ctl" denials -c "$dir/corral.ini" --user "$user" --since "@$(($(date +%s) + 3600))" --file "$log" 2>/dev/null)
is "--since an hour ahead: none" "$den_f" "no denials in that time"
"$ctl" denials --since 'next tuesday' >/dev/null 2>&1
is "--since that is no time: a usage error (64)" "$?" 64
"$ctl" denials --user a --session b >/dev/null 2>&1
is "--user and --session together: a usage error (64)" "$?" 64

# log.denials = no: the same session leaves no Landlock record, no seccomp record
sed -i 's/^log.denials = yes$/log.denials = no/' "$dir/corral.ini"
again_ms=$(date +%s%3N)
out=$(session_run)
sleep 0.5
is "log.denials = no: the same refusals" "$(echo $out)" "EACCES EPERM ECONNREFUSED"
is "... and no record of either" "$(records "$again_ms") $(seccomp_records "$again_ms")" "0 0"
