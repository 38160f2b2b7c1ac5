#!/bin/bash
# Bounded libFuzzer runs of every fuzz target over its seed corpus; a crash,
# a sanitizer report or a broken round trip fails the test.
# shellcheck source=tests/lib/tap.sh
. "$(dirname "$0")/lib/tap.sh"
build=${CORRAL_BUILD:-build}
seconds=${FUZZ_SECONDS:-20}
targets=("$build"/fuzz/fuzz_*)
plan "${#targets[@]}"
for target in "${targets[@]}"; do
	name=$(basename "$target")
	seeds=tests/fuzz/corpus/${name#fuzz_}
	work=$(mktemp -d)
	log=$(mktemp)
	if "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
		-artifact_prefix="$work/" "$work" "$seeds" >"$log" 2>&1; then
		pass "$name: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ seconds?' "$log" | head -n 1)"
	else
		fail "$name crashed"
		tail -n 40 "$log" | sed 's/^/#   /'
		for crash in "$work"/crash-* "$work"/leak-* "$work"/timeout-*; do
			[ -e "$crash" ] && echo "#   input: $(base64 -w0 "$crash")"
		done
	fi
	rm -rf "$work" "$log"
done
