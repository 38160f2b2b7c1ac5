#!/bin/bash
# Adversarial suite, bad input: every broken form of the configuration a
# confined user might meet (or an admin might leave). Each one is tried on
# three paths: `corralctl run -c FILE` (the login path minus PAM), a PAM
# login whose module reads it (config=FILE; build/pam_driver prints what
# the module logged), and corral-shell itself without a session record
# reading /etc/corral/corral.ini. Each must refuse the confined login, say
# where (FILE:LINE, or FILE for a problem of the whole file), never crash
# (no signal, no core file, no sanitizer report), never block, and never
# give more access: the session's write to a directory anyone may write
# must not have happened.
# Installs /etc/corral/corral.ini for the test (the old one is put back)
# and takes the lock the end-to-end tests share.
. "$(dirname "$0")/lib.sh"
esc_init --lock
u=crxbi1
esc_user "$u" /usr/bin/corral-shell
install -m 0755 "$ESC_BUILD/corral-shell" "$ESC_BUILD/corral-session" "$ESC_BUILD/corral-helper" "$ESC_TOOLS/"
sh=$ESC_TOOLS/corral-shell
driver=$ESC_BUILD/pam_driver
outside=$ESC_WORK/outside
install -d -m 1777 "$outside"
mkdir -m 0755 "$ESC_WORK/pam" "$ESC_WORK/cwd"   # cwd: where a core file would land
saved=
if [ -e /etc/corral ]; then saved=$(mktemp -d /etc/corral.saved-by-escape.XXXXXX) && rmdir "$saved" && mv /etc/corral "$saved"; fi
esc_on_exit "rm -rf /etc/corral; [ -z '$saved' ] || mv '$saved' /etc/corral"

good="[user:$u]
confine = yes
fs.read = /usr /etc /proc
fs.write = ~ /dev/null
fs.exec = /usr"
# a case: its config directory, with corral.ini (and maybe corral.d)
case_dir() { local d=$ESC_WORK/cases/$1; mkdir -p -m 0755 "$d"; echo "$d"; }
write_ini() {  # DIR [MODE]: stdin to DIR/corral.ini
	cat >"$1/corral.ini"
	chmod "${2:-0644}" "$1/corral.ini"
}
attempt='touch '"$outside"'/$CORRAL_CASE 2>/dev/null; echo COMMAND-RAN'
crashed() {  # output, status: anything that looks like a crash
	[[ $1 =~ (AddressSanitizer|runtime\ error|Segmentation|core\ dumped|Aborted|stack\ smashing|double\ free) ]] && return 0
	[ "$2" -ge 128 ] && [ "$2" != 255 ] && return 0
	[ -n "$(ls -A "$ESC_WORK/cwd")" ] && return 0
	return 1
}
# refused NAME FILE WHERE-REGEX [CONFIG-FOR-ETC-DIR]: the three paths
refused() {
	local name=$1 file=$2 where=$3 out status
	# 1. corralctl run -c FILE
	out=$(cd "$ESC_WORK/cwd" && CORRAL_CASE=$name-ctl timeout -k 2 10 "$ESC_CTL" run -c "$file" -u "$u" -- sh -c "$attempt" 2>&1)
	status=$?
	if crashed "$out" "$status"; then fail "$name: corralctl run crashed" "status $status: $out"
	elif [ -e "$outside/$name-ctl" ] || [[ $out == *COMMAND-RAN* ]]; then fail "$name: corralctl run ran the command" "status $status: $out"
	elif [ "$status" != 1 ] || ! [[ $out =~ $where ]]; then fail "$name: corralctl run refuses, naming the place" "status $status: $out" "want: 1 and /$where/"
	else pass "$name: corralctl run refuses (1): $(head -n 1 <<<"$out" | cut -c1-150)"; fi
	# 2. a PAM login with config=FILE
	mkdir -p -m 0755 "$ESC_WORK/pam/$name"
	printf 'session required %s config=%s\n' "$ESC_BUILD/pam_corral.so" "$file" >"$ESC_WORK/pam/$name/sshd"
	out=$(cd "$ESC_WORK/cwd" && timeout -k 2 10 "$driver" -d "$ESC_WORK/pam/$name" -s sshd -u "$u" -- env CORRAL_CASE="$name-pam" "$sh" -c "$attempt" 2>&1)
	status=$?
	if crashed "$out" "$status"; then fail "$name: the PAM login crashed" "status $status: $out"
	elif [ -e "$outside/$name-pam" ] || [[ $out == *COMMAND-RAN* ]]; then fail "$name: the PAM login ran the command" "$out"
	elif ! [[ $out == *"open: PAM_SESSION_ERR"* ]] || ! grep -E 'event=refused.*rule=config' <<<"$out" | grep -Eq -- "$where"; then
		fail "$name: the PAM login is refused with a log line naming the place" "status $status: $out" "want: open: PAM_SESSION_ERR and a log line event=refused rule=config /$where/"
	else pass "$name: the PAM login is refused: $(grep -Eo 'reason=.*' <<<"$out" | head -n 1 | cut -c1-150)"; fi
	# 3. corral-shell without a record, reading /etc/corral/corral.ini
	if [ -n "${4:-}" ]; then
		rm -rf /etc/corral
		cp -a "$4" /etc/corral
		out=$(cd "$ESC_WORK/cwd" && CORRAL_CASE=$name-shell timeout -k 2 10 setpriv --reuid="$u" --regid="$(id -g "$u")" --init-groups --reset-env -- \
			env HOME="$(esc_home "$u")" PATH=/usr/bin:/bin CORRAL_CASE="$name-shell" "$sh" -c "$attempt" 2>&1)
		status=$?
		local where_etc=${where//"$file"/\/etc\/corral\/corral.ini}
		where_etc=${where_etc//"${4}"/\/etc\/corral}
		if crashed "$out" "$status"; then fail "$name: corral-shell crashed" "status $status: $out"
		elif [ -e "$outside/$name-shell" ] || [[ $out == *COMMAND-RAN* ]]; then fail "$name: corral-shell ran the command" "$out"
		elif [ "$status" != 1 ] || ! [[ $out =~ $where_etc ]]; then fail "$name: corral-shell refuses, naming the place" "status $status: $out" "want: 1 and /$where_etc/"
		else pass "$name: corral-shell refuses (1): $(head -n 1 <<<"$out" | cut -c1-150)"; fi
		rm -rf /etc/corral
	fi
}
# line NAME TEXT-AFTER-GOOD: a case whose corral.ini is the good policy plus
# TEXT; the error must name corral.ini and the line TEXT starts on
line() {
	local d n
	d=$(case_dir "$1")
	printf '%s\n%s\n' "$good" "$2" | write_ini "$d"
	n=$(($(wc -l <<<"$good") + 1))
	refused "$1" "$d/corral.ini" "$d/corral.ini:$n: error" "$d"
}

echo "# malformed lines"
line bad-boolean 'session.linger = sometimes'
line unknown-key 'fs.reed = /srv'
line unknown-section '[usr:someone]'
line duplicate-key 'fs.read = /srv'
line long-line "fs.read = /usr/$(printf 'a%.0s' $(seq 1100))"
line uppercase-key 'Umask = 077'
line scalar-edit 'umask = +077'
line huge-count 'limits.processes = 99999999999'
line huge-size 'limits.memory = 99999999999999999999G'
line bad-size 'limits.file_size = 10Q'
line zero-duration 'session.max_time = 0'
line bad-umask 'umask = 0999'
line dotdot-path 'fs.deny = /usr/../etc/shadow'
line relative-path 'fs.deny = etc/shadow'
line tilde-user 'fs.deny = ~root/x'
line glued-comment 'fs.deny = /srv;comment'
line backslash-continuation $'fs.deny = /srv \\\nfs.write = /'
line port-zero 'net.connect = tcp://:0'
line host-in-deny 'net.deny = example.com'
line hex-address 'net.connect = tcp://0x7f.0.0.1:80'
line reversed-range 'net.bind = 9000-8000'
line bad-scheme 'net.connect = sctp://:80'
line section-trailer '[default] # comment'
line control-char $'fs.deny = /srv\x01'
line single-quotes "fs.deny = '/srv/a b'"
d=$(case_dir nul-byte)
{ printf '%s\n' "$good"; printf 'fs.deny = /srv\0/x\n'; } | write_ini "$d"
refused nul-byte "$d/corral.ini" "$d/corral.ini:6: error" "$d"
# CR line ends: both parsers read the lines as without them (a Windows
# editor's file is the same policy), so the session runs, confined
d=$(case_dir crlf)
printf '%s\n' "$good" | sed 's/$/\r/' | write_ini "$d"
out=$(cd / && CORRAL_CASE=crlf-ctl "$ESC_CTL" run -c "$d/corral.ini" -u "$u" -- sh -c "$attempt" 2>&1)
is "crlf: CR line ends are read as plain line ends: the session runs, confined (the write outside fails)" \
	"$?|$out|$(ls "$outside")" "0|COMMAND-RAN|"
d=$(case_dir garbage)
# the same bytes every run (a fixed seed): a failure here can be reproduced
perl -e 'srand(20261205); print map { chr(int(rand(256))) } 1 .. 4096' | write_ini "$d"
refused garbage "$d/corral.ini" "$d/corral.ini(:[0-9]+)?: error" "$d"
d=$(case_dir too-big)
{ printf '%s\n' "$good"; yes '; a comment line of sixty characters, repeated twenty thousand times' | head -n 20000; } | write_ini "$d"
refused too-big "$d/corral.ini" "$d/corral.ini(:[0-9]+)?: error" "$d"

echo "# unsafe files (the error names the file)"
d=$(case_dir world-writable)
printf '%s\n' "$good" | write_ini "$d" 0666
refused world-writable "$d/corral.ini" "$d/corral.ini: error" "$d"
d=$(case_dir group-writable)
printf '%s\n' "$good" | write_ini "$d" 0664
refused group-writable "$d/corral.ini" "$d/corral.ini: error" "$d"
d=$(case_dir user-owned)
printf '%s\n' "$good" | write_ini "$d"
chown "$u" "$d/corral.ini"
refused user-owned "$d/corral.ini" "$d/corral.ini: error" "$d"
d=$(case_dir group-writable-dir)
printf '%s\n' "$good" | write_ini "$d"
chmod 0775 "$d"
refused group-writable-dir "$d/corral.ini" "$d(/corral.ini)?: error" "$d"
d=$(case_dir symlink)
printf '%s\n' "$good" | write_ini "$d"
mv "$d/corral.ini" "$d/real.ini"
ln -s real.ini "$d/corral.ini"
refused symlink "$d/corral.ini" "$d/corral.ini: error" "$d"
d=$(case_dir fifo)
mkfifo -m 0644 "$d/corral.ini"
start=$(date +%s)
refused fifo "$d/corral.ini" "$d/corral.ini: error" "$d"
ok "fifo: nothing blocked (3 paths in $(($(date +%s) - start)) s)" test $(($(date +%s) - start)) -lt 10
d=$(case_dir dev-zero)
refused dev-zero /dev/zero "/dev/zero: error"
d=$(case_dir missing)
refused missing "$d/none.ini" "$d/none.ini: error"
d=$(case_dir dropin-broken)
printf '%s\n' "$good" | write_ini "$d"
mkdir -m 0755 "$d/corral.d"
printf '[default]\nconfine = maybe\n' >"$d/corral.d/10-bad.ini" && chmod 0644 "$d/corral.d/10-bad.ini"
refused dropin-broken "$d/corral.ini" "$d/corral.d/10-bad.ini:2: error" "$d"
d=$(case_dir dropin-symlink)
printf '%s\n' "$good" | write_ini "$d"
mkdir -m 0755 "$d/corral.d"
printf '[default]\nconfine = no\n' >"$d/real.ini" && chmod 0644 "$d/real.ini"
ln -s ../real.ini "$d/corral.d/10-link.ini"
refused dropin-symlink "$d/corral.ini" "$d/corral.d/10-link.ini: error" "$d"
d=$(case_dir dropin-world-writable)
printf '%s\n' "$good" | write_ini "$d"
mkdir -m 0757 "$d/corral.d"
refused dropin-world-writable "$d/corral.ini" "$d/corral.d: error" "$d"

echo "# names only NSS could know are simply ignored"
d=$(case_dir unknown-names)
printf '[user:crx-nosuchuser]\nconfine = no\n[group:crx-nosuchgroup]\nconfine = no\n%s\n[user:crx-nosuchuser2]\nfs.write = /\n' "$good" | write_ini "$d"
out=$(cd / && CORRAL_CASE=unknown-ctl "$ESC_CTL" run -c "$d/corral.ini" -u "$u" -- sh -c "$attempt" 2>&1)
status=$?
is "unknown user and group sections: the session runs (status 0), confined: the write outside fails" \
	"$status|$out|$(ls "$outside")" "0|COMMAND-RAN|"
out=$("$ESC_CTL" check -c "$d/corral.ini" 2>&1)
like "... corralctl check calls them warnings, not errors" "$out" "warning: .*no such (user|group).*valid"

esc_done
