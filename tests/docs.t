#!/bin/bash
# The man pages render without groff warnings, corral.ini(5) documents every
# key of the key table, and the example config passes `corralctl check`.
build=${CORRAL_BUILD:-build}
keys=$(sed -n 's/^\t\[\(KEY\|GLOBAL\)_[A-Z_]*\] = {\{0,1\} *"\([a-z_.]*\)".*/\2/p' lib/policy/keys.c)
denied=$(sed -n 's/^\t{ "\([a-z0-9_]*\)", E[A-Z]*, ".*/\1/p' lib/kernel/syscall_filter.c)
pages=(man/*.[1-8])
echo "1..$(( ${#pages[@]} + $(wc -w <<<"$keys") + 2 ))"
n=0
for page in "${pages[@]}"; do
	n=$((n + 1))
	out=$(groff -t -man -Tutf8 -ww -z "$page" 2>&1)
	[ -z "$out" ] && echo "ok $n - $page renders cleanly" || { echo "not ok $n - $page"; sed 's/^/#   /' <<<"$out"; }
done
for key in $keys; do
	n=$((n + 1))
	# keys are written with \fB or .B; look for the name as a word in the source
	grep -qE "(^|[^a-z_.])${key//./\\.}([^a-z_.]|$)" man/corral.ini.5 &&
		echo "ok $n - corral.ini(5) documents $key" || echo "not ok $n - corral.ini(5) lacks $key"
done
n=$((n + 1))
missing=$(for s in $denied; do grep -qx "\.B $s" man/corral-shell.1 || echo "$s"; done)
[ -n "$denied" ] && [ -z "$missing" ] && echo "ok $n - corral-shell(1) lists all $(wc -w <<<"$denied") refused system calls of the code's table" ||
	echo "not ok $n - corral-shell(1) lacks: $missing"
n=$((n + 1))
if [ "$(id -u)" -ne 0 ]; then
	echo "ok $n # SKIP the example must be root-owned to check"
else
	dir=$(mktemp -d)
	chmod 0755 "$dir"
	install -m 0644 conf/corral.ini "$dir/corral.ini"
	out=$("$build/corralctl" check -c "$dir/corral.ini" 2>&1)
	status=$?
	rm -rf "$dir"
	if [ $status -eq 0 ] && ! grep -q ': error:' <<<"$out"; then
		echo "ok $n - conf/corral.ini passes corralctl check"
	else
		echo "not ok $n - conf/corral.ini fails corralctl check"
		sed 's/^/#   /' <<<"$out"
	fi
fi
