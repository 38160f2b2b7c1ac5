#!/bin/bash
# The guest's facts, one KEY=VALUE a line (tests/vm.t writes them to
# build/vm/GUEST.facts; the README's "Tested on" table is made from them).
set -u
guest_file=/etc/corral-vm/guest
echo "guest=$(sed -n 's/^guest=//p' "$guest_file" 2>/dev/null)"
echo "debian=$(cat /etc/debian_version 2>/dev/null)"
echo "kernel=$(uname -r)"
# the Landlock ABI version the kernel reports (landlock_create_ruleset with
# LANDLOCK_CREATE_RULESET_VERSION); "none" with the errno when it has none
abi=$(python3 - <<'PY'
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
r = libc.syscall(444, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
print(r if r >= 0 else "none (errno %d)" % ctypes.get_errno())
PY
)
echo "landlock_abi=$abi"
echo "lsm=$(cat /sys/kernel/security/lsm 2>/dev/null)"
echo "systemd=$(systemctl --version 2>/dev/null | sed -n '1s/^systemd \([0-9]*\).*/\1/p')"
echo "systemd_version=$(systemctl --version 2>/dev/null | sed -n '1s/^systemd [0-9]* (\(.*\))/\1/p')"
echo "pid1=$(readlink /proc/1/exe)"
echo "cgroup_fs=$(stat -fc %T /sys/fs/cgroup)"
echo "cgroup_controllers=$(cat /sys/fs/cgroup/cgroup.controllers 2>/dev/null)"
echo "openssh=$(dpkg-query -W -f '${Version}' openssh-server 2>/dev/null)"
echo "pam=$(dpkg-query -W -f '${Version}' libpam0g 2>/dev/null)"
echo "glibc=$(dpkg-query -W -f '${Version}' libc6 2>/dev/null)"
echo "corral=$(dpkg-query -W -f '${Version}' corral 2>/dev/null)"
echo "lab=$(sed -n 's/^lab=//p' "$guest_file" 2>/dev/null)"
