#!/bin/bash
# The Debian package end to end: make deb, lintian, dpkg -i, the installed
# files, a confined `su -` session through the enabled pam-auth-update
# profile, then dpkg --purge and nothing left behind. What the package
# touches is saved first and put back after: /etc/corral, /etc/shells,
# /etc/pam.d/common-*, pam-auth-update's state in /var/lib/pam, /run/corral,
# /var/lib/corral and any file of a development install it would replace.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
if [ "$(id -u)" -ne 0 ]; then skip_all "installs a package: run as root"; fi
for tool in dpkg-buildpackage dh lintian pam-auth-update su; do
	command -v "$tool" >/dev/null || skip_all "$tool is not installed"
done
# one test at a time changes /etc/corral and /etc/pam.d: the lock the
# end-to-end tests share
exec {lock_fd}</etc/pam.d
flock -w 900 "$lock_fd" || bail "another test holds the /etc/pam.d lock"
if dpkg-query -W -f='${Status}' corral 2>/dev/null | grep -qv '^unknown ok not-installed$'; then
	skip_all "a corral package is installed (or its config files are): not touching it"
fi
# purging removes /run/corral: not while another test has a session there
# (stale records are saved and put back like the rest)
live=$("$build/corralctl" sessions 2>/dev/null | sed 1d | grep -cv -e '(stale: ' -e '^(no active sessions)$')
if [ "${live:-0}" -gt 0 ]; then
	skip_all "$live corral session(s) open in /run/corral/sessions: purging would remove their records"
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^VERSION *:= *//p' "$repo/Makefile")
deb=$repo/build/corral_${version}_$(dpkg --print-architecture).deb
user=crdeb1
work=$(mktemp -d)
chmod 0755 "$work"
export DEBIAN_FRONTEND=noninteractive
installed= saved_etc= etc_taken=
cgroups_before=$(ls -d /sys/fs/cgroup/*/corral 2>/dev/null)

# what the package or pam-auth-update may write, and what dpkg --purge removes
touched=(/etc/shells /etc/pam.d/common-auth /etc/pam.d/common-account /etc/pam.d/common-password
	/etc/pam.d/common-session /etc/pam.d/common-session-noninteractive
	/var/lib/pam/auth /var/lib/pam/account /var/lib/pam/password /var/lib/pam/session
	/var/lib/pam/session-noninteractive /var/lib/pam/seen /run/corral /var/lib/corral)
save() {
	local present=() p
	for p in "$@"; do
		if [ -e "$p" ] || [ -L "$p" ]; then present+=("${p#/}"); else echo "$p" >>"$work/absent"; fi
	done
	touch "$work/absent"
	tar -C / -cpf "$work/saved.tar" "${present[@]}"
}
restore() {
	local p
	while read -r p; do rm -rf "$p"; done <"$work/absent"
	rm -rf /run/corral /var/lib/corral  # as they were, not merged with what the test left
	tar -C / -xpf "$work/saved.tar"
}
cleanup() {
	pkill -KILL -u "$user" 2>/dev/null
	userdel -r "$user" >/dev/null 2>&1
	[ -n "$installed" ] && dpkg-query -W corral >/dev/null 2>&1 && dpkg --purge corral >/dev/null 2>&1
	[ -f "$work/saved.tar" ] && restore
	if [ -n "$etc_taken" ]; then  # only once the test has made /etc/corral its own
		rm -rf /etc/corral
		[ -n "$saved_etc" ] && mv "$saved_etc" /etc/corral
		for cg in /sys/fs/cgroup/*/corral; do  # the sessions' parents, if they made them
			grep -qx "$cg" <<<"$cgroups_before" || rmdir "$cg" 2>/dev/null
		done
	fi
	rm -f /etc/corral-deb-test /tmp/corral-deb-test
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

plan 24

# --- build and lint -------------------------------------------------------------
rm -f "$deb"
make -C "$repo" -s deb >"$work/build.log" 2>&1; status=$?
is "make deb builds $(basename "$deb")" "$status $([ -f "$deb" ] && echo there)" "0 there"
[ "$status" = 0 ] || tail -n 20 "$work/build.log" | sed 's/^/#   /'
[ -f "$deb" ] || exit 1
lintian "$deb" >"$work/lintian.log" 2>&1
is "lintian reports no errors" "$(grep '^E:' "$work/lintian.log")" ""
sed 's/^/#   lintian: /' "$work/lintian.log" | grep -v 'root privileges'

# --- install ----------------------------------------------------------------------
# every file of the package that is there already (a development install)
mapfile -t files < <(dpkg-deb --fsys-tarfile "$deb" | tar -t | sed -n 's|^\./|/|; /[^/]$/p')
save "${touched[@]}" "${files[@]}"
etc_taken=1
if [ -e /etc/corral ]; then saved_etc=$(mktemp -d /etc/corral.saved-by-test.XXXXXX) && rmdir "$saved_etc" && mv /etc/corral "$saved_etc"; fi
rm -rf /run/corral /var/lib/corral   # so the package's own come from its postinst
session_before=$(md5sum /etc/pam.d/common-session)
dpkg -i "$deb" >"$work/install.log" 2>&1; status=$?
installed=1
is "dpkg -i installs it" "$status $(dpkg-query -W -f='${Status}' corral 2>/dev/null)" "0 install ok installed"
[ "$status" = 0 ] || sed 's/^/#   /' "$work/install.log"
pamdir=$(dirname "$(ls /lib/*/security/pam_unix.so /usr/lib/*/security/pam_unix.so 2>/dev/null | head -n 1)")
missing=$(for f in /usr/sbin/corralctl /usr/bin/corral-shell /usr/libexec/corral/corral-helper; do [ -x "$f" ] || echo "$f"; done
	for f in "$pamdir/pam_corral.so" /usr/share/man/man8/corralctl.8.gz /usr/share/man/man1/corral-shell.1.gz \
		/usr/share/man/man5/corral.ini.5.gz /usr/share/man/man8/pam_corral.8.gz /usr/share/pam-configs/corral \
		/usr/lib/tmpfiles.d/corral.conf /usr/share/doc/corral/examples/corral.ini; do [ -f "$f" ] || echo "$f"; done)
is "the programs, the PAM module, the man pages, the pam-auth-update profile, tmpfiles.d and the example are installed" "$missing" ""
is "/etc/shells lists /usr/bin/corral-shell" "$(grep -cx /usr/bin/corral-shell /etc/shells)" 1
is "/run/corral/sessions (0755) and /var/lib/corral/tmp (0700) exist" \
	"$(stat -c '%a %U' /run/corral /run/corral/sessions /var/lib/corral/tmp 2>&1 | tr '\n' ' ')" "755 root 755 root 700 root "
is "/etc/corral/corral.ini is the safe default, a conffile" \
	"$(cmp -s /etc/corral/corral.ini "$repo/packaging/corral.ini.default" && echo same) $(dpkg-query -W -f='${Conffiles}' corral | awk '{print $1}')" \
	"same /etc/corral/corral.ini"
is "the default is valid" "$(corralctl check 2>&1 | tail -n 1)" "/etc/corral/corral.ini: valid (1 file, 2 sections, 0 warnings)"
out=$(corralctl audit 2>&1); status=$?
is "... and confines nobody: corralctl audit has no findings" "$status: $out" \
	"0: no findings (0 confined users; checked sshd, login shells, PAM stacks, lingering, Landlock, corral-helper, denial logs, windows)"
is "the PAM profile is off until the admin enables it (common-session unchanged)" \
	"$(md5sum /etc/pam.d/common-session)" "$session_before"

# --- a confined session through the enabled profile ------------------------------------
pam-auth-update --enable corral >"$work/pam.log" 2>&1; status=$?
is "pam-auth-update --enable corral puts it in common-session and common-session-noninteractive" \
	"$status $(grep -Ec '^session\s+required\s+pam_corral\.so' /etc/pam.d/common-session /etc/pam.d/common-session-noninteractive | tr '\n' ' ')" \
	"0 /etc/pam.d/common-session:1 /etc/pam.d/common-session-noninteractive:1 "
corral_line=$(grep -n 'pam_corral\.so' /etc/pam.d/common-session | cut -d: -f1)
systemd_line=$(grep -n 'pam_systemd\.so' /etc/pam.d/common-session | cut -d: -f1)
is "... after pam_systemd" "$([ -z "$systemd_line" ] || [ "${corral_line:-0}" -gt "$systemd_line" ] && echo after)" after
userdel -r "$user" >/dev/null 2>&1
useradd -m -s /usr/bin/corral-shell "$user" 2>/dev/null || exit 1
cat >/etc/corral/corral.ini <<INI
[default]
confine = no
[user:$user]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr
INI
is "a confining policy for $user passes corralctl check" "$(corralctl check 2>&1 | tail -n 1)" \
	"/etc/corral/corral.ini: valid (1 file, 2 sections, 0 warnings)"
out=$(cd / && su - "$user" -c 'touch /etc/corral-deb-test 2>&1; echo status=$?' </dev/null 2>&1)
is "su - $user: writing /etc is refused (read-only in the session's view)" "$out" "touch: cannot touch '/etc/corral-deb-test': Read-only file system
status=1"
rm -f /tmp/corral-deb-test
out=$(cd / && su - "$user" -c 'touch /tmp/corral-deb-test 2>&1; echo status=$?' </dev/null 2>&1)
bare=$(cd / && setpriv --reuid="$user" --regid="$user" --init-groups -- touch /tmp/corral-deb-test 2>&1 && echo written)
rm -f /tmp/corral-deb-test
is "... and so is /tmp, which the same user may write without corral: the session's view, not file modes" \
	"$bare / $out" "written / touch: cannot touch '/tmp/corral-deb-test': Read-only file system
status=1"
out=$(cd / && su - "$user" -c 'cat /proc/self/status | grep -E "NoNewPrivs|Seccomp"' </dev/null 2>&1)
is "su - $user: no_new_privs set and a seccomp filter installed" "$(grep -E '^(NoNewPrivs|Seccomp):' <<<"$out" | tr -s '\t ' ' ')" \
	"NoNewPrivs: 1
Seccomp: 2"
is "root (exempt) still gets a plain su - shell" "$(cd / && su - root -c 'grep NoNewPrivs /proc/self/status' </dev/null 2>&1 | tr -s '\t ' ' ')" \
	"NoNewPrivs: 0"
out=$(corralctl audit 2>&1)
is "with the profile on, audit finds pam_corral in the stacks that include common-session*" \
	"$(grep -Ec '^audit: PAM service (sshd|login|su|su-l|cron) ' <<<"$out")" 0
pkill -KILL -u "$user" 2>/dev/null
userdel -r "$user" >/dev/null 2>&1

# --- purge ----------------------------------------------------------------------------
dpkg --purge corral >"$work/purge.log" 2>&1; status=$?
state=$(dpkg-query -W -f='${Status}' corral 2>/dev/null)
is "dpkg --purge corral" "$status ${state:-unknown ok not-installed}" "0 unknown ok not-installed"
[ "$status" = 0 ] || sed 's/^/#   /' "$work/purge.log"
is "/etc/shells no longer lists corral-shell" "$(grep -c corral-shell /etc/shells)" 0
is "no pam_corral in /etc/pam.d/common-session*" "$(cat /etc/pam.d/common-session* | grep -c pam_corral)" 0
is "no pam-auth-update profile, no /run/corral, no /var/lib/corral" \
	"$(ls -d /usr/share/pam-configs/corral /run/corral /var/lib/corral 2>/dev/null)" ""
is "no /etc/corral (the test moved any earlier one aside)" "$(ls -d /etc/corral 2>/dev/null)" ""
left=$(for f in "${files[@]}"; do [ -e "$f" ] && [ ! -d "$f" ] && echo "$f"; done)
is "no file of the package is left" "$left" ""
installed=
