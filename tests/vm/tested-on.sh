#!/bin/bash
# The README's "Tested on" table and the login-latency rows of
# docs/PERFORMANCE.md, written from what the last tests/vm.t run left in
# build/vm (GUEST.facts, GUEST.suite.tap, GUEST.escape-*.tap, GUEST.latency).
#   tests/vm/tested-on.sh [--suite|--latency] [BUILD_VM_DIR]
# (default: both tables)
set -u
part=both
case ${1:-} in --suite) part=suite; shift ;; --latency) part=latency; shift ;; esac
dir=${1:-build/vm}
ls "$dir"/*.facts >/dev/null 2>&1 || { echo "tested-on.sh: no $dir/*.facts: run tests/vm.t first" >&2; exit 1; }

fact() { sed -n "s/^$2=//p" "$dir/$1.facts"; }
# tap FILE...: "P passed, F failed, T todo" over the files' results
tap() {
	cat "$@" 2>/dev/null | awk '
		/^ok [0-9]+/ && !/# (TODO|SKIP)/ { p++ }
		/^not ok [0-9]+/ && !/# TODO/ { f++ }
		/# TODO/ { t++ }
		/^ok [0-9]+.*# SKIP/ { s++ }
		END { printf "%d passed, %d failed", p, f; if (t) printf ", %d known (TODO)", t; if (s) printf ", %d skipped", s }'
}
scenarios() { sed -n 's/^# --- \([0-9][0-9]-[a-z-]*\)$/\1/p' "$dir/$1.suite.tap" | tr '\n' ' ' | sed 's/ $//'; }

if [ "$part" != latency ]; then
echo "| guest | Debian | kernel | Landlock ABI | systemd | cgroup | real-host suite | its scenarios | escape files |"
echo "| --- | --- | --- | ---: | --- | --- | --- | --- | --- |"
for f in "$dir"/*.facts; do
	g=$(basename "$f" .facts)
	esc=$(ls "$dir/$g".escape-*.tap 2>/dev/null)
	esc_names=$(for e in $esc; do basename "$e" .tap | sed "s/^$g.escape-//"; done | tr '\n' ' ' | sed 's/ $//')
	# shellcheck disable=SC2086 # the list of files
	echo "| $g | $(fact "$g" debian) | $(fact "$g" kernel) | $(fact "$g" landlock_abi) | $(fact "$g" systemd_version) |" \
		"$(fact "$g" cgroup_fs) | $(tap "$dir/$g.suite.tap") | $(scenarios "$g") |" \
		"${esc_names:-none}${esc:+: $(tap $esc)} |"
done
fi
[ "$part" = both ] && echo
[ "$part" = suite ] && exit 0
echo "| guest | ssh login, confined (median s) | the same guest, a user pam_corral does not confine (median s) |"
echo "| --- | ---: | ---: |"
for f in "$dir"/*.latency; do
	[ -f "$f" ] || continue
	read -r _ g c u <"$f"
	echo "| $g | ${c#confined=} | ${u#unconfined=} |"
done
