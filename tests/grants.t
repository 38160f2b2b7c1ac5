#!/bin/bash
# Grants and requests end to end, as root: corralctl grant / grants /
# revoke, a grant reaching a new `corralctl run` session (a TCP connect
# refused without it, working with it), expiry, a request filed from inside
# a confined session, approved into a working connect, or refused; forged
# grant files and requests grant nothing and are reported; the spool's
# size, rate and ownership rules; every step in corral's log. Runs in a
# private mount namespace where /dev/log is the test's own catcher.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=$(realpath "${CORRAL_BUILD:-build}")
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users and root-owned grants: run as root"; fi
if [ -z "${CORRAL_GRANTS_T_NS:-}" ] && unshare -m --propagation private true 2>/dev/null; then
	CORRAL_GRANTS_T_NS=1 exec unshare -m --propagation private /bin/bash "$0" "$@"
fi
private_ns=
[ -n "${CORRAL_GRANTS_T_NS:-}" ] && [ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] && private_ns=yes
ctl=$build/corralctl
user=crgrant
other=crgrant2
grants=/var/lib/corral/grants
spool=/var/spool/corral/requests
port=$((31000 + ($$ % 1500) * 2))
made_grants=no
made_spool=no
[ -d $grants ] || made_grants=yes
[ -d /var/spool/corral ] || made_spool=yes
listener=
catcher=
overlay=
created_log=no

cleanup() {
	pkill -KILL -u "$user" 2>/dev/null
	pkill -KILL -u "$other" 2>/dev/null
	[ -n "$listener" ] && kill "$listener" 2>/dev/null && wait "$listener" 2>/dev/null
	[ -n "$catcher" ] && kill "$catcher" 2>/dev/null && wait "$catcher" 2>/dev/null
	[ -n "$overlay" ] && umount -l /dev 2>/dev/null
	[ "$created_log" = yes ] && rm -f /dev/log
	# what this test made: its grants (by user), its requests (by owner)
	if [ -d $grants ]; then
		grep -lsxE "user=($user|$other)" $grants/* | xargs -r rm -f
		find $grants -maxdepth 1 \( -name 'gforged*' -o -name 'gt-*' \) -exec rm -f {} +
	fi
	for u in "$user" "$other"; do
		uid=$(id -u "$u" 2>/dev/null) && rm -f "$spool"/r"$uid"-* "$spool"/.r"$uid".*
		userdel -f -r "$u" >/dev/null 2>&1
	done
	[ "$made_grants" = yes ] && rm -rf $grants
	[ "$made_spool" = yes ] && rm -rf /var/spool/corral
	rm -rf "${tools:-/nonexistent}" "${dir:-/nonexistent}" "${overlay:-/nonexistent}"
}
for u in "$user" "$other"; do userdel -f -r "$u" >/dev/null 2>&1; done
trap cleanup EXIT
trap 'exit 1' INT TERM HUP
for u in "$user" "$other"; do useradd -m -s /bin/bash "$u" || exit 1; done
uid=$(id -u "$user")
uid2=$(id -u "$other")
dir=$(mktemp -d)
chmod 0755 "$dir"
tools=$(mktemp -d /usr/local/lib/corral-test.XXXXXX)
chmod 0755 "$tools"
install -m 0755 "$build/probe" "$tools/probe"
# corralctl as a confined user runs it: from a tree the session may execute
install -m 0755 "$ctl" "$tools/corralctl"
cat >"$dir/corral.ini" <<INI
[default]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
net.connect = tcp://127.0.0.1:1
INI
chmod 0644 "$dir/corral.ini"

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
[ -n "$catcher" ] || echo "# /dev/log is someone else's: the log lines are not checked"
# logged DESC ERE: a log line matches (skipped when the log cannot be caught)
logged() {
	if [ -z "$catcher" ] || [ -e /run/systemd/journal/socket ]; then
		skip "$1: the log cannot be caught here"
		return
	fi
	for _ in $(seq 40); do
		grep -qE -- "$2" "$log" && { pass "$1"; return; }
		sleep 0.05
	done
	fail "$1" "no log line matches /$2/" "$(tail -n 5 "$log")"
}

perl -MIO::Socket::INET -e '
	my $s = IO::Socket::INET->new(Listen => 64, LocalAddr => "127.0.0.1:$ARGV[0]", ReuseAddr => 1) or die "listen: $!\n";
	while (my $c = $s->accept) { close $c }
' "$port" &
listener=$!
for _ in $(seq 50); do runuser -u "$user" -- "$tools/probe" connect "$port" 2>/dev/null | grep -qx ok && break; sleep 0.05; done

connect_as() { (cd / && "$ctl" run -c "$dir/corral.ini" -u "$1" -- "$tools/probe" connect "$port" 2>&1); }
in_session() { local u=$1; shift; (cd / && "$ctl" run -c "$dir/corral.ini" -u "$u" -- "$@"); }

# --- grant, grants, revoke -------------------------------------------------------
base=$(runuser -u "$user" -- "$tools/probe" connect "$port")
out=$(connect_as "$user")
[ "$base" = ok ] && [ "$out" != ok ] && pass "without a grant the connect is refused ($out; unconfined: ok)" ||
	fail "baseline: confined '$out', unconfined '$base'"
id=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" --for 1h --reason "lab test")
like "grant prints the new id" "$id" '^g[0-9]{8}-[0-9]{6}-[0-9a-f]{6}$'
file=$(stat -c '%U %a %F' "$grants/$id" 2>&1)
is "the grant file is root's, 0600, regular" "$file" "root 600 regular file"
dmode=$(stat -c '%U %a' "$grants")
is "the grants directory is root's, 0700" "$dmode" "root 700"
line=$("$ctl" grants "$user")
like "grants USER lists it, starting with its id" "$line" "^$id $user net.connect \+tcp://127.0.0.1:$port until [0-9-]+T[0-9:]+[+-][0-9]{4} by root[^:]*: lab test$"
out=$("$ctl" grants "$other")
is "grants of another user: not there" "$out" ""
out=$("$ctl" explain -c "$dir/corral.ini" "$user" | grep -A1 '^# grants of')
like "explain shows the grant in force with its expiry" "$out" "#   $id net.connect \+tcp://127.0.0.1:$port until [0-9-]+T[0-9:]+"
logged "the grant is logged with who, what, until when and why" \
	"event=grant id=$id user=$user key=net.connect value=\"tcp://127.0.0.1:$port\" until=[^ ]+ by=\"root[^\"]*\" reason=\"lab test\""
out=$(connect_as "$user")
is "a new session of the user gets the granted value: connect works" "$out" ok
out=$(connect_as "$other")
[ "$out" != ok ] && pass "another user's session does not ($out)" || fail "another user got $user's grant"
out=$("$ctl" revoke "$id")
like "revoke ID" "$out" "^revoked $id "
[ ! -e "$grants/$id" ] && pass "the file is gone" || fail "revoked grant file still there"
logged "the revoke is logged" "event=revoke id=$id user=$user key=net.connect"
out=$(connect_as "$user")
[ "$out" != ok ] && pass "after revoke the connect is refused again ($out)" || fail "revoked grant still applies"
out=$("$ctl" revoke "$id" 2>&1); status=$?
[ $status = 1 ] && [[ $out =~ "no grant" ]] && pass "revoking it again: exit 1, no grant" || fail "revoke twice: $status $out"

id=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" --for 2s)
out=$(connect_as "$user")
is "a 2s grant applies at once" "$out" ok
sleep 3
out=$(connect_as "$user")
[ "$out" != ok ] && pass "once expired it is not applied ($out)" || fail "an expired grant still applies"
out=$("$ctl" grants)
unlike "grants does not list the expired one" "$out" "$id"
[ ! -e "$grants/$id" ] && pass "grants removes the expired file" || fail "expired grant file kept"

"$ctl" grant "$user" net.bind +8080 --for 1h >/dev/null
"$ctl" grant "$other" net.bind +8081 --for 1h >/dev/null
out=$("$ctl" revoke all)
n=$(grep -c '^revoked' <<<"$out")
[ "$n" -ge 2 ] && [ -z "$("$ctl" grants)" ] && pass "revoke all ends every grant ($n)" || fail "revoke all: $out"

out=$(runuser -u "$user" -- "$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" --for 1h 2>&1); status=$?
[ $status != 0 ] && [[ $out =~ "only root" ]] && pass "a user cannot grant (exit $status)" || fail "user grant: $status $out"
for bad in "confine +yes" "fs.deny +/tmp" "services +sshd" "env.set +LD_PRELOAD=/x" "limits.memory +1G"; do
	# shellcheck disable=SC2086 # key and value
	out=$("$ctl" grant "$user" $bad --for 1h 2>&1); status=$?
	[ $status = 64 ] && [[ $out =~ "cannot be granted" ]] && pass "grant of ${bad%% *} refused" || fail "grant $bad: $status $out"
done
out=$("$ctl" grant "$user" net.connect "tcp://127.0.0.1:$port" --for 1h 2>&1); status=$?
[ $status = 64 ] && [[ $out =~ "+VALUE" ]] && pass "a value without + is refused: a grant only adds" || fail "no +: $status $out"
out=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:0" --for 1h 2>&1); status=$?
[ $status = 64 ] && [[ $out =~ "net.connect" ]] && pass "a value is checked as in the config" || fail "bad value: $status $out"
out=$("$ctl" grant nosuchuser-crg net.connect "+tcp://127.0.0.1:$port" --for 1h 2>&1); status=$?
[ $status = 2 ] && pass "an unknown user: exit 2" || fail "unknown user: $status $out"
out=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" 2>&1); status=$?
[ $status = 64 ] && pass "no --for: usage" || fail "no --for: $status $out"

# --- live: a running session follows a grant and its revocation -----------------
live_session() {  # connects, waits 4s, connects again: two lines
	(cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- /bin/sh -c \
		"$tools/probe connect $port; sleep 4; $tools/probe connect $port") >"$dir/live.out" 2>&1 &
	live_pid=$!
	sleep 1.5
}
live_session
id=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" --for 1h 2>/dev/null)
out=$("$ctl" apply -c "$dir/corral.ini" --user "$user" 2>&1)
wait "$live_pid"
is "a grant reaches a running session after apply (before, after)" "$(tr '\n' ' ' <"$dir/live.out")" "ECONNREFUSED ok " ||
	diag "$out"
live_session
"$ctl" revoke "$id" >/dev/null 2>&1
out=$("$ctl" apply -c "$dir/corral.ini" --user "$user" 2>&1)
wait "$live_pid"
is "a revoked grant narrows a running session at once (before, after)" "$(tr '\n' ' ' <"$dir/live.out")" "ok ECONNREFUSED " ||
	diag "$out"

# --- forged grants -------------------------------------------------------------
real=$("$ctl" grant "$other" net.bind +8082 --for 1h)
forge() {  # name, owner, mode: a grant file for $user with a valid body
	printf 'corral-grant 1\nid=%s\nuser=%s\nkey=net.connect\nvalue=tcp://127.0.0.1:%s\ncreated=%s\nexpires=%s\nby=root\nreason=forged\n' \
		"$1" "$user" "$port" "$(date +%s)" "$(($(date +%s) + 3600))" >"$grants/$1"
	chown "$2" "$grants/$1"
	chmod "$3" "$grants/$1"
}
forge gforged-user "$user" 0600
forge gforged-gw root 0620
forge gt-target root 0600
mv "$grants/gt-target" "$dir/gt-target"
ln -s "$dir/gt-target" "$grants/gforged-link"
printf 'garbage\x00\x01\n' >"$grants/gforged-junk"
out=$(connect_as "$user")
[ "$out" != ok ] && pass "forged grant files grant nothing: connect refused ($out)" || fail "a forged grant applied"
err=$("$ctl" grants 2>&1 >/dev/null)
like "a grant file of the user is reported" "$err" "gforged-user: not owned by root"
like "a group-writable one is reported" "$err" "gforged-gw: writable by group or others"
like "a symbolic link is reported" "$err" "gforged-link: a symbolic link"
like "garbage is reported" "$err" "gforged-junk: "
out=$("$ctl" grants 2>/dev/null)
like "the real grant is still listed" "$out" "^$real $other net.bind"
logged "a login with forged grants logs them" "event=grant-refused user=$user target=$grants/gforged-user"
rm -f "$grants"/gforged-* "$dir/gt-target"
g=$("$ctl" grant "$user" net.connect "+tcp://127.0.0.1:$port" --for 1h)
chmod 0777 "$grants"
out=$(connect_as "$user")
[[ $out =~ ^E ]] && pass "a grants directory writable by others: no grant at all, the session still runs ($out)" ||
	fail "grants dir 0777: '$out'"
logged "and the login logs why" "event=grants-unreadable user=$user"
out=$("$ctl" grants 2>&1); status=$?
[ $status = 1 ] && [[ $out =~ "writable by group or others" ]] && pass "grants says why, exit 1" || fail "grants 0777: $status $out"
chmod 0700 "$grants"
"$ctl" revoke "$g" >/dev/null
"$ctl" revoke "$real" >/dev/null

# --- requests ------------------------------------------------------------------
"$ctl" requests >/dev/null
smode=$(stat -c '%U %a' "$spool")
is "requests makes the spool root's, sticky, closed to listing (1733)" "$smode" "root 1733"
(cd / && "$ctl" run -c "$dir/corral.ini" -u "$user" -- sleep 3 >/dev/null 2>&1) &
pid=$!
sleep 1.5
out=$("$ctl" apply -c "$dir/corral.ini" --user "$user" 2>&1)
wait "$pid"
like "apply keeps the spool a session got at login: nothing to end" "$out" "^1 session, [01] changed, 0 to end"
out=$(runuser -u "$user" -- ls "$spool" 2>&1); status=$?
[ $status != 0 ] && pass "a user cannot list the spool" || fail "user lists the spool: $out"
out=$(runuser -u "$user" -- ls "$grants" 2>&1); status=$?
[ $status != 0 ] && pass "a user cannot list the grants" || fail "user lists the grants: $out"
rid=$(in_session "$user" "$tools/corralctl" request net.connect "+tcp://127.0.0.1:$port" --for 1h 'need the lab db' 2>"$dir/err")
is "request from inside a confined session files r<uid>-1" "$rid" "r$uid-1" || diag "$(cat "$dir/err")"
owner=$(stat -c '%U %a' "$spool/$rid" 2>&1)
is "the request file is the user's, 0600" "$owner" "$user 600"
logged "the request is logged" "event=request id=$rid user=$user key=net.connect value=\"tcp://127.0.0.1:$port\" for=1h reason=\"need the lab db\""
out=$("$ctl" requests)
is "requests lists it: ID USER KEY VALUE DURATION REASON" "$out" "$rid $user net.connect tcp://127.0.0.1:$port 1h need the lab db"
out=$(connect_as "$user")
[ "$out" != ok ] && pass "a request grants nothing before approve ($out)" || fail "a request applied without approve"
out=$(runuser -u "$user" -- "$ctl" approve "$rid" 2>&1); status=$?
[ $status != 0 ] && [ -e "$spool/$rid" ] && pass "a user cannot approve" || fail "user approve: $status $out"
out=$(in_session "$user" "$tools/corralctl" request net.connect "+tcp://127.0.0.1:$port" --for 1h 'again' 2>&1); status=$?
[ $status != 0 ] && [[ $out =~ "one request a minute" ]] && pass "a second request within a minute is refused" ||
	fail "rate limit: $status $out"
gid=$("$ctl" approve "$rid" --for 30m)
like "approve makes a grant and prints its id" "$gid" '^g[0-9]{8}-'
[ ! -e "$spool/$rid" ] && pass "and removes the request" || fail "approved request still in the spool"
out=$("$ctl" grants "$user")
like "the grant is the user's, from the request" "$out" "^$gid $user net.connect \+tcp://127.0.0.1:$port until .* by root[^:]*, approving $rid: need the lab db$"
exp=$(sed -n 's/^expires=//p' "$grants/$gid"); made=$(sed -n 's/^created=//p' "$grants/$gid")
is "approve --for 30m sets its length" "$((exp - made))" 1800
logged "the approval is logged" "event=approve id=$rid user=$user key=net.connect grant=$gid"
out=$(connect_as "$user")
is "after approve the user's new session connects" "$out" ok
"$ctl" revoke "$gid" >/dev/null

rid2=$(in_session "$other" "$tools/corralctl" request net.bind +8090 --for 2h 'a server' 2>/dev/null)
is "the other user files one" "$rid2" "r$uid2-1"
out=$("$ctl" refuse "$rid2" --reason "not this week")
like "refuse ID" "$out" "^refused $rid2 \\($other net.bind\\)"
[ ! -e "$spool/$rid2" ] && [ -z "$("$ctl" grants "$other")" ] && pass "refused: the request is gone and no grant made" ||
	fail "refuse left something"
logged "the refusal is logged" "event=refuse id=$rid2 user=$other key=net.bind by=\"root[^\"]*\" reason=\"not this week\""
out=$("$ctl" approve "$rid2" 2>&1); status=$?
[ $status = 1 ] && pass "a refused request cannot be approved" || fail "approve after refuse: $status $out"

# --- what a user writes into the spool by hand ---------------------------------
body="corral-request 1
key=net.connect
value=tcp://127.0.0.1:$port
for=1h
reason=forged"
runuser -u "$other" -- sh -c "printf '%s\n' '$body' >$spool/r$uid-4"
runuser -u "$user" -- sh -c "head -c 5000 /dev/zero >$spool/r$uid-3"
runuser -u "$user" -- sh -c "ln -s /etc/shadow $spool/r$uid-5"
runuser -u "$user" -- sh -c "printf '%s\nuser=root\n' '$body' >$spool/r$uid-2"
runuser -u "$user" -- sh -c "printf '%s\n' '$body' >$spool/notarequest"
out=$("$ctl" requests 2>"$dir/err")
err=$(cat "$dir/err")
is "none of them is listed" "$out" ""
like "another user's request file in my name: refused" "$err" "r$uid-4: owned by uid $uid2, not by the uid its name says \($uid\)"
like "an oversized one: refused" "$err" "r$uid-3: larger than 4096 bytes"
like "a symbolic link: refused" "$err" "r$uid-5: a symbolic link"
like "a user= line: refused (the owner is the user)" "$err" "r$uid-2: line 6: unknown field 'user'"
like "a file that is no request name: refused" "$err" "notarequest: not a request file name"
out=$("$ctl" approve "r$uid-4" 2>&1); status=$?
[ $status = 1 ] && [ -z "$("$ctl" grants)" ] && pass "a forged request cannot be approved" || fail "forged approve: $status $out"
rm -f "$spool/r$uid-4" "$spool/notarequest"
for n in 1 4 5; do runuser -u "$user" -- sh -c "rm -f $spool/r$uid-$n; printf x >$spool/r$uid-$n"; done
out=$(in_session "$user" "$tools/corralctl" request net.bind +8091 --for 1h 'one more' 2>&1); status=$?
[ $status != 0 ] && [[ $out =~ "open requests" ]] && pass "five open requests: the sixth is refused" ||
	fail "slots: $status $out"
out=$(runuser -u "$user" -- "$ctl" request net.bind +8091 --for 1h "$(head -c 600 /dev/zero | tr '\0' x)" 2>&1); status=$?
[ $status = 64 ] && [[ $out =~ "too long" ]] && pass "a reason longer than the limit is refused" || fail "long reason: $status $out"

done_testing
