#!/bin/bash
# The config loader and resolver run inside login daemons: corralctl check
# and explain on the example and on broken configs must be clean under
# valgrind (no invalid access, no leak, no fd left open).
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
ctl=$build/corralctl
if [ "$(id -u)" -ne 0 ]; then skip_all "config files must be owned by root"; fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
chmod 0755 "$dir"
install -m 0644 conf/corral.ini "$dir/corral.ini"
mkdir -m 0755 "$dir/corral.d"
printf '[group:root]\nfs.read = +/srv\nnet.connect = +udp://[2001:db8::/32]:53,5353\n' >"$dir/corral.d/10-extra.ini"
printf '[default]\nconfine = maybe\nfs.read = /a;b\nnet.connect = tcp://10.0.0.1/8\n[bad]\nx = "unterminated\n' >"$dir/broken.ini"
chmod 0644 "$dir/corral.d/10-extra.ini" "$dir/broken.ini"
mkfifo -m 0644 "$dir/fifo.ini"

cases=(
	"check -c $dir/corral.ini"
	"explain -c $dir/corral.ini root"
	"explain -c $dir/corral.ini nobody"
	"explain -c $dir/corral.ini no-such-user-corral"
	"check -c $dir/broken.ini"
	"check -c $dir/fifo.ini"
	"check -c $dir/missing.ini"
)
plan "${#cases[@]}"
for args in "${cases[@]}"; do
	log=$(mktemp)
	# shellcheck disable=SC2086
	timeout 120 valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible --track-fds=yes \
		"$ctl" $args >/dev/null 2>"$log"
	status=$?
	# --track-fds lists the fds still open at exit: only 0, 1 and 2 may be
	if [ $status -ne 99 ] && [ $status -ne 124 ] && ! grep -q 'Open file descriptor [3-9]' "$log"; then
		pass "valgrind clean: corralctl ${args//$dir/DIR} (exit $status)"
	else
		fail "valgrind: corralctl ${args//$dir/DIR} (exit $status)"
		sed 's/^/#   /' "$log" | head -n 40
	fi
	rm -f "$log"
done
