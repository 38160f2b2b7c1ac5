#!/bin/bash
# The guest is what the test bed says it is: systemd as PID 1 with logind and
# journald, the unified cgroup hierarchy, the kernel and Landlock ABI of its
# release, a clean boot.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"
facts=$("$SUITE_DIR/facts.sh")
fact() { sed -n "s/^$1=//p" <<<"$facts"; }
diag "$facts"

like "systemd is PID 1" "$(fact pid1)" '/systemd$'
is "cgroup v2 (unified) is mounted on /sys/fs/cgroup" "$(fact cgroup_fs)" cgroup2fs
ok "systemd-logind is active" systemctl is-active --quiet systemd-logind
ok "systemd-journald is active" systemctl is-active --quiet systemd-journald
case $SUITE_GUEST in
bookworm) want_kernel='^6\.1\.' want_abi=2 want_systemd=252 ;;
bookworm-bpo) want_kernel='^6\.12\.' want_abi=6 want_systemd=252 ;;
trixie) want_kernel='^6\.12\.' want_abi=6 want_systemd=257 ;;
*) want_kernel=unknown want_abi=unknown want_systemd=unknown ;;
esac
like "$SUITE_GUEST runs its kernel" "$(fact kernel)" "$want_kernel"
is "the kernel's Landlock ABI is $want_abi" "$(fact landlock_abi)" "$want_abi"
is "systemd $want_systemd" "$(fact systemd)" "$want_systemd"
state=$(systemctl is-system-running --wait 2>/dev/null)
is "the system is running, no failed unit" "$state" running
[ "$state" = running ] || diag "$(systemctl --failed --no-legend 2>&1)"
if [ "$SUITE_LAB" = yes ]; then
	# the lab setup works before corral is involved: the LDAP users resolve
	# through sssd and their homes come from NFS on first access
	like "an LDAP user resolves (getent passwd ldapstu1)" "$(getent passwd ldapstu1)" '^ldapstu1:\*:20001:20000:.*:/home/ldap/ldapstu1:/usr/bin/corral-shell$'
	like "an LDAP user's groups resolve (id ldapta1)" "$(id ldapta1 2>&1)" 'groups=20010\(ldapstaff\),20000\(ldapstudents\)'
	out=$(setpriv --reuid=20001 --regid=20000 --init-groups ls -a /home/ldap/ldapstu1 2>&1)
	like "an LDAP user's home automounts" "$out" '\.profile'
	like "... over NFS" "$(findmnt -n -o FSTYPE,SOURCE /home/ldap/ldapstu1)" '^nfs4 +127\.0\.0\.1:/srv/nfs/home/ldapstu1$'
else
	skip "LDAP and NFS lab setup" "only the bookworm image is a lab machine"
fi
suite_done
