#!/bin/bash
# Runs the real-host suite inside a guest, as root: every NN-name.sh of this
# directory in order (or only those whose name contains one of the PATTERNs
# given), each in its own bash, stdin /dev/null, at most
# ${SUITE_TIMEOUT:-600} s each. Scenarios print "ok - DESC" / "not ok - DESC"
# (lib.sh); this numbers them and prints the plan last: TAP. A scenario that
# exits with a status other than 0 (it died) adds a failing line; other
# output becomes "# " comments.
#   run.sh [PATTERN...]
set -u
dir=$(cd "$(dirname "$0")" && pwd)
n=0
[ "$(id -u)" -eq 0 ] || { echo "Bail out! run.sh runs as root inside a guest"; exit 1; }
[ -f /etc/corral-vm/guest ] || { echo "Bail out! no /etc/corral-vm/guest: not a corral test bed guest"; exit 1; }
for scenario in "$dir"/[0-9][0-9]-*.sh; do
	name=$(basename "$scenario" .sh)
	if [ $# -gt 0 ]; then
		want=0
		for p in "$@"; do [[ $name == *"$p"* ]] && want=1; done
		[ "$want" = 1 ] || continue
	fi
	echo "# --- $name"
	started=$(date +%s)
	status=
	while IFS= read -r line; do
		case $line in
		"ok - "*) n=$((n + 1)); echo "ok $n - ${line#ok - }" ;;
		"not ok - "*) n=$((n + 1)); echo "not ok $n - ${line#not ok - }" ;;
		"@@status "*) status=${line#@@status } ;;
		"#"*) echo "$line" ;;
		*) echo "# $line" ;;
		esac
	done < <(timeout --kill-after=10 "${SUITE_TIMEOUT:-600}" bash "$scenario" </dev/null 2>&1; echo "@@status $?")
	if [ "$status" != 0 ]; then
		n=$((n + 1))
		if [ "$status" = 124 ]; then
			echo "not ok $n - [$name] timed out after ${SUITE_TIMEOUT:-600} s"
		else
			echo "not ok $n - [$name] the scenario died (exit status $status) before its end"
		fi
	fi
	echo "# $name: $(($(date +%s) - started)) s"
done
echo "1..$n"
