#!/bin/bash
# The package as an admin installed it (tests/vm.t: apt-get install -y
# ./corral_*.deb): its files, the safe default, and the PAM profile switched
# on with pam-auth-update.
# shellcheck source=tests/vm/suite/lib.sh
. "$(dirname "$0")/lib.sh"

status=$(dpkg-query -W -f '${Status} ${Version}' corral 2>&1)
like "the corral package is installed" "$status" '^install ok installed '
[ -n "${CORRAL_VM_VERSION:-}" ] && is "... version $CORRAL_VM_VERSION" "${status##* }" "$CORRAL_VM_VERSION"
pamdir=$(dirname "$(dpkg -L libpam-modules | grep '/pam_unix\.so$' | head -n 1)")
for f in /usr/bin/corral-shell /usr/libexec/corral/corral-helper /usr/libexec/corral/corral-session /usr/sbin/corralctl; do
	ok "$f is installed and executable" test -x "$f"
done
ok "pam_corral.so is beside pam_unix.so ($pamdir)" test -f "$pamdir/pam_corral.so"
ok "corral-shell is listed in /etc/shells" grep -qx /usr/bin/corral-shell /etc/shells
out=$(ldd /usr/sbin/corralctl "$pamdir/pam_corral.so" /usr/libexec/corral/corral-session 2>&1)
unlike "every library the programs need is there" "$out" 'not found'
ok "the shipped config passes corralctl check" corralctl check
like "... and confines nobody" "$(grep -E '^[[:space:]]*confine[[:space:]]*=' /etc/corral/corral.ini)" '^[[:space:]]*confine[[:space:]]*=[[:space:]]*no[[:space:]]*$'
unlike "the PAM profile is off as installed" "$(cat /etc/pam.d/common-session)" 'pam_corral'
out=$(DEBIAN_FRONTEND=noninteractive pam-auth-update --enable corral 2>&1)
is "pam-auth-update --enable corral succeeds" "$?:$out" "0:"
like "pam_corral is in common-session" "$(grep pam_corral /etc/pam.d/common-session)" 'session[[:space:]]+required[[:space:]]+pam_corral\.so'
like "pam_corral is in common-session-noninteractive" "$(grep pam_corral /etc/pam.d/common-session-noninteractive)" 'pam_corral\.so'
ok "the runtime directories exist" test -d /run/corral/sessions -a -d /var/lib/corral
suite_done
