#!/bin/bash
# The bookworm lab machine (issue 11, scenario 13; SUITE_LAB=yes only): LDAP
# users (slapd, resolved through sssd) confined by a [group:ldapstudents]
# section, their homes automounted over NFS (root_squash: root cannot read
# them). ldapstu1's session works in its NFS home, with fs.deny = ~/.ssh
# covered; ldapta1 (also in ldapstaff) is exempt through exempt_groups.
# With the NFS server stopped and the homes unmounted, ldapstu1's login is
# refused or fails closed -- never unconfined -- while the exempt ldapta1
# still logs in. The LDAP users' ssh keys are in /etc/ssh (AuthorizedKeysFile
# in a Match Group block), as on a lab whose homes may be unreachable.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
if [ "$SUITE_LAB" != yes ]; then
	skip "the LDAP + NFS lab" "only the bookworm guest is a lab machine"
	suite_done
fi
stu=ldapstu1
ta=ldapta1
keys=/etc/ssh/corral-vm-keys
conf=/etc/ssh/sshd_config.d/corral-vm-lab.conf
open=/srv/corral-vm-open
suite_enable_pam >/dev/null 2>&1
SUITE_GLOBAL="exempt_groups = ldapstaff" suite_policy "[group:ldapstudents]" "confine = yes" "shell = /bin/bash" \
	"fs.read = /usr /etc /proc /sys/devices/system/cpu /dev/urandom /dev/random /dev/zero" \
	"fs.write = ~ /dev/null /dev/tty /dev/pts /dev/ptmx" "fs.exec = /usr" \
	"fs.deny = /etc/shadow /etc/gshadow ~/.ssh" "limits.processes = 256"
ok "the lab policy passes corralctl check" corralctl check
out=$(corralctl explain "$stu" 2>&1)
like "corralctl explain: $stu (LDAP, through sssd) is confined" "$out" "# confined: yes"
like "... by [group:ldapstudents]" "$out" '\[group:ldapstudents\]'
like "corralctl explain: $ta is exempt (exempt_groups = ldapstaff)" "$(corralctl explain "$ta" 2>&1)" 'exempt'

restore_nfs() {
	systemctl start nfs-server
	systemctl restart autofs
}
suite_on_exit "rm -rf $keys $conf $open; systemctl reload ssh.service; restore_nfs"
install -d -m 0755 "$keys"
install -d -m 1777 "$open"
for u in "$stu" "$ta"; do
	rm -f "$SUITE_KEYS/$u" "$SUITE_KEYS/$u.pub"
	install -d -m 0700 "$SUITE_KEYS"
	ssh-keygen -q -t ed25519 -N '' -C "$u" -f "$SUITE_KEYS/$u"
	install -m 0644 "$SUITE_KEYS/$u.pub" "$keys/$u"
	suite_on_exit "rm -f $SUITE_KEYS/$u $SUITE_KEYS/$u.pub"
done
printf '%s\n' "# corral test bed (80-lab): written and removed by the suite" "Match Group ldapstudents" \
	"	AuthorizedKeysFile $keys/%u" >"$conf"
ok "sshd reloads with the lab's AuthorizedKeysFile" sh -c 'sshd -t && systemctl reload ssh.service'

# the NFS home, as the user (root_squash: root is nobody there)
home=$(getent passwd "$stu" | cut -d: -f6)
ok "root cannot read $stu's NFS home (root_squash)" sh -c "! ls $home/.profile 2>/dev/null"
as_stu() { setpriv --reuid="$(id -u "$stu")" --regid="$(id -g "$stu")" --init-groups "$@"; }
as_stu sh -c "mkdir -p -m 0700 $home/.ssh && echo private >$home/.ssh/note && rm -f $home/lab-file"
like "the home is on NFS" "$(findmnt -n -o FSTYPE,SOURCE "$home")" "^nfs4 +127\.0\.0\.1:"

out=$(suite_ssh "$stu" "grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
echo home-fs=\$(stat -f -c %T ~)
echo in-nfs-home >~/lab-file && cat ~/lab-file
mkdir ~/labdir && mv ~/labdir ~/labdir2 && rmdir ~/labdir2 && echo home-writable
stat -c 'ssh=%U %a' ~/.ssh; cat ~/.ssh/note
echo x >$open/lab && echo written" 2>&1)
like "$stu's ssh session is confined: NoNewPrivs 1, Seccomp 2" "$out" $'NoNewPrivs:[[:space:]]+1\nSeccomp:[[:space:]]+2'
like "... its home is the NFS mount" "$out" 'home-fs=nfs'
like "... a write in the NFS home works" "$out" 'in-nfs-home'
like "... mkdir, rename, rmdir in it work" "$out" 'home-writable'
like "... fs.deny = ~/.ssh: a root-owned mode-0000 placeholder" "$out" 'ssh=root 0'
unlike "... its content cannot be read" "$out" private
like "... a write outside fs.write fails with EROFS" "$out" "$open/lab: Read-only file system"
unlike "... and is not done" "$out" written
is "the file written in the session is on the NFS server" "$(cat "/srv/nfs/home/$stu/lab-file" 2>&1)" in-nfs-home
ok "... and ~/.ssh is untouched there" grep -qx private "/srv/nfs/home/$stu/.ssh/note"
if suite_hold "$stu" 187; then
	suite_check -l "$stu" "every process of $stu is confined or exempt during the session"
else
	fail "a session of $stu is held open" "$(ps -o pid,args -u "$stu")"
fi
suite_release "$stu" 187
suite_gone "$stu" "after it no process of $stu is left"
out=$(suite_ssh "$ta" 'echo reached; grep -E "^Seccomp:" /proc/self/status' 2>&1)
like "the exempt $ta logs in, unconfined" "$out" $'reached\nSeccomp:[[:space:]]+0'

# --- the NFS server stopped, the homes unmounted first (a hard mount would hang) ---
for m in $(findmnt -n -l -t nfs4 -o TARGET | grep '^/home/ldap/'); do umount "$m" || umount -l "$m"; done
systemctl stop nfs-server
systemctl restart autofs
is "no NFS home is mounted" "$(findmnt -n -l -t nfs4 -o TARGET | grep '^/home/ldap/')" ""
ok "nfs-server is stopped" sh -c '! systemctl is-active --quiet nfs-server'
ok "... and $stu's home cannot be reached" sh -c "! timeout 30 setpriv --reuid=$(id -u "$stu") --regid=$(id -g "$stu") --init-groups ls $home"
suite_mark
out=$(timeout 120 "$SHELL" -c "$(declare -f suite_ssh suite_ssh_cmd); SUITE_KEYS=$SUITE_KEYS suite_ssh $stu 'echo reached; grep -E \"^(NoNewPrivs|Seccomp):\" /proc/self/status'" 2>&1)
status=$?
if [[ $out =~ reached ]]; then
	like "without its home $stu's session still runs confined (fails closed)" "$out" $'NoNewPrivs:[[:space:]]+1\nSeccomp:[[:space:]]+2'
else
	pass "without its home $stu's login is refused (status $status)"
fi
diag "$out" "$(suite_journal -t corral -o cat | grep "user=$stu" | tail -n 3)"
suite_check "$stu" "every process of $stu is confined or exempt"
suite_gone "$stu" "no process of $stu is left"
out=$(timeout 120 "$SHELL" -c "$(declare -f suite_ssh suite_ssh_cmd); SUITE_KEYS=$SUITE_KEYS suite_ssh $ta 'echo reached'" 2>&1)
like "the exempt $ta still logs in" "$out" reached
diag "$out"
restore_nfs
ok "nfs-server runs again" systemctl is-active --quiet nfs-server
ok "... and $stu's home mounts again" as_stu ls "$home/.profile"
suite_done
