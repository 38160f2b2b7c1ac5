# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# Boots and drives one Debian guest under qemu (TCG): sourced by bash.
#
#   vm_boot GUEST          build or find GUEST's image (tests/vm/image.sh), start
#                          qemu on a throwaway overlay (-snapshot) and wait until
#                          root can log in by ssh; 0 when up, 1 with the reason and
#                          the console's last lines on stderr. Call it directly, not in
#                          $(...) or a pipeline: qemu dies with the shell that started it.
#   vm_ssh CMD...          run CMD (one string, as ssh does) as root in the guest;
#                          stdin and stdout pass through; the exit status is CMD's
#                          (255: ssh itself failed)
#   vm_copy FILE... DIR    copy host files or directories into the guest's DIR
#                          (created when missing), owner root
#   vm_get PATH DIR        copy the guest's PATH (file or directory) into the host's DIR
#   vm_console USER PASSWORD COMMAND
#                          log in on the guest's serial getty (ttyS1) and run
#                          COMMAND there: its output on stdout, its exit status
#                          (tests/vm/console.py; 124 when the login did not work)
#   vm_halt                power the guest off (60 s), then kill what is left of qemu
#   vm_on_exit CMD         run CMD (by eval) at exit, before qemu is killed
#   vm_run CMD...          run CMD (a long build) in its own process group and wait
#                          for it; a signal to this shell ends the whole group at once
#                          (bash would only act on it after a foreground CMD ended)
#
# After vm_boot: VM_GUEST, VM_IMAGE (the image directory), VM_PORT (the host
# port forwarded to the guest's sshd), VM_SERIAL (ttyS1's unix socket),
# VM_CONSOLE_LOG (the kernel console, ttyS0), VM_DIR (the boot's scratch
# directory), VM_BOOT_SECONDS. Everything is removed at exit and qemu killed,
# also on failure or interruption; CORRAL_VM_KEEP=DIR keeps the console
# logs there. Settings: CORRAL_VM_BOOT_TIMEOUT (s, default 300),
# CORRAL_VM_MEMORY (MiB, default 2048), CORRAL_VM_SMP (default 2),
# CORRAL_VM_NET (offline: the guest reaches nothing beyond itself, only the
# forwarded ssh port comes in -- the default; open: qemu's NAT to the
# host's network, for apt-get in the guest while debugging).
# Guests run one at a time: vm_boot halts the previous one.

VM_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/vm/common.sh
. "$VM_LIB/common.sh"
VM_KEY=$VM_CACHE/ssh/id_ed25519
VM_GUEST='' VM_IMAGE='' VM_PORT='' VM_SERIAL='' VM_CONSOLE_LOG='' VM_DIR='' VM_PID='' VM_BOOT_SECONDS=''
vm_exit_steps=()
vm_running=''

vm_on_exit() { vm_exit_steps+=("$*"); }

vm_run() {  # CMD...
	setsid "$@" &
	vm_running=$!
	wait "$vm_running"
	local status=$?
	vm_running=''
	return $status
}

vm_cleanup() {
	local i
	if [ -n "$vm_running" ]; then
		kill -TERM -- "-$vm_running" 2>/dev/null
		wait "$vm_running" 2>/dev/null
		vm_running=''
	fi
	for ((i = ${#vm_exit_steps[@]} - 1; i >= 0; i--)); do eval "${vm_exit_steps[i]}"; done
	vm_exit_steps=()
	vm_kill
}
trap vm_cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

vm_ssh_opts() {
	printf '%s\n' -i "$VM_KEY" -p "$VM_PORT" -o IdentitiesOnly=yes -o BatchMode=yes \
		-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR \
		-o ConnectTimeout=20 -o ServerAliveInterval=15 -o ServerAliveCountMax=8 \
		-o ControlPath="$VM_DIR/ssh.ctl"
}

vm_ssh() {
	[ -n "$VM_PID" ] || { echo "vm_ssh: no guest is running" >&2; return 255; }
	local opts
	mapfile -t opts < <(vm_ssh_opts)
	ssh "${opts[@]}" -o ControlMaster=no root@127.0.0.1 -- "$@"
}

vm_copy() {  # FILE... DIR
	[ $# -ge 2 ] || { echo "usage: vm_copy FILE... DIR" >&2; return 2; }
	local dest=${!#} args=() f
	for f in "${@:1:$#-1}"; do
		[ -e "$f" ] || { echo "vm_copy: no $f" >&2; return 1; }
		f=$(realpath "$f")
		args+=(-C "$(dirname "$f")" "$(basename "$f")")
	done
	tar --owner=0 --group=0 -cf - "${args[@]}" | vm_ssh "mkdir -p '$dest' && tar -C '$dest' -xf -"
}

vm_get() {  # PATH DIR
	[ $# -eq 2 ] || { echo "usage: vm_get PATH DIR" >&2; return 2; }
	mkdir -p "$2" || return 1
	vm_ssh "tar -C \"\$(dirname '$1')\" -cf - \"\$(basename '$1')\"" | tar -C "$2" -xf -
}

vm_console() {  # USER PASSWORD COMMAND
	[ -n "$VM_SERIAL" ] || { echo "vm_console: no guest is running" >&2; return 1; }
	VM_SERIAL=$VM_SERIAL python3 "$VM_LIB/console.py" "$@"
}

vm_free_port() {
	python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(20000, 60999)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    print(p)
    break
PY
}

vm_alive() { [ -n "$VM_PID" ] && kill -0 "$VM_PID" 2>/dev/null; }

vm_console_tail() {  # N: the last N lines of the kernel console, for a failure
	echo "--- the last ${1:-40} lines of $VM_GUEST's console ($VM_CONSOLE_LOG) ---"
	tail -n "${1:-40}" "$VM_CONSOLE_LOG" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;]*[A-Za-z]//g'
	if [ -s "$VM_DIR/qemu.log" ]; then
		echo "--- qemu's output ---"
		tail -n 20 "$VM_DIR/qemu.log"
	fi
}

vm_boot() {  # GUEST
	local guest=${1:?usage: vm_boot GUEST} started deadline opts restrict=on
	[ "${CORRAL_VM_NET:-offline}" = open ] && restrict=off
	vm_guest_dist "$guest" >/dev/null || { echo "vm_boot: unknown guest $guest (one of: $VM_GUESTS_KNOWN)" >&2; return 1; }
	vm_kill
	command -v qemu-system-x86_64 >/dev/null || { echo "vm_boot: qemu-system-x86_64 is not installed" >&2; return 1; }
	VM_GUEST=$guest
	VM_DIR=$(mktemp -d "${TMPDIR:-/tmp}/corral-vm.$guest.XXXXXX") || return 1
	vm_run "$VM_LIB/image.sh" "$guest" >"$VM_DIR/image" ||
		{ echo "vm_boot: no image for $guest (tests/vm/image.sh $guest failed)" >&2; return 1; }
	VM_IMAGE=$(tail -n 1 "$VM_DIR/image")
	VM_SERIAL=$VM_DIR/ttyS1.sock
	VM_CONSOLE_LOG=$VM_DIR/console.log
	for _ in 1 2 3; do
		VM_PORT=$(vm_free_port)
		[ -n "$VM_PORT" ] || { echo "vm_boot: no free TCP port on 127.0.0.1" >&2; return 1; }
		: >"$VM_CONSOLE_LOG"
		started=$(date +%s.%N)
		# -snapshot writes its overlay to $TMPDIR: the boot's directory.
		# setpriv: qemu is killed when this shell dies, even by SIGKILL.
		TMPDIR=$VM_DIR setpriv --pdeathsig KILL -- \
			qemu-system-x86_64 -name "corral-$guest" -nodefaults -no-user-config -display none \
			-accel tcg,thread=multi,tb-size=256 -machine q35 -cpu max \
			-smp "${CORRAL_VM_SMP:-2}" -m "${CORRAL_VM_MEMORY:-2048}" \
			-kernel "$VM_IMAGE/vmlinuz" -initrd "$VM_IMAGE/initrd.img" \
			-append "root=/dev/vda rw console=ttyS0,115200 net.ifnames=0 panic=1 systemd.show_status=yes" \
			-drive "file=$VM_IMAGE/disk.img,if=virtio,format=raw,cache=unsafe" -snapshot \
			-netdev "user,id=net0,restrict=$restrict,hostfwd=tcp:127.0.0.1:$VM_PORT-:22" -device virtio-net-pci,netdev=net0 \
			-device virtio-rng-pci \
			-chardev "file,id=ttyS0,path=$VM_CONSOLE_LOG" -serial chardev:ttyS0 \
			-chardev "socket,id=ttyS1,path=$VM_SERIAL,server=on,wait=off" -serial chardev:ttyS1 \
			-no-reboot </dev/null >"$VM_DIR/qemu.log" 2>&1 &
		VM_PID=$!
		sleep 1
		vm_alive && break
		if grep -q 'Could not set up host forwarding' "$VM_DIR/qemu.log"; then
			VM_PID=
			continue  # the port was taken meanwhile: another one
		fi
		echo "vm_boot: qemu exited at once for $guest:" >&2
		cat "$VM_DIR/qemu.log" >&2
		VM_PID=
		return 1
	done
	vm_alive || { echo "vm_boot: qemu did not start for $guest" >&2; return 1; }

	# up when root can log in: that ssh stays as the master connection
	# every vm_ssh goes through (stdio detached from the caller's)
	mapfile -t opts < <(vm_ssh_opts)
	deadline=$(($(date +%s) + ${CORRAL_VM_BOOT_TIMEOUT:-300}))
	while :; do
		if ! vm_alive; then
			echo "vm_boot: $guest stopped while booting (qemu exited)" >&2
			vm_console_tail 60 >&2
			VM_PID=
			return 1
		fi
		# in the background and waited for: a signal ends the wait at once
		ssh "${opts[@]}" -o ControlMaster=yes -o ControlPersist=yes -o ConnectTimeout=10 -f -N \
			root@127.0.0.1 </dev/null >/dev/null 2>"$VM_DIR/ssh.err" &
		wait $! && break
		if [ "$(date +%s)" -ge "$deadline" ]; then
			echo "vm_boot: $guest: no ssh login within ${CORRAL_VM_BOOT_TIMEOUT:-300} s (last ssh error: $(tail -n 1 "$VM_DIR/ssh.err"))" >&2
			vm_console_tail 60 >&2
			return 1
		fi
		sleep 2
	done
	VM_BOOT_SECONDS=$(awk -v a="$started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
	return 0
}

vm_keep_logs() {
	[ -n "${CORRAL_VM_KEEP:-}" ] && [ -n "$VM_DIR" ] && [ -d "$VM_DIR" ] || return 0
	mkdir -p "$CORRAL_VM_KEEP" &&
		cp "$VM_CONSOLE_LOG" "$CORRAL_VM_KEEP/$VM_GUEST.console.log" 2>/dev/null
	cp "$VM_DIR/qemu.log" "$CORRAL_VM_KEEP/$VM_GUEST.qemu.log" 2>/dev/null
	return 0
}

vm_halt() {
	vm_alive || { vm_kill; return 0; }
	vm_ssh 'systemctl poweroff' >/dev/null 2>&1
	local i
	for i in $(seq 120); do
		vm_alive || break
		sleep 0.5
	done
	[ "$i" -lt 120 ] || echo "vm_halt: $VM_GUEST did not power off within 60 s: killed" >&2
	vm_kill
}

vm_kill() {  # qemu, the ssh master, the boot's directory
	if [ -n "$VM_DIR" ] && [ -S "$VM_DIR/ssh.ctl" ]; then
		ssh -o ControlPath="$VM_DIR/ssh.ctl" -O exit root@127.0.0.1 >/dev/null 2>&1
	fi
	if vm_alive; then
		kill -TERM "$VM_PID" 2>/dev/null
		local i
		for i in $(seq 50); do vm_alive || break; sleep 0.1; done
		vm_alive && kill -KILL "$VM_PID" 2>/dev/null
	fi
	[ -n "$VM_PID" ] && wait "$VM_PID" 2>/dev/null
	VM_PID=
	vm_keep_logs
	[ -n "$VM_DIR" ] && rm -rf "$VM_DIR"
	VM_DIR=
	return 0
}
