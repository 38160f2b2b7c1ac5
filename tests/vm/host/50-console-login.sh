# shellcheck shell=bash
# Host-side scenario (sourced by tests/vm.t in a subshell, the guest booted,
# tests/vm/lib.sh's functions at hand, the suite in /opt/corral-vm/suite):
# a confined user logs in on the serial getty (ttyS1), through login(1) and
# its PAM stack, driven over qemu's socket (issue 11, scenario 5). The
# session is confined and in a corral scope, a write outside fs.write fails
# with EROFS, every process of the user is confined or exempt while it is
# open, and none is left after the logout.
# shellcheck source=tests/vm/suite/tap.sh
. "$VM_LIB/suite/tap.sh"
user=vmcons
suite=/opt/corral-vm/suite
open=/srv/corral-vm-open
guest_lib=". $suite/lib.sh; trap - EXIT"
# the user outlives this command (its lib.sh would remove it at exit)
out=$(vm_ssh "$guest_lib; suite_enable_pam >/dev/null && suite_policy && suite_user $user >/dev/null && install -d -m 1777 $open && echo ready" 2>&1)
if [ "$(tail -n 1 <<<"$out")" != ready ]; then
	fail "[console] set up the confined user $user" "$out"
	suite_done
fi

tmp=$(mktemp -d)
vm_console "$user" corral-vm-Pw1 \
	"grep -E '^(NoNewPrivs|Seccomp):' /proc/self/status; tty; echo cgroup=\$(cut -d: -f3 /proc/self/cgroup); echo x >$open/console && echo written; sleep 120 || :" \
	>"$tmp/out" 2>"$tmp/err" &
console=$!
for _ in $(seq 120); do
	vm_ssh "pgrep -u $user -x sleep" >/dev/null 2>&1 && break
	kill -0 "$console" 2>/dev/null || break
	sleep 1
done
if inv=$(vm_ssh "$guest_lib; suite_invariant -l $user" 2>&1); then
	pass "every process of $user is confined or exempt during a console session"
	diag "$inv"
else
	fail "every process of $user is confined or exempt during a console session" "$inv" \
		"$(vm_ssh "ps -o pid,user,cgroup,args -u $user" 2>&1)"
fi
vm_ssh "pkill -u $user -x sleep" >/dev/null 2>&1
wait "$console"
status=$?
out=$(tr -d '\r' <"$tmp/out")
is "console login on ttyS1 works for a confined user" "$status" 0
[ "$status" = 0 ] || diag "$(cat "$tmp/err")"
like "the console session is confined: NoNewPrivs 1" "$out" 'NoNewPrivs:[[:space:]]+1'
like "the console session is confined: Seccomp 2" "$out" 'Seccomp:[[:space:]]+2'
like "... on the serial line" "$out" '/dev/ttyS1'
like "... in a corral scope" "$out" 'cgroup=/corral[^ ]*\.slice/corral-[0-9a-f]{32}\.scope'
like "... a write outside fs.write fails with EROFS" "$out" "$open/console: Read-only file system"
unlike "... and is not done" "$out" '(^|[^a-z])written'
is "... and made nothing" "$(vm_ssh "ls -A $open" 2>&1)" ""
left=$(vm_ssh "for i in \$(seq 20); do pgrep -u $user >/dev/null || exit 0; sleep 0.5; done; ps -o pid,cgroup,args -u $user" 2>&1)
is "after the logout no process of $user is left" "$left" ""
if inv=$(vm_ssh "$guest_lib; suite_invariant $user" 2>&1); then
	pass "every process of $user is confined or exempt after the console session"
else
	fail "every process of $user is confined or exempt after the console session" "$inv"
fi
rm -rf "$tmp"
vm_ssh "pkill -KILL -u $user; sleep 0.5; userdel -r -f $user; rm -rf $open" >/dev/null 2>&1
suite_done
