#!/bin/bash
# shellcheck disable=SC2088  # ~ in quotes is the policy's (corral expands it), or a description
# Adversarial suite, fs.deny inside a writable tree: the lab's policy
# (fs.write = ~) with fs.deny = ~/.ssh (the keys sshd trusts), ~/solutions
# (a directory the user must not read), ~/grades.txt (a file),
# ~/.config/autostart (missing at login: nothing may be planted there) and
# ~/course/solutions (below a directory the user may rename). The home
# around a denied path keeps every right: files and directories are made,
# renamed and removed directly in it, by the session and by git. The
# denied path stays out of reach by every route: read, list, write,
# create, stat (the session sees a root-owned mode-0000 placeholder, not
# the real entry), chmod/chown/utime/xattr of it and of what is inside,
# rename/exchange/unlink of it, renames and links into and out of it,
# renaming a directory above it, .., /proc/self/cwd, /proc/self/root,
# /proc/PID/root of a process outside the session, openat/openat2 with
# RESOLVE_ flags, O_PATH re-opens and links, symbolic links made before or
# inside the session, umount. Each attack works unconfined first (see
# lib.sh), and root checks afterwards that the denied entries are as they
# were (names, metadata, content).
. "$(dirname "$0")/lib.sh"
esc_init
u=crxdn1
esc_user "$u"
home=$(esc_home "$u")
esc_compile fs
esc_compile meta
fs=$ESC_TOOLS/fs m=$ESC_TOOLS/meta

# fresh_home: the home as it was before any session (as root, the user's
# files): ~/.ssh (0700) with authorized_keys and id_rsa, ~/solutions with
# answer.txt and sub/deep.txt, ~/grades.txt, ~/course/solutions/a.txt,
# ~/mykey (what the user would plant), ~/ln-keys -> ~/.ssh/authorized_keys,
# an empty ~/fake, and no ~/.config; ~/.escape-after (lib.sh's check that
# the session still works) is kept, so each attack shows its own result
# even where new files cannot be made in the home
fresh_home() {
	find "$home" -mindepth 1 -maxdepth 1 ! -name .escape-after -exec rm -rf {} +
	as_user "$u" sh -c 'umask 022
		touch ~/.escape-after
		mkdir -m 0700 ~/.ssh && echo key >~/.ssh/authorized_keys && echo private >~/.ssh/id_rsa
		mkdir -p ~/solutions/sub && echo 42 >~/solutions/answer.txt && echo deep >~/solutions/sub/deep.txt
		echo A+ >~/grades.txt
		mkdir -p ~/course/solutions && echo course-answer >~/course/solutions/a.txt && echo notes >~/course/notes
		echo attacker-key >~/mykey && ln -s ~/.ssh/authorized_keys ~/ln-keys && mkdir ~/fake' >/dev/null
}
# home_snap: what root sees of the denied entries and the directories above
# them (metadata with ctime, xattr names, content)
home_snap() {
	find "$home/.ssh" "$home/solutions" "$home/grades.txt" "$home/course" -print0 2>/dev/null | sort -z | xargs -0 "$m" show
	find "$home/.ssh" "$home/solutions" "$home/grades.txt" "$home/course" -type f -print0 2>/dev/null | sort -z | xargs -0 md5sum
}
fresh_home

pol() {  # name, fs.deny value: the lab policy with that deny
	esc_policy "$1" "$u" <<INI
fs.deny = $2
INI
}
ssh=$(pol ssh '~/.ssh')
sol=$(pol sol '~/solutions')
grades=$(pol grades '~/grades.txt')
auto=$(pol auto '~/.config/autostart')
nested=$(pol nested '~/course/solutions')

# works DESC POLICY CMD...: inside the session CMD prints ok
works() {
	local desc=$1 policy=$2
	shift 2
	run_confined "$policy" "$u" "$@"
	is "$desc" "$(tr '\n' ' ' <<<"$R_OUT" | sed 's/ $//')|$R_AFTER" "ok|ok ok"
}
# hidden DESC POLICY PATH: stat in the session shows a root-owned mode-0000
# placeholder, not the real entry (owner, mode, inode)
hidden() {
	local desc=$1 policy=$2 path=$3 real
	run_unconfined "$u" stat -c '%u %a %i' "$path"
	local base=$R_OUT
	real=$(stat -c %i "$path")
	run_confined "$policy" "$u" stat -c '%u %a %i' "$path"
	if [[ $R_OUT =~ ^0\ 0\ ([0-9]+)$ ]] && [ "${BASH_REMATCH[1]}" != "$real" ] && [ "$R_AFTER" = "ok ok" ]; then
		pass "$desc: $R_OUT (unconfined: $base)"
	else
		fail "$desc" "confined: $R_OUT" "want:     '0 0 INODE' (root, mode 0000), INODE not the real $real; unconfined: $base" \
			"session afterwards: '$R_AFTER'"
	fi
}
refused='EACCES'                        # through the placeholder: no search right
busy='EBUSY|EACCES|EPERM|EXDEV'         # the denied path itself as a rename/unlink target or source
meta_refused='EPERM|EACCES|EROFS'       # metadata of the placeholder (root's)

echo "# the home around ~/.ssh keeps every right (fs.deny = ~/.ssh)"
for p in r1 u1; do echo x | install -o "$u" -g "$u" -m 0644 /dev/stdin "$home/$p"; done
install -d -o "$u" -g "$u" -m 0755 "$home/d1"
works "create a file directly in the home (echo hi >~/new)" "$ssh" sh -c 'echo hi >~/new && echo ok'
works "mkdir directly in the home" "$ssh" "$fs" mkdir "$home/proj"
works "rename a file directly in the home (mv ~/r1 ~/r2)" "$ssh" "$fs" rename "$home/r1" "$home/r2"
works "unlink a file directly in the home" "$ssh" "$fs" unlink "$home/u1"
works "rmdir a directory directly in the home" "$ssh" "$fs" rmdir "$home/d1"
works "mkdir, create, mv and rm -r in one go" "$ssh" sh -c 'mkdir ~/w && echo hi >~/w/f && mv ~/w ~/w2 && mv ~/w2/f ~/top && rm -r ~/w2 ~/top && echo ok'
works "symlink directly in the home" "$ssh" "$fs" symlink mykey "$home/ln-mine"
works "a directory made in one session is usable in the next" "$ssh" sh -c 'echo more >>~/proj/f && cat ~/proj/f >/dev/null && mv ~/proj ~/proj2 && echo ok'
if command -v git >/dev/null; then
	works "git init, add and commit in ~/repo" "$ssh" sh -c 'cd ~ && git init -q repo && cd repo && echo x >f && git add f &&
		git -c user.name=s -c user.email=s@example.org commit -qm first && git log --oneline | wc -l | sed s/^1$/ok/'
else
	skip "git is not installed"
fi
works "the rest of the home: a file made before the session is read and written" "$ssh" sh -c 'cat ~/mykey >/dev/null && echo more >>~/mykey && echo ok'
fresh_home
# shellcheck disable=SC2034  # used by the evaluated ESC_CHECK
clean=$(home_snap)
# before each confined run the home is fresh; after it, root compares
# shellcheck disable=SC2016  # evaluated by attack (lib.sh), between and after the runs
ESC_BETWEEN='fresh_home; clean=$(home_snap)'
# shellcheck disable=SC2016
ESC_CHECK='now=$(home_snap); [ "$now" = "$clean" ] || { diff <(echo "$clean") <(echo "$now") | grep "^[<>]"; fresh_home; }'

echo "# ~/.ssh: content"
k=$home/.ssh/authorized_keys
attack "read ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" read "$k"
attack "list ~/.ssh" '^ok:[0-9]+$' "$refused" "$ssh" "$u" "$fs" list "$home/.ssh"
attack "open ~/.ssh/authorized_keys for writing" '^ok$' "$refused" "$ssh" "$u" "$fs" write "$k"
attack "truncate ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" truncate "$k"
attack "create ~/.ssh/authorized_keys2 (plant a key)" '^ok$' "$refused" "$ssh" "$u" "$fs" create "$home/.ssh/authorized_keys2"
attack "mkfifo in ~/.ssh" '^ok$' "$refused" "$ssh" "$u" "$m" mkfifo "$home/.ssh/fifo"
attack "unlink ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" unlink "$k"

echo "# ~/.ssh: what stat shows, and metadata"
hidden "stat ~/.ssh shows the placeholder, not the real directory" "$ssh" "$home/.ssh"
attack "chmod 0755 ~/.ssh" '^ok$' "$meta_refused" "$ssh" "$u" "$m" chmod "$home/.ssh" 0755
attack "chown ~/.ssh to the user itself" '^ok$' "$meta_refused" "$ssh" "$u" "$m" chown "$home/.ssh"
attack "utimensat ~/.ssh, explicit times" '^ok$' "$meta_refused" "$ssh" "$u" "$m" utimens "$home/.ssh"
attack "utimensat ~/.ssh, NULL (now)" '^ok$' "$meta_refused" "$ssh" "$u" "$m" utimens-now "$home/.ssh"
attack "setxattr user.escape on ~/.ssh" '^ok$' "$meta_refused" "$ssh" "$u" "$m" setxattr "$home/.ssh"
attack "chmod 0666 ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$m" chmod "$k" 0666
attack "chown ~/.ssh/authorized_keys to the user itself" '^ok$' "$refused" "$ssh" "$u" "$m" chown "$k"
attack "utime ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$m" utime "$k"
attack "setxattr user.escape on ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$m" setxattr "$k"

echo "# ~/.ssh: renames and links"
attack "rename ~/.ssh to ~/ssh-old" '^ok$' "$busy" "$ssh" "$u" "$fs" rename "$home/.ssh" "$home/ssh-old"
attack "RENAME_EXCHANGE of an empty ~/fake with ~/.ssh, then read ~/fake/authorized_keys" $'^ok\nok$' "($busy)"$'\n(ENOENT|EACCES)' \
	"$ssh" "$u" sh -c "'$m' exchange ~/fake ~/.ssh; '$fs' read ~/fake/authorized_keys"
attack "rename ~/mykey over ~/.ssh/authorized_keys (plant a key)" '^ok$' "$refused|EXDEV" "$ssh" "$u" "$fs" rename "$home/mykey" "$k"
attack "link ~/mykey to ~/.ssh/authorized_keys2" '^ok$' "$refused|EXDEV" "$ssh" "$u" "$fs" link "$home/mykey" "$home/.ssh/authorized_keys2"
attack "symlink ~/.ssh/authorized_keys2 -> ~/mykey" '^ok$' "$refused" "$ssh" "$u" "$fs" symlink "$home/mykey" "$home/.ssh/authorized_keys2"
attack "rename ~/.ssh/id_rsa out to ~/id-out" '^ok$' "$refused|EXDEV" "$ssh" "$u" "$fs" rename "$home/.ssh/id_rsa" "$home/id-out"
attack "link ~/.ssh/id_rsa out to ~/id-link" '^ok$' "$refused|EXDEV|ENOENT" "$ssh" "$u" "$fs" link "$home/.ssh/id_rsa" "$home/id-link"
attack "O_PATH fd of ~/.ssh/id_rsa, linkat of /proc/self/fd/N to ~/id-flink" '^ok$' "(O_PATH:)?($refused|EXDEV|ENOENT)" "$ssh" "$u" "$fs" flink "$home/.ssh/id_rsa" "$home/id-flink"

echo "# ~/.ssh: other ways to name it"
attack "chdir(~), then /proc/self/cwd/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" chdir "$home" /proc/self/cwd/.ssh/authorized_keys
attack "chdir(~/.ssh), then authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" chdir "$home/.ssh" authorized_keys
attack "chdir(~/.ssh/..), then .ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" chdir "$home/.ssh/.." .ssh/authorized_keys
attack "/proc/self/root$k" '^ok$' "$refused" "$ssh" "$u" "$fs" read "/proc/self/root$k"
attack "openat(O_PATH fd of ~, .ssh/authorized_keys)" '^ok$' "$refused" "$ssh" "$u" "$fs" openat "$home" .ssh/authorized_keys
attack "openat(O_PATH fd of ~/.ssh, authorized_keys)" '^ok$' "(O_PATH:)?$refused" "$ssh" "$u" "$fs" openat "$home/.ssh" authorized_keys
for flags in none beneath in_root no_xdev beneath,no_xdev no_magiclinks; do
	attack "openat2(~, .ssh/authorized_keys, RESOLVE_ $flags)" '^ok$' "$refused|EXDEV" "$ssh" "$u" "$fs" openat2 "$home" .ssh/authorized_keys "$flags"
done
attack "openat2(/proc/self, root$k, none): the magic link" '^ok$' "$refused|EXDEV" "$ssh" "$u" "$fs" openat2 /proc/self "root$k" none
attack "O_PATH open of ~/.ssh/authorized_keys, re-opened through /proc/self/fd/N" '^ok$' "(O_PATH:)?$refused" "$ssh" "$u" "$fs" reopen "$k"
attack "a symbolic link made before the session: ~/ln-keys -> ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" "$fs" read "$home/ln-keys"
attack "a symbolic link made inside the session, to ~/.ssh/authorized_keys" '^ok$' "$refused" "$ssh" "$u" \
	sh -c "'$fs' symlink '$k' ~/ln-new >/dev/null && '$fs' read ~/ln-new"
# a process of the user outside the session sees the real ~/.ssh (no placeholder in its mount namespace)
esc_bg "$u" sleep 300
for _ in $(seq 50); do outside=$(pgrep -u "$u" -x sleep | head -n 1); [ -n "$outside" ] && break; sleep 0.1; done
attack "/proc/PID/root$k of the user's process outside the session (its namespace has no placeholder)" '^ok$' "$refused" "$ssh" "$u" "$fs" read "/proc/$outside/root$k"
attack "umount ~/.ssh, then read ~/.ssh/authorized_keys (umount refused unconfined too: not root)" - $'EPERM\n'"$refused" "$ssh" "$u" \
	sh -c "'$m' umount ~/.ssh; '$fs' read ~/.ssh/authorized_keys"

echo "# ~/solutions (a directory that exists at login)"
s=$home/solutions
hidden "stat ~/solutions shows the placeholder" "$sol" "$s"
attack "read ~/solutions/answer.txt" '^ok$' "$refused" "$sol" "$u" "$fs" read "$s/answer.txt"
attack "read ~/solutions/sub/deep.txt" '^ok$' "$refused" "$sol" "$u" "$fs" read "$s/sub/deep.txt"
attack "list ~/solutions" '^ok:[0-9]+$' "$refused" "$sol" "$u" "$fs" list "$s"
attack "create ~/solutions/new" '^ok$' "$refused" "$sol" "$u" "$fs" create "$s/new"
attack "chmod 0777 ~/solutions" '^ok$' "$meta_refused" "$sol" "$u" "$m" chmod "$s" 0777
attack "chmod 0666 ~/solutions/answer.txt" '^ok$' "$refused" "$sol" "$u" "$m" chmod "$s/answer.txt" 0666
attack "rename ~/solutions to ~/sol-old" '^ok$' "$busy" "$sol" "$u" "$fs" rename "$s" "$home/sol-old"
attack "RENAME_EXCHANGE of ~/fake with ~/solutions, then read ~/fake/answer.txt" $'^ok\nok$' "($busy)"$'\n(ENOENT|EACCES)' \
	"$sol" "$u" sh -c "'$m' exchange ~/fake ~/solutions; '$fs' read ~/fake/answer.txt"
attack "link ~/solutions/answer.txt to ~/answer" '^ok$' "$refused|EXDEV|ENOENT" "$sol" "$u" "$fs" link "$s/answer.txt" "$home/answer"
attack "openat2(~, solutions/answer.txt, RESOLVE_IN_ROOT)" '^ok$' "$refused|EXDEV" "$sol" "$u" "$fs" openat2 "$home" solutions/answer.txt in_root
attack "O_PATH open of ~/solutions/answer.txt, re-opened through /proc/self/fd/N" '^ok$' "(O_PATH:)?$refused" "$sol" "$u" "$fs" reopen "$s/answer.txt"
attack "a symbolic link made inside the session into ~/solutions" '^ok$' "$refused" "$sol" "$u" \
	sh -c "'$fs' symlink '$s/answer.txt' ~/ln-answer >/dev/null && '$fs' read ~/ln-answer"

echo "# ~/grades.txt (a file)"
g=$home/grades.txt
hidden "stat ~/grades.txt shows the placeholder" "$grades" "$g"
attack "read ~/grades.txt" '^ok$' "$refused" "$grades" "$u" "$fs" read "$g"
attack "open ~/grades.txt for writing" '^ok$' "$refused" "$grades" "$u" "$fs" write "$g"
attack "chmod 0666 ~/grades.txt" '^ok$' "$meta_refused" "$grades" "$u" "$m" chmod "$g" 0666
attack "chown ~/grades.txt to the user itself" '^ok$' "$meta_refused" "$grades" "$u" "$m" chown "$g"
attack "utimensat ~/grades.txt, explicit times" '^ok$' "$meta_refused" "$grades" "$u" "$m" utimens "$g"
attack "setxattr user.escape on ~/grades.txt" '^ok$' "$meta_refused" "$grades" "$u" "$m" setxattr "$g"
attack "rename ~/grades.txt to ~/g-old" '^ok$' "$busy" "$grades" "$u" "$fs" rename "$g" "$home/g-old"
attack "rename ~/mykey over ~/grades.txt" '^ok$' "$busy" "$grades" "$u" "$fs" rename "$home/mykey" "$g"
attack "unlink ~/grades.txt" '^ok$' "$busy" "$grades" "$u" "$fs" unlink "$g"
attack "link ~/grades.txt to ~/g-link" '^ok$' "$refused|EXDEV" "$grades" "$u" "$fs" link "$g" "$home/g-link"

echo "# ~/.config/autostart (missing at login: made, then covered)"
a=$home/.config/autostart
# shellcheck disable=SC2016
ESC_BETWEEN='fresh_home'
# after each: nothing planted on disk where a desktop login would look (a
# renamed-away ~/.config included); ~/stage is the user's to fill
# shellcheck disable=SC2016
ESC_CHECK='find "$home/.config" "$home/cfg-old" -name x.desktop 2>/dev/null | grep . && find "$home/.config" "$home/cfg-old" -name x.desktop -delete'
fresh_home   # the unconfined run starts without ~/.config too
attack "mkdir -p ~/.config/autostart, create x.desktop in it" '^ok$' "$refused" "$auto" "$u" \
	sh -c "mkdir -p ~/.config/autostart 2>/dev/null; '$fs' create ~/.config/autostart/x.desktop"
is "... after the session ~/.config/autostart (and ~/.config) are empty directories of the user's (made at login, then covered)" \
	"$(stat -c '%F %U' "$home/.config" "$a" 2>&1 | tr '\n' ' ')$(ls -A "$a" 2>&1 | tr '\n' ' ')" "directory $u directory $u "
fresh_home   # the unconfined run starts without ~/.config too
attack "rename a prepared ~/stage (with x.desktop) onto ~/.config/autostart" '^ok$' "$busy" "$auto" "$u" \
	sh -c "mkdir -p ~/.config ~/stage && '$fs' create ~/stage/x.desktop >/dev/null; '$fs' rename ~/stage ~/.config/autostart"
fresh_home   # the unconfined run starts without ~/.config too
attack "RENAME_EXCHANGE of a prepared ~/stage with ~/.config/autostart" $'^ok\nok$' $'ok\n'"($busy)" "$auto" "$u" \
	sh -c "mkdir -p ~/.config/autostart ~/stage && '$fs' create ~/stage/x.desktop; '$m' exchange ~/stage ~/.config/autostart"
fresh_home   # the unconfined run starts without ~/.config too
attack "rename ~/.config away, then mkdir -p ~/.config/autostart again and create x.desktop" $'^ok\nok$' '(ok|EBUSY|EACCES|EPERM|EXDEV)'$'\n''(EACCES|EPERM|EROFS)' "$auto" "$u" \
	sh -c "mkdir -p ~/.config/autostart 2>/dev/null; '$fs' rename ~/.config ~/cfg-old; mkdir -p ~/.config/autostart 2>/dev/null; '$fs' create ~/.config/autostart/x.desktop"
# a ~/.config the user made a link to a root-owned directory before login
ESC_BETWEEN=
ESC_CHECK=
fresh_home
install -d -m 0755 "$ESC_WORK/rootdir"
ln -s "$ESC_WORK/rootdir" "$home/.config" && chown -h "$u:$u" "$home/.config"
out=$(confined "$auto" "$u" "$ESC_TOOLS/after.sh" true)
if [[ $out =~ after= ]]; then out=opened; else out="refused: $(head -n 1 <<<"$out")"; fi
is "~/.config -> a root-owned directory at login: nothing is made through the user's link (the session: $out)" \
	"$(ls -A "$ESC_WORK/rootdir")" ""
fresh_home

echo "# ~/course/solutions: renaming the directory above it"
c=$home/course
works "the rest of ~/course: create, rename, unlink" "$nested" sh -c "echo x >~/course/new && mv ~/course/new ~/course/new2 && rm ~/course/new2 && cat ~/course/notes >/dev/null && echo ok"
fresh_home
restore_course() {  # as root: put ~/course back whatever the session did
	if [ -d "$home/c2" ]; then rm -rf "$c" && mv "$home/c2" "$c"; fi
}
# the rename itself may work here (the content must stay hidden): no check
# shellcheck disable=SC2016
ESC_BETWEEN='restore_course; fresh_home'
ESC_CHECK=
attack "rename ~/course to ~/c2, then read ~/c2/solutions/a.txt in the same session" $'^ok\nok$' '(ok|EBUSY|EACCES|EPERM|EXDEV)'$'\n''(EACCES|ENOENT)' \
	"$nested" "$u" sh -c "'$fs' rename ~/course ~/c2; '$fs' read ~/c2/solutions/a.txt"
ESC_BETWEEN=
restore_course
fresh_home
run_confined "$nested" "$u" "$fs" rename "$c" "$home/c2"
first=$R_OUT
run_confined "$nested" "$u" sh -c "'$fs' read ~/c2/solutions/a.txt; '$fs' read ~/course/solutions/a.txt"
like "rename ~/course to ~/c2 in one session ($first), read ~/c2/solutions/a.txt in the next: the content stays hidden" \
	"$(tr '\n' ' ' <<<"$R_OUT")|$R_AFTER" '^(EACCES|ENOENT) (EACCES|ENOENT) \|ok ok$'
restore_course
fresh_home

esc_done
