#!/bin/bash
# ssh, the way a student logs in (issue 11, scenario 1): an interactive login
# with a pty and `ssh host CMD`, both through the guest's own sshd and PAM
# stack with a real client. The session is confined (no_new_privs, seccomp,
# its own corral scope), stdin, stdout and the exit status pass through, a
# write outside fs.write fails with EROFS, an fs.deny path in the home is a
# root-owned placeholder while the rest of the home stays writable, and every
# process of the user is confined or exempt while the session is open; none is
# left after it.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmssh
suite_enable_pam >/dev/null 2>&1
suite_policy "[user:$user]" "fs.deny = +~/secret"
ok "the test policy passes corralctl check" corralctl check
suite_user "$user" || { fail "create $user"; suite_done; }
like "corralctl explain: $user is confined" "$(corralctl explain "$user" 2>&1)" "# confined: yes"
open=/srv/corral-vm-open
install -d -m 1777 "$open"
suite_on_exit "rm -rf $open"
home=$(getent passwd "$user" | cut -d: -f6)
install -d -o "$user" -g "$user" -m 0700 "$home/secret"
echo hidden >"$home/secret/file" && chown "$user:" "$home/secret/file"

# a pty login: the commands typed at the prompt, the exit status of `exit 7`
suite_mark
# shellcheck disable=SC2016 # expanded in the session
out=$(printf '%s\n' 'tty; echo "shell=$0"; grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status; cut -d: -f3 /proc/self/cgroup' 'exit 7' |
	suite_ssh_tt "$user" 2>&1)
status=$?
is "pty login: the exit status of the login shell comes back (exit 7)" "$status" 7
like "pty login: on a pseudo-terminal" "$out" $'\n/dev/pts/[0-9]+'
like "pty login: a login shell (-bash)" "$out" 'shell=-bash'
like "pty login: NoNewPrivs 1" "$out" 'NoNewPrivs:[[:space:]]+1'
like "pty login: Seccomp 2 (filter)" "$out" 'Seccomp:[[:space:]]+2'
like "pty login: in its own corral scope" "$out" '/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope'

# ssh host CMD: stdin in, stdout out, the status back
out=$(printf 'hello\nworld\n' | suite_ssh "$user" 'tr a-z A-Z; exit 3' 2>&1)
status=$?
is "ssh CMD: stdin reaches the command and its stdout comes back" "$out" $'HELLO\nWORLD'
is "ssh CMD: the exit status comes back (exit 3)" "$status" 3

# writes: the home works, outside fs.write is a read-only file system
# (first shown to work without corral), fs.deny covers ~/secret only
out=$(setpriv --reuid="$user" --regid="$user" --init-groups sh -c "echo x >$open/unconfined && echo written" 2>&1)
is "unconfined, $user can write to $open" "$out" written
out=$(suite_ssh "$user" "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
echo confined-ok >~/inside && cat ~/inside
echo x >$open/confined && echo written
stat -c 'secret=%U %a' ~/secret; cat ~/secret/file; ls ~/secret
mkdir ~/d && echo y >~/d/f && mv ~/d ~/d2 && rm -r ~/d2 && echo home-writable" 2>&1)
like "ssh CMD: NoNewPrivs 1" "$out" 'NoNewPrivs:[[:space:]]+1'
like "ssh CMD: Seccomp 2" "$out" 'Seccomp:[[:space:]]+2'
like "a write inside the policy (the home) works" "$out" confined-ok
like "a write outside fs.write fails: Read-only file system (EROFS)" "$out" "$open/confined: Read-only file system"
unlike "... and is not done" "$out" written
ok "... and the file was not made" test ! -e "$open/confined"
like "fs.deny = ~/secret: a root-owned mode-0000 placeholder" "$out" 'secret=root 0'
unlike "fs.deny = ~/secret: its content cannot be read" "$out" hidden
like "around the denied path the home stays writable (mkdir, write, rename, rm)" "$out" home-writable
ok "... and ~/secret is untouched outside the session" grep -qx hidden "$home/secret/file"

# the invariant while a session is open (every process of the user, not only
# those this test started), then after it
if suite_hold "$user" 181 "sleep 182 &"; then
	out=$(cut -d: -f3 "/proc/$(pgrep -u "$user" -fx 'sleep 181' | head -n 1)/cgroup")
	like "the held session's processes are in a corral scope" "$out" '^/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope$'
	suite_check -l "$user" "every process of $user is confined or exempt during an ssh session"
else
	fail "an ssh session of $user is held open" "$(ps -o pid,args -u "$user")"
fi
suite_release "$user" 181
suite_gone "$user" "after the logout no process of $user is left (its background sleep included)"
suite_check "$user" "every process of $user is confined or exempt after the session"

log=$(suite_journal -t corral -o cat)
like "journalctl -t corral: corral-session's session-start line" "$log" "user=$user event=session-start"
like "journalctl -t corral: pam_corral's session-open line" "$log" \
	"pam_corral\(sshd:session\): user=$user session=[0-9a-f]{32} event=session-open service=sshd"
like "journalctl -t corral: pam_corral's session-close line" "$log" \
	"pam_corral\(sshd:session\): user=$user session=[0-9a-f]{32} event=session-close"
suite_done
