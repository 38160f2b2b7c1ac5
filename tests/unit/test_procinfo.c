/* Unit tests of the /proc readers (lib/kernel/procinfo.c): parsing /proc/PID/stat
 * text (odd command names, truncation, junk), and the live answers for
 * this process: parent, start time, ancestry, mount namespace. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procinfo.h"
#include "tap.h"

/* A stat line as the kernel writes it: pid, (comm), state, ppid, fields 5
 * to 21, starttime (field 22), and the rest. */
static size_t stat_line(char *buf, size_t buflen, const char *comm, const char *ppid, const char *start)
{
	int n = snprintf(buf, buflen,
			 "4321 (%s) S %s 4321 4321 34816 4321 4194560 1021 0 0 0 3 1 0 0 20 0 1 0 %s 8962048 "
			 "1284 18446744073709551615 94746 94747 140727 0 0 0 65536 3686404 1266761467 0 0 0 17 3 0 "
			 "0 0 0 0 94748 94749 94750 140728 140729 140730 140731 0\n",
			 comm, ppid, start);

	return n < 0 ? 0 : (size_t)n;
}

static void test_parse(void)
{
	static const struct {
		const char *comm;
		const char *what;
	} names[] = {
		{ "bash", "a plain name" },
		{ "my prog", "a name with a space" },
		{ "a) S 99 (b", "a name with ')' and '(' that looks like fields" },
		{ ")", "a name that is only ')'" },
		{ "((", "a name of '('s" },
		{ "x) R 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25)", "a name with ') R' and numbers" },
		{ "", "an empty name" },
		{ "  ", "a name of spaces" },
	};
	struct proc_stat st;
	char buf[2048];
	size_t len;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		len = stat_line(buf, sizeof(buf), names[i].comm, "1234", "98765");
		memset(&st, 0, sizeof(st));
		ok(proc_stat_parse(buf, len, &st) == 0 && st.ppid == 1234 && st.state == 'S' && st.start_time == 98765,
		   "%s: ppid 1234, state S, start 98765", names[i].what);
	}
	len = stat_line(buf, sizeof(buf), "bash", "1", "18446744073709551609");
	ok(proc_stat_parse(buf, len, &st) == 0 && st.start_time == 18446744073709551609ULL, "a huge start time");
	len = stat_line(buf, sizeof(buf), "bash", "2147483647", "1");
	ok(proc_stat_parse(buf, len, &st) == 0 && st.ppid == 2147483647, "ppid INT32_MAX");
	len = stat_line(buf, sizeof(buf), "bash", "0", "0");
	ok(proc_stat_parse(buf, len, &st) == 0 && st.ppid == 0 && st.start_time == 0, "ppid 0 (pid 1's parent)");
	len = stat_line(buf, sizeof(buf), "bash", "1", "5");
	buf[len - 1] = '\0';
	ok(proc_stat_parse(buf, len - 1, &st) == 0 && st.start_time == 5, "without the final newline");
	len = (size_t)snprintf(buf, sizeof(buf), "7 (zombie) Z 1 7 7 0 -1 4228 0 0 0 0 0 0 0 0 20 0 1 0 555\n");
	ok(proc_stat_parse(buf, len, &st) == 0 && st.state == 'Z' && st.start_time == 555,
	   "start time as the last field, state Z");

	/* every cut before the start time is refused */
	{
		size_t start, refused = 0;

		len = stat_line(buf, sizeof(buf), "a) b", "1234", "98765");
		start = (size_t)(strstr(buf, " 98765 ") - buf) + 1;
		for (size_t cut = 0; cut < start; cut++) {
			char copy[2048];

			memcpy(copy, buf, cut);
			copy[cut] = '\0';
			if (proc_stat_parse(copy, cut, &st) == -EINVAL)
				refused++;
		}
		is_int(refused, start, "all %zu truncations before the start time are refused", start);
	}
	{
		static const struct {
			const char *ppid;
			const char *start;
			const char *what;
		} bad[] = {
			{ "abc", "98765", "non-numeric ppid" },
			{ "-1", "98765", "negative ppid" },
			{ "12abc", "98765", "ppid with trailing letters" },
			{ "", "98765", "empty ppid" },
			{ "2147483648", "98765", "ppid beyond INT32_MAX" },
			{ "99999999999999999999999", "98765", "ppid overflowing 64 bits" },
			{ "1", "x", "non-numeric start time" },
			{ "1", "98765x", "start time with trailing letters" },
			{ "1", "-5", "negative start time" },
			{ "1", "99999999999999999999999", "start time overflowing 64 bits" },
			{ "1", "", "empty start time" },
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			len = stat_line(buf, sizeof(buf), "bash", bad[i].ppid, bad[i].start);
			is_int(proc_stat_parse(buf, len, &st), -EINVAL, "refused: %s", bad[i].what);
		}
	}
	static const char *const junk[] = {
		"",
		"4321",
		"4321 bash S 1 2 3",
		"4321 (bash)S 1",
		"4321 (bash) S",
		"4321 (bash) S ",
		"4321 (bash) SS 1 4321",
		"4321 (bash)  S 1",
	};
	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		is_int(proc_stat_parse(junk[i], strlen(junk[i]), &st), -EINVAL, "refused: '%s'", junk[i]);
	/* a NUL inside the name: the fields after it are not seen */
	len = stat_line(buf, sizeof(buf), "ba\001sh", "1", "5");
	*strchr(buf, '\001') = '\0';
	is_int(proc_stat_parse(buf, len, &st), -EINVAL, "a NUL byte in the name is refused");
	/* too long */
	{
		char big[PROCINFO_STAT_MAX + 64];

		len = stat_line(buf, sizeof(buf), "bash", "1", "5");
		memcpy(big, buf, len - 1);
		memset(big + len - 1, '0', sizeof(big) - len);
		big[sizeof(big) - 1] = '\n';
		is_int(proc_stat_parse(big, PROCINFO_STAT_MAX, &st), -EINVAL, "%d bytes refused", PROCINFO_STAT_MAX);
		is_int(proc_stat_parse(big, sizeof(big), &st), -EINVAL, "%zu bytes refused", sizeof(big));
		ok(proc_stat_parse(big, PROCINFO_STAT_MAX - 1, &st) == 0 && st.start_time == 5,
		   "%d bytes (the most /proc gives us) accepted", PROCINFO_STAT_MAX - 1);
	}
}

static void test_self(void)
{
	struct proc_stat st, parent, init;
	uint64_t ino = 0;
	struct stat sb;
	int r;

	r = proc_stat_read(getpid(), &st);
	is_int(r, 0, "read our own stat");
	is_int(st.ppid, getppid(), "ppid agrees with getppid()");
	ok(st.state == 'R', "we are running (state %c)", st.state);
	ok(st.start_time > 0, "start time is set");
	ok(proc_is_alive(getpid(), st.start_time), "we are alive with our start time");
	ok(!proc_is_alive(getpid(), st.start_time + 1), "not with another start time");
	is_int(proc_stat_read(0, &st), -EINVAL, "pid 0 refused");
	is_int(proc_stat_read(-1, &st), -EINVAL, "negative pid refused");
	is_int(proc_stat_read(2147483647, &st), -ENOENT, "a pid that does not exist is -ENOENT");
	ok(!proc_is_alive(2147483647, 0), "and is not alive");

	proc_stat_read(getpid(), &st);
	ok(proc_is_ancestor(getpid(), st.start_time, getpid()), "we are our own ancestor");
	ok(proc_stat_read(getppid(), &parent) == 0, "read our parent's stat");
	ok(proc_is_ancestor(getppid(), parent.start_time, getpid()), "our parent is an ancestor");
	ok(!proc_is_ancestor(getppid(), parent.start_time + 1, getpid()), "not with a wrong start time");
	ok(proc_stat_read(1, &init) == 0, "read pid 1's stat");
	ok(proc_is_ancestor(1, init.start_time, getpid()), "pid 1 is an ancestor");
	ok(!proc_is_ancestor(1, init.start_time + 1, getpid()), "pid 1 with a wrong start time is not");
	ok(!proc_is_ancestor(getpid(), st.start_time, getppid()), "we are not our parent's ancestor");
	ok(!proc_is_ancestor(2147483647, 0, getpid()), "a pid that does not exist is no ancestor");

	{
		int fds[2];
		pid_t child;
		struct proc_stat cst;
		char c;

		if (pipe(fds) < 0) {
			ok(0, "setup: pipe");
			return;
		}
		child = fork();
		if (child == 0) {
			close(fds[1]);
			if (read(fds[0], &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		close(fds[0]);
		ok(child > 0 && proc_stat_read(child, &cst) == 0, "read a forked child's stat");
		is_int(cst.ppid, getpid(), "its ppid is us");
		ok(!proc_is_ancestor(child, cst.start_time, getpid()), "a forked child is not our ancestor");
		ok(proc_is_ancestor(getpid(), st.start_time, child), "we are the child's ancestor");
		ok(proc_is_ancestor(1, init.start_time, child), "pid 1 is the child's ancestor");
		ok(proc_descends_from(getpid(), child), "the child descends from us (the walk alone)");
		ok(proc_descends_from(getpid(), getpid()), "and we from ourselves");
		ok(!proc_descends_from(child, getpid()), "we do not descend from the child");
		ok(!proc_descends_from(getpid(), 2147483647), "nor does a pid that does not exist from us");
		close(fds[1]); /* the child exits */
		for (int i = 0; i < 500; i++) {
			struct proc_stat z;

			if (proc_stat_read(child, &z) < 0 || z.state == 'Z')
				break;
			usleep(10000);
		}
		ok(!proc_is_alive(child, cst.start_time), "an exited (zombie) child is not alive");
		waitpid(child, NULL, 0);
		ok(!proc_is_alive(child, cst.start_time), "a reaped child is not alive");
		ok(!proc_is_ancestor(getpid(), st.start_time, child), "a reaped child has no ancestors");
	}

	r = proc_mount_namespace(0, &ino);
	is_int(r, 0, "our mount namespace");
	ok(r == 0 && stat("/proc/self/ns/mnt", &sb) == 0 && ino == (uint64_t)sb.st_ino,
	   "inode equals stat(/proc/self/ns/mnt).st_ino (%llu)", (unsigned long long)ino);
	{
		uint64_t by_pid = 0;

		ok(proc_mount_namespace(getpid(), &by_pid) == 0 && by_pid == ino, "by pid: the same inode");
	}
	is_int(proc_mount_namespace(2147483647, &ino), -ENOENT, "no namespace for a pid that does not exist");
}

int main(void)
{
	test_parse();
	test_self();
	return tap_done();
}
