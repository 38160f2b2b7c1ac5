/* File descriptors handed into a confined session from outside: a process
 * of the same user that is not confined listens on a unix socket in the
 * home and sends, for each request "MODE PATH\n" (MODE r or w), an fd it
 * opened itself (SCM_RIGHTS), or the errno name when it could not open it.
 *
 *   fdpass serve SOCKET          the unconfined side (runs until killed)
 *   fdpass get SOCKET MODE PATH  the session side: asks for PATH and uses the
 *                                fd it receives: reads a byte (r) or writes
 *                                nothing at the end (w). Prints ok, the errno
 *                                of the use, "connect:ERR", or "sender:ERR"
 *                                when the sender could not open PATH either.
 */
#include "common.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>

static int unix_address(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -1;
	strcpy(sun->sun_path, path);
	return 0;
}

static void send_answer(int c, int fd, const char *text)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		struct cmsghdr *cm;

		memset(control, 0, sizeof(control));
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	(void)sendmsg(c, &msg, MSG_NOSIGNAL);
}

static int serve(const char *path)
{
	struct sockaddr_un sun;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || unix_address(path, &sun) < 0)
		return 1;
	unlink(path);
	if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(s, 16) < 0) {
		perror("fdpass serve");
		return 1;
	}
	for (;;) {
		char request[4200], answer[64];
		ssize_t n;
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC), fd;

		if (c < 0)
			continue;
		n = read(c, request, sizeof(request) - 1);
		if (n > 2) {
			request[n] = '\0';
			request[strcspn(request, "\n")] = '\0';
			fd = open(request + 2, (request[0] == 'w' ? O_WRONLY | O_APPEND : O_RDONLY) | O_CLOEXEC);
			snprintf(answer, sizeof(answer), "%s", fd < 0 ? err_name(errno) : "fd");
			send_answer(c, fd, answer);
			if (fd >= 0)
				close(fd);
		}
		close(c);
	}
}

static int get(const char *path, const char *mode, const char *file)
{
	char control[CMSG_SPACE(sizeof(int))], text[64] = "", request[4200];
	struct iovec iov = { .iov_base = text, .iov_len = sizeof(text) - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			      .msg_controllen = sizeof(control) };
	struct sockaddr_un sun;
	struct cmsghdr *cm;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), fd = -1;
	char c;

	if (s < 0 || unix_address(path, &sun) < 0)
		return report(-1);
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		printf("connect:");
		return report(-1);
	}
	snprintf(request, sizeof(request), "%s %s\n", mode, file);
	if (write(s, request, strlen(request)) < 0 || recvmsg(s, &msg, MSG_CMSG_CLOEXEC) < 0)
		return report(-1);
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (fd < 0) {
		printf("sender:%s\n", text);
		return 0;
	}
	if (mode[0] == 'w')
		return report(write(fd, "", 0));
	return report(read(fd, &c, 1));
}

int main(int argc, char **argv)
{
	const char *op = ARG(1);

	if (OP("serve"))
		return serve(ARG(2));
	if (OP("get"))
		return get(ARG(2), ARG(3), ARG(4));
	return usage("fdpass", op);
}
