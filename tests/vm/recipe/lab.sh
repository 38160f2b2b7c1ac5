#!/bin/bash
# Runs inside the bookworm chroot at image build time, after setup.sh: the
# lab-machine setup, all inside the guest so that it works with no network.
#   - slapd serves dc=corral,dc=test on ldap://127.0.0.1 (admin
#     cn=admin,dc=corral,dc=test, password corral-vm-admin: preseed.bookworm);
#     the directory is filled here, offline, with slapadd:
#       group ldapstudents (gid 20000): ldapstu1 (uid 20001, login shell
#       /usr/bin/corral-shell), ldapstu2 (uid 20002, /bin/bash);
#       group ldapstaff (gid 20010): ldapta1 (uid 20011, /bin/bash), also in ldapstudents;
#       every password: corral-vm-ldap
#   - sssd (LDAP id and auth provider, no TLS: loopback only) behind NSS and
#     PAM (libnss-sss, libpam-sss, enabled by their packages)
#   - /srv/nfs/home exported over NFSv4 to 127.0.0.1 by the guest's own nfsd;
#     autofs mounts 127.0.0.1:/srv/nfs/home/USER on /home/ldap/USER on access
#     (the LDAP users' homes)
set -euo pipefail
fail() { echo "lab.sh: $*" >&2; exit 1; }
base=dc=corral,dc=test
password=corral-vm-ldap

hash=$(slappasswd -s "$password") || fail "slappasswd failed"
ldif=$(mktemp)
{
	cat <<EOF
dn: ou=People,$base
objectClass: organizationalUnit
ou: People

dn: ou=Groups,$base
objectClass: organizationalUnit
ou: Groups

EOF
	user() {  # name uid gid shell
		cat <<EOF
dn: uid=$1,ou=People,$base
objectClass: inetOrgPerson
objectClass: posixAccount
objectClass: shadowAccount
uid: $1
cn: $1
sn: $1
uidNumber: $2
gidNumber: $3
homeDirectory: /home/ldap/$1
loginShell: $4
userPassword: $hash

EOF
	}
	user ldapstu1 20001 20000 /usr/bin/corral-shell
	user ldapstu2 20002 20000 /bin/bash
	user ldapta1 20011 20010 /bin/bash
	cat <<EOF
dn: cn=ldapstudents,ou=Groups,$base
objectClass: posixGroup
cn: ldapstudents
gidNumber: 20000
memberUid: ldapstu1
memberUid: ldapstu2
memberUid: ldapta1

dn: cn=ldapstaff,ou=Groups,$base
objectClass: posixGroup
cn: ldapstaff
gidNumber: 20010
memberUid: ldapta1

EOF
} >"$ldif"
slapadd -q -b "$base" -l "$ldif" || fail "slapadd failed"
rm -f "$ldif"
chown -R openldap:openldap /var/lib/ldap
slapcat -b "$base" | grep -q '^dn: uid=ldapstu1,' || fail "ldapstu1 is not in the directory"

# the responders start on demand (their sockets, enabled by the packages)
install -m 0600 /dev/stdin /etc/sssd/sssd.conf <<EOF
[sssd]
domains = corral

[domain/corral]
id_provider = ldap
auth_provider = ldap
ldap_uri = ldap://127.0.0.1
ldap_search_base = $base
ldap_schema = rfc2307
ldap_id_use_start_tls = false
ldap_auth_disable_tls_never_use_in_production = true
cache_credentials = false
enumerate = false
EOF
grep -Eq '^passwd:.*sss' /etc/nsswitch.conf || fail "libnss-sss did not add sss to /etc/nsswitch.conf"
# the automount maps are files (sssd serves no autofs maps here)
sed -i 's/^automount:.*/automount:      files/' /etc/nsswitch.conf
# sssd goes offline for a while when slapd is not up yet at its start
mkdir -p /etc/systemd/system/sssd.service.d
cat >/etc/systemd/system/sssd.service.d/corral-vm.conf <<'EOF'
[Unit]
Wants=slapd.service
After=slapd.service
EOF
grep -q pam_sss /etc/pam.d/common-auth || fail "libpam-sss is not in /etc/pam.d/common-auth"

mkdir -p /srv/nfs/home
for u in ldapstu1:20001:20000 ldapstu2:20002:20000 ldapta1:20011:20010; do
	IFS=: read -r name uid gid <<<"$u"
	cp -a /etc/skel "/srv/nfs/home/$name"
	chown -R "$uid:$gid" "/srv/nfs/home/$name"
	chmod 0700 "/srv/nfs/home/$name"
done
cat >/etc/exports <<'EOF'
# corral test bed: the LDAP users' homes, for the guest's own autofs
/srv/nfs/home	127.0.0.1(rw,sync,no_subtree_check,root_squash)
EOF
mkdir -p /etc/auto.master.d
echo '/home/ldap	/etc/auto.home	--timeout=60' >/etc/auto.master.d/home.autofs
# nobind: a real NFS mount, although the server is this machine
echo '*	-fstype=nfs4,rw,sec=sys,nobind	127.0.0.1:/srv/nfs/home/&' >/etc/auto.home
grep -q '^+dir:/etc/auto.master.d' /etc/auto.master || fail "/etc/auto.master does not read /etc/auto.master.d"

for unit in slapd sssd nfs-server autofs; do
	systemctl is-enabled "$unit" >/dev/null 2>&1 || systemctl enable "$unit" >/dev/null 2>&1 ||
		fail "cannot enable $unit"
done
cat >>/etc/corral-vm/guest <<EOF
ldap_base=$base
ldap_users=ldapstu1 ldapstu2 ldapta1
ldap_groups=ldapstudents ldapstaff
ldap_password=$password
nfs_homes=/home/ldap
EOF
