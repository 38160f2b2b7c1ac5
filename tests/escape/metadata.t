#!/bin/bash
# Adversarial suite, metadata class: nothing outside fs.write can be
# changed from a session, content or metadata. A confined student owns
# files in a tree the policy only lets it read (a submission directory in
# fs.read) and in a world-writable directory outside the policy entirely,
# and tries to change them without writing their content: mode (chmod,
# fchmod on a read-only fd, fchmodat, fchmodat2 of an O_PATH fd, chmod of
# /proc/self/fd/N), owner and group (chown, fchown, lchown, fchownat of an
# O_PATH fd, to itself and to one of its groups), times (utimensat with
# explicit times and with NULL = now, utime, futimens on a read-only fd),
# extended attributes (setxattr, lsetxattr, fsetxattr, removexattr of
# user.*), and the names in the directory (truncate, O_TRUNC, rename, link,
# unlink, mknod, mkfifo, mkdir, symlink into and out of the tree). Landlock
# has no right for modes, owners, times or xattrs; the session's mount view
# has everything outside fs.write read-only, so each is refused with EROFS
# (EACCES where Landlock answers first, EXDEV across mounts). Each works
# unconfined first (see lib.sh), and root checks afterwards that nothing
# changed: mode, owner, group, times (ctime too), size, content, xattrs,
# names. The tree inside fs.write keeps working.
. "$(dirname "$0")/lib.sh"
esc_init
u=crxmd1 grp=crxmdg
esc_user "$u"
groupdel "$grp" >/dev/null 2>&1
groupadd "$grp" || bail "groupadd $grp failed"
esc_on_exit "groupdel $grp"
usermod -a -G "$grp" "$u"
gid=$(getent group "$grp" | cut -d: -f3)
home=$(esc_home "$u")
esc_compile meta
esc_compile fs
m=$ESC_TOOLS/meta fs=$ESC_TOOLS/fs
ro=$ESC_WORK/ro ww=$ESC_WORK/ww

# fresh: both trees as they were: the user's directory $ro (in fs.read)
# and the root-owned world-writable sticky $ww (in no tree), each with a
# file f, a file x carrying user.escape, a symlink l -> f and a directory
# sub, all the user's;
# ~/g to move or link in; times fixed
fresh() {
	local d
	rm -rf "$ro" "$ww" "$home/g" "$home/f-out" "$home/f-link"
	install -d -o "$u" -g "$u" -m 0755 "$ro"
	install -d -o root -g root -m 1777 "$ww"
	for d in "$ro" "$ww"; do
		echo data | install -o "$u" -g "$u" -m 0644 /dev/stdin "$d/f"
		echo xattr | install -o "$u" -g "$u" -m 0644 /dev/stdin "$d/x"
		[ -n "$xattrs" ] && "$m" setxattr "$d/x" >/dev/null
		ln -s f "$d/l" && chown -h "$u:$u" "$d/l"
		install -d -o "$u" -g "$u" -m 0755 "$d/sub"
		touch -h -d @1000000000 "$d/f" "$d/x" "$d/l" "$d/sub" "$d"
	done
	echo mine | install -o "$u" -g "$u" -m 0644 /dev/stdin "$home/g"
}
# snap: what root sees of both trees (metadata, then the content of files)
snap() {
	find "$ro" "$ww" -print0 | sort -z | xargs -0 "$m" show
	find "$ro" "$ww" -type f -print0 | sort -z | xargs -0 md5sum
}
touch "$ESC_WORK/xattr-probe"
xattrs=$("$m" setxattr "$ESC_WORK/xattr-probe")   # "ok" where the filesystem takes user.* xattrs
[ "$xattrs" = ok ] || xattrs=
fresh
# shellcheck disable=SC2016,SC2034  # evaluated by attack (lib.sh), between and after the runs
clean=$(snap)
# shellcheck disable=SC2016
ESC_BETWEEN='fresh; clean=$(snap)'
# shellcheck disable=SC2016
ESC_CHECK='now=$(snap); [ "$now" = "$clean" ] || { diff <(echo "$clean") <(echo "$now") | grep "^[<>]"; fresh; }'

pol=$(esc_policy pol "$u" <<INI
fs.read = +$ro
INI
)
erofs=EROFS                     # metadata: no Landlock right, the read-only mount answers
content='EROFS|EACCES'          # content and names: Landlock may answer first
across='EROFS|EACCES|EXDEV'     # between the tree and the home: another mount

# metadata DIR WHAT SUBDIR: the metadata attacks on the user's files in DIR
# (SUBDIR: a directory of the user's there)
# fchmodat2 came with Linux 6.6 (Debian 12's 6.1 answers ENOSYS)
fchmodat2=yes
probe_file=$(mktemp "$ESC_WORK/fchmodat2.XXXXXX")
[ "$("$m" fchmodat-empty "$probe_file" 0600 2>&1)" = ENOSYS ] && fchmodat2=
rm -f "$probe_file"
metadata() {
	local d=$1 what=$2 sub=$3
	echo "# metadata of the user's own files $what"
	attack "chmod 0666 $what" '^ok$' "$erofs" "$pol" "$u" "$m" chmod "$d/f" 0666
	attack "chmod 0777 of the user's directory ${sub##*/}/ $what" '^ok$' "$erofs" "$pol" "$u" "$m" chmod "$sub" 0777
	attack "fchmodat(AT_FDCWD) $what" '^ok$' "$erofs" "$pol" "$u" "$m" fchmodat "$d/f" 0600
	if [ -n "$fchmodat2" ]; then
		attack "fchmodat2(O_PATH fd, \"\", AT_EMPTY_PATH) $what" '^ok$' "$erofs" "$pol" "$u" "$m" fchmodat-empty "$d/f" 0600
	else
		skip "fchmodat2 $what: this kernel has no fchmodat2 (before Linux 6.6)"
	fi
	attack "chmod of /proc/self/fd/N of an O_PATH fd $what" '^ok$' "$erofs" "$pol" "$u" "$m" procfd-chmod "$d/f" 0600
	attack "chown to itself $what (only ctime changes)" '^ok$' "$erofs" "$pol" "$u" "$m" chown "$d/f"
	attack "chown to its group $grp $what" '^ok$' "$erofs" "$pol" "$u" "$m" chown "$d/f" "$gid"
	attack "lchown of its symbolic link to its group $grp $what" '^ok$' "$erofs" "$pol" "$u" "$m" lchown "$d/l" "$gid"
	attack "fchownat(O_PATH fd, \"\", AT_EMPTY_PATH) to its group $what" '^ok$' "$erofs" "$pol" "$u" "$m" fchownat-empty "$d/f" "$gid"
	attack "utimensat with explicit times $what" '^ok$' "$erofs" "$pol" "$u" "$m" utimens "$d/f"
	attack "utimensat(NULL): now $what" '^ok$' "$erofs" "$pol" "$u" "$m" utimens-now "$d/f"
	attack "utime(2) $what" '^ok$' "$erofs" "$pol" "$u" "$m" utime "$d/f"
	if [ -n "$xattrs" ]; then
		attack "setxattr user.escape $what" '^ok$' "$erofs" "$pol" "$u" "$m" setxattr "$d/f"
		attack "lsetxattr user.escape $what" '^ok$' "$erofs" "$pol" "$u" "$m" lsetxattr "$d/f"
		attack "removexattr user.escape $what" '^ok$' "$erofs" "$pol" "$u" "$m" removexattr "$d/x"
	else
		skip "xattr attacks $what: the filesystem of $ESC_WORK takes no user.* xattrs"
	fi
}
# names DIR WHAT: content and names in DIR
names() {
	local d=$1 what=$2
	echo "# content and names $what"
	attack "truncate(2) $what" '^ok$' "$content" "$pol" "$u" "$m" truncate "$d/f"
	attack "open(O_WRONLY|O_TRUNC) $what" '^ok$' "$content" "$pol" "$u" "$m" otrunc "$d/f"
	attack "rename within the tree $what" '^ok$' "$content" "$pol" "$u" "$fs" rename "$d/f" "$d/f2"
	attack "rename a file out of the tree into the home $what" '^ok$' "$across" "$pol" "$u" "$fs" rename "$d/f" "$home/f-out"
	attack "rename a file of the home into the tree $what" '^ok$' "$across" "$pol" "$u" "$fs" rename "$home/g" "$d/g"
	attack "link(2) a file of the tree into the home $what" '^ok$' "$across" "$pol" "$u" "$fs" link "$d/f" "$home/f-link"
	attack "link(2) a file of the home into the tree $what" '^ok$' "$across" "$pol" "$u" "$fs" link "$home/g" "$d/g"
	attack "unlink $what" '^ok$' "$content" "$pol" "$u" "$fs" unlink "$d/f"
	attack "mknod(S_IFREG) $what" '^ok$' "$content" "$pol" "$u" "$m" mknod "$d/n"
	attack "mkfifo $what" '^ok$' "$content" "$pol" "$u" "$m" mkfifo "$d/p"
	attack "mkdir $what" '^ok$' "$content" "$pol" "$u" "$fs" mkdir "$d/d"
	attack "symlink $what" '^ok$' "$content" "$pol" "$u" "$fs" symlink f "$d/s"
}

w="in a tree of fs.read ($ro, the user's own)"
metadata "$ro" "$w" "$ro"
echo "# ... through a file descriptor opened read-only (which fs.read allows)"
attack "fchmod $w" '^ok$' "$erofs" "$pol" "$u" "$m" fchmod "$ro/f" 0600
attack "fchown to its group $w" '^ok$' "$erofs" "$pol" "$u" "$m" fchown "$ro/f" "$gid"
attack "futimens with explicit times $w" '^ok$' "$erofs" "$pol" "$u" "$m" futimens "$ro/f"
if [ -n "$xattrs" ]; then
	attack "fsetxattr user.escape $w" '^ok$' "$erofs" "$pol" "$u" "$m" fsetxattr "$ro/f"
else
	skip "fsetxattr $w: the filesystem of $ESC_WORK takes no user.* xattrs"
fi
names "$ro" "$w"

w="in a world-writable directory in no tree ($ww)"
metadata "$ww" "$w" "$ww/sub"
names "$ww" "$w"
ESC_BETWEEN=
ESC_CHECK=

echo "# the tree inside fs.write keeps all of it"
as_user "$u" sh -c 'echo mine >~/mine; echo x >~/mine-x' >/dev/null
[ -n "$xattrs" ] && "$m" setxattr "$home/mine-x" >/dev/null
ops=(
	"truncate ~/mine" "otrunc ~/mine" "mkfifo ~/mine-fifo" "mknod ~/mine-node"
	"chmod ~/mine 0666" "fchmod ~/mine 0640" ${fchmodat2:+"fchmodat-empty ~/mine 0600"} "chown ~/mine" "chown ~/mine $gid" "fchown ~/mine $gid"
	"utimens-now ~/mine" "utime ~/mine" "utimens ~/mine" "futimens ~/mine"
)
[ -n "$xattrs" ] && ops+=("setxattr ~/mine" "fsetxattr ~/mine" "removexattr ~/mine-x")
run_confined "$pol" "$u" sh -c "for op in $(printf "'%s' " "${ops[@]}"); do eval \"'$m' \$op\"; done"
want=$(for _ in "${ops[@]}"; do printf 'ok '; done)
is "in the home: ${ops[*]}" "$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" "$want|ok ok"
is "... done: mode, group, times" "$(stat -c '%a %G %Y' "$home/mine")" "$([ -n "$fchmodat2" ] && echo 600 || echo 640) $grp 1234567890"

esc_done
