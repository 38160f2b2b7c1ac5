#!/bin/bash
# corralctl sessions next to loginctl list-sessions (issue 11, scenario 10):
# while an ssh session is open corralctl lists it (user, leader pid, service
# sshd), and logind still lists the ssh session with the same leader, although
# the session's processes are in corral's scope, not logind's; after the
# logout neither lists it. Quiet for 10 s, the session's corral-helper keeps
# at most half of its own code mapped.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmsess
suite_enable_pam >/dev/null 2>&1
suite_policy
suite_user "$user" || { fail "create $user"; suite_done; }

if suite_hold "$user" 185; then
	cs=$(corralctl sessions 2>&1)
	row=$(awk -v u="$user" '$2 == u' <<<"$cs")
	like "corralctl sessions lists the open ssh session" "$row" "^[0-9a-f]{32} +$user +[0-9]+ +sshd +"
	id=$(awk '{print $1}' <<<"$row" | head -n 1)
	cpid=$(awk '{print $3}' <<<"$row" | head -n 1)
	ls=$(loginctl list-sessions --no-legend 2>&1)
	lrow=$(awk -v u="$user" '$3 == u' <<<"$ls")
	like "loginctl list-sessions still lists the ssh session" "$lrow" "$user"
	lid=$(awk '{print $1}' <<<"$lrow" | head -n 1)
	is "... with the same leader as corral's record" "$(loginctl show-session -P Leader "$lid" 2>&1)" "$cpid"
	is "... a remote sshd session" "$(loginctl show-session -P Service "$lid" 2>&1)/$(loginctl show-session -P Remote "$lid" 2>&1)" sshd/yes
	pid=$(pgrep -u "$user" -fx "sleep 185" | head -n 1)
	is "the session's processes are in corral's scope, not logind's" "$(cut -d: -f3 "/proc/$pid/cgroup")" \
		"/corral.slice/corral-$id.scope"
	like "... the leader too (sshd's monitor)" "$(cut -d: -f3 "/proc/$cpid/cgroup" 2>&1)" "/corral-$id\.scope$"
	ok "the session's record is there" test -f "/run/corral/sessions/$id"
	# quiet for 10 s, the helper unmaps its own code (helper/image.c)
	helper=$(pgrep -u "$user" -x corral-helper | head -n 1)
	code_kb() {
		awk '/^[0-9a-f]+-[0-9a-f]+ r-xp .*\/corral-helper$/ { on = 1; next }
			/^[0-9a-f]+-[0-9a-f]+ / { on = 0 }
			on && /^Size:/ { size = $2 } on && /^Rss:/ { rss = $2 }
			END { print rss + 0, size + 0 }' "/proc/${helper:-none}/smaps" 2>/dev/null
	}
	for _ in $(seq 50); do
		read -r code_rss code_size <<<"$(code_kb)"
		[ "${code_size:-0}" -gt 0 ] && [ "$((code_rss * 2))" -le "$code_size" ] && break
		sleep 0.5
	done
	code="$code_rss $code_size"
	if [ "${code_size:-0}" -gt 0 ] && [ "$((code_rss * 2))" -le "$code_size" ]; then
		pass "the idle session's corral-helper maps $code_rss of its $code_size KiB of code"
	else
		fail "the idle session's corral-helper maps at most half its code" "helper ${helper:-none}: ${code:-no smaps}"
	fi
	suite_check -l "$user" "every process of $user is confined or exempt during the session"
	diag "$cs" "$ls"
else
	fail "an ssh session of $user is held open" "$(ps -o pid,args -u "$user")"
fi
suite_release "$user" 185
suite_gone "$user" "after the logout no process of $user is left"
suite_wait 10 sh -c "! corralctl sessions | grep -q ' $user '"
unlike "corralctl sessions no longer lists it" "$(corralctl sessions 2>&1)" " $user "
suite_wait 15 sh -c "! loginctl list-sessions --no-legend | grep -q ' $user '"
unlike "... nor does loginctl list-sessions" "$(loginctl list-sessions --no-legend 2>&1)" " $user "
ok "... and the record is gone" test ! -e "/run/corral/sessions/${id:-none}"
suite_check "$user" "every process of $user is confined or exempt after the session"
suite_done
