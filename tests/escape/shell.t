#!/bin/bash
# Adversarial suite, ways around the shell: a confined student logs in
# through PAM (build/pam_driver, a service file like Debian's sshd stack:
# pam_env with user_readenv=1, then pam_corral) into corral-shell, and
# tries to end up with another policy or none: CORRAL_SESSION naming
# another user's live record, another live or a stale record of its own
# with a weaker policy, a forged file; units and D-Bus services planted for
# the next login; variables given to corral-shell (LD_PRELOAD, BASH_ENV,
# ENV, ~/.pam_environment); and, as a restricted account (commands = echo),
# shell syntax, quoting tricks and paths as the command.
# Installs /etc/corral/corral.ini for the test (the old one is put back)
# and takes the lock the end-to-end tests share.
. "$(dirname "$0")/lib.sh"
esc_init --lock
a=crxsh1 b=crxsh2 r=crxsh3 x=crxsh4
for user in "$a" "$b" "$r" "$x"; do esc_user "$user" /usr/bin/corral-shell; done
ahome=$(esc_home "$a") rhome=$(esc_home "$r") xhome=$(esc_home "$x")
auid=$(id -u "$a")
esc_compile fs
esc_compile net
install -m 0755 "$ESC_BUILD/corral-shell" "$ESC_BUILD/corral-session" "$ESC_BUILD/corral-helper" "$ESC_TOOLS/"   # the helper is found beside the shell
sh=$ESC_TOOLS/corral-shell
driver=$ESC_BUILD/pam_driver
mkdir -m 0755 "$ESC_WORK/pam"
printf 'session required pam_env.so user_readenv=1 envfile=/dev/null\nsession required %s\n' "$ESC_BUILD/pam_corral.so" >"$ESC_WORK/pam/sshd"
# a directory anyone may write: only the policy keeps the session out
shared=$ESC_WORK/shared
install -d -m 1777 "$shared"

saved=
if [ -e /etc/corral ]; then saved=$(mktemp -d /etc/corral.saved-by-escape.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved"; fi
esc_on_exit "rm -rf /etc/corral; [ -z '$saved' ] || mv '$saved' /etc/corral"
mkdir -m 0755 /etc/corral
cat >/etc/corral/corral.ini <<INI
[default]
confine = no
[user:$a]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null /dev/tty /dev/pts /dev/ptmx
fs.exec = /usr
[user:$b]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null $shared
fs.exec = /usr
[user:$r]
confine = yes
commands = echo
fs.read = /usr /etc
fs.write = ~ /dev/null
fs.exec = /usr
[user:$x]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr ~/bin
INI
chmod 0644 /etc/corral/corral.ini
# the same user's policy, weaker (may write $shared): for a record of its own
weak=$(esc_policy weak "$a" <<INI
fs.write = +$shared
fs.private_tmp = no
INI
)

as() {  # USER CMD...: a login through PAM, CMD run as USER inside it
	local user=$1
	shift
	(cd / && timeout -k 5 60 "$driver" -q -d "$ESC_WORK/pam" -s sshd -u "$user" -- "$@") 2>&1
}
bare() {  # USER CMD...: no PAM, so no session record
	as_user "$@"
}
records_of() {  # USER: ids of that user's session records
	local f
	for f in /run/corral/sessions/*; do
		[ -f "$f" ] && [ "$(sed -n 's/^user //p' "$f" | head -n 1)" = "$1" ] && echo "${f##*/}"
	done
}
wait_record() {  # USER: waits until the user has a record, prints its id
	for _ in $(seq 100); do
		id=$(records_of "$1" | head -n 1)
		[ -n "$id" ] && { echo "$id"; echo "$id" >>"$ESC_WORK/sessions"; return; }
		sleep 0.1
	done
}
nothing_in_shared() { ls -A "$shared" | tr '\n' ' '; }

echo "# the baseline: the shared directory is writable unconfined, not from a session"
as_user "$a" touch "$shared/base"
ok "unconfined, $a writes $shared" test -e "$shared/base"
rm -f "$shared/base"
out=$(as "$a" "$sh" -c "touch $shared/login 2>&1; echo status=\$?")
like "a login of $a: writing $shared is refused" "$out" "(Permission denied|Read-only file system).*status=1"
is "... nothing was written" "$(nothing_in_shared)" ""
is "the user cannot create a record in /run/corral/sessions (unconfined)" \
	"$(as_user "$a" "$ESC_TOOLS/fs" create /run/corral/sessions/0123456789abcdef0123456789abcdef) $(as_user "$a" "$ESC_TOOLS/fs" symlink "$ahome/x" /run/corral/sessions/0123456789abcdef0123456789abcdef)" \
	"EACCES EACCES"

echo "# CORRAL_SESSION naming records that are not this login's"
try_record() {  # description, id: bare, through PAM, and nested in a session
	local desc=$1 id=$2 out status
	out=$(bare "$a" env CORRAL_SESSION="$id" "$sh" -c "touch $shared/bare; echo ran")
	status=$?
	like "$desc, without PAM: the shell ignores it and, without a record, refuses (exit 1)" "$status|$out" \
		"^1\|corral: cannot confine this session: .*needs the session mount namespace"
	out=$(as "$a" env CORRAL_SESSION="$id" "$sh" -c "touch $shared/pam; echo ran")
	status=$?
	like "$desc, through PAM instead of the real one: refused (exit 1), never the other policy" "$status|$out" \
		"^1\|corral: cannot confine this session: .*needs the session mount namespace"
	out=$(as "$a" "$sh" -c "CORRAL_SESSION='$id' $sh -c 'touch $shared/nested 2>&1; echo status=\$?'")
	like "$desc, nested in a session: still this session's confinement" "$out" "(Permission denied|Read-only file system).*status=1"
	is "... nothing was written to $shared" "$(nothing_in_shared)" ""
}
# another user's live record, whose policy may write $shared
as "$b" "$sh" -c "sleep 4" >/dev/null &
victim=$!
bid=$(wait_record "$b")
like "$b's session is open (its record $bid)" "$bid" '^[0-9a-f]{32}$'
try_record "another user's live record" "$bid"
wait "$victim"
# a live record of the same user, with a weaker policy (a corralctl run)
(cd / && exec "$ESC_CTL" run -c "$weak" -u "$a" -- sleep 30) >/dev/null 2>&1 &
leader=$!
esc_on_exit "kill -KILL $leader"
wid=$(wait_record "$a")
is "a session of $a under a weaker policy is open (record $wid, its leader the corralctl run, pid $leader)" \
	"$(sed -n 's/^pid //p' "/run/corral/sessions/$wid" 2>/dev/null)" "$leader"
try_record "the user's own other live record (leader $leader is not an ancestor)" "$wid"
# ... made stale: its leader killed before it could remove the record
cp "/run/corral/sessions/$wid" "$ESC_WORK/record.copy"
{ kill -KILL "$leader"; wait "$leader"; } 2>/dev/null
for _ in $(seq 50); do [ -z "$(cat /sys/fs/cgroup/pids/corral/"$wid"/cgroup.procs 2>/dev/null)" ] && break; kill -KILL $(cat /sys/fs/cgroup/pids/corral/"$wid"/cgroup.procs 2>/dev/null) 2>/dev/null; sleep 0.1; done
ok "its leader is dead and the record is left behind (stale)" test -e "/run/corral/sessions/$wid"
try_record "a stale record of the user's" "$wid"
rm -f "/run/corral/sessions/$wid"
for cg in /sys/fs/cgroup/*/corral/"$wid"; do [ -d "$cg" ] && rmdir "$cg"; done
# forged: the weak record, copied into the home
install -o "$a" -m 0644 "$ESC_WORK/record.copy" "$ahome/forged"
try_record "a forged record in the home, by a relative path" "../../../..$ahome/forged"
try_record "a forged record in the home, by an absolute path" "$ahome/forged"
try_record "an id that has no record" 0123456789abcdef0123456789abcdef

# inside a session, corralctl run with a root-owned config that does not
# confine the user: the program runs "unconfined" by that config, still
# inside this session's sandbox
install -m 0755 "$ESC_CTL" "$ESC_TOOLS/corralctl"
lax=$ESC_WORK/lax/corral.ini
mkdir -m 0755 "$ESC_WORK/lax"
printf '[user:%s]\nconfine = no\n' "$a" >"$lax" && chmod 0644 "$lax"
base=$(bare "$a" "$ESC_TOOLS/corralctl" run -c "$lax" -- touch "$shared/lax-bare")
ok "unconfined, corralctl run -c with a config that does not confine the user writes $shared (the test can fail)" test -e "$shared/lax-bare"
rm -f "$shared/lax-bare"
out=$(as "$a" "$sh" -c "$ESC_TOOLS/corralctl run -c $lax -- touch $shared/lax 2>&1; echo status=\$?")
like "inside a session, corralctl run -c with that config: still this session's sandbox" "$out" "(Permission denied|Read-only file system).*status=1"
is "... nothing was written" "$(nothing_in_shared)" ""

echo "# units and D-Bus services planted for the next login (no systemd here: nothing starts them)"
mkdir -p "$ahome/.config/systemd/user/default.target.wants" "$ahome/.local/share/dbus-1/services"
printf '[Service]\nExecStart=/usr/bin/touch %s/unit-ran\n' "$shared" >"$ahome/.config/systemd/user/escape.service"
ln -s ../escape.service "$ahome/.config/systemd/user/default.target.wants/escape.service"
printf '[D-BUS Service]\nName=org.corral.Escape\nExec=/usr/bin/touch %s/dbus-ran\n' "$shared" >"$ahome/.local/share/dbus-1/services/org.corral.Escape.service"
chown -R "$a:" "$ahome/.config" "$ahome/.local"
install -d -o "$a" -g "$a" -m 0700 "/run/user/$auid"
esc_on_exit "rm -rf '/run/user/$auid'"
esc_bg "$a" perl -e 'use IO::Socket::UNIX; $SIG{PIPE} = "IGNORE"; my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Local => $ARGV[0], Listen => 16) or die; while (my $c = $s->accept) { close $c }' "/run/user/$auid/bus"
for _ in $(seq 50); do [ -S "/run/user/$auid/bus" ] && break; sleep 0.1; done
if command -v systemd-run >/dev/null && command -v strace >/dev/null; then
	trace="env XDG_RUNTIME_DIR=/run/user/$auid strace -f -qq -e trace=connect systemd-run --user --wait /usr/bin/true"
	base=$(as_user "$a" sh -c "$trace" | grep -F "/run/user/$auid/bus")
	out=$(as "$a" "$sh" -c "$trace" | grep -F "/run/user/$auid/bus")
	like "systemd-run --user: connect to the user bus refused in the session (unconfined: ${base##*) })" \
		"$base|$out" '= 0\|.*= -1 ECONNREFUSED'
else
	skip "no systemd-run or strace"
fi
if command -v dbus-send >/dev/null; then
	out=$(as "$a" "$sh" -c "DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$auid/bus dbus-send --session --dest=org.corral.Escape / org.corral.Escape.Run 2>&1")
	like "dbus-send --session to the planted service: the bus is refused" "$out" "(refused|Connection refused)"
else
	skip "no dbus-send"
fi
as "$a" "$sh" -l -c true >/dev/null 2>&1
is "... and after a login nothing planted has run" "$(nothing_in_shared)" ""

echo "# variables given to corral-shell"
printf 'touch %s/bash-env-ran\ntouch ~/bash-env-ran\n' "$shared" >"$ahome/evil.sh"
cc -O1 -shared -fPIC -o "$ahome/evil.so" "$ESC_LIB/attacks/preload.c"
chown "$a:" "$ahome/evil.sh" "$ahome/evil.so"
as_user "$a" env BASH_ENV="$ahome/evil.sh" bash -c true
ok "unconfined, BASH_ENV runs the script (the test can fail)" test -e "$shared/bash-env-ran"
rm -f "$shared/bash-env-ran" "$ahome/bash-env-ran"
out=$(as "$a" env LD_PRELOAD="$ahome/evil.so" BASH_ENV="$ahome/evil.sh" ENV="$ahome/evil.sh" LD_LIBRARY_PATH="$ahome" ESCAPE_MARK="$shared/preload-ran" \
	"$sh" -c 'env | grep -E "^(LD_|BASH_ENV|ENV|ESCAPE)" | sort; echo done')
unlike "LD_PRELOAD, LD_LIBRARY_PATH, BASH_ENV, ENV are not passed into the session (env.keep)" "$out" '(^|\n)(LD_PRELOAD|LD_LIBRARY_PATH|BASH_ENV|ENV)='
unlike "... and no dynamic loader ever sees them: corral-shell's static first stage drops LD_* before the real shell starts" "$out" "cannot be preloaded|ERROR: ld.so"
is "... nothing ran: no BASH_ENV, no preloaded code" "$(nothing_in_shared)$(ls "$ahome"/bash-env-ran 2>/dev/null)" ""
printf 'LD_PRELOAD DEFAULT=%s\nESCAPE_MARK DEFAULT=%s\nBASH_ENV DEFAULT=%s\n' "$ahome/evil.so" "$shared/pam-env-ran" "$ahome/evil.sh" >"$ahome/.pam_environment"
chown "$a:" "$ahome/.pam_environment"
out=$(as "$a" "$sh" -c 'echo done')
is "~/.pam_environment (pam_env user_readenv=1, as Debian's sshd): LD_PRELOAD of a library in the home runs nothing" "$(nothing_in_shared)" ""
# ... but where a writable tree is executable (fs.exec = /usr ~/bin), the
# library maps, and ld.so runs it in corral-shell before any confinement
mkdir -p "$xhome/bin"
cc -O1 -shared -fPIC -o "$xhome/bin/evil.so" "$ESC_LIB/attacks/preload.c"
printf 'LD_PRELOAD DEFAULT=%s\nESCAPE_MARK DEFAULT=%s\n' "$xhome/bin/evil.so" "$shared/pam-env-ran" >"$xhome/.pam_environment"
chown -R "$x:" "$xhome/bin" "$xhome/.pam_environment"
out=$(as "$x" "$sh" -c "touch $shared/direct 2>&1; echo status=\$?")
like "($x may run ~/bin) writing $shared from the session is refused" "$out" "(Permission denied|Read-only file system).*status=1"
is "~/.pam_environment LD_PRELOAD=~/bin/evil.so, with ~/bin executable: the library never runs (corral-shell is static and drops LD_* before the dynamically linked corral-session starts)" \
	"$(nothing_in_shared)" ""
rm -f "$shared"/*
printf 'touch %s/profile-ran; touch ~/profile-ran\n' "$shared" >"$ahome/.profile"
printf 'touch %s/bashrc-ran; touch ~/bashrc-ran\n' "$shared" >"$ahome/.bashrc"
chown "$a:" "$ahome/.profile" "$ahome/.bashrc"
rm -f "$ahome/.pam_environment"
echo 'exit' | as "$a" bash -c "exec -a -corral-shell $sh" >/dev/null 2>&1
echo 'exit' | as "$a" "$sh" -c "bash -i" >/dev/null 2>&1
is "~/.profile and ~/.bashrc run, but inside the session: only their writes in the home happened" \
	"$(ls "$ahome"/profile-ran "$ahome"/bashrc-ran 2>/dev/null | wc -l)|$(nothing_in_shared)" "2|"

echo "# a restricted account (commands = echo)"
ln -s /usr/bin/id "$rhome/echo"
cp /usr/bin/echo "$rhome/echo-copy"
chown -h "$r:" "$rhome/echo" "$rhome/echo-copy"
restricted() {  # command string
	local out status
	rm -f "$rhome/pwned"
	out=$(as "$r" "$sh" -c "$1")
	status=$?
	if [[ $out == *uid=* ]] || [ -e "$rhome/pwned" ] || { [ "$status" != 126 ] && [ "$status" != 0 ]; }; then
		fail "restricted: $(printf %q "$1")" "status $status: $out"
	elif [ "$status" = 0 ]; then
		pass "restricted: $(printf %q "$1") runs echo only: $(head -c 60 <<<"$out" | tr '\n' ' ')"
	else
		pass "restricted: $(printf %q "$1") refused (126): $(head -c 90 <<<"$out")"
	fi
}
for trick in 'id' '/usr/bin/id' 'echo $(id)' 'echo `id`' $'echo a\nid' 'echo a; id' 'echo a && id' 'echo a | id' \
	'echo a > ~/pwned' 'echo "$(id)"' 'echo "`id`"' "echo '\$(id)'" 'echo a\;id' $'id\techo' ' id' 'sh -c id' 'env id' \
	'bash' '"id"' "'id'" 'e"ch"o ok' '/usr/bin/../bin/id' '/usr/bin/echo/../id' '/usr/bin//id' '../../usr/bin/id' \
	'./echo' "$rhome/echo" "$rhome/echo-copy hi" '/bin/echo ok' 'echo --help' 'echo ${IFS}id' 'echo a #; id' \
	'echo $IFS' 'echo a\' '{echo,a}' 'echo *' 'exec id' 'echo a&id' 'echo a
touch ~/pwned'; do
	restricted "$trick"
done
out=$(as "$r" env SSH_ORIGINAL_COMMAND='echo $(touch ~/pwned)' "$sh" -c "$sh")
like "restricted, as a ForceCommand: SSH_ORIGINAL_COMMAND with \$() refused" "$out" "needs a shell"
ok "... and nothing was touched" test ! -e "$rhome/pwned"

esc_done
