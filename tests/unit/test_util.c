/* Unit tests of lib/util/util.c: whole reads and writes (through a signal that
 * interrupts them), array growth and its limits, set_err. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void test_read_write(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: read() fails with EINTR */
	struct itimerval tick = { .it_value = { .tv_usec = 20000 } };
	char buf[64] = "";
	size_t done = 99;
	int p[2];
	pid_t writer;

	if (pipe(p) < 0) {
		ok(0, "pipe");
		return;
	}
	is_int(write_all(p[1], "hello", 5), 0, "write_all: 0");
	close(p[1]);
	is_int(read_all(p[0], buf, sizeof(buf), &done), 0, "read_all to end of file: 0");
	is_int(done, 5, "with what there was");
	ok(memcmp(buf, "hello", 5) == 0, "the bytes written");
	close(p[0]);

	if (pipe(p) < 0)
		return;
	sigaction(SIGALRM, &sa, NULL);
	writer = fork();
	if (writer == 0) {
		usleep(100000); /* the reader is blocked, and interrupted, by now */
		_exit(write_all(p[1], "abcdef", 6) == 0 ? 0 : 1);
	}
	close(p[1]);
	setitimer(ITIMER_REAL, &tick, NULL);
	is_int(read_all(p[0], buf, 4, &done), 0, "read_all through a signal: 0");
	is_int(done, 4, "stops at len");
	ok(alarms > 0, "the signal did interrupt it");
	ok(memcmp(buf, "abcd", 4) == 0, "and the bytes are right");
	waitpid(writer, NULL, 0);
	close(p[0]);

	is_int(read_all(-1, buf, 4, &done), -EBADF, "read_all: -errno");
	is_int(done, 0, "nothing read");
	is_int(write_all(-1, "x", 1), -EBADF, "write_all: -errno");
}

static void test_array(void)
{
	int *items = NULL;
	size_t capacity = 0;

	is_int(ARRAY_RESERVE(items, capacity, 1, 8), 0, "reserve from nothing");
	is_int(capacity, 8, "the initial capacity");
	items[7] = 7;
	is_int(ARRAY_RESERVE(items, capacity, 8, 8), 0, "enough already");
	is_int(capacity, 8, "unchanged");
	is_int(ARRAY_RESERVE(items, capacity, 9, 8), 0, "one more");
	is_int(capacity, 16, "doubles");
	is_int(items[7], 7, "keeps what was there");
	is_int(ARRAY_RESERVE(items, capacity, 100, 8), 0, "many more");
	is_int(capacity, 128, "doubles until it fits");
	is_int(array_reserve(&items, &capacity, 200, sizeof(*items), 8, 200), -EFBIG, "past the limit: -EFBIG");
	is_int(capacity, 128, "and unchanged");
	is_int(ARRAY_RESERVE(items, capacity, SIZE_MAX / 2, 8), -ENOMEM, "an impossible size: -ENOMEM");
	is_int(capacity, 128, "and unchanged");
	free(items);

	items = NULL;
	capacity = 0;
	is_int(ARRAY_RESERVE(items, capacity, 3, 0), 0, "no initial size: starts at 1");
	is_int(capacity, 4, "and doubles");
	free(items);
}

static void test_set_err(void)
{
	char err[16];

	is_int(set_err(err, sizeof(err), -EPERM, "no %s", "way"), -EPERM, "set_err returns the error");
	is_str(err, "no way", "and formats the reason");
	set_err(err, sizeof(err), -EINVAL, "%s", "a reason longer than the buffer");
	is_int(strlen(err), sizeof(err) - 1, "truncated to the buffer");
}

int main(void)
{
	test_read_write();
	test_array();
	test_set_err();
	return tap_done();
}
