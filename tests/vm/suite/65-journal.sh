#!/bin/bash
# corral's events in the journal (issue 11, scenario 11): every line of the
# module, corral-shell/corral-session and corral-helper is in journalctl -t
# corral (the module's starting "pam_corral(SERVICE:session): "), with the
# fields CORRAL_USER, CORRAL_EVENT, CORRAL_SESSION (where the line has
# session=) and CORRAL_RULE (where it has rule=), equal to the line's own
# key=value pairs; journalctl CORRAL_USER=x CORRAL_EVENT=session-open finds
# the session. Events made here: an ssh session (open, start, a denial,
# end, close) and a refused one (a service not in the policy's services).
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
user=vmjrnl
refused=vmjrnlx
suite_enable_pam >/dev/null 2>&1
suite_policy "[user:$refused]" "services = login"
suite_user "$user" || { fail "create $user"; suite_done; }
suite_user "$refused" || { fail "create $refused"; suite_done; }

suite_mark
out=$(suite_ssh "$user" 'python3 -c "
import socket
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(\"/run/dbus/system_bus_socket\"); print(\"connected\")
except OSError as e:
    print(\"refused\", e.errno)
"' 2>&1)
like "in the session the system bus socket is refused" "$out" '^refused [0-9]+'
out=$(suite_ssh "$refused" 'echo in' 2>&1)
unlike "an ssh login through a service not in services is refused" "$out" '(^|[[:space:]])in$'
suite_gone "$user" "no process of $user is left"
suite_wait 10 sh -c "journalctl -q --since '$SUITE_MARK' CORRAL_USER=$user CORRAL_EVENT=session-close -o cat | grep -q ."

prog=$(cat <<'PYEOF'
import json, re, sys
users = sys.argv[1:]
events, bad, n = {}, [], 0
for line in sys.stdin:
    e = json.loads(line)
    msg = e.get("MESSAGE", "")
    if isinstance(msg, list):
        msg = bytes(msg).decode(errors="replace")
    kv = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', msg))
    kv = {k: v.strip('"') for k, v in kv.items()}
    if kv.get("user") not in users:
        continue
    n += 1
    ev = kv.get("event", "")
    events.setdefault(kv["user"], set()).add(ev)
    want = {"CORRAL_USER": kv.get("user"), "CORRAL_EVENT": ev}
    if "session" in kv: want["CORRAL_SESSION"] = kv["session"]
    if "rule" in kv: want["CORRAL_RULE"] = kv["rule"]
    for f, v in want.items():
        if e.get(f) != v:
            bad.append("%s: %s=%r, want %r" % (msg, f, e.get(f), v))
    if msg.startswith("pam_corral(") and not re.match(r"pam_corral\([a-z-]+:session\): ", msg):
        bad.append("module line without its prefix: " + msg)
print("lines=%d" % n)
for u in users:
    print("events %s=%s" % (u, ",".join(sorted(events.get(u, ())))))
for b in bad:
    print("BAD " + b)
PYEOF
)
check=$(suite_journal -o json -t corral | python3 -c "$prog" "$user" "$refused" 2>&1)
diag "$check"
like "journalctl -t corral has the session's lines" "$check" 'lines=[1-9]'
unlike "every line's CORRAL_USER/EVENT/SESSION/RULE fields match its key=value pairs" "$check" 'BAD '
evs=",$(sed -n "s/^events $user=//p" <<<"$check"),"
for ev in session-open session-start denied session-end session-close; do
	like "... with event $ev" "$evs" ",$ev,"
done
like "... and the refusal (event refused)" ",$(sed -n "s/^events $refused=//p" <<<"$check")," ',refused,'
log=$(suite_journal -t corral -o cat)
like "the module's lines start with pam_corral(sshd:session): " "$log" "pam_corral\(sshd:session\): user=$user session=[0-9a-f]{32} event=session-open"
like "the refusal names the rule" "$log" "pam_corral\(sshd:session\): user=$refused event=refused op=open_session service=sshd rule=services"
all=$(suite_journal -o cat | grep -c "^pam_corral(.*user=\($user\|$refused\) ")
tagged=$(suite_journal -t corral -o cat | grep -c "^pam_corral(.*user=\($user\|$refused\) ")
is "every pam_corral line of these logins is under the identifier corral ($all)" "$tagged" "$all"
out=$(suite_journal CORRAL_USER="$user" CORRAL_EVENT=session-open -o cat)
like "journalctl CORRAL_USER=$user CORRAL_EVENT=session-open finds the session" "$out" "user=$user session=[0-9a-f]{32} event=session-open service=sshd"
is "... once" "$(grep -c . <<<"$out")" 1
out=$(suite_journal CORRAL_USER="$refused" CORRAL_EVENT=refused CORRAL_RULE=services -o cat)
like "journalctl CORRAL_USER=$refused CORRAL_EVENT=refused CORRAL_RULE=services finds the refusal" "$out" "user=$refused event=refused"
suite_check "$user" "every process of $user is confined or exempt"
suite_done
