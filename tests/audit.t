#!/bin/bash
# corralctl audit: each finding appears when the test opens that way around
# corral and disappears when it closes it again, on a temporary config (-c),
# PAM directory (-p) and sshd_config (-s) and one throwaway confined user.
# Creates, and removes on exit, only what was missing: /run/sshd (sshd -T
# wants it), /usr/libexec/corral/corral-helper, /var/lib/systemd/linger.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then skip_all "creates a user and reads sshd's host keys: run as root"; fi
[ -x /usr/sbin/sshd ] || skip_all "no /usr/sbin/sshd"
# the lock the end-to-end tests share: they install and remove
# /usr/libexec/corral and /run/sshd too
exec {lock_fd}</etc/pam.d
flock -w 900 "$lock_fd" || bail "another test holds the /etc/pam.d lock"
ctl=$(realpath "$build/corralctl")
user=crau1
user2=crau2
work=$(mktemp -d)
chmod 0755 "$work"
made_run_sshd= made_helper= made_linger_dir= made_systemd_dir= audit_was=
switch=$(realpath "$build/audit_switch" 2>/dev/null)
cleanup() {
	[ -n "$audit_was" ] && "$switch" "$audit_was" >/dev/null
	userdel -r "$user" >/dev/null 2>&1
	userdel -r "$user2" >/dev/null 2>&1
	rm -f "/var/lib/systemd/linger/$user"
	[ -n "$made_linger_dir" ] && rmdir /var/lib/systemd/linger
	[ -n "$made_systemd_dir" ] && rmdir /var/lib/systemd
	[ -n "$made_helper" ] && rm -rf /usr/libexec/corral
	[ -n "$made_run_sshd" ] && rmdir /run/sshd
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

userdel -r "$user" >/dev/null 2>&1
userdel -r "$user2" >/dev/null 2>&1
useradd -m -s /usr/bin/corral-shell "$user" 2>/dev/null || exit 1
[ -d /run/sshd ] || { mkdir -m 0755 /run/sshd && made_run_sshd=1; }
conf=$work/corral.ini
cat >"$conf" <<INI
[default]
confine = no
[user:$user]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
log.denials = no
INI
chmod 0644 "$conf"
pamdir=$work/pam.d
mkdir -m 0755 "$pamdir"
printf '@include common-auth\nsession required pam_loginuid.so\n@include common-session\n' >"$pamdir/sshd"
printf 'auth required pam_unix.so\n' >"$pamdir/common-auth"
with_module() { printf 'session required pam_unix.so\nsession required pam_corral.so\n' >"$pamdir/common-session"; }
without_module() { printf 'session required pam_unix.so\n' >"$pamdir/common-session"; }
with_module
sshd_config=$work/sshd_config
keys=$(for k in /etc/ssh/ssh_host_*_key; do echo "HostKey $k"; done)
# the safe settings; each test swaps one line for its unsafe form
safe="Port 2222
UsePAM yes
$keys
AllowTcpForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
AllowAgentForwarding no
PermitTunnel no
PermitUserEnvironment no
AcceptEnv LANG LC_*
Subsystem sftp /usr/lib/openssh/sftp-server"
sshd_with() {  # FROM TO: the safe config with line FROM replaced (TO may be empty or several lines)
	from=$1 to=$2 awk '$0 == ENVIRON["from"] { if (ENVIRON["to"] != "") print ENVIRON["to"]; next } { print }' \
		<<<"$safe" >"$sshd_config"
}
sshd_with "" ""

audit() { out=$("$ctl" audit -c "$conf" -s "$sshd_config" -p "$pamdir" 2>&1); status=$?; }
# how many lines of the last audit match an extended regex
count() { grep -Ec -- "$1" <<<"$out"; }
# one finding appears (exit 1), then goes with the fix (exit 0)
shows() {  # description, regex of the finding line
	audit
	is "$1: shown, exit 1" "$status $(count "$2")" "1 1"
	[ "$status $(count "$2")" = "1 1" ] || sed 's/^/#   /' <<<"$out" | head -n 10
}
fixed() {  # description
	audit
	is "$1: gone, exit 0" "$status $(count '^audit:')" "0 0"
	[ "$status" = 0 ] || sed 's/^/#   /' <<<"$out" | head -n 10
}

plan 45
if [ ! -e /usr/libexec/corral/corral-helper ]; then
	shows "corral-helper missing" '^audit: /usr/libexec/corral/corral-helper is missing or not executable: .* — fix: install corral'
	install -D -m 0755 "$build/corral-helper" /usr/libexec/corral/corral-helper && made_helper=1
	fixed "corral-helper installed"
else
	for _ in 1 2; do skip "corral-helper is installed already: cannot show it missing"; done
fi
audit
is "nothing to find: exit 0 and a summary naming one confined user" "$status: $out" \
	"0: no findings (1 confined user; checked sshd, login shells, PAM stacks, lingering, Landlock, corral-helper, denial logs, windows)"

sshd_with "AllowTcpForwarding no" ""
shows "sshd: TCP forwarding (the default, yes)" \
	"^audit: user $user: sshd allows AllowTcpForwarding yes: .* — fix: set AllowTcpForwarding no"
sshd_with "" ""
fixed "sshd: AllowTcpForwarding no"
sshd_with "AllowTcpForwarding no" "AllowTcpForwarding local"
shows "sshd: AllowTcpForwarding local is forwarding too" "^audit: user $user: sshd allows AllowTcpForwarding local:"
sshd_with "AllowStreamLocalForwarding no" "AllowStreamLocalForwarding yes"
shows "sshd: unix-socket forwarding" "^audit: user $user: sshd allows AllowStreamLocalForwarding yes:"
sshd_with "X11Forwarding no" "X11Forwarding yes"
shows "sshd: X11 forwarding" "^audit: user $user: sshd allows X11Forwarding yes:"
sshd_with "AllowAgentForwarding no" "AllowAgentForwarding yes"
shows "sshd: agent forwarding" "^audit: user $user: sshd allows AllowAgentForwarding yes:"
# every kind of forwarding allowed, and DisableForwarding yes overriding them all
printf '%s\n' "Port 2222" "UsePAM yes" "$keys" "DisableForwarding yes" >"$sshd_config"
fixed "sshd: DisableForwarding yes overrides every *Forwarding"
sshd_with "" ""
printf 'Match User %s\n\tAllowTcpForwarding yes\n' "$user" >>"$sshd_config"
shows "sshd: a Match User block for the confined user is what counts (sshd -T -C user=)" \
	"^audit: user $user: sshd allows AllowTcpForwarding yes:"
sshd_with "PermitTunnel no" "PermitTunnel yes"
shows "sshd: PermitTunnel yes" "^audit: user $user: sshd allows PermitTunnel yes: .* — fix: set PermitTunnel no"
sshd_with "AcceptEnv LANG LC_*" "AcceptEnv LANG LC_* LD_*"
shows "sshd: AcceptEnv LD_*" \
	"^audit: user $user: sshd has AcceptEnv LD_\\*: the client may set LD_PRELOAD for corral-shell — fix: remove LD_\\* from AcceptEnv"
sshd_with "" ""
fixed "sshd: AcceptEnv LD_* removed"
sshd_with "AcceptEnv LANG LC_*" "AcceptEnv LANG LC_* CORRAL_*"
shows "sshd: AcceptEnv CORRAL_*" "^audit: user $user: sshd has AcceptEnv CORRAL_\\*: the client may set CORRAL_SESSION"
sshd_with "AcceptEnv LANG LC_*" "AcceptEnv *"
shows "sshd: AcceptEnv *" "^audit: user $user: sshd has AcceptEnv \\*:"
sshd_with "Subsystem sftp /usr/lib/openssh/sftp-server" "Subsystem sftp internal-sftp"
shows "sshd: Subsystem sftp internal-sftp" \
	"^audit: user $user: sshd serves Subsystem sftp internal-sftp: .* — fix: set Subsystem sftp /usr/lib/openssh/sftp-server"
sshd_with "" ""
fixed "sshd: Subsystem sftp sftp-server"
sshd_with "PermitUserEnvironment no" "PermitUserEnvironment yes"
shows "sshd: PermitUserEnvironment yes" "^audit: user $user: sshd has PermitUserEnvironment yes: .* — fix: set PermitUserEnvironment no"
sshd_with "" ""
fixed "sshd: PermitUserEnvironment no"
sshd_with "UsePAM yes" "UsePAM no"
shows "sshd: UsePAM no" "^audit: user $user: sshd has UsePAM no: .* — fix: set UsePAM yes"
sshd_with "Subsystem sftp /usr/lib/openssh/sftp-server" "Subsystem sftp /usr/lib/openssh/sftp-server
ForceCommand internal-sftp"
shows "sshd: ForceCommand internal-sftp" "^audit: user $user: sshd has ForceCommand internal-sftp: it runs inside sshd"
sshd_with "Subsystem sftp /usr/lib/openssh/sftp-server" "Subsystem sftp /usr/lib/openssh/sftp-server
ForceCommand /usr/bin/corral-shell"
fixed "sshd: ForceCommand /usr/bin/corral-shell is fine"
sshd_with "Port 2222" "Port 2222
NoSuchOption yes"
shows "sshd: a config sshd rejects is a finding, with sshd's reason" \
	"^audit: user $user: cannot read sshd's effective configuration \\(sshd -T: .*NoSuchOption"
sshd_with "" ""

usermod -s /bin/bash "$user"
shows "a confined user whose login shell is /bin/bash" \
	"^audit: user $user: confined, but the login shell is /bin/bash, not /usr/bin/corral-shell: .* — fix: chsh -s /usr/bin/corral-shell USER"
usermod -s /usr/bin/corral-shell "$user" 2>/dev/null
fixed "login shell corral-shell"

without_module
shows "pam_corral missing from sshd's stack" \
	"^audit: PAM service sshd \\($pamdir/sshd\\) has no session pam_corral.so: .* — fix: pam-auth-update --enable corral"
with_module
fixed "pam_corral present in sshd's stack via an @include'd file"
printf 'session include common-session\n' >"$pamdir/cron"
without_module
audit
is "'session include' is followed too: cron and sshd both reported" \
	"$status $(count '^audit: PAM service (sshd|cron) ')" "1 2"
printf 'session optional pam_corral.so\n' >"$pamdir/common-session"
shows "pam_corral as optional: a refusal would be ignored" \
	"^audit: PAM service sshd .* ignores its failure: .* — fix: make that line \"session required pam_corral.so\""
printf '@include loop\n' >"$pamdir/loop"
printf '@include loop\n' >"$pamdir/cron"
with_module
shows "an include loop is reported, not followed forever" "^audit: cannot read the PAM stack of cron .*includes nest too deep"
rm -f "$pamdir/cron" "$pamdir/loop"
fixed "a service without a file (cron, login, su here) is not reachable: nothing said"

if [ -d /var/lib/systemd ] || { mkdir -m 0755 /var/lib/systemd && made_systemd_dir=1; }; then
	[ -d /var/lib/systemd/linger ] || { mkdir -m 0755 /var/lib/systemd/linger && made_linger_dir=1; }
fi
touch "/var/lib/systemd/linger/$user"
# (this host has no corral package: no drop-in for user@.service, which
# would skip a confined user's manager and make lingering harmless)
shows "lingering enabled, no user@.service drop-in" "^audit: user $user: lingering is enabled .* no corral drop-in.* — fix: .*loginctl disable-linger USER"
rm -f "/var/lib/systemd/linger/$user"
fixed "lingering disabled"

# log.denials: the denials of every layer need somewhere to go on this host
sed -i 's/^log.denials = no$/log.denials = yes/' "$conf"
audit
if [ -S /dev/log ] || [ -S /run/systemd/journal/socket ]; then
	skip "this host has syslog or journald: corral-helper's denials are kept"
else
	is "log.denials, no syslog daemon and no journald: corral-helper's denials are lost" \
		"$status $(count '^audit: log.denials: no syslog daemon on /dev/log and no journald: .* — fix: install rsyslog')" "1 1"
fi
abi=$("$ctl" explain -c "$conf" "$user" 2>&1 | sed -n 's/.*Landlock ABI \([0-9]*\).*/\1/p' | head -n 1)
if [ -n "$abi" ] && [ "$abi" -ge 7 ]; then
	is "Landlock ABI $abi reports its denials: no finding about it" "$(count 'reports no denials')" 0
else
	is "Landlock ABI ${abi:-?} (< 7) reports no denials" "$(count "^audit: log.denials: this kernel's Landlock \\(ABI [0-9]+\\) reports no denials: .* — fix: boot Linux 6.15")" 1
fi
was=$([ -x "$switch" ] && "$switch" 2>/dev/null | sed -n 's/^enabled=\([0-9]\).*/\1/p')
if [ "$was" = 0 ]; then
	is "the kernel's audit off: Landlock's records are dropped" \
		"$status $(count "^audit: log.denials: the kernel's audit is off: .* — fix: apt install auditd")" "1 1"
	audit_was=0
	"$switch" 1 >/dev/null
	audit
	is "... switched on (auditctl -e 1), that finding goes" "$(count "the kernel's audit is off")" 0
	"$switch" 0 >/dev/null && audit_was=
else
	skip "the kernel's audit is on already (or cannot be read): cannot show it off"
	skip "the kernel's audit is on already (or cannot be read): cannot show it off"
fi
sed -i 's/^log.denials = yes$/log.denials = no/' "$conf"
fixed "log.denials = no: nothing to say about denial logs"

# a time window: running sessions follow it only through apply --follow
printf '[window:crau-exam]\nwhen = 2031-01-02 09:00-11:00\napplies = user:%s\nnet.connect =\n' "$user" >>"$conf"
shows "a window without apply --follow" "^audit: the config has time windows, but no corralctl apply --follow runs: .* — fix: systemctl enable --now corral-apply.service"
"$ctl" apply -c "$conf" --user nobody-crau --follow >/dev/null 2>&1 &
follower=$!
sleep 0.5
fixed "with corralctl apply --follow running"
kill "$follower" 2>/dev/null
wait "$follower" 2>/dev/null
for _ in 1 2 3 4; do sed -i '$d' "$conf"; done

printf '[user:crau-none]\nconfine = maybe\n' >>"$conf"
audit
is "an invalid config: exit 1, the finding names the file, and its errors are printed" \
	"$status $(count "^audit: $conf is invalid: .* — fix: corralctl check") $(count "^$conf:[0-9]+: error: key 'confine'")" "1 1 1"
sed -i '$d' "$conf"
sed -i '$d' "$conf"
out=$("$ctl" audit -c "$conf" -s "$sshd_config" -p "$pamdir" -x 2>&1); status=$?
is "an unknown option is a usage error (64)" "$status" 64
useradd -m -s /usr/bin/corral-shell "$user2" 2>/dev/null || exit 1
printf '[user:%s]\nconfine = yes\nfs.read = /usr\nlog.denials = no\n' "$user2" >>"$conf"
sshd_with "X11Forwarding no" "X11Forwarding yes"
audit
is "the same finding for two users is one line naming both" \
	"$status $(count "^audit: users ($user, $user2|$user2, $user): sshd allows X11Forwarding yes:") $(count '^audit:')" "1 1 1"
sshd_with "" ""
audit
is "... and with it fixed, the summary counts both" "$status: $out" \
	"0: no findings (2 confined users; checked sshd, login shells, PAM stacks, lingering, Landlock, corral-helper, denial logs, windows)"
