#!/bin/bash
# File transfers of a confined user over ssh (issue 11, scenario 2): scp,
# sftp, rsync, git clone and git push with the real clients against the
# guest's sshd. Inside the home they work; into /tmp (not in fs.write) and
# from a directory outside fs.read they are refused; the server side of a
# transfer (sftp-server) runs confined, and nothing is left behind.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmxfer
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$user" || { fail "create $user"; suite_done; }
home=$(getent passwd "$user" | cut -d: -f6)
ssh_cmd=$(suite_ssh_cmd "$user")
# shellcheck disable=SC2206 # options, one word each
ssh_opts=(${ssh_cmd#ssh })
dest=$user@127.0.0.1
w=$(mktemp -d /root/corral-vm-xfer.XXXXXX)
outside=/srv/corral-vm-outside
install -d -m 0755 "$outside"
# where the user could write without corral (its own repository), readable in the session
gitout=/opt/corral-vm/gitout   # in fs.read, not in fs.write
install -d -m 0755 -o "$user" -g "$user" "$gitout"
setpriv --reuid="$user" --regid="$user" --init-groups git init -q --bare -b main "$gitout/repo.git"
echo "world-readable but outside fs.read" >"$outside/public.txt"
chmod 0644 "$outside/public.txt"
suite_on_exit "rm -rf $w $outside $gitout; rm -rf /tmp/vmxfer-*"
head -c 200000 /dev/urandom >"$w/blob"
sum=$(sha256sum <"$w/blob")

# --- scp (the SFTP protocol, OpenSSH's default) ---
out=$(scp -q "${ssh_opts[@]}" "$w/blob" "$dest:up.bin" 2>&1)
is "scp into the home works" "$?:$out" "0:"
is "... the file arrived whole" "$(sha256sum <"$home/up.bin")" "$sum"
out=$(scp -q "${ssh_opts[@]}" "$dest:up.bin" "$w/down.bin" 2>&1)
is "scp from the home works" "$?:$out" "0:"
is "... the file came back whole" "$(sha256sum <"$w/down.bin" 2>&1)" "$sum"
out=$(scp -q "${ssh_opts[@]}" "$w/blob" "$dest:/tmp/vmxfer-scp" 2>&1)
status=$?
# shellcheck disable=SC2317 # called through ok
isnt_zero() { [ "$1" != 0 ]; }
ok "scp into /tmp (outside fs.write) fails (status $status)" isnt_zero "$status"
like "... with the server's Failure" "$out" 'Failure|Read-only file system'
ok "... and nothing was written" test ! -e /tmp/vmxfer-scp
out=$(scp -q "${ssh_opts[@]}" "$dest:$outside/public.txt" "$w/public.txt" 2>&1)
status=$?
ok "scp from outside fs.read fails (status $status)" isnt_zero "$status"
ok "... and nothing was read" test ! -s "$w/public.txt"
diag "scp: $out"

# --- sftp: a batch, and the server side held open for the invariant ---
mkfifo "$w/fifo"
sftp -b - "${ssh_opts[@]}" "$dest" <"$w/fifo" >"$w/sftp.out" 2>&1 &
sftp_pid=$!
trap '' PIPE   # a refused sftp session ends its reading end
exec 9>"$w/fifo"
echo "pwd" >&9
if suite_wait_while "$sftp_pid" 60 pgrep -u "$user" -x sftp-server; then
	pid=$(pgrep -u "$user" -x sftp-server | head -n 1)
	is "sftp: the server (sftp-server) is confined: NoNewPrivs 1, Seccomp 2" \
		"$(suite_status_field "$pid" NoNewPrivs) $(suite_status_field "$pid" Seccomp)" "1 2"
	like "sftp: the server runs in a corral scope" "$(cut -d: -f3 "/proc/$pid/cgroup")" '/corral-[0-9a-f]{32}\.scope$'
	suite_check -l "$user" "every process of $user is confined or exempt during an sftp session"
else
	fail "an sftp session of $user starts" "$(cat "$w/sftp.out")"
fi
{
	echo "put $w/blob sftp.bin"
	echo "mkdir sdir"
	echo "rename sftp.bin sdir/sftp.bin"
	echo "get sdir/sftp.bin $w/sftp-back.bin"
	echo "-put $w/blob /tmp/vmxfer-sftp"
	echo "-get $outside/public.txt $w/sftp-public.txt"
	echo "ls -l sdir"
} >&9
exec 9>&-
trap - PIPE
wait "$sftp_pid"
status=$?
out=$(cat "$w/sftp.out")
is "sftp: put, mkdir, rename, get in the home work" "$status:$(sha256sum <"$home/sdir/sftp.bin" 2>&1):$(sha256sum <"$w/sftp-back.bin" 2>&1)" "0:$sum:$sum"
like "sftp: put into /tmp gets the server's Failure" "$out" 'vmxfer-sftp.*Failure|Failure.*vmxfer-sftp|dest open "/tmp/vmxfer-sftp": Failure'
ok "... and nothing was written" test ! -e /tmp/vmxfer-sftp
unlike "sftp: get from outside fs.read fails" "$out" 'Fetching .*public\.txt to .* 100%'
ok "... and nothing was read" test ! -s "$w/sftp-public.txt"
diag "$out"

# --- rsync ---
mkdir -p "$w/tree/sub" && cp "$w/blob" "$w/tree/sub/a" && echo b >"$w/tree/b"
out=$(rsync -a -e "$ssh_cmd" "$w/tree/" "$dest:rs/" 2>&1)
is "rsync into the home works" "$?:$out" "0:"
ok "... the tree arrived" cmp "$w/blob" "$home/rs/sub/a"
out=$(rsync -a -e "$ssh_cmd" "$w/tree/" "$dest:/tmp/vmxfer-rsync/" 2>&1)
status=$?
ok "rsync into /tmp fails (status $status)" isnt_zero "$status"
ok "... and nothing was written" test ! -e /tmp/vmxfer-rsync
diag "rsync: $out"

# --- git: a bare repository in the home, cloned and pushed to ---
setpriv --reuid="$user" --regid="$user" --init-groups git init -q --bare -b main "$home/repo.git"
gitc() { GIT_SSH_COMMAND=$ssh_cmd git -c user.name=vm -c user.email=vm@localhost -c init.defaultBranch=main "$@"; }
out=$( {
	gitc clone -q "$dest:repo.git" "$w/clone" &&
		echo one >"$w/clone/f" && gitc -C "$w/clone" add f && gitc -C "$w/clone" commit -q -m "first push" &&
		gitc -C "$w/clone" push -q origin HEAD:main && echo pushed
} 2>&1)
like "git clone and git push over ssh work" "$out" pushed
is "... the commit is in the repository in the home" \
	"$(git -c safe.directory='*' --git-dir="$home/repo.git" log --format=%s main 2>&1)" "first push"
out=$(gitc -C "$w/clone" push -q "$dest:$gitout/repo.git" HEAD:main 2>&1)
status=$?
ok "git push into a repository of $user's outside fs.write fails (status $status)" isnt_zero "$status"
is "... and the repository has no commit" "$(git -c safe.directory='*' --git-dir="$gitout/repo.git" rev-list --all 2>&1)" ""
diag "git: $out"

suite_gone "$user" "after the transfers no process of $user is left"
suite_check "$user" "every process of $user is confined or exempt after the transfers"
out=$(find /tmp /var/tmp /srv -user "$user" -newer "$w/blob" 2>/dev/null)
is "nothing of $user's was written outside the home" "$out" ""
suite_done
