#!/bin/bash
# Policy resolution for real users and groups created through the system's
# NSS (useradd/groupadd): primary and supplementary groups, file order,
# [user:] overrides, list edits across sections, exemption, expansion.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
ctl=$build/corralctl
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users: run as root"; fi
prefix=crtest
users=(${prefix}ann ${prefix}ben ${prefix}cat)
groups=(${prefix}lab ${prefix}ta ${prefix}staff)
cleanup() {
	for u in "${users[@]}"; do userdel -r "$u" >/dev/null 2>&1; done
	for g in "${groups[@]}"; do groupdel "$g" >/dev/null 2>&1; done
	[ -n "${dir:-}" ] && rm -rf "$dir"
}
cleanup   # leftovers of an interrupted run
trap cleanup EXIT
for g in "${groups[@]}"; do groupadd "$g" || exit 1; done
useradd -m -g ${prefix}lab -G ${prefix}ta -s /bin/bash ${prefix}ann || exit 1      # primary lab, supplementary ta
useradd -m -G ${prefix}lab -s /bin/bash ${prefix}ben || exit 1                     # supplementary lab only
useradd -m -G ${prefix}staff -s /bin/bash ${prefix}cat || exit 1                   # exempt through staff

dir=$(mktemp -d)
chmod 0755 "$dir"
cat >"$dir/corral.ini" <<INI
[global]
exempt_groups = ${prefix}staff
[default]
confine = no
fs.write = ~ /tmp
limits.processes = 50
[group:${prefix}ta]
limits.processes = 300
fs.read = +/srv/ta
[group:${prefix}lab]
confine = yes
limits.processes = 100
fs.read = /usr /srv/%u
fs.write = -/tmp
[user:${prefix}ann]
limits.memory = 1G
[user:${prefix}cat]
confine = yes
INI
chmod 0644 "$dir/corral.ini"

check() {  # description, user, expected exact line of explain output
	out=$("$ctl" explain -c "$dir/corral.ini" "$2" 2>&1 | tr -s ' ')
	if grep -qxF -- "$(tr -s ' ' <<<"$3")" <<<"$out"; then
		pass "$1"
	else
		fail "$1"
		echo "#   wanted line: $3"
		sed 's/^/#   /' <<<"$out" | head -n 50
	fi
}
sections() {  # user -> the applied sections, comma-separated
	"$ctl" explain -c "$dir/corral.ini" "$1" | sed -n 's/^#   \[\([^]]*\)\].*/\1/p' | paste -sd, -
}
home_ann=$(getent passwd ${prefix}ann | cut -d: -f6)
home_ben=$(getent passwd ${prefix}ben | cut -d: -f6)

plan 14
got=$(sections ${prefix}ann)
want="default,group:${prefix}ta,group:${prefix}lab,user:${prefix}ann"
[ "$got" = "$want" ] && pass "ann: [default], her groups in file order, then [user:]" ||
	{ fail "ann sections"; echo "#   got $got, want $want"; }
check "ann: confined by her primary group" ${prefix}ann "# confined: yes"
check "ann: the later group section wins for a scalar" ${prefix}ann \
	"limits.processes     = 100                            # [group:${prefix}lab] $dir/corral.ini:12"
check "ann: list replaced by the later group, %u expanded" ${prefix}ann \
	"fs.read              = /usr /srv/${prefix}ann              # [group:${prefix}lab] $dir/corral.ini:13"
check "ann: '-' removes /tmp, ~ expanded to her real home" ${prefix}ann \
	"fs.write             = $home_ann                 # [default] $dir/corral.ini:5, -[group:${prefix}lab] $dir/corral.ini:14"
check "ann: [user:] section applies last" ${prefix}ann \
	"limits.memory        = 1G                             # [user:${prefix}ann] $dir/corral.ini:16"
got=$(sections ${prefix}ben)
want="default,group:${prefix}lab"
[ "$got" = "$want" ] && pass "ben: a supplementary group counts" ||
	{ fail "ben sections"; echo "#   got $got, want $want"; }
check "ben: confined through a supplementary group" ${prefix}ben "# confined: yes"
check "ben: his own home" ${prefix}ben \
	"fs.write             = $home_ben                 # [default] $dir/corral.ini:5, -[group:${prefix}lab] $dir/corral.ini:14"
check "cat: exempt through an exempt group" ${prefix}cat "# ${prefix}cat is exempt ([global] exempt_users/exempt_groups): never confined"
check "cat: never confined even with confine = yes" ${prefix}cat "# confined: no"
"$ctl" explain -c "$dir/corral.ini" ${prefix}nobody >/dev/null 2>&1
status=$?
[ $status -eq 2 ] && pass "an unknown user exits 2" || fail "unknown user exit $status"
out=$("$ctl" check -c "$dir/corral.ini")
grep -qF "warning: user '${prefix}ann' is confined ([group:${prefix}lab] $dir/corral.ini:11) but their login shell is '/bin/bash'" <<<"$out" &&
	pass "check warns about a confined user whose shell is not corral-shell" ||
	{ fail "shell warning"; sed 's/^/#   /' <<<"$out"; }
grep -qF "warning: user '${prefix}cat' is exempt ([global]) and is never confined, but [user:${prefix}cat] $dir/corral.ini:18 sets confine = yes" <<<"$out" &&
	pass "check warns that an exempt user is set to be confined" ||
	{ fail "exempt warning"; sed 's/^/#   /' <<<"$out"; }
