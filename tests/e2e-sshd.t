#!/bin/bash
# End to end through a real OpenSSH sshd ("Every way in", part 1): sshd on
# 127.0.0.1 at a free high port with its own host key and config, the real
# PAM service "sshd" (/etc/pam.d/sshd) extended with
# `session required BUILD/pam_corral.so`, the build installed as
# /usr/bin/corral-shell and /usr/libexec/corral/corral-helper when missing.
# Users (throwaway): cesu confined (corral-shell), cesa an exempt admin
# (corral-shell, group cesadm in exempt_groups), cest a transfer-only
# account (commands = scp sftp-server rsync git-upload-pack
# git-receive-pack), cesb confined but with /bin/bash as login shell.
# Wherever it proves the check can fail, the same thing is done first by
# the exempt admin (or with corral out of the way) and shown to work.
# Everything is undone on exit (tests/e2e/lib.sh), sshd included.
cd "$(dirname "$0")/.." || exit 1
. tests/e2e/lib.sh
e2e_init /usr/sbin/sshd ssh scp sftp rsync git python3 ssh-keygen
T0=$SECONDS

# --- users, keys, files -----------------------------------------------------------
e2e_group cesadm
e2e_user cesu /usr/bin/corral-shell
e2e_user cesa /usr/bin/corral-shell -G cesadm
e2e_user cest /usr/bin/corral-shell
e2e_user cesb /bin/bash
home_u=$(getent passwd cesu | cut -d: -f6)
home_a=$(getent passwd cesa | cut -d: -f6)
home_t=$(getent passwd cest | cut -d: -f6)
W=$E2E_WORK
mkdir -m 0755 "$W/keys" "$W/pub" "$W/local"
ssh-keygen -q -t ed25519 -N '' -C e2e-client -f "$W/client_key" || exit 1
ssh-keygen -q -t ed25519 -N '' -C e2e-host -f "$W/ssh_host_ed25519_key" || exit 1
for u in cesu cesa cest cesb root; do   # AuthorizedKeysFile $W/keys/%u: root-owned, nothing in /root touched
	install -m 0644 "$W/client_key.pub" "$W/keys/$u"
done
echo "not for confined eyes" >"$W/pub/secret"   # world-readable, outside every granted tree
chmod 0644 "$W/pub/secret"
head -c 300000 /dev/urandom >"$W/local/blob"
# sshd runs ~/.ssh/rc through the login shell (corral-shell -c '/bin/sh .ssh/rc');
# cesu's only leaves a mark (its stdout would reach the session's)
for h in "$home_u" "$home_t"; do install -d -m 0700 "$h/.ssh"; done
echo 'echo rc >>"$HOME/rc-ran"' >"$home_u/.ssh/rc"
printf 'echo rc-output\necho rc >>"$HOME/rc-ran"\n' >"$home_t/.ssh/rc"
printf 'echo pwned\necho bashrc >>"$HOME/bashrc-ran"\n' >>"$home_t/.bashrc"
# a bare repository with one commit in the homes of cesu and cest
git init -q -b main "$W/seed" && git -C "$W/seed" -c user.name=e2e -c user.email=e2e@localhost \
	commit -q --allow-empty -m seed || exit 1
for h in "$home_u" "$home_t"; do git clone -q --bare "$W/seed" "$h/repo.git" || exit 1; done
chown -R cesu: "$home_u"
chown -R cest: "$home_t"

# two listeners: net.connect allows the confined user only the first
port=$(e2e_free_port)
p_ok=$(e2e_free_port)
p_no=$(e2e_free_port)
python3 -c '
import socket, sys, threading
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port)); s.listen(16)
    while True:
        c, _ = s.accept(); c.close()
for p in sys.argv[1:]:
    threading.Thread(target=serve, args=(int(p),), daemon=True).start()
threading.Event().wait()
' "$p_ok" "$p_no" &
listener=$!
e2e_on_exit "kill $listener"
e2e_on_exit "rm -f /var/tmp/ces-cesa /var/tmp/ces-cesu /tmp/ces-ces*"

# --- policy --------------------------------------------------------------------------
good_config() {  # [linger] [cesb-confine]
	e2e_write_config <<INI
[global]
exempt_groups = cesadm

[default]
confine = no

[user:cesu]
confine = yes
fs.read = /usr /etc /proc /run/corral /dev/urandom /dev/random /dev/zero
fs.write = ~ /dev/null /dev/tty /dev/pts /dev/ptmx
fs.exec = /usr
net.connect = tcp://127.0.0.1:$p_ok
session.linger = ${1:-no}

[user:cest]
confine = yes
commands = scp sftp-server rsync git-upload-pack git-receive-pack
fs.read = /usr /etc /proc /dev/urandom
fs.write = ~ /dev/null
fs.exec = /usr
net.connect =

[user:cesb]
confine = ${2:-yes}
INI
}
good_config

# --- sshd ------------------------------------------------------------------------------
e2e_pam_extend sshd
start_sshd() {
	cat >"$W/sshd_config" <<CONF
Port $port
ListenAddress 127.0.0.1
HostKey $W/ssh_host_ed25519_key
PidFile $W/sshd.pid
UsePAM yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile $W/keys/%u
PermitRootLogin prohibit-password
Subsystem sftp /usr/lib/openssh/sftp-server
AllowTcpForwarding no
X11Forwarding no
PermitUserEnvironment no
AcceptEnv LANG
LogLevel VERBOSE
PrintMotd no
CONF
	/usr/sbin/sshd -D -e -f "$W/sshd_config" 2>>"$W/sshd.log" &
	sshd_pid=$!
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && return 0
		kill -0 "$sshd_pid" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
sshd_pid=
for _ in 1 2 3; do   # the port may have been taken meanwhile
	start_sshd && break
	kill "$sshd_pid" 2>/dev/null; wait "$sshd_pid" 2>/dev/null; sshd_pid=
	port=$(e2e_free_port)
done
[ -n "$sshd_pid" ] || { echo "Bail out! sshd did not start:"; sed 's/^/# /' "$W/sshd.log"; exit 1; }
e2e_on_exit "kill $sshd_pid; wait $sshd_pid"

cli=(-F /dev/null -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes
	-o LogLevel=ERROR -o ConnectTimeout=10 -i "$W/client_key")
ssh_cmd="ssh ${cli[*]} -p $port"   # for rsync -e and GIT_SSH_COMMAND (no spaces in the words)
sshc() {  # [-o OPTION | -FLAG]... user [command...]
	local o=() u
	while [ "${1:0:1}" = - ]; do
		if [ "$1" = -o ]; then o+=("$1" "$2"); shift 2; else o+=("$1"); shift; fi
	done
	u=$1
	shift
	timeout 60 ssh "${cli[@]}" "${o[@]}" -p "$port" "$u@127.0.0.1" "$@"
}
scpc() { timeout 60 scp -q "${cli[@]}" -P "$port" "$@"; }
sftpc() {  # user, batch file
	timeout 60 sftp -q "${cli[@]}" -P "$port" -b "$2" "$1@127.0.0.1"
}
rsyncc() { timeout 60 rsync -e "$ssh_cmd" "$@"; }
gitc() { GIT_SSH_COMMAND=$ssh_cmd timeout 60 git -c user.name=e2e -c user.email=e2e@localhost "$@"; }
drive() {  # user, script file: an interactive login on a pty (ssh -tt)
	local u=$1 script=$2
	TERM=xterm timeout 90 python3 "$E2E_LIB/ptydrive.py" -t 20 "$script" -- \
		ssh "${cli[@]}" -p "$port" -tt "$u@127.0.0.1" 2>&1
}
cd "$W/local" || exit 1
R="$W/local"
sc="$W/script"   # the pty scripts

# --- an interactive login ------------------------------------------------------------------
# the same keystrokes, by the exempt admin (unconfined) and by cesu
cat >"$sc" <<SCRIPT
expect @[^ ]+:~\\\$ \$
send touch /etc/x; echo "etc-status=\$?"
expect etc-status=[0-9]+
send touch /var/tmp/ces-\$USER; echo "vartmp-status=\$?"
expect vartmp-status=[0-9]+
send python3 -c "import socket; socket.create_connection(('127.0.0.1', $p_no)); print('no-port-' + 'connected')"; echo "no-status=\$?"
expect no-status=[0-9]+
send python3 -c "import socket; socket.create_connection(('127.0.0.1', $p_ok)); print('ok-port-' + 'connected')"; echo "ok-status=\$?"
expect ok-status=[0-9]+
send sleep 300 & echo "bg-pid=\$!"
expect bg-pid=[0-9]+
send echo "sid=[\$CORRAL_SESSION]"; grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status
expect Seccomp:.*
send exit
eof
SCRIPT
bgpid() { grep -Eo 'bg-pid=[0-9]+' <<<"$1" | head -n 1 | cut -d= -f2; }
rm -f /var/tmp/ces-cesa /var/tmp/ces-cesu
out=$(drive cesa "$sc")
pid=$(bgpid "$out")
like "unconfined (exempt admin) on a pty: prompt, the shell ends with exit (status 0)" "$out" \
	'cesa@[^ ]+:~\$ .*@@ptydrive status=0'
like "... touch /var/tmp/ces-USER works unconfined (/etc/x: DAC says no to any non-root user)" "$out" \
	"etc-status=1.*vartmp-status=0"
like "... both ports connect unconfined" "$out" "no-port-connected.*no-status=0.*ok-port-connected.*ok-status=0"
is "... a 'sleep 300 &' survives the unconfined logout" "$(e2e_gone "${pid:-0}")" alive
[ -n "$pid" ] && kill "$pid"
out=$(drive cesu "$sc")
pid=$(bgpid "$out")
like "confined on a pty: the prompt appears and exit ends the session (status 0)" "$out" \
	'cesu@[^ ]+:~\$ .*@@ptydrive status=0'
# outside fs.write the session's view is read-only: the mount answers first
like "... touch /etc/x: Read-only file system" "$out" \
	"touch: cannot touch '/etc/x': Read-only file system"$'\n'"etc-status=1"
like "... touch /var/tmp/ces-USER: Read-only file system (outside fs.write)" "$out" \
	"touch: cannot touch '/var/tmp/ces-cesu': Read-only file system"$'\n'"vartmp-status=1"
is "... and nothing was written" "$(ls /var/tmp/ces-cesu 2>&1 >/dev/null | grep -c 'No such file')" 1
like "... connect to a port net.connect does not allow: Connection refused" "$out" \
	"ConnectionRefusedError: \[Errno 111\] Connection refused"$'\n'"no-status=1"
like "... the allowed port connects" "$out" "ok-port-connected"$'\n'"ok-status=0"
like "... the session is marked: CORRAL_SESSION, NoNewPrivs 1, Seccomp 2" "$out" \
	"sid=\[$E2E_SID\].*NoNewPrivs:[[:space:]]+1"$'\n'"Seccomp:[[:space:]]+2"
is "... the 'sleep 300 &' it started is gone after exit" "$(e2e_gone "${pid:-0}")" gone
[ -n "$pid" ] && kill "$pid" 2>/dev/null
is "... ~/.ssh/rc of a confined shell user does run (sshd runs it through corral-shell)" \
	"$(cat "$home_u/rc-ran" 2>&1 | sort -u)" rc
good_config yes
out=$(drive cesu "$sc")
pid=$(bgpid "$out")
linger_sid=$(grep -Eo "sid=\[$E2E_SID\]" <<<"$out" | head -n 1 | grep -Eo "$E2E_SID")
is "with session.linger = yes the 'sleep 300 &' survives the logout" "$(e2e_gone "${pid:-0}")" alive
[ -n "$pid" ] && kill "$pid" 2>/dev/null
e2e_gone "${pid:-0}" >/dev/null
# a lingering session's cgroups stay after close (pam_corral(8)): the admin's job
for cg in /sys/fs/cgroup/*/corral/"${linger_sid:-none}"; do [ -d "$cg" ] && rmdir "$cg"; done
good_config

# --- ssh host CMD ---------------------------------------------------------------------
out=$(printf 'hello\nworld\n' | sshc cesu 'tr a-z A-Z; exit 7'); status=$?
is "ssh host CMD: stdin reaches the command, stdout comes back, exit 7 is kept" "$out / $status" "HELLO
WORLD / 7"
is "... 300 kB of binary through cat unchanged" "$(sshc cesu cat <"$R/blob" | cmp - "$R/blob" && echo same)" same
out=$(sshc cesu 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr -s "\t" " "; echo "$CORRAL_SESSION"; test -f "/run/corral/sessions/$CORRAL_SESSION" && echo record; touch /var/tmp/ces-cesu 2>&1; echo status=$?')
like "... the command runs confined (NoNewPrivs 1, Seccomp 2, its record, a write outside refused)" "$out" \
	"^NoNewPrivs: 1"$'\n'"Seccomp: 2"$'\n'"$E2E_SID"$'\n'"record"$'\n'".*(Permission denied|Read-only file system)"$'\n'"status=1$"
out=$(LD_PRELOAD=/nonexistent/e2e-preload.so sshc -o SendEnv=LD_PRELOAD \
	-o SetEnv=CORRAL_SESSION=00000000000000000000000000000000 cesu \
	'echo "preload=[$LD_PRELOAD] sid=$CORRAL_SESSION"; touch /var/tmp/ces-cesu 2>/dev/null; echo status=$?' 2>/dev/null)
like "SendEnv LD_PRELOAD / SetEnv CORRAL_SESSION change nothing (not passed, the real id, still confined)" "$out" \
	"^preload=\[\] sid=$E2E_SID"$'\n'"status=1$"
unlike "... the forged id is not used" "$out" "sid=0{32}"

# --- scp, sftp, rsync: inside home, /tmp, outside the granted trees ------------------------
transfers() {  # user, home: one "what=RESULT" line per transfer (0, denied: failed
	# with "Permission denied" or a read-only file system, or the status), then what arrived and what leaked
	local u=$1 h=$2 b
	rm -f "/tmp/ces-$u-"* "$R/down-$u-"*
	b=$W/batch-$u
	printf 'put %s sftp-up\nget sftp-up %s\n' "$R/blob" "$R/down-$u-sftp" >"$b-home"
	printf 'put %s /tmp/ces-%s-sftp\n' "$R/blob" "$u" >"$b-tmp"
	printf 'get %s %s\n' "$W/pub/secret" "$R/down-$u-secret-sftp" >"$b-outside"
	result scp-up-home scpc "$R/blob" "$u@127.0.0.1:scp-up"
	result scp-down-home scpc "$u@127.0.0.1:scp-up" "$R/down-$u-scp"
	result scp-up-tmp scpc "$R/blob" "$u@127.0.0.1:/tmp/ces-$u-scp"
	result scp-down-outside scpc "$u@127.0.0.1:$W/pub/secret" "$R/down-$u-secret-scp"
	result sftp-home sftpc "$u" "$b-home"
	result sftp-up-tmp sftpc "$u" "$b-tmp"
	result sftp-down-outside sftpc "$u" "$b-outside"
	result rsync-up-home rsyncc -q "$R/blob" "$u@127.0.0.1:rsync-up"
	result rsync-down-home rsyncc -q "$u@127.0.0.1:rsync-up" "$R/down-$u-rsync"
	result rsync-up-tmp rsyncc -q "$R/blob" "$u@127.0.0.1:/tmp/ces-$u-rsync"
	result rsync-down-outside rsyncc -q "$u@127.0.0.1:$W/pub/secret" "$R/down-$u-secret-rsync"
	for f in scp-up sftp-up rsync-up; do cmp -s "$R/blob" "$h/$f" && echo "$f: arrived"; done
	for f in scp sftp rsync; do cmp -s "$R/blob" "$R/down-$u-$f" && echo "$f: came back"; done
	ls /tmp/ces-"$u"-* "$R/down-$u-secret-"* 2>/dev/null | sed 's/^/leaked: /'
	rm -f "/tmp/ces-$u-"* "$R/down-$u-"*
}
result() {  # name, command...: prints name=0 / name=denied / name=STATUS
	local name=$1 status
	shift
	"$@" >/dev/null 2>"$W/result-err"
	status=$?
	# sftp has no code for a read-only file system (the session's view
	# outside fs.write): sftp-server reports EROFS as "Failure"
	if [ "$status" -ne 0 ] && grep -q -e 'Permission denied' -e 'Read-only file system' -e ': Failure' "$W/result-err"; then status=denied; fi
	echo "$name=$status"
}
expect_transfers_ok="scp-up-home=0
scp-down-home=0
scp-up-tmp=0
scp-down-outside=0
sftp-home=0
sftp-up-tmp=0
sftp-down-outside=0
rsync-up-home=0
rsync-down-home=0
rsync-up-tmp=0
rsync-down-outside=0
scp-up: arrived
sftp-up: arrived
rsync-up: arrived
scp: came back
sftp: came back
rsync: came back
leaked: /tmp/ces-cesa-rsync
leaked: /tmp/ces-cesa-scp
leaked: /tmp/ces-cesa-sftp
leaked: $R/down-cesa-secret-rsync
leaked: $R/down-cesa-secret-scp
leaked: $R/down-cesa-secret-sftp"
is "unconfined (exempt admin): scp, sftp, rsync to/from home, into /tmp and from outside all work" \
	"$(transfers cesa "$home_a")" "$expect_transfers_ok"
out=$(transfers cesu "$home_u")
want_confined() {  # user
	sed -e 's/^\(scp-up-tmp\|scp-down-outside\|sftp-up-tmp\|sftp-down-outside\|rsync-up-tmp\|rsync-down-outside\)=0$/\1=denied/' \
		-e '/^leaked/d' <<<"$expect_transfers_ok"
}
is "confined: scp/sftp/rsync up and down inside home work; into /tmp and from outside: Permission denied, nothing leaks" \
	"$out" "$(want_confined)"

# --- git over ssh ------------------------------------------------------------------------------
git_round() {  # user: clone, commit, push; prints what the bare repository has afterwards
	local u=$1 h
	h=$(getent passwd "$u" | cut -d: -f6)
	rm -rf "$R/clone-$u"
	gitc clone -q "$u@127.0.0.1:repo.git" "$R/clone-$u" 2>"$R/git-err"; echo "clone=$?"
	gitc -C "$R/clone-$u" commit -q --allow-empty -m "pushed by $u" 2>>"$R/git-err"
	gitc -C "$R/clone-$u" push -q origin main 2>>"$R/git-err"; echo "push=$?"
	# ~/.ssh/rc refused by corral-shell is all a transfer-only account may see on stderr
	grep -v "^corral: command '/bin/sh' is not allowed for this account\$" "$R/git-err"
	git -c safe.directory='*' --git-dir="$h/repo.git" log --format=%s main 2>&1
	rm -rf "$R/clone-$u"
}
is "confined: git clone and git push over ssh of a bare repo in home" "$(git_round cesu)" "clone=0
push=0
pushed by cesu
seed"

# --- a transfer-only account ------------------------------------------------------------------
is "transfer-only: scp/sftp/rsync inside home work; into /tmp and from outside: Permission denied" \
	"$(transfers cest "$home_t")" "$(want_confined)"
rm -f "$home_t/scp-up"
scpc -O "$R/blob" "cest@127.0.0.1:scp-up" 2>/dev/null; s1=$?
scpc -O "cest@127.0.0.1:scp-up" "$R/down-legacy" 2>/dev/null; s2=$?
scpc -O "$R/blob" "cest@127.0.0.1:/tmp/ces-legacy" 2>/dev/null; s3=$?
is "transfer-only: legacy scp (-O, 'scp -t' / 'scp -f' through corral-shell -c) up and down in home; not into /tmp" \
	"$s1 $s2 $([ "$s3" -ne 0 ] && echo fail) $(cmp -s "$R/blob" "$home_t/scp-up" && cmp -s "$R/blob" "$R/down-legacy" && echo same) $(ls /tmp/ces-legacy 2>/dev/null)" \
	"0 0 fail same "
rm -f "$R/down-legacy" /tmp/ces-legacy
is "transfer-only: git clone and git push" "$(git_round cest)" "clone=0
push=0
pushed by cest
seed"
e2e_log_mark
out=$(sshc cest id 2>&1); status=$?
is "transfer-only: ssh host id exits 126 and prints no id" "$status $(grep -c 'uid=' <<<"$out")" "126 0"
logged "... and the log has the refusal (rule=commands)" \
	"corral.*user=cest event=refused op=exec target=\"id\" rule=commands errno=1"
out=$(sshc cest 'rsync --version; id' 2>&1); status=$?
is "transfer-only: an allowed program followed by '; id' is refused (126)" "$status $(grep -c 'uid=' <<<"$out")" "126 0"
out=$(sshc cest </dev/null 2>&1); status=$?
is "transfer-only: a login without a command gets no shell" \
	"$([ "$status" -ne 0 ] && echo refused) $(grep -c 'pwned' <<<"$out")" "refused 0"
out=$(sshc -tt cest </dev/null 2>&1); status=$?
is "transfer-only: ... nor on a pty" "$([ "$status" -ne 0 ] && echo refused) $(grep -c 'pwned' <<<"$out")" "refused 0"
out=$(sshc cest rsync --version 2>/dev/null); status=$?
like "transfer-only: an allowed command runs (rsync --version)" "$status $out" "^0 rsync +version"
unlike "... with neither ~/.ssh/rc output nor ~/.bashrc output before it" "$out" "rc-output|pwned"
out=$(LD_PRELOAD=/nonexistent/e2e-preload.so sshc -o SendEnv=LD_PRELOAD \
	-o SetEnv=CORRAL_SESSION=00000000000000000000000000000000 cest id 2>&1); status=$?
is "transfer-only: SendEnv LD_PRELOAD / SetEnv CORRAL_SESSION: id still refused (126)" \
	"$status $(grep -c 'uid=' <<<"$out")" "126 0"
is "transfer-only: neither ~/.ssh/rc nor ~/.bashrc ran in any of its sessions (no side effect file)" \
	"$(ls "$home_t/rc-ran" "$home_t/bashrc-ran" 2>/dev/null)" ""

# sshd's session child exits 255 when pam_open_session fails (the client says 254 or 255)
refused() { case $1 in 254 | 255) echo refused ;; *) echo "status $1" ;; esac; }
# --- refusals at login -------------------------------------------------------------------------
good_config yes no
is "a /bin/bash user whose policy does not confine logs in (bash runs)" "$(sshc cesb 'echo ran' 2>&1)" ran
good_config
e2e_log_mark
out=$(sshc cesb 'echo ran' 2>&1); status=$?
is "a confined user whose login shell is /bin/bash is refused (ssh exits $status, nothing ran)" \
	"$(refused "$status") $(grep -c '^ran' <<<"$out")" "refused 0"
logged "... logged with rule=shell" \
	'pam_corral\(sshd:session\): user=cesb event=refused op=open_session service=sshd rule=shell'

printf '[global]\nexempt_groups = cesadm\n[user:cesu]\nconfine = sometimes\n' | e2e_write_config
e2e_log_mark
out=$(sshc cesu 'echo ran' 2>&1); status=$?
is "a broken config (confine = sometimes): the confined user is refused (ssh exits $status, nothing ran)" \
	"$(refused "$status") $(grep -c '^ran' <<<"$out")" "refused 0"
if [ -n "$e2e_catcher" ]; then
	is "... the log has one line naming /etc/corral/corral.ini:4, the refusal (rule=config)" \
		"$(log_count '/etc/corral/corral\.ini:4') $(log_count 'user=cesu event=refused op=open_session service=sshd rule=config .*/etc/corral/corral\.ini:4: ')" "1 1"
else
	skip "/dev/log was there already: cannot read what was logged"
fi
is "... right after, the exempt admin logs in (another user, sshd still serving)" "$(sshc cesa 'id -un' 2>&1)" cesa
is "... and root (exempt) by key" "$(sshc root 'id -un' 2>&1)" root
good_config
is "with the config fixed, the confined user logs in again" "$(sshc cesu 'echo ran' 2>&1)" ran

# --- nothing left behind --------------------------------------------------------------------------
kill "$sshd_pid"; wait "$sshd_pid" 2>/dev/null
sleep 0.3
is "after sshd is gone: no process, session record or session cgroup of the test's users is left" \
	"$(e2e_leftovers)" ""
echo "# $((SECONDS - T0)) s"
done_testing
