#!/bin/bash
# ssh login latency (issue 11, scenario 14; a measurement, not a test): 3
# logins running `true` of a confined user and of an unconfined one (same
# guest, same sshd, pam_corral in the stack for both), interleaved; the
# medians as a TAP comment "# latency GUEST confined=S unconfined=S" (tests/vm.t
# copies that line to build/vm/GUEST.latency). Under TCG the numbers are
# about 13 times what the same guest takes on hardware.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
confined=vmlat
free=vmlatfree
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$confined" || { fail "create $confined"; suite_done; }
suite_new_user "$free" -s /bin/bash || { fail "create $free"; suite_done; }
login_time() {  # USER: seconds for one `ssh USER true`, or "fail"
	local t0 t1
	t0=$EPOCHREALTIME
	suite_ssh "$1" true >/dev/null 2>&1 || { echo fail; return; }
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f\n", b - a }'
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "none"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
c=() u=()
for _ in 1 2 3; do
	c+=("$(login_time "$confined")")
	u+=("$(login_time "$free")")
done
diag "confined:   ${c[*]} s" "unconfined: ${u[*]} s"
mc=$(printf '%s\n' "${c[@]}" | grep -v fail | median)
mu=$(printf '%s\n' "${u[@]}" | grep -v fail | median)
diag "latency $SUITE_GUEST confined=$mc unconfined=$mu"
unlike "3 confined logins (ssh $confined true) worked" "${c[*]}" fail
unlike "3 unconfined logins (ssh $free true) worked" "${u[*]}" fail
suite_gone "$confined" "no process of $confined is left"
suite_done
