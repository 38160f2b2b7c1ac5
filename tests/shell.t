#!/bin/bash
# corral-shell as users meet it: -c as sshd/su call it, login shells, a
# ForceCommand, restricted-command mode, nested calls, exit statuses,
# signals, the end of the session tree, and failing closed on a broken
# config. Sessions open through pam_corral (the test's own PAM service file,
# driven by build/pam_driver) so the shell finds its session record.
# Installs /etc/corral/corral.ini for the test and restores it.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users and /etc/corral: run as root"; fi
users=(crsh1 crsh2 crsh3)
saved=
cleanup() {
	for u in "${users[@]}"; do pkill -KILL -u "$u" 2>/dev/null; userdel -r "$u" >/dev/null 2>&1; done
	rm -rf /etc/corral
	[ -n "$saved" ] && mv "$saved" /etc/corral
	rm -rf "${tools:-/nonexistent}"
	[ -n "$made_run" ] && rmdir /run/corral/hosts /run/corral/sessions /run/corral 2>/dev/null
	[ -n "$made_varlib" ] && rmdir /var/lib/corral/tmp/* /var/lib/corral/tmp /var/lib/corral 2>/dev/null
}
made_run=; [ -e /run/corral ] || made_run=1           # the module's runtime dirs: removed if we made them
made_varlib=; [ -e /var/lib/corral ] || made_varlib=1
if [ -e /etc/corral ]; then saved=$(mktemp -d /etc/corral.saved-by-test.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved"; fi
trap cleanup EXIT
for u in "${users[@]}"; do userdel -r "$u" >/dev/null 2>&1; useradd -m -s /usr/bin/corral-shell "$u" 2>/dev/null || exit 1; done
tools=$(mktemp -d /usr/local/lib/corral-test.XXXXXX)
chmod 0755 "$tools"
install -m 0755 "$build/corral-shell" "$tools/corral-shell"
install -m 0755 "$build/corral-helper" "$tools/corral-helper"   # found beside the shell
install -m 0755 "$build/corral-session" "$tools/corral-session" # the real shell, after the static first stage
shell=$tools/corral-shell
driver=$(realpath "$build/pam_driver")
pamdir=$tools/pam.d
mkdir -m 0755 "$pamdir"
echo "session required $(realpath "$build/pam_corral.so")" >"$pamdir/sshd"
echo "session required pam_permit.so" >"$pamdir/other"
mkdir -m 0755 /etc/corral
write_config() {
	cat >/etc/corral/corral.ini
	chmod 0644 /etc/corral/corral.ini
}
write_config <<INI
[default]
confine = no
[user:crsh1]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
[user:crsh2]
confine = yes
commands = echo rsync
fs.read = /usr /etc
fs.write = ~ /dev/null
fs.exec = /usr
[user:crsh3]
session.linger = yes
confine = yes
fs.read = /usr /etc
fs.write = ~ /dev/null
fs.exec = /usr
INI

as() { local u=$1; shift; (cd / && "$driver" -q -d "$pamdir" -s sshd -u "$u" -- "$@"); }
# without PAM: no session record, the shell resolves the config itself
bare() { local u=$1; shift; (cd / && runuser -u "$u" -- "$@"); }

plan 25
is "-c runs the command confined: write outside home refused" \
	"$(as crsh1 "$shell" -c 'touch /tmp/crsh1-x 2>&1; echo status=$?')" \
	"touch: cannot touch '/tmp/crsh1-x': Read-only file system
status=1"
is "the command's exit status passes through" "$(as crsh1 "$shell" -c 'exit 7'; echo $?)" 7
is "death by a signal is 128+signal" "$(as crsh1 "$shell" -c 'kill -TERM $$'; echo $?)" 143
is "stdin and stdout pass through unchanged" "$(printf 'a\nb\n' | as crsh1 "$shell" -c 'cat' | od -c | head -n 1)" \
	"$(printf 'a\nb\n' | od -c | head -n 1)"
pid=$(as crsh1 "$shell" -c 'sleep 100 >/dev/null 2>&1 & echo $!')
sleep 0.2
is "a background process does not survive the session" "$(kill -0 "$pid" 2>/dev/null && echo alive || echo gone)" gone
pid=$(as crsh3 "$shell" -c 'sleep 100 >/dev/null 2>&1 & echo $!')
sleep 0.2
is "with session.linger = yes it does" "$(kill -0 "$pid" 2>/dev/null && echo alive || echo gone)" alive
kill "$pid" 2>/dev/null
is "a login shell (argv[0] '-corral-shell') starts the real shell as a login shell" \
	"$(echo 'shopt -q login_shell && echo login' | as crsh1 /bin/bash -c "exec -a -corral-shell $shell")" login
is "ForceCommand: SSH_ORIGINAL_COMMAND runs in place of the forced command" \
	"$(as crsh1 env SSH_ORIGINAL_COMMAND='echo asked' "$shell" -c "$shell")" asked
is "nested corral-shell inside a session just runs, still confined" \
	"$(as crsh1 "$shell" -c "$shell -c 'touch /tmp/crsh1-y 2>&1 | grep -c -e denied -e Read-only'")" 1
rm -f /tmp/crsh-free
is "a user no section confines gets a plain, unconfined shell" \
	"$(as nobody "$shell" -c 'touch /tmp/crsh-free && echo free')" free
rm -f /tmp/crsh-free
out=$(as crsh2 "$shell" -c 'echo restricted ok')
is "restricted mode: an allowed command runs (no shell involved)" "$out" "restricted ok"
out=$(as crsh2 "$shell" -c 'bash -i' 2>&1); status=$?
is "restricted mode: a command not listed is refused with 126" "$status: $out" \
	"126: corral: command 'bash' is not allowed for this account"
out=$(as crsh2 "$shell" -c 'echo a; bash' 2>&1); status=$?
is "restricted mode: shell syntax is refused, never interpreted" "$status: $out" \
	"126: corral: command refused: ';' needs a shell"
out=$(as crsh2 "$shell" -c '/tmp/echo x' 2>&1); status=$?
is "restricted mode: a path that is not the allowed program is refused" "$status: $out" \
	"126: corral: command '/tmp/echo' is not the allowed /usr/bin/echo"
out=$(as crsh2 "$shell" </dev/null 2>&1); status=$?
is "restricted mode: no interactive shell unless listed" "$status: $out" \
	"126: corral: interactive sessions are not allowed for this account"
rm -f /tmp/crsh2-z
as crsh2 "$shell" -c "rsync -e 'sh -c \"touch /tmp/crsh2-z\" x' host:x ." >/dev/null 2>&1
is "restricted mode: what an allowed program runs (rsync -e) is still confined" \
	"$([ -e /tmp/crsh2-z ] && echo escaped || echo contained)" contained
(cd / && runuser -u crsh2 -- /usr/bin/rsync -e 'sh -c "touch /tmp/crsh2-z" x' host:x /dev/null >/dev/null 2>&1)
is "... and the same rsync -e unconfined does write there (the test can fail)" \
	"$([ -e /tmp/crsh2-z ] && echo escaped || echo contained)" escaped
rm -f /tmp/crsh2-z
out=$(as crsh1 "$shell" -x 2>&1); status=$?
is "unknown options are refused" "$status" 1

out=$(bare crsh1 "$shell" -c 'echo ran' 2>&1); status=$?
is "without pam_corral (no session record) a policy needing the session namespace is refused" "$status: $out" \
	"1: corral: cannot confine this session: this policy (fs.exec) needs the session mount namespace that pam_corral makes at login; is pam_corral in this service's PAM stack?"
out=$(bare crsh1 env CORRAL_SESSION=0123456789abcdef0123456789abcdef "$shell" -c 'echo ran' 2>&1); status=$?
is "... and naming a session record that does not exist changes nothing" "$status" 1
printf '[default]\nconfine = sometimes\n' | write_config
out=$(bare crsh1 "$shell" -c 'echo ran' 2>&1); status=$?
is "broken config: a confined user is refused (exit 1, says where)" "$status: $out" \
	"1: corral: no valid policy (/etc/corral/corral.ini:2: error: key 'confine': 'sometimes' is not a boolean (yes/no)); ask your administrator"
is "broken config: root (exempt) still gets a shell" "$(cd / && "$shell" -c 'echo root ok' 2>&1)" "root ok"
chmod 0666 /etc/corral/corral.ini
printf '[global]\nexempt_users = crsh1\n' >>/etc/corral/corral.ini
out=$(bare crsh1 "$shell" -c 'echo ran' 2>&1); status=$?
is "a world-writable config cannot exempt anyone" "$status" 1

# The child confines itself while its parent already becomes corral-helper:
# a child that cannot (here: a file limit above the hard limit it was
# given) is refused by the helper with the child's own reason, nothing runs.
write_config <<INI
[default]
confine = no
[user:crsh3]
confine = yes
limits.files = 8192
INI
rm -f /tmp/crsh3-ran
out=$(cd / && ulimit -n 4096 && runuser -u crsh3 -- "$shell" -c 'touch /tmp/crsh3-ran; echo ran' 2>&1); status=$?
is "a child that cannot confine itself is refused with its reason (exit 1)" "$status: $out" \
	"1: corral: cannot set resource limits: Operation not permitted"
is "... and its command never ran" "$([ -e /tmp/crsh3-ran ] && echo ran || echo "did not run")" "did not run"
rm -f /tmp/crsh3-ran
