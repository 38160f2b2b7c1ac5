#!/bin/bash
# A transfer-only account (issue 11, scenario 3): commands = scp sftp-server
# rsync git-upload-pack git-receive-pack, fs.exec = the programs' trees only.
# scp, sftp, rsync and git work into the home; an interactive shell and any
# other command are refused with exit status 126, and nothing of them runs.
# (git-receive-pack runs git's helpers from /usr/lib/git-core: that tree is in
# fs.exec too, or a push fails with "cannot exec 'unpack-objects'".)
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmdrop
suite_enable_pam >/dev/null 2>&1
suite_policy "[user:$user]" \
	"commands = scp sftp-server rsync git-upload-pack git-receive-pack" \
	"fs.exec = /usr/lib/openssh /usr/bin /usr/lib/git-core"
ok "the transfer-only policy passes corralctl check" corralctl check
suite_user "$user" || { fail "create $user"; suite_done; }
home=$(getent passwd "$user" | cut -d: -f6)
ssh_cmd=$(suite_ssh_cmd "$user")
# shellcheck disable=SC2206 # options, one word each
ssh_opts=(${ssh_cmd#ssh })
dest=$user@127.0.0.1
w=$(mktemp -d /root/corral-vm-drop.XXXXXX)
suite_on_exit "rm -rf $w"
head -c 100000 /dev/urandom >"$w/blob"
# the account cannot make its repository itself: the admin does, as the user
setpriv --reuid="$user" --regid="$user" --init-groups git init -q --bare -b main "$home/repo.git"

out=$(scp -q "${ssh_opts[@]}" "$w/blob" "$dest:up.bin" 2>&1 && scp -q "${ssh_opts[@]}" "$dest:up.bin" "$w/down.bin" 2>&1)
is "scp to and from the home works" "$?:$out" "0:"
ok "... the file made the round trip whole" cmp "$w/blob" "$w/down.bin"

mkfifo "$w/fifo"
sftp -b - "${ssh_opts[@]}" "$dest" <"$w/fifo" >"$w/sftp.out" 2>&1 &
sftp_pid=$!
trap '' PIPE   # a refused sftp session ends its reading end
exec 9>"$w/fifo"
echo "pwd" >&9
if suite_wait_while "$sftp_pid" 60 pgrep -u "$user" -x sftp-server; then
	suite_check -l "$user" "every process of $user is confined or exempt during an sftp session"
else
	fail "an sftp session of $user starts" "$(cat "$w/sftp.out")"
fi
printf '%s\n' "put $w/blob s.bin" "get s.bin $w/s-back.bin" >&9
exec 9>&-
trap - PIPE
wait "$sftp_pid"
is "sftp put and get work" "$?" 0
ok "... the file made the round trip whole" cmp "$w/blob" "$w/s-back.bin"

mkdir -p "$w/tree/d" && cp "$w/blob" "$w/tree/d/a"
out=$(rsync -a -e "$ssh_cmd" "$w/tree/" "$dest:rs/" 2>&1)
is "rsync into the home works" "$?:$out" "0:"
ok "... the tree arrived" cmp "$w/blob" "$home/rs/d/a"

gitc() { GIT_SSH_COMMAND=$ssh_cmd git -c user.name=vm -c user.email=vm@localhost -c init.defaultBranch=main "$@"; }
out=$( {
	gitc clone -q "$dest:repo.git" "$w/clone" && echo one >"$w/clone/f" && gitc -C "$w/clone" add f &&
		gitc -C "$w/clone" commit -q -m pushed && gitc -C "$w/clone" push -q origin HEAD:main && echo pushed
} 2>&1)
is "git clone and push work" "$(tail -n 1 <<<"$out")" pushed
[ "$(tail -n 1 <<<"$out")" = pushed ] || diag "git: $out"
is "... the commit is in the repository in the home" \
	"$(git -c safe.directory='*' --git-dir="$home/repo.git" log --format=%s main 2>&1)" pushed

# refused: the interactive shell, other programs, shell syntax; none of them runs
marker="$home/ran"
out=$(printf 'touch %s\nexit 0\n' "$marker" | suite_ssh_tt "$user" 2>&1)
is "an interactive login is refused with 126" "$?" 126
like "... saying why" "$out" 'interactive sessions are not allowed'
out=$(suite_ssh "$user" "touch $marker" 2>&1)
is "another command (touch) is refused with 126" "$?:$out" "126:corral: command 'touch' is not allowed for this account"
out=$(suite_ssh "$user" "rsync --version; touch $marker" 2>&1)
is "an allowed command with shell syntax after it is refused with 126" "$?" 126
diag "$out"
ok "... none of them ran" test ! -e "$marker"

suite_gone "$user" "after the transfers no process of $user is left"
suite_check "$user" "every process of $user is confined or exempt after the transfers"
suite_done
