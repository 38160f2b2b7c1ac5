#!/bin/bash
# The end of the suite (issue 11): after every scenario's logins, sessions
# and experiments, the guest is clean: no failed unit (systemctl --failed
# empty, the system "running"), no corral scope, no session record, no
# process of a suite user left. Runs last.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
failed=$(systemctl --failed --no-legend --plain 2>&1)
is "systemctl --failed is empty" "$failed" ""
if [ -n "$failed" ]; then
	awk '{print $1}' <<<"$failed" | while read -r u; do
		diag "--- $u" "$(journalctl --no-pager -q -b -u "$u" -o short 2>&1 | tail -n 8)"
	done
fi
is "the system is running" "$(systemctl is-system-running 2>&1)" running
is "no corral scope is left" "$(systemctl list-units --no-legend --plain 'corral-*.scope' 2>&1)" ""
records=$(ls -A /run/corral/sessions 2>&1)
is "no session record is left in /run/corral/sessions" "$records" ""
[ -n "$records" ] && diag "$(corralctl sessions 2>&1)"
left=$(ps -eo user:20,pid,args --no-headers | awk '$1 ~ /^vm[a-z]+$/')
is "no process of a suite user is left" "$left" ""
diag "corral slices still loaded: $(systemctl list-units --no-legend --plain 'corral*.slice' | awk '{print $1}' | paste -sd' ')"
suite_done
