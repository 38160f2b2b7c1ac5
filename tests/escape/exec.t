#!/bin/bash
# Adversarial suite, execution class: a confined student tries to run code
# that is not in fs.exec: a copied binary in the home or /tmp (directly,
# through ld.so, /proc/self/fd, execveat, LD_PRELOAD), memory files,
# scripts, executable mappings of files, and anonymous executable memory.
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
esc_ok "the private /tmp (/var/lib/corral/tmp/$uid/tmp) holds the session's copy" test -x "/var/lib/corral/tmp/$uid/tmp/${host_tmp#/tmp/}/copy-echo"
cc -O1 -shared -fPIC -o "$home/evil.so" "$ESC_LIB/attacks/preload.c" && chown "$u:" "$home/evil.so"
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
attack "ld.so of a program in a readable tree outside fs.exec (fails to map: noexec)" '^ok$' '.*failed to map segment.*' \
	"$ro" "$u" "$ldso" "$ESC_WORK/ro/echo" ok
attack "LD_PRELOAD of a library the user wrote in the home" 'preloaded ok' '.*(cannot be preloaded|failed to map).*' "$lab" "$u" env LD_PRELOAD="$home/evil.so" "$x" write-code "$home/code.bin"

echo "# memory files (corral-helper hands out memfds sealed non-executable)"
attack "memfd_create, copy a program in, fexecve" '^ok$' EACCES "$lab" "$u" "$x" memfd /usr/bin/echo
attack "memfd_create, copy a program in, execveat(AT_EMPTY_PATH)" '^ok$' EACCES "$lab" "$u" "$x" memfd /usr/bin/echo execveat
attack "memfd_create(MFD_EXEC)" '^ok$' EACCES "$lab" "$u" "$x" memfd-mfd-exec
attack "fchmod +x of a memfd (F_SEAL_EXEC)" '^ok$' EPERM "$lab" "$u" "$x" memfd-chmod
attack "shm_open in /dev/shm and exec (not writable under the lab policy: a read-only mount)" '^ok$' 'shm_open:(EACCES|EROFS)' "$lab" "$u" "$x" shm /usr/bin/echo
attack "... and where /dev/shm is writable: noexec" '^ok$' EACCES "$ro" "$u" "$x" shm /usr/bin/echo

echo "# scripts"
attack "a shebang script in the home (noexec mount)" '^ok$' EACCES "$lab" "$u" "$x" exec "$home/script"
attack "a script in fs.exec whose interpreter is the user's copy of sh in the home" '^ok$' EACCES "$lab" "$u" "$x" exec "$ESC_TOOLS/script-home-interp"
attack "a script in fs.exec whose interpreter is in a readable tree outside fs.exec" '^ok$' EACCES "$ro" "$u" "$x" exec "$ESC_TOOLS/script-ro-interp"
run_confined "$lab" "$u" sh "$home/script"
esc_is "OUT OF SCOPE: an interpreter in fs.exec runs any script it can read (sh ~/script)" "$R_OUT|$R_AFTER" "ok|ok ok"

echo "# executable mappings of files the user wrote"
attack "mmap(PROT_EXEC) of the copy in the home" '^ok$' EPERM "$lab" "$u" "$x" mmap "$home/copy-echo"
attack "mmap(PROT_EXEC) of the copy in /tmp" '^ok$' EPERM "$lab" "$u" "$x" mmap "$host_tmp/copy-echo"
attack "mprotect(PROT_EXEC) of a private read-only mapping of the copy" '^ok$' EACCES "$lab" "$u" "$x" mprotect-private "$home/copy-echo"
attack "mprotect(PROT_EXEC) of a writable MAP_SHARED mapping of a user file (noexec: no VM_MAYEXEC)" '^ok:42$' EACCES "$lab" "$u" "$x" mprotect-shared "$home/shared.bin"

echo "# anonymous executable memory (out of scope: not a file)"
run_confined "$lab" "$u" "$x" jit
esc_is "OUT OF SCOPE: a JIT-style anonymous RWX mapping works (returns 42)" "$R_OUT|$R_AFTER" "ok:42|ok ok"
attack "writing code over the program's own text through /proc/self/mem (/proc is read-only)" '^ok:42$' EACCES "$lab" "$u" "$x" selfmem
run_confined "$lab" "$u" "$x" jit-file "$home/code.bin"
esc_is "KNOWN LIMIT: machine code read from a file of the home into anonymous memory runs" "$R_OUT|$R_AFTER" "ok:42|ok ok"

echo "# a tree of fs.exec inside the home (fs.exec = /usr ~/bin), which the user can re-point"
as_user "$u" sh -c 'mkdir -p ~/bin && cp /usr/bin/echo ~/bin/mine' >/dev/null
bin=$(esc_policy bin "$u" <<INI
fs.exec = +~/bin
INI
)
run_confined "$bin" "$u" sh -c "'$x' exec ~/bin/mine; '$x' exec ~/copy-echo"
esc_is "with ~/bin a directory: a program in ~/bin runs, one elsewhere in the home does not" "$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" "ok EACCES |ok ok"
as_user "$u" sh -c 'rm -rf ~/bin && ln -s / ~/bin' >/dev/null
link="symbolic link the user could have made"
attack_refused "~/bin -> /: a binary copied elsewhere in the home would run (noexec cleared on every mount)" \
	'^ok$' "$link" "$bin" "$u" "$x" exec "$home/copy-echo"
attack_refused "~/bin -> /: a program of a readable tree outside fs.exec would run" \
	'^ok$' "$link" "$bin" "$u" "$x" exec "$ESC_WORK/ro/echo"
attack_refused "~/bin -> /: a file outside fs.read (the policy file itself) would be read" \
	'^ok$' "$link" "$bin" "$u" "$ESC_TOOLS/fs" read "$lab"

esc_done
