# shellcheck shell=bash
# TAP result lines without numbers ("ok - DESC", "not ok - DESC"): sourced
# by the suite's scenarios in the guest (lib.sh) and the host-side scenarios
# (tests/vm/host/); tests/vm/suite/run.sh and tests/vm.t number them. See lib.sh.
suite_failed=0
# shellcheck disable=SC2001 # every line of a multi-line text
diag() { local l; for l in "$@"; do sed 's/^/# /' <<<"$l" | head -n 60; done; }
pass() { echo "ok - $1"; }
fail() {
	echo "not ok - $1"
	suite_failed=$((suite_failed + 1))
	shift
	[ $# -gt 0 ] && diag "$@"
	return 0
}
ok() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$desc"; else fail "$desc" "failed ($?): $*" "$out"; fi
}
is() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi; }
like() { if [[ $2 =~ $3 ]]; then pass "$1"; else fail "$1" "got:  $2" "want: /$3/"; fi; }
unlike() { if ! [[ $2 =~ $3 ]]; then pass "$1"; else fail "$1" "got:  $2" "must not match: /$3/"; fi; }
skip() { echo "ok - $1 # SKIP $2"; }
todo() {
	local desc=$1 why=$2 out
	shift 2
	if out=$("$@" 2>&1); then echo "ok - $desc # TODO $why"; else
		echo "not ok - $desc # TODO $why"
		diag "$out"
	fi
}
suite_done() { exit 0; }
