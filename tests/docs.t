#!/bin/bash
# The man pages render without groff warnings, corral.ini(5) documents every
# key of the key table, and the example config passes `corralctl check`.
# shellcheck source=tests/lib/tap.sh disable=SC2015 # COND && pass || fail: pass never fails
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
keys=$(sed -n 's/^\t\[\(KEY\|GLOBAL\)_[A-Z_]*\] = {\{0,1\} *"\([a-z_.]*\)".*/\2/p' lib/policy/keys.c)
denied=$(sed -n 's/^\t{ "\([a-z0-9_]*\)", E[A-Z]*, \(false, \|true, \)\{0,1\}".*/\1/p' lib/kernel/syscall_filter.c)
pages=(man/*.[1-8])
plan "$(( ${#pages[@]} + $(wc -w <<<"$keys") + 2 ))"
for page in "${pages[@]}"; do
	out=$(groff -t -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$out" ] && pass "$page renders cleanly" || { fail "$page"; sed 's/^/#   /' <<<"$out"; }
done
for key in $keys; do
	# keys are written with \fB or .B; look for the name as a word in the source
	grep -qE "(^|[^a-z_.])${key//./\\.}([^a-z_.]|$)" man/corral.ini.5 &&
		pass "corral.ini(5) documents $key" || fail "corral.ini(5) lacks $key"
done
missing=$(for s in $denied; do grep -qx "\.B $s" man/corral-shell.1 || echo "$s"; done)
[ -n "$denied" ] && [ -z "$missing" ] && pass "corral-shell(1) lists all $(wc -w <<<"$denied") refused system calls of the code's table" ||
	fail "corral-shell(1) lacks: $missing"
if [ "$(id -u)" -ne 0 ]; then
	skip "the example must be root-owned to check"
else
	dir=$(mktemp -d)
	chmod 0755 "$dir"
	install -m 0644 conf/corral.ini "$dir/corral.ini"
	out=$("$build/corralctl" check -c "$dir/corral.ini" 2>&1)
	status=$?
	rm -rf "$dir"
	if [ $status -eq 0 ] && ! grep -q ': error:' <<<"$out"; then
		pass "conf/corral.ini passes corralctl check"
	else
		fail "conf/corral.ini fails corralctl check"
		sed 's/^/#   /' <<<"$out"
	fi
fi
