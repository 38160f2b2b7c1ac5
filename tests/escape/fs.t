#!/bin/bash
# Adversarial suite, filesystem class: a confined student tries to reach
# files outside the granted trees, or inside fs.deny: .. components,
# symbolic and hard links, renames, /proc magic links (its own root, the
# cwd and root of processes outside the session), openat2 RESOLVE_ flags,
# O_PATH re-opens, and file descriptors passed in from outside. Each attack
# works unconfined as the same user first (see lib.sh).
. "$(dirname "$0")/lib.sh"
esc_init
u=crxfs1 v=crxfs2
esc_user "$u"
esc_user "$v"
home=$(esc_home "$u") vhome=$(esc_home "$v")
esc_compile fs
esc_compile fdpass
esc_compile exec
fs=$ESC_TOOLS/fs

# outside every granted tree: a world-readable secret, and a directory of
# the user's own (links and renames between it and the home)
mkdir -m 0755 "$ESC_WORK/outside"
echo secret >"$ESC_WORK/outside/secret" && chmod 0644 "$ESC_WORK/outside/secret"
secret=$ESC_WORK/outside/secret
own=$ESC_WORK/own
install -d -o "$u" -g "$u" -m 0755 "$own"
for f in file moveme flinkme; do install -o "$u" -g "$u" -m 0644 /dev/null "$own/$f"; done
echo notes | install -o "$v" -g "$v" -m 0644 /dev/stdin "$vhome/notes"
as_user "$u" sh -c "echo mine >~/mine; ln -s '$secret' ~/ln-secret; ln -s '$vhome/notes' ~/ln-victim; ln -s / ~/ln-root" >/dev/null

lab=$(esc_policy lab "$u" </dev/null)
# In the session's view every fs.write tree is a read-write mount of its own
# in a read-only view, so a link or a rename between it and another tree
# fails EXDEV (or EROFS) before Landlock is asked; Landlock refuses them too
# (the "same mount" cases were Landlock's alone before the view).
install -d -o "$u" -g "$u" -m 0755 "$ESC_TOOLS/w"
echo mine | install -o "$u" -g "$u" -m 0644 /dev/stdin "$ESC_TOOLS/w/mine"
same=$(esc_policy same "$u" <<INI
fs.write = +$ESC_TOOLS/w
INI
)
w=$ESC_TOOLS/w

echo "# .. out of a granted tree"
attack ".. out of the home into another user's home" '^ok$' EACCES "$lab" "$u" "$fs" read "$home/../$v/notes"
attack "openat(home, \"../$v/notes\")" '^ok$' EACCES "$lab" "$u" "$fs" openat "$home" "../$v/notes"
attack "chdir into the home, then open ../$v/notes" '^ok$' EACCES "$lab" "$u" "$fs" chdir "$home" "../$v/notes"
attack ".. out of fs.read: /usr/../${secret#/}" '^ok$' EACCES "$lab" "$u" "$fs" read "/usr/..$secret"
attack "/proc/self/cwd/.. chain out of the home" '^ok$' EACCES "$lab" "$u" "$fs" chdir "$home" "/proc/self/cwd/../$v/notes"

echo "# symbolic links"
attack "a symlink in the home to a file outside the trees" '^ok$' EACCES "$lab" "$u" "$fs" read "$home/ln-secret"
attack "a symlink in the home into another user's home" '^ok$' EACCES "$lab" "$u" "$fs" read "$home/ln-victim"
attack "a symlink in the home to /, then a path through it" '^ok$' EACCES "$lab" "$u" "$fs" read "$home/ln-root${secret}"
attack "a symlink made inside the session, to a file outside" '^ok$' EACCES "$lab" "$u" \
	sh -c "rm -f ~/ln-new; '$fs' symlink '$secret' ~/ln-new >/dev/null && '$fs' read ~/ln-new"

echo "# hard links and renames (Landlock refuses links into and out of trees: EXDEV/EACCES)"
ESC_BETWEEN="rm -f '$home/hl-in'"
attack "link(2) a file of the user's in a denied tree into the home" '^ok$' 'EXDEV|EACCES' "$lab" "$u" "$fs" link "$own/file" "$home/hl-in"
ESC_BETWEEN="rm -f '$w/hl-in'"
attack "... into a writable tree on the same mount (Landlock alone)" '^ok$' 'EXDEV|EACCES' "$same" "$u" "$fs" link "$own/file" "$w/hl-in"
ESC_BETWEEN="rm -f '$own/hl-out'"
attack "link(2) a file of a writable tree out into a tree outside the policy (read-only in the view: EROFS)" '^ok$' 'EXDEV|EACCES|EROFS' "$same" "$u" "$fs" link "$w/mine" "$own/hl-out"
ESC_BETWEEN="rm -f '$w/hl-flink'"
attack "linkat of an O_PATH fd (/proc/self/fd/N) of a denied file into a writable tree (same mount)" '^ok$' 'EXDEV|EACCES|ENOENT' "$same" "$u" "$fs" flink "$own/flinkme" "$w/hl-flink"
ESC_BETWEEN="mv '$home/moveme' '$own/moveme'"
attack "rename a file of a denied tree into the home" '^ok$' 'EXDEV|EACCES' "$lab" "$u" "$fs" rename "$own/moveme" "$home/moveme"
ESC_BETWEEN="mv '$w/moveme' '$own/moveme'"
attack "... into a writable tree on the same mount (Landlock alone)" '^ok$' 'EXDEV|EACCES' "$same" "$u" "$fs" rename "$own/moveme" "$w/moveme"
ESC_BETWEEN="mv '$own/mine' '$w/mine'"
attack "rename a file of a writable tree out into a denied tree (same mount)" '^ok$' 'EXDEV|EACCES' "$same" "$u" "$fs" rename "$w/mine" "$own/mine"
ESC_BETWEEN=

echo "# /proc magic links"
attack "/proc/self/root${secret}" '^ok$' EACCES "$lab" "$u" "$fs" read "/proc/self/root$secret"
attack "/proc/self/root$vhome/notes" '^ok$' EACCES "$lab" "$u" "$fs" read "/proc/self/root$vhome/notes"
attack "/proc/self/root/etc/shadow (root's only, unconfined too)" - EACCES "$lab" "$u" "$fs" read /proc/self/root/etc/shadow
attack "O_PATH open of a denied file, re-opened through /proc/self/fd/N" '^ok$' EACCES "$lab" "$u" "$fs" reopen "$secret"
# processes outside the session: the user's own (cwd in its own directory
# outside the trees) and another user's
esc_bg "$u" sh -c "cd '$own' && exec sleep 300"
esc_bg "$v" sh -c "cd '$vhome' && exec sleep 300"
for _ in $(seq 50); do
	mine=$(pgrep -u "$u" -x sleep | head -n 1) theirs=$(pgrep -u "$v" -x sleep | head -n 1)
	[ -n "$mine" ] && [ -n "$theirs" ] && break
	sleep 0.1
done
attack "/proc/PID/cwd of the user's own process outside the session (Landlock ptrace scope)" '^ok$' EACCES "$lab" "$u" "$fs" read "/proc/$mine/cwd/file"
attack "/proc/PID/root of the user's own process outside the session" '^ok$' EACCES "$lab" "$u" "$fs" read "/proc/$mine/root$secret"
attack "/proc/PID/cwd of another user's process (refused unconfined too: ptrace access)" - EACCES "$lab" "$u" "$fs" read "/proc/$theirs/cwd/notes"
attack "/proc/PID/root of another user's process (refused unconfined too)" - EACCES "$lab" "$u" "$fs" read "/proc/$theirs/root$secret"

echo "# openat2 with RESOLVE_ flags"
attack "openat2(\"/\", ${secret#/}, RESOLVE_IN_ROOT)" '^ok$' EACCES "$lab" "$u" "$fs" openat2 / "${secret#/}" in_root
attack "openat2(\"/\", ${secret#/}, RESOLVE_BENEATH|RESOLVE_NO_XDEV)" '^ok$' EACCES "$lab" "$u" "$fs" openat2 / "${secret#/}" beneath,no_xdev
attack "openat2(home, ln-secret, none): through a symlink" '^ok$' EACCES "$lab" "$u" "$fs" openat2 "$home" ln-secret none
attack "openat2(home, ../$v/notes, none)" '^ok$' EACCES "$lab" "$u" "$fs" openat2 "$home" "../$v/notes" none
attack "openat2(/proc/self, root${secret}, none): the magic link" '^ok$' EACCES "$lab" "$u" "$fs" openat2 /proc/self "root$secret" none

echo "# file descriptors passed in from outside (an unconfined process of the user, ~/sock)"
esc_bg "$u" "$ESC_TOOLS/fdpass" serve "$home/sock"
for _ in $(seq 50); do [ -S "$home/sock" ] && break; sleep 0.1; done
run_confined "$lab" "$u" "$ESC_TOOLS/fdpass" get "$home/sock" r "$secret"
is "KNOWN LIMIT: a read fd of a file outside the trees, passed in over ~/sock, works (Landlock checks at open)" \
	"$R_OUT|$R_AFTER" "ok|ok ok"
attack "... while opening that file directly is refused" '^ok$' EACCES "$lab" "$u" "$fs" read "$secret"
# What the sender could pass is bounded by what it may open: none of these
# can be opened for writing by the user, inside or outside.
hpath='/proc/$ESC_HELPER'
# the session's cgroup, found inside it: v1 controllers (this machine) or
# the unified tree under systemd (the Debian guests)
cg='if [ -d /sys/fs/cgroup/pids ]; then CG=/sys/fs/cgroup/pids$(sed -n "s|^[0-9]*:pids:||p" /proc/self/cgroup); ROOT=/sys/fs/cgroup/pids; MEM=/sys/fs/cgroup/memory$(sed -n "s|^[0-9]*:memory:||p" /proc/self/cgroup)/memory.limit_in_bytes; else CG=/sys/fs/cgroup$(sed -n "s|^0::||p" /proc/self/cgroup); ROOT=/sys/fs/cgroup; MEM=$CG/memory.max; fi'
for target in "$lab" '/run/corral/sessions/$CORRAL_SESSION' '$CG/pids.max' '$CG/cgroup.procs' '$ROOT/cgroup.procs' \
	'$MEM' "$hpath/mem" "$hpath/environ" "$hpath/oom_score_adj"; do
	run_confined "$lab" "$u" sh -c "$cg; '$ESC_TOOLS/fdpass' get ~/sock w \"$target\"; '$fs' write \"$target\""
	like "writing $target fails: the unconfined sender cannot open it, nor can the session" \
		"$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" '^sender:E[A-Z]+ (EACCES|EPERM) \|ok ok$'
done
run_confined "$lab" "$u" sh -c "'$fs' read \"$hpath/mem\"; '$fs' read \"$hpath/environ\"; '$fs' list \"$hpath/fd\""
is "the helper's /proc entries (mem, environ, fd/) cannot be read from the session" "$(tr '\n' ' ' <<<"$R_OUT")" "EACCES EACCES EACCES "

echo "# fs.deny inside a granted tree (a file, a directory, a program in fs.exec)"
as_user "$u" sh -c 'echo s >~/secret; mkdir ~/secretdir; echo i >~/secretdir/inner; ln -s ~/secret ~/sl-secret; ln -s ~/secretdir/inner ~/sl-inner' >/dev/null
install -m 0755 /usr/bin/echo "$ESC_TOOLS/denied-echo"
deny=$(esc_policy deny "$u" <<INI
fs.deny = ~/secret ~/secretdir $ESC_TOOLS/denied-echo
INI
)
attack "fs.deny file: open for reading" '^ok$' EACCES "$deny" "$u" "$fs" read "$home/secret"
attack "fs.deny file: open for writing" '^ok$' EACCES "$deny" "$u" "$fs" write "$home/secret"
attack "fs.deny file: truncate" '^ok$' EACCES "$deny" "$u" "$fs" truncate "$home/secret"
ESC_BETWEEN="rm -f '$home/secret-link'"
attack "fs.deny file: link(2) it to a new name" '^ok$' 'EXDEV|EACCES' "$deny" "$u" "$fs" link "$home/secret" "$home/secret-link"
ESC_BETWEEN="mv '$home/secret-moved' '$home/secret'"
attack "fs.deny file: rename it (the cover is a mount point: EBUSY)" '^ok$' 'EBUSY|EXDEV|EACCES' "$deny" "$u" "$fs" rename "$home/secret" "$home/secret-moved"
ESC_BETWEEN=
attack "fs.deny file: follow a symlink to it" '^ok$' EACCES "$deny" "$u" "$fs" read "$home/sl-secret"
attack "fs.deny file: O_PATH, then re-open through /proc/self/fd" '^ok$' EACCES "$deny" "$u" "$fs" reopen "$home/secret"
attack "fs.deny file: through /proc/self/root" '^ok$' EACCES "$deny" "$u" "$fs" read "/proc/self/root$home/secret"
ESC_BETWEEN="as_user $u sh -c 'echo s >~/secret'"
attack "fs.deny file: unlink it (to plant another; a mount point: EBUSY)" '^ok$' 'EBUSY|EACCES' "$deny" "$u" "$fs" unlink "$home/secret"
ESC_BETWEEN=
attack "fs.deny program in fs.exec: exec refused" '^ok$' EACCES "$deny" "$u" "$ESC_TOOLS/exec" exec "$ESC_TOOLS/denied-echo"
attack "fs.deny directory: read a file in it" '^ok$' EACCES "$deny" "$u" "$fs" read "$home/secretdir/inner"
attack "fs.deny directory: list it" '^ok:[0-9]+$' EACCES "$deny" "$u" "$fs" list "$home/secretdir"
ESC_BETWEEN="rm -f '$home/secretdir/new'"
attack "fs.deny directory: create a file in it" '^ok$' EACCES "$deny" "$u" "$fs" create "$home/secretdir/new"
ESC_BETWEEN="mv '$home/moved' '$home/secretdir'"
attack "fs.deny directory: rename it (a mount point: EBUSY)" '^ok$' 'EBUSY|EXDEV|EACCES' "$deny" "$u" "$fs" rename "$home/secretdir" "$home/moved"
ESC_BETWEEN=
attack "fs.deny directory: openat(home, secretdir/inner)" '^ok$' EACCES "$deny" "$u" "$fs" openat "$home" secretdir/inner
attack "fs.deny directory: follow a symlink into it" '^ok$' EACCES "$deny" "$u" "$fs" read "$home/sl-inner"
run_confined "$deny" "$u" sh -c "'$fs' read ~/mine; '$fs' write ~/mine"
is "fs.deny: the rest of the home stays readable and writable" "$(tr '\n' ' ' <<<"$R_OUT")" "ok ok "
# the denied paths are covered in the session's view: the home around them
# keeps every right (before, Landlock carved them out and the home's top
# level became read-only)
rm -f "$home/newfile"
run_confined "$deny" "$u" sh -c "'$fs' create ~/newfile && rm ~/newfile && mkdir ~/newdir && mv ~/newdir ~/newdir2 && rmdir ~/newdir2 && echo made"
is "fs.deny: new files and directories can be made, renamed and removed directly in the home" "$R_OUT" "ok
made"
# fs.deny names a path; a cover hides a name, and Landlock rules attach to
# inodes. A hard link of the denied file made before the session (say,
# before the admin added the deny) would reach its content: refused.
as_user "$u" sh -c 'echo s2 >~/secret2; ln ~/secret2 ~/hl-secret2' >/dev/null
deny2=$(esc_policy deny2 "$u" <<INI
fs.deny = ~/secret2
INI
)
attack_refused "fs.deny = ~/secret2 with a hard link ~/hl-secret2 made before the session (Landlock rules attach to the inode)" \
	'^ok$' "has 2 names \\(hard links\\)" "$deny2" "$u" "$fs" read "$home/secret2"

echo "# policy paths the user can re-point: a tree inside the home named by the policy"
as_user "$u" sh -c 'rm -rf ~/course ~/bin; ln -s / ~/course; ln -s / ~/bin' >/dev/null
cp /usr/bin/echo "$home/copied-echo" && chown "$u:" "$home/copied-echo"
inhome=$(esc_policy inhome "$u" <<INI
fs.read = +~/course
INI
)
link="symbolic link the user could have made"
attack_refused "fs.read = ~/course, ~/course -> /: a file outside the trees" '^ok$' "$link" "$inhome" "$u" "$fs" read "$secret"
attack_refused "fs.read = ~/course, ~/course -> /: another user's home" '^ok$' "$link" "$inhome" "$u" "$fs" read "$vhome/notes"

esc_done
