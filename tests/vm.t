#!/bin/bash
# The real-host suite in Debian guests under qemu (TCG), one guest at a time:
# for each of ${CORRAL_VM_GUESTS:-bookworm bookworm-bpo trixie}
#   - its image (tests/vm/image.sh: built once, then from the cache),
#   - the package built for its release (packaging/build-deb-dist.sh),
#   - a boot (tests/vm/lib.sh: -snapshot, ssh on a free port of 127.0.0.1),
#   - its facts (kernel, Landlock ABI, systemd, cgroup fs) as TAP comments and
#     in build/vm/GUEST.facts,
#   - apt-get install ./corral_*.deb as an admin would (offline),
#   - tests/vm/suite/run.sh as root in the guest, then the host-side scenarios
#     tests/vm/host/NN-*.sh; every result re-emitted as "[GUEST] ...",
#   - a clean power-off.
# A host where no guest can boot (not root, qemu or mmdebstrap missing, no
# mirror and nothing cached) skips the whole file, naming why; a guest that
# fails to build or boot fails. Settings: CORRAL_VM_GUESTS (empty: skip),
# CORRAL_VM_SCENARIOS (patterns: only the scenarios whose name has one, in
# every guest; "all"; unset: each guest's set below), CORRAL_VM_ESCAPE (the
# adversarial files of tests/escape/ run in each guest on its own kernel, by
# name; "all"; empty: none; unset: each guest's set below),
# CORRAL_VM_REQUIRE=1 (a skip of the whole file fails instead),
# CORRAL_VM_CACHE, CORRAL_VM_KEEP=DIR (console logs kept), and those of
# tests/vm/lib.sh. The plan is printed last.
set -u
exec </dev/null  # nothing here reads the terminal, ssh included
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${CORRAL_BUILD:-$repo/build}
# shellcheck source=tests/vm/lib.sh
. "$repo/tests/vm/lib.sh"
version=$(sed -n 's/^VERSION *:= *//p' "$repo/Makefile")
guests=${CORRAL_VM_GUESTS-bookworm bookworm-bpo trixie}
n=0
failures=0
timings=()
# The adversarial files whose verdicts depend most on the kernel (seccomp,
# the helper's pidfd and signal paths, the network below Landlock ABI 4),
# run on every guest's own kernel; CORRAL_VM_ESCAPE=all runs the whole
# suite (about 13 minutes per guest under TCG).
escape_setting=${CORRAL_VM_ESCAPE-default}
all_escape_files=$(for f in "$repo"/tests/escape/*.t; do basename "$f" .t; done)

# What runs where by default, to stay near make check's budget (12 minutes
# with cached images; a guest's CPU is about 13x slower than the host's):
# login, latency and clean-up in every guest, each other scenario in one or
# two guests where it says most (the ABI 2 kernel and the LDAP/NFS lab on
# bookworm, transfers on the backports kernel, systemd 257 on trixie; su and
# cgroups on both systemd versions), and the escape file that found what
# only Debian 12's kernel does (xproc: pidfds, signals) on bookworm.
# CORRAL_VM_SCENARIOS=all and CORRAL_VM_ESCAPE=all run everything in every
# guest (about 7 and 13 minutes more per guest).
guest_scenarios() {  # GUEST: the scenario patterns it runs
	local every="00-facts 10-package 20-ssh 85-why-apply 90-latency 99-clean 50-console-login"
	case ${CORRAL_VM_SCENARIOS:-default} in
	all) echo "" ;;
	default)
		case $1 in
		bookworm) echo "$every 30-su-runuser 40-cron 70-cgroups 80-lab" ;;
		bookworm-bpo) echo "$every 22-transfer 24-transfer-only 26-forcecommand" ;;
		*) echo "$every 30-su-runuser 50-user-manager 55-linger 60-sessions 65-journal 70-cgroups" ;;
		esac ;;
	*) echo "$CORRAL_VM_SCENARIOS" ;;
	esac
}
guest_escape_files() {  # GUEST: the tests/escape files it runs
	case $escape_setting in
	all) echo "$all_escape_files" ;;
	default) [ "$1" = bookworm ] && echo xproc ;;
	*) echo "$escape_setting" ;;
	esac
}
escape_files=$(for g in $guests; do guest_escape_files "$g"; done | tr ' ' '\n' | sort -u | tr '\n' ' ')

skip_all() {
	if [ "${CORRAL_VM_REQUIRE:-0}" = 1 ]; then
		echo "Bail out! the Debian guests cannot run (CORRAL_VM_REQUIRE=1): $*"
		exit 1
	fi
	{
		echo "##########################################################################"
		echo "# tests/vm.t SKIPPED: $*"
		echo "# The real-host suite in Debian guests did not run on this host."
		echo "##########################################################################"
	} >&2
	echo "1..0 # SKIP $*"
	exit 0
}
emit() {  # ok|not-ok DESC [DIAG...]
	local verdict=$1 desc=$2
	shift 2
	n=$((n + 1))
	if [ "$verdict" = ok ]; then echo "ok $n - $desc"; else
		echo "not ok $n - $desc"
		failures=$((failures + 1))
		local d
		# shellcheck disable=SC2001 # every line of a multi-line text
		for d in "$@"; do sed 's/^/#   /' <<<"$d" | head -n 80; done
	fi
}
seconds_since() { echo $(($(date +%s) - $1)); }

# Re-emits TAP lines of a suite ("ok N - DESC", "ok - DESC", "not ok ...",
# "1..N", comments) as results of this file, prefixed with the guest; checks
# the plan when the input has one ($2 = "plan": it must).
reemit() {  # GUEST plan|noplan
	local guest=$1 want_plan=$2 line plan='' count=0 verdict rest
	while IFS= read -r line; do
		if [[ $line =~ ^(not\ )?ok(\ [0-9]+)?(\ -)?\ ?(.*)$ ]]; then
			verdict=ok
			[ -n "${BASH_REMATCH[1]}" ] && verdict=not-ok
			rest=${BASH_REMATCH[4]}
			count=$((count + 1))
			n=$((n + 1))
			if [ "$verdict" = ok ]; then echo "ok $n - [$guest] $rest"; else
				echo "not ok $n - [$guest] $rest"
				[[ $rest =~ \#\ TODO ]] || failures=$((failures + 1))
			fi
		elif [[ $line =~ ^1\.\.([0-9]+) ]]; then
			plan=${BASH_REMATCH[1]}
		elif [[ $line =~ ^Bail\ out!(.*)$ ]]; then
			emit not-ok "[$guest] the suite bailed out:${BASH_REMATCH[1]}"
		elif [[ $line == "#"* ]]; then
			echo "$line"
		elif [ -n "$line" ]; then
			echo "# $line"
		fi
	done
	if [ "$want_plan" = plan ] && [ "$plan" != "$count" ]; then
		emit not-ok "[$guest] the suite ran to its end" "plan: ${plan:-none}, results: $count"
	fi
}

# --- can any guest run here? ---------------------------------------------------------
[ -n "${guests// /}" ] || skip_all "CORRAL_VM_GUESTS is empty: no guest asked for"
for g in $guests; do
	vm_guest_dist "$g" >/dev/null || { echo "Bail out! unknown guest '$g' in CORRAL_VM_GUESTS (known: $VM_GUESTS_KNOWN)"; exit 1; }
done
[ "$(id -u)" -eq 0 ] || skip_all "not root: building the guests' images and build roots needs root (mmdebstrap, chroot)"
missing=()
for tool in qemu-system-x86_64 mmdebstrap mkfs.ext4 ssh ssh-keygen python3 setpriv unshare chroot tar; do
	command -v "$tool" >/dev/null || missing+=("$tool")
done
[ -e /usr/lib/apt/apt-helper ] || missing+=(apt-helper)
[ ${#missing[@]} -eq 0 ] ||
	skip_all "not installed: ${missing[*]} (make check installs its VM_DEPS with apt-get; that failed or was not run)"
[ -e /usr/share/qemu/bios-256k.bin ] || [ -e /usr/share/seabios/bios-256k.bin ] ||
	skip_all "qemu has no BIOS (bios-256k.bin from the seabios package)"

mirror_problem=''
vm_mirrors 2>/dev/null || mirror_problem=$VM_MIRROR_PROBLEM
runnable=()
declare -A unrunnable=()
for g in $guests; do
	dist=$(vm_guest_dist "$g")
	if "$repo/tests/vm/image.sh" --cached "$g" >/dev/null 2>&1 &&
		"$repo/packaging/build-deb-dist.sh" --cached "$dist" >/dev/null 2>&1; then
		runnable+=("$g")
		continue
	fi
	if [ -z "$mirror_problem" ]; then
		suite=$dist
		[ "$g" = bookworm-bpo ] && suite=bookworm-backports
		if ! vm_reachable "$suite"; then
			mirror_problem="the Debian mirror $VM_MIRROR cannot be reached ($VM_MIRROR/dists/$suite/InRelease)"
		fi
	fi
	if [ -n "$mirror_problem" ]; then
		unrunnable[$g]="no cached image or build root, and $mirror_problem"
	else
		runnable+=("$g")
	fi
done
[ ${#runnable[@]} -gt 0 ] || skip_all "no guest can be built: $mirror_problem; nothing cached in $VM_CACHE"

# --- the guests, one at a time -------------------------------------------------------
mkdir -p "$build/vm" || { echo "Bail out! cannot create $build/vm"; exit 1; }

# The attacks of tests/escape/ built here: the guests have no compiler.
# probe and pam_driver come from the build tree (make unit-tests).
escape_bundle=$build/vm/escape
build_escape_bundle() {
	local c name
	rm -rf "$escape_bundle" && mkdir -p "$escape_bundle/bin" || return 1
	for c in "$repo"/tests/escape/attacks/*.c; do
		name=$(basename "$c" .c)
		if [ "$name" = preload ]; then
			cc -O1 -shared -fPIC -o "$escape_bundle/bin/preload.so" "$c" || return 1
		else
			cc -O1 -Wall -o "$escape_bundle/bin/$name" "$c" || return 1
		fi
	done
	cp "$build/probe" "$build/pam_driver" "$escape_bundle/" || return 1
	cp -r "$repo/tests/escape" "$escape_bundle/suite"
	# the TAP kit the escape library sources, as ../lib/tap.sh of the suite
	cp -r "$repo/tests/lib" "$escape_bundle/lib"
}
if [ -n "${escape_files// /}" ]; then
	for f in $escape_files; do
		[ -f "$repo/tests/escape/$f.t" ] || { echo "Bail out! CORRAL_VM_ESCAPE names '$f': no tests/escape/$f.t"; exit 1; }
	done
	if ! out=$(build_escape_bundle 2>&1); then
		emit not-ok "the escape suite's attacks, built for the guests" "$out"
		escape_files=''
	fi
fi
declare -A debs=()
for guest in $guests; do
	if [ -n "${unrunnable[$guest]:-}" ]; then
		n=$((n + 1))
		echo "ok $n - [$guest] # SKIP ${unrunnable[$guest]}"
		continue
	fi
	dist=$(vm_guest_dist "$guest")
	guest_started=$(date +%s)
	rm -f "$build/vm/$guest".*   # an earlier run's results are not this one's
	echo "# ===== $guest (Debian $dist) ====="

	t=$(date +%s)
	cached=built
	"$repo/tests/vm/image.sh" --cached "$guest" >/dev/null 2>&1 && cached=cached
	if ! vm_run "$repo/tests/vm/image.sh" "$guest" >/dev/null 2>"$build/vm/$guest.image.log"; then
		emit not-ok "[$guest] the guest's image" "$(tail -n 40 "$build/vm/$guest.image.log")"
		continue
	fi
	image_s=$(seconds_since "$t")
	emit ok "[$guest] the guest's image ($cached, $image_s s)"

	t=$(date +%s)
	if [ -z "${debs[$dist]:-}" ]; then
		if vm_run "$repo/packaging/build-deb-dist.sh" "$dist" "$version" "$build/dist/$dist" \
			>"$build/vm/$dist.deb" 2>"$build/vm/$dist.deb.log"; then
			deb=$(tail -n 1 "$build/vm/$dist.deb")
			debs[$dist]=$deb
			emit ok "[$guest] the package built for $dist ($(seconds_since "$t") s): ${deb#"$repo"/}"
		else
			debs[$dist]=failed
			emit not-ok "[$guest] the package built for $dist" "$(tail -n 40 "$build/vm/$dist.deb.log")"
		fi
	else
		emit ok "[$guest] the package built for $dist (built above)"
	fi
	deb_s=$(seconds_since "$t")
	[ "${debs[$dist]}" != failed ] || continue
	deb=${debs[$dist]}

	t=$(date +%s)
	if ! vm_boot "$guest" 2>"$build/vm/$guest.boot.log"; then
		emit not-ok "[$guest] boots to an ssh login" "$(cat "$build/vm/$guest.boot.log")"
		vm_kill
		continue
	fi
	boot_s=$VM_BOOT_SECONDS
	emit ok "[$guest] boots to an ssh login ($boot_s s)"

	if ! out=$(vm_copy "$repo/tests/vm/suite" /opt/corral-vm 2>&1); then
		emit not-ok "[$guest] copy the suite into the guest" "$out"
		vm_kill
		continue
	fi
	facts=$(vm_ssh /opt/corral-vm/suite/facts.sh 2>&1)
	fact() { sed -n "s/^$1=//p" <<<"$facts"; }
	echo "# [$guest] Debian $(fact debian), kernel $(fact kernel), Landlock ABI $(fact landlock_abi)," \
		"systemd $(fact systemd_version), cgroup fs $(fact cgroup_fs), OpenSSH $(fact openssh)"
	grep '=' <<<"$facts" | grep -v '^corral=' >"$build/vm/$guest.facts"

	t=$(date +%s)
	vm_copy "$deb" /root/corral-deb >/dev/null 2>&1
	out=$(vm_ssh "cd /root/corral-deb && DEBIAN_FRONTEND=noninteractive apt-get install -y ./$(basename "$deb")" 2>&1)
	status=$?
	if [ $status -eq 0 ]; then
		emit ok "[$guest] apt-get install ./$(basename "$deb") (offline, $(seconds_since "$t") s)"
	else
		emit not-ok "[$guest] apt-get install ./$(basename "$deb")" "exit status $status" "$(tail -n 30 <<<"$out")"
	fi

	t=$(date +%s)
	scenarios=$(guest_scenarios "$guest")
	echo "# [$guest] scenarios: ${scenarios:-all}"
	# shellcheck disable=SC2086 # patterns, one word each
	reemit "$guest" plan < <(vm_ssh "CORRAL_VM_VERSION=$version /opt/corral-vm/suite/run.sh $scenarios" 2>&1 |
		tee "$build/vm/$guest.suite.tap")
	suite_s=$(seconds_since "$t")
	# suite/90-latency.sh's measurement, for the record
	rm -f "$build/vm/$guest.latency"
	grep -q '^# latency ' "$build/vm/$guest.suite.tap" &&
		sed -n 's/^# \(latency .*\)/\1/p' "$build/vm/$guest.suite.tap" >"$build/vm/$guest.latency"

	t=$(date +%s)
	for scenario in "$repo"/tests/vm/host/[0-9][0-9]-*.sh; do
		[ -f "$scenario" ] || continue
		name=$(basename "$scenario" .sh)
		if [ -n "$scenarios" ]; then
			want=0
			for p in $scenarios; do [[ $name == *"$p"* ]] && want=1; done
			[ "$want" = 1 ] || continue
		fi
		echo "# --- host: $name"
		# a subshell: the scenario sees lib.sh's functions and the guest, and
		# its exit ends only itself
		reemit "$guest" noplan < <(
			trap - EXIT
			# shellcheck disable=SC1090
			. "$scenario" </dev/null 2>&1
		)
	done
	host_s=$(seconds_since "$t")

	# the adversarial suite as root in the guest, on its kernel, against the
	# installed package (CORRAL_BUILD: the package's files and the bundle)
	t=$(date +%s)
	guest_escape=$(guest_escape_files "$guest")
	[ -n "${escape_files// /}" ] || guest_escape=''
	if [ -n "${guest_escape// /}" ]; then
		# shellcheck disable=SC2016 # expanded in the guest
		if out=$(vm_copy "$escape_bundle" /opt/corral-vm 2>&1 &&
			vm_ssh 'set -e; b=/opt/corral-vm/escbuild; rm -rf "$b"; mkdir -p "$b"
				for p in corralctl corral-shell corral-helper corral-session pam_corral.so; do
					f=$(dpkg -L corral | grep "/$p\$" | head -n 1); [ -n "$f" ]; ln -s "$f" "$b/$p"; done
				ln -s /opt/corral-vm/escape/probe /opt/corral-vm/escape/pam_driver "$b/"' 2>&1); then
			for f in $guest_escape; do
				echo "# --- escape: $f"
				reemit "$guest escape/$f" plan < <(vm_ssh "cd /opt/corral-vm/escape/suite &&
					CORRAL_BUILD=/opt/corral-vm/escbuild ESC_PREBUILT=/opt/corral-vm/escape/bin bash ./$f.t" 2>&1 |
					tee "$build/vm/$guest.escape-$f.tap")
			done
		else
			emit not-ok "[$guest] the escape suite copied into the guest" "$out"
		fi
	fi
	escape_s=$(seconds_since "$t")

	t=$(date +%s)
	vm_halt 2>"$build/vm/$guest.halt.log"
	halt_s=$(seconds_since "$t")
	[ -s "$build/vm/$guest.halt.log" ] && sed 's/^/# /' "$build/vm/$guest.halt.log"
	total_s=$(seconds_since "$guest_started")
	timings+=("$guest: image $image_s s ($cached), package $deb_s s, boot $boot_s s, suite $suite_s s, host scenarios $host_s s, escape suite (${guest_escape:-none}) $escape_s s, halt $halt_s s; total $total_s s")
done

echo "# ===== timings ====="
for line in "${timings[@]}"; do echo "# $line"; done
printf '%s\n' "${timings[@]}" >"$build/vm/timings"
echo "1..$n"
[ "$failures" -eq 0 ]
