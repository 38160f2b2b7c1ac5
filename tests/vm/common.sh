# shellcheck shell=bash disable=SC2034 # sets variables for the scripts that source it
# Shared by the Debian-guest test bed (tests/vm/*.sh, tests/vm.t) and
# packaging/build-deb-dist.sh: sourced by bash.
#
#   VM_CACHE            ${CORRAL_VM_CACHE:-/var/cache/corral-vm}: images, build
#                       roots, the ssh key. Nothing else on the host is changed.
#   vm_log MSG...       a progress line on stderr ("vm: ...")
#   vm_die MSG...       the same as an error, then exit 1
#   vm_mirrors          sets VM_MIRROR and VM_SECURITY_MIRROR from the host's apt
#                       configuration (or CORRAL_VM_MIRROR / CORRAL_VM_SECURITY_MIRROR);
#                       returns 1 with the reason on stderr and in VM_MIRROR_PROBLEM
#                       when there is no Debian mirror
#   vm_reachable SUITE  whether $VM_MIRROR/dists/SUITE/InRelease can be fetched (apt's own client)
#   vm_guest_dist GUEST the Debian release of a guest (bookworm-bpo -> bookworm)
#   vm_recipe_hash FILE... [-- WORD...]  a short hash of the files' contents and the words
#   vm_lock NAME        an exclusive lock on $VM_CACHE/NAME.lock (fd 9) while the caller runs

VM_CACHE=${CORRAL_VM_CACHE:-/var/cache/corral-vm}
VM_GUESTS_KNOWN="bookworm bookworm-bpo trixie"
VM_MIRROR='' VM_SECURITY_MIRROR='' VM_MIRROR_PROBLEM=''

vm_log() { echo "vm: $*" >&2; }
vm_die() { echo "vm: error: $*" >&2; exit 1; }

vm_guest_dist() {
	case $1 in
	bookworm | bookworm-bpo) echo bookworm ;;
	trixie) echo trixie ;;
	*) return 1 ;;
	esac
}

# The Debian mirror the host's apt uses, read at run time: no host name is
# written into any file of the tree. `apt-get indextargets` lists the index
# URIs of every configured source (…/dists/SUITE/COMPONENT/…); the part before
# /dists/ is the archive. Suites named NAME-security give the security archive.
vm_mirrors() {
	VM_MIRROR=${CORRAL_VM_MIRROR:-}
	VM_SECURITY_MIRROR=${CORRAL_VM_SECURITY_MIRROR:-}
	local uri base suite
	# shellcheck disable=SC2016 # apt's own $(URI), not the shell's
	if [ -z "$VM_MIRROR" ] || [ -z "$VM_SECURITY_MIRROR" ]; then
		while read -r uri; do
			case $uri in */dists/*) ;; *) continue ;; esac
			base=${uri%%/dists/*}
			suite=${uri#*/dists/}
			suite=${suite%%/*}
			# only Debian's own suites, not third-party repositories
			[[ $suite =~ ^(buster|bullseye|bookworm|trixie|forky|sid|oldoldstable|oldstable|stable|testing|unstable)(-updates|-security|-backports)?$ ]] || continue
			case $suite in
			*-security) [ -n "$VM_SECURITY_MIRROR" ] || VM_SECURITY_MIRROR=$base ;;
			*) [ -n "$VM_MIRROR" ] || VM_MIRROR=$base ;;
			esac
		done < <(apt-get indextargets --format '$(URI)' 2>/dev/null | sort -u)
	fi
	VM_MIRROR=${VM_MIRROR%/}
	VM_SECURITY_MIRROR=${VM_SECURITY_MIRROR%/}
	if [ -z "$VM_MIRROR" ]; then
		VM_MIRROR_PROBLEM="no Debian archive in the host's apt sources (apt-get indextargets); set CORRAL_VM_MIRROR"
		echo "$VM_MIRROR_PROBLEM" >&2
		return 1
	fi
	return 0
}

vm_reachable() {  # SUITE [BASE]: the suite's InRelease can be fetched
	local base=${2:-$VM_MIRROR} tmp status
	tmp=$(mktemp -d) || return 1
	timeout 60 /usr/lib/apt/apt-helper -o Acquire::http::Timeout=15 -o Acquire::Retries=1 \
		download-file "$base/dists/$1/InRelease" "$tmp/InRelease" >/dev/null 2>&1
	status=$?
	rm -rf "$tmp"
	return $status
}

vm_recipe_hash() {  # FILE... [-- WORD...]
	local words=()
	{
		while [ $# -gt 0 ]; do
			if [ "$1" = -- ]; then shift; words=("$@"); break; fi
			printf '== %s\n' "${1##*/}"
			cat "$1" || return 1
			shift
		done
		printf '== words\n%s\n' "${words[*]}"
	} | sha256sum | cut -c1-16
}

vm_lock() {  # NAME
	mkdir -p "$VM_CACHE" || vm_die "cannot create the cache $VM_CACHE"
	exec 9>"$VM_CACHE/$1.lock"
	if ! flock -n 9; then
		vm_log "waiting for $VM_CACHE/$1.lock (another build of $1)"
		flock -w 3600 9 || vm_die "timed out waiting for $VM_CACHE/$1.lock"
	fi
}
