#!/bin/bash
# The adversarial suite again, as on the kernels users run: Landlock ABI 2
# (Debian 12's 6.1) and ABI 4 (Ubuntu 24.04's 6.8), through corralctl run's
# --landlock-abi cap. Where Landlock lacks a right, another layer must keep
# the same verdict: corral-helper for the signal and abstract-socket scopes
# and for TCP ports, the session's view for what ABI 3 truncates. The
# guests of tests/vm are the proof on the real kernels; this runs here in
# a few minutes. Each result is one of the suite's, renumbered, named
# "[ABI N] file: description".
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
cd "$(dirname "$0")/.." || exit 1
if [ "$(id -u)" -ne 0 ]; then skip_all "creates users and sessions: run as root"; fi
for abi in 2 4; do
	case $abi in
	2) files="fs deny metadata exec privilege net xproc" ;;
	4) files="net privilege" ;;   # ports by Landlock, the scopes by corral-helper
	esac
	for f in $files; do
		out=$(ESC_LANDLOCK_ABI=$abi bash "tests/escape/$f.t" 2>&1)
		plan=$(sed -n 's/^1\.\.\([0-9]*\).*/\1/p' <<<"$out" | tail -n 1)
		got=0
		while IFS= read -r line; do
			case $line in
			"ok "[0-9]*|"not ok "[0-9]*)
				got=$((got + 1))
				status=${line%% [0-9]*}
				rest=$(sed -E 's/^(not )?ok [0-9]+//' <<<"$line")
				case $rest in
				" # "*) tap_line "$status" "$rest" ;;   # skip or todo, as it came
				*) tap_line "$status" " - [ABI $abi] $f:${rest# -}" ;;
				esac
				;;
			"#"*) echo "$line" ;;
			esac
		done <<<"$out"
		if [ -n "$plan" ] && [ "$got" = "$plan" ]; then
			pass "[ABI $abi] $f: all $plan results came"
		else
			fail "[ABI $abi] $f: $got results of a plan of '${plan:-none}' (it died?)"
			tail -n 5 <<<"$out" | sed 's/^/#   /'
		fi
	done
done
done_testing
