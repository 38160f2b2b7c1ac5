#!/bin/bash
# corral-shell as sshd's ForceCommand (issue 11, scenario 4), set the way an
# admin would: a Match User block in /etc/ssh/sshd_config.d/, sshd reloaded.
# The command the client asked for (SSH_ORIGINAL_COMMAND) runs confined, with
# its output and status; sftp goes through the forced command too; corralctl
# audit has nothing to say about that ForceCommand.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmforce
conf=/etc/ssh/sshd_config.d/corral-vm-force.conf
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$user" || { fail "create $user"; suite_done; }
# shellcheck disable=SC2317 # called through ok
reload_sshd() { systemctl reload ssh.service 2>/dev/null || systemctl reload sshd.service; }
cat >"$conf" <<EOF
# corral test bed (26-forcecommand): written and removed by the suite
Match User $user
	ForceCommand /usr/bin/corral-shell
	DisableForwarding yes
	PermitTunnel no
EOF
suite_on_exit "rm -f $conf; systemctl reload ssh.service 2>/dev/null || systemctl reload sshd.service"
ok "sshd accepts the Match block (sshd -t)" sshd -t
ok "sshd reloads" reload_sshd
like "sshd -T: $user gets ForceCommand /usr/bin/corral-shell" \
	"$(sshd -T -C "user=$user,host=localhost,addr=127.0.0.1" 2>&1 | grep -i '^forcecommand')" '^forcecommand /usr/bin/corral-shell$'
unlike "corralctl audit finds nothing about this ForceCommand" "$(corralctl audit 2>&1)" "user $user: .*ForceCommand"
open=/srv/corral-vm-open
install -d -m 1777 "$open"
suite_on_exit "rm -rf $open"

out=$(echo stdin-line | suite_ssh "$user" "echo ran-original; cat; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; echo x >$open/forced; exit 4" 2>&1)
status=$?
is "the original command's exit status comes back (4)" "$status" 4
like "the client's command (SSH_ORIGINAL_COMMAND) ran in place of the forced one" "$out" '^ran-original'
like "... with stdin passed through" "$out" $'\nstdin-line\n'
like "... confined: NoNewPrivs 1" "$out" 'NoNewPrivs:[[:space:]]+1'
like "... confined: Seccomp 2" "$out" 'Seccomp:[[:space:]]+2'
like "... a write outside fs.write fails with EROFS" "$out" "$open/forced: Read-only file system"
ok "... and made nothing" test ! -e "$open/forced"

w=$(mktemp -d /root/corral-vm-force.XXXXXX)
suite_on_exit "rm -rf $w"
echo payload >"$w/f"
ssh_cmd=$(suite_ssh_cmd "$user")
# shellcheck disable=SC2206 # options, one word each
ssh_opts=(${ssh_cmd#ssh })
out=$(printf '%s\n' "put $w/f sftp.txt" "-put $w/f /tmp/vmforce-sftp" | sftp -b - "${ssh_opts[@]}" "$user@127.0.0.1" 2>&1)
is "sftp through the ForceCommand: a put into the home works" "$(cat "$(getent passwd "$user" | cut -d: -f6)/sftp.txt" 2>&1)" payload
like "... a put into /tmp fails" "$out" 'Failure'
ok "... and wrote nothing" test ! -e /tmp/vmforce-sftp

if suite_hold "$user" 183; then
	suite_check -l "$user" "every process of $user is confined or exempt during a forced-command session"
else
	fail "a forced-command session of $user is held open" "$(ps -o pid,args -u "$user")"
fi
suite_release "$user" 183
suite_gone "$user" "after it no process of $user is left"
suite_check "$user" "every process of $user is confined or exempt after the session"
suite_done
