# shellcheck shell=bash disable=SC2001 # sed prefixes every line of a multi-line text
# The TAP kit of the bash tests (tests/*.t, tests/escape/, tests/e2e/),
# sourced by bash; every result line it prints is numbered by its counter,
# tap_n. A .t script sources it relative to itself:
#   . "$(dirname "$0")/lib/tap.sh"          (tests/*.t)
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib/tap.sh"   (a library in a subfolder)
#
#   plan N                 "1..N" (before the results)
#   done_testing           "1..tap_n" (after them: a test that dies midway fails)
#   skip_all REASON        "1..0 # SKIP REASON", and exit 0
#   bail REASON            "Bail out! REASON", and exit 1
#   pass DESC              "ok N - DESC"
#   fail DESC [TEXT...]    "not ok N - DESC", each TEXT as comments (diag)
#   ok DESC CMD...         passes when CMD exits 0
#   is DESC GOT WANT       equal strings
#   like DESC GOT ERE      GOT matches the extended regex ERE ([[ =~ ]])
#   unlike DESC GOT ERE    GOT does not
#   skip REASON            "ok N # skip REASON"
#   todo DESC WHY GOT WANT, todo_like DESC WHY GOT ERE: a known bug, reported
#                          (not hidden) as "ok|not ok N - DESC # TODO WHY"
#   tap_line STATUS TEXT   "STATUS N TEXT" as it comes (re-numbered results)
#   diag TEXT...           each line of each TEXT as "#   LINE"
# A failure returns 1 (and counts in tap_failed), anything else 0.
# TAP_DIAG_LINES (40): how many lines of each diagnostic text are shown;
# TAP_ON_FAIL: a command run after each failure, its lines shown as
# "#   note: LINE".

tap_n=0
tap_failed=0
TAP_DIAG_LINES=40
TAP_ON_FAIL=

plan() { echo "1..$1"; }
done_testing() { echo "1..$tap_n"; }
skip_all() { echo "1..0 # SKIP $*"; exit 0; }
bail() { echo "Bail out! $*"; exit 1; }
diag() {
	local d
	for d in "$@"; do sed 's/^/#   /' <<<"$d" | head -n "$TAP_DIAG_LINES"; done
}
tap_line() {  # status ("ok", "not ok"), the rest of the line (" - DESC", " # skip ...")
	tap_n=$((tap_n + 1))
	echo "$1 $tap_n$2"
}
pass() { tap_line ok " - $1"; }
fail() {  # description, diagnostics...
	tap_line "not ok" " - $1"
	tap_failed=$((tap_failed + 1))
	shift
	diag "$@"
	[ -n "$TAP_ON_FAIL" ] && $TAP_ON_FAIL | sed 's/^/#   note: /'
	return 1
}
ok() {  # description, command... (status 0 = ok)
	local desc=$1
	shift
	if "$@"; then pass "$desc"; else fail "$desc" "failed: $*"; fi
}
is() {  # description, got, want
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1" "got:  $2" "want: $3"; fi
}
like() {  # description, got, extended regex
	if [[ $2 =~ $3 ]]; then pass "$1"; else fail "$1" "got:  $2" "want: /$3/"; fi
}
unlike() {  # description, got, extended regex that must not match
	if ! [[ $2 =~ $3 ]]; then pass "$1"; else fail "$1" "got:  $2" "must not match: /$3/"; fi
}
skip() { tap_line ok " # skip $1"; }
todo() {  # description, reason, got, want
	if [ "$3" = "$4" ]; then tap_line ok " - $1 # TODO $2"; else
		tap_line "not ok" " - $1 # TODO $2"
		sed 's/^/#   got:  /' <<<"$3" | head -n 20
		echo "#   want: $4"
	fi
}
todo_like() {  # description, reason, got, extended regex of the right result
	if [[ $3 =~ $4 ]]; then tap_line ok " - $1 # TODO $2"; else
		tap_line "not ok" " - $1 # TODO $2"
		sed 's/^/#   got:  /' <<<"$3" | head -n 20
		echo "#   want: /$4/"
	fi
}
