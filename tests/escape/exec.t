#!/bin/bash
# Adversarial suite, execution class: a confined student tries to run code
# that is not in fs.exec: a copied binary in the home or /tmp (directly,
# through ld.so, /proc/self/fd, execveat, LD_PRELOAD), memory files,
# scripts, executable mappings of files, and anonymous executable memory;
# then the same routes with fs.exec = /usr/bin (not /usr/lib, where the
# dynamic loader and the libraries are): programs in /usr/bin still start,
# nothing of a readable tree outside fs.exec runs or maps executable.
# Programs run are copies of /usr/bin/echo told to print "ok".
. "$(dirname "$0")/lib.sh"
esc_init
u=crxex1
esc_user "$u"
home=$(esc_home "$u")
uid=$(id -u "$u")
esc_compile exec
esc_compile fs
x=$ESC_TOOLS/exec
ldso=/lib64/ld-linux-x86-64.so.2

lab=$(esc_policy lab "$u" </dev/null)
# a tree the session may read but not execute (not remounted: it is not writable)
mkdir -m 0755 "$ESC_WORK/ro"
install -m 0755 /usr/bin/echo "$ESC_WORK/ro/echo"
install -m 0755 /bin/dash "$ESC_WORK/ro/sh"
ro=$(esc_policy ro "$u" <<INI
fs.read = +$ESC_WORK/ro
fs.write = +/dev/shm /var/tmp
INI
)

# the user's copies: in the home, the host's /tmp (for the unconfined run)
# and the private /tmp and /var/tmp of the session
host_tmp=/tmp/crxex1-escape.$$ host_vtmp=/var/tmp/crxex1-escape.$$
install -d -o "$u" -m 0700 "$host_tmp" "$host_vtmp"
esc_on_exit "rm -rf '$host_tmp' '$host_vtmp'"
as_user "$u" sh -c "cp /usr/bin/echo ~/copy-echo; cp /bin/dash ~/copy-sh; cp /usr/bin/echo '$host_tmp/copy-echo'
	printf '#!/bin/sh\necho ok\n' >~/script; chmod +x ~/script; '$x' write-code ~/code.bin; touch ~/shared.bin; cp /usr/bin/echo '$host_vtmp/copy-echo'" >/dev/null
confined "$ro" "$u" sh -c "mkdir -p '$host_tmp' '$host_vtmp' && cp /usr/bin/echo '$host_tmp/copy-echo' && cp /usr/bin/echo '$host_vtmp/copy-echo'"
ok "the private /tmp (/var/lib/corral/tmp/$uid/tmp) holds the session's copy" test -x "/var/lib/corral/tmp/$uid/tmp/${host_tmp#/tmp/}/copy-echo"
esc_compile_so() {  # OUT: the preload library (prebuilt in a Debian guest, which has no compiler)
	if [ -n "${ESC_PREBUILT:-}" ]; then install -m 0755 "$ESC_PREBUILT/preload.so" "$1"; else
		cc -O1 -shared -fPIC -o "$1" "$ESC_LIB/attacks/preload.c"; fi
}
esc_compile_so "$home/evil.so" && chown "$u:" "$home/evil.so"
# a script in fs.exec whose interpreter is the user's own copy of sh
printf '#!%s\necho ok\n' "$home/copy-sh" >"$ESC_TOOLS/script-home-interp"
printf '#!%s\necho ok\n' "$ESC_WORK/ro/sh" >"$ESC_TOOLS/script-ro-interp"
chmod 0755 "$ESC_TOOLS/script-home-interp" "$ESC_TOOLS/script-ro-interp"

echo "# direct exec of a copied binary"
attack "exec of a binary copied to the home" '^ok$' EACCES "$lab" "$u" "$x" exec "$home/copy-echo"
attack "exec of a binary copied to /tmp (private, noexec)" '^ok$' EACCES "$lab" "$u" "$x" exec "$host_tmp/copy-echo"
attack "exec of a binary copied to /var/tmp (private, noexec)" '^ok$' EACCES "$ro" "$u" "$x" exec "$host_vtmp/copy-echo"
attack "exec through /proc/self/fd/N" '^ok$' EACCES "$lab" "$u" "$x" procfd "$home/copy-echo"
attack "execveat(fd, \"\", AT_EMPTY_PATH)" '^ok$' EACCES "$lab" "$u" "$x" execveat "$home/copy-echo"
attack "exec of a program in a readable tree outside fs.exec" '^ok$' EACCES "$ro" "$u" "$x" exec "$ESC_WORK/ro/echo"

echo "# the dynamic loader"
attack "ld.so ~/copy-echo (fails to map: the home is noexec)" '^ok$' '.*failed to map segment.*' "$lab" "$u" "$ldso" "$home/copy-echo" ok
attack "ld.so /tmp/copy-echo" '^ok$' '.*failed to map segment.*' "$lab" "$u" "$ldso" "$host_tmp/copy-echo" ok
# every mount of the session's view is noexec but fs.exec and the library
# trees (before, only writable trees were, and this was a known limit)
mapfail='.*(failed to map segment|Permission denied|Operation not permitted|EACCES|EPERM).*' 
attack "ld.so of a program in a readable tree outside fs.exec (fails to map: noexec)" '^ok$' '.*failed to map segment.*' \
	"$ro" "$u" "$ldso" "$ESC_WORK/ro/echo" ok
attack "LD_PRELOAD of a library the user wrote in the home" 'preloaded ok' '.*(cannot be preloaded|failed to map).*' "$lab" "$u" env LD_PRELOAD="$home/evil.so" "$x" write-code "$home/code.bin"

echo "# memory files (corral-helper hands out memfds sealed non-executable)"
# before Linux 6.3 (no MFD_NOEXEC_SEAL) corral-helper refuses memfd_create
# itself (EPERM): it cannot hand out a memfd the user could not chmod +x
attack "memfd_create, copy a program in, fexecve" '^ok$' 'EACCES|memfd_create:EPERM' "$lab" "$u" "$x" memfd /usr/bin/echo
attack "memfd_create, copy a program in, execveat(AT_EMPTY_PATH)" '^ok$' 'EACCES|memfd_create:EPERM' "$lab" "$u" "$x" memfd /usr/bin/echo execveat
if [ "$(as_user "$u" "$x" memfd-mfd-exec)" = EINVAL ]; then
	skip "memfd_create(MFD_EXEC): this kernel has no MFD_EXEC (before Linux 6.3)"
else
	attack "memfd_create(MFD_EXEC)" '^ok$' EACCES "$lab" "$u" "$x" memfd-mfd-exec
fi
attack "fchmod +x of a memfd (F_SEAL_EXEC)" '^ok$' 'EPERM|memfd_create:EPERM' "$lab" "$u" "$x" memfd-chmod
attack "shm_open in /dev/shm and exec (not writable under the lab policy: a read-only mount)" '^ok$' 'shm_open:(EACCES|EROFS)' "$lab" "$u" "$x" shm /usr/bin/echo
attack "... and where /dev/shm is writable: noexec" '^ok$' EACCES "$ro" "$u" "$x" shm /usr/bin/echo

echo "# scripts"
attack "a shebang script in the home (noexec mount)" '^ok$' EACCES "$lab" "$u" "$x" exec "$home/script"
attack "a script in fs.exec whose interpreter is the user's copy of sh in the home" '^ok$' EACCES "$lab" "$u" "$x" exec "$ESC_TOOLS/script-home-interp"
attack "a script in fs.exec whose interpreter is in a readable tree outside fs.exec" '^ok$' EACCES "$ro" "$u" "$x" exec "$ESC_TOOLS/script-ro-interp"
run_confined "$lab" "$u" sh "$home/script"
is "OUT OF SCOPE: an interpreter in fs.exec runs any script it can read (sh ~/script)" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# executable mappings of files the user wrote"
attack "mmap(PROT_EXEC) of the copy in the home" '^ok$' EPERM "$lab" "$u" "$x" mmap "$home/copy-echo"
attack "mmap(PROT_EXEC) of the copy in /tmp" '^ok$' EPERM "$lab" "$u" "$x" mmap "$host_tmp/copy-echo"
attack "mprotect(PROT_EXEC) of a private read-only mapping of the copy" '^ok$' EACCES "$lab" "$u" "$x" mprotect-private "$home/copy-echo"
attack "mprotect(PROT_EXEC) of a writable MAP_SHARED mapping of a user file (noexec: no VM_MAYEXEC)" '^ok:42$' EACCES "$lab" "$u" "$x" mprotect-shared "$home/shared.bin"

echo "# executable mappings of a program in a readable tree outside fs.exec"
attack "mmap(PROT_EXEC) of a program in a readable tree outside fs.exec" '^ok$' 'EPERM|EACCES' "$ro" "$u" "$x" mmap "$ESC_WORK/ro/echo"
attack "mprotect(PROT_EXEC) of a private read-only mapping of it" '^ok$' EACCES "$ro" "$u" "$x" mprotect-private "$ESC_WORK/ro/echo"

echo "# anonymous executable memory (out of scope: not a file)"
run_confined "$lab" "$u" "$x" jit
is "OUT OF SCOPE: a JIT-style anonymous RWX mapping works (returns 42)" "$R_OUT|$R_AFTER" "ok:42|ok ok"
attack "writing code over the program's own text through /proc/self/mem (/proc is read-only)" '^ok:42$' EACCES "$lab" "$u" "$x" selfmem
run_confined "$lab" "$u" "$x" jit-file "$home/code.bin"
is "KNOWN LIMIT: machine code read from a file of the home into anonymous memory runs" "$R_OUT|$R_AFTER" "ok:42|ok ok"

echo "# a tree of fs.exec inside the home (fs.exec = /usr ~/bin), which the user can re-point"
as_user "$u" sh -c 'mkdir -p ~/bin && cp /usr/bin/echo ~/bin/mine' >/dev/null
bin=$(esc_policy bin "$u" <<INI
fs.exec = +~/bin
INI
)
run_confined "$bin" "$u" sh -c "'$x' exec ~/bin/mine; '$x' exec ~/copy-echo"
is "with ~/bin a directory: a program in ~/bin runs, one elsewhere in the home does not" "$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" "ok EACCES |ok ok"
as_user "$u" sh -c 'rm -rf ~/bin && ln -s / ~/bin' >/dev/null
link="symbolic link the user could have made"
attack_refused "~/bin -> /: a binary copied elsewhere in the home would run (noexec cleared on every mount)" \
	'^ok$' "$link" "$bin" "$u" "$x" exec "$home/copy-echo"
attack_refused "~/bin -> /: a program of a readable tree outside fs.exec would run" \
	'^ok$' "$link" "$bin" "$u" "$x" exec "$ESC_WORK/ro/echo"
attack_refused "~/bin -> /: a file outside fs.read (the policy file itself) would be read" \
	'^ok$' "$link" "$bin" "$u" "$ESC_TOOLS/fs" read "$lab"

echo "# fs.exec = /usr/bin: not /usr/lib, where the dynamic loader and the libraries are"
# the test's own tools ($ESC_TOOLS: after.sh, the attack programs) are in
# fs.exec too; they are not under /usr/lib
tree=$ESC_WORK/tree
mkdir -m 0755 "$tree"
install -m 0755 /usr/bin/echo "$tree/prog"
printf '#!/bin/sh\necho ok\n' >"$tree/script" && chmod 0755 "$tree/script"
esc_compile_so "$tree/evil.so" && chmod 0755 "$tree/evil.so"
# a program under /usr/lib, where the libraries are (outside fs.exec, inside fs.read)
usrlib=$(mktemp -d /usr/lib/corral-escape.XXXXXX) && chmod 0755 "$usrlib"
esc_on_exit "rm -rf '$usrlib'"
install -m 0755 /usr/bin/echo "$usrlib/prog"
usrbin=$(esc_policy usrbin "$u" <<INI
fs.read = /usr /etc /proc ~ $tree /dev/urandom /dev/zero
fs.write = ~ /dev/null
fs.exec = /usr/bin $ESC_TOOLS
INI
)
dynamic=$(grep -c ld-linux /usr/bin/echo)
run_confined "$usrbin" "$u" /usr/bin/true
is "/usr/bin/true starts (the loader it names is in /usr/lib, outside fs.exec)" "$R_OUT|$R_STATUS|$R_AFTER" "|0|ok ok"
run_confined "$usrbin" "$u" /usr/bin/env true
is "/usr/bin/env true starts" "$R_OUT|$R_STATUS|$R_AFTER" "|0|ok ok"
run_confined "$usrbin" "$u" "$x" exec /usr/bin/echo
is "execve of /usr/bin/echo (dynamically linked: $dynamic names of ld-linux in it) prints ok" "$R_OUT|$R_AFTER" "ok|ok ok"
run_confined "$usrbin" "$u" sh -c 'ls /usr >/dev/null && date >/dev/null && echo ok'
is "a shell runs ls and date" "$R_OUT|$R_AFTER" "ok|ok ok"
w="a program copied into a read-only tree outside fs.exec"
attack "execve of $w" '^ok$' EACCES "$usrbin" "$u" "$x" exec "$tree/prog"
attack "execveat(fd, \"\", AT_EMPTY_PATH) of $w" '^ok$' EACCES "$usrbin" "$u" "$x" execveat "$tree/prog"
attack "exec through /proc/self/fd/N of $w" '^ok$' EACCES "$usrbin" "$u" "$x" procfd "$tree/prog"
attack "ld.so $w" '^ok$' "$mapfail" "$usrbin" "$u" "$ldso" "$tree/prog" ok
attack "mmap(PROT_EXEC) of $w" '^ok$' 'EPERM|EACCES' "$usrbin" "$u" "$x" mmap "$tree/prog"
attack "mmap(PROT_READ), then mprotect(PROT_EXEC) of $w" '^ok$' EACCES "$usrbin" "$u" "$x" mprotect-private "$tree/prog"
attack "memfd_create, $w copied in, fexecve" '^ok$' 'EACCES|memfd_create:EPERM' "$usrbin" "$u" "$x" memfd "$tree/prog"
attack "memfd_create, $w copied in, execveat(AT_EMPTY_PATH)" '^ok$' 'EACCES|memfd_create:EPERM' "$usrbin" "$u" "$x" memfd "$tree/prog" execveat
attack "a shebang script in that tree (#!/bin/sh: the interpreter is in fs.exec)" '^ok$' EACCES "$usrbin" "$u" "$x" exec "$tree/script"
attack "LD_PRELOAD of a library in that tree (root's, readable)" 'preloaded ok' '.*(cannot be preloaded|failed to map).*' "$usrbin" "$u" \
	env LD_PRELOAD="$tree/evil.so" "$x" write-code "$home/code.bin"
attack "execve of a program under /usr/lib (readable, outside fs.exec)" '^ok$' EACCES "$usrbin" "$u" "$x" exec "$usrlib/prog"
attack_todo "with fs.exec = /usr/bin the libraries under /usr/lib must stay mappable executable, and ld.so maps a program there the same way" \
	"ld.so of a program under /usr/lib" '^ok$' "$mapfail" "$usrbin" "$u" "$ldso" "$usrlib/prog" ok
echo "# ... and the user's copy in the home (a writable tree)"
attack "execve of a copy in the home" '^ok$' EACCES "$usrbin" "$u" "$x" exec "$home/copy-echo"
attack "ld.so of a copy in the home" '^ok$' "$mapfail" "$usrbin" "$u" "$ldso" "$home/copy-echo" ok
attack "mmap(PROT_EXEC) of a copy in the home" '^ok$' 'EPERM|EACCES' "$usrbin" "$u" "$x" mmap "$home/copy-echo"

esc_done
