# The lock of the tests that edit /etc/corral and /etc/pam.d (tests/e2e-*.t,
# tests/pam-su.t): sourced by bash. e2e_lock: 0 once held (e2e_have_lock=held).
# One end-to-end test at a time: they share /etc/corral and /etc/pam.d. A
# directory, not flock(1): a lock fd would be inherited by every daemon and
# session the test starts, and one left behind would hold it. A lock whose
# holder is dead is taken over.
E2E_LOCK=/run/corral-e2e.lock
e2e_lock() {
	local holder
	for _ in $(seq 600); do
		if mkdir -m 0700 "$E2E_LOCK" 2>/dev/null; then
			echo $$ >"$E2E_LOCK/pid"
			e2e_have_lock=held
			return 0
		fi
		holder=$(cat "$E2E_LOCK/pid" 2>/dev/null)
		if { [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; } ||
			{ [ -z "$holder" ] && [ -n "$(find "$E2E_LOCK" -maxdepth 0 -mmin +1 2>/dev/null)" ]; }; then
			rm -rf "$E2E_LOCK"
			continue
		fi
		sleep 1
	done
	return 1
}
