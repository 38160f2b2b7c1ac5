/* Destination decisions of corral-helper (see destination.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "destination.h"
#include "netpolicy.h"
#include "sock_owner.h"

#define REFUSED ECONNREFUSED /* what a refused connect or send answers */

const struct sockaddr *destination_address(const struct destination *d, socklen_t *len)
{
	if (d->path_fd >= 0) {
		*len = d->via_len;
		return (const struct sockaddr *)&d->via;
	}
	*len = d->raw_len;
	return (const struct sockaddr *)d->raw;
}

void destination_release(struct destination *d)
{
	if (d->path_fd >= 0)
		close(d->path_fd);
	d->path_fd = -1;
}

int socket_take(struct helper *h, const struct seccomp_notif *req, int target_fd, bool full, struct socket_info *out)
{
	socklen_t len = sizeof(int);
	int fd;

	memset(out, 0, sizeof(*out));
	out->fd = -1;
	fd = task_take_fd(&h->tasks, (pid_t)req->pid, target_fd);
	if (fd < 0)
		return fd == -ESRCH ? -ESRCH : fd == -EPERM ? -EPERM : -EBADF;
	/* SO_DOMAIN fails with ENOTSOCK on anything but a socket: no fstat */
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &out->domain, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_TYPE, &out->type, &len) < 0 ||
	    (full && getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &out->protocol, &len) < 0) ||
	    (full && (out->flags = fcntl(fd, F_GETFL)) < 0)) {
		close(fd);
		return -ENOTSOCK;
	}
	out->blocking = !(out->flags & O_NONBLOCK);
	out->fd = fd;
	return 0;
}

int destination_read(const struct seccomp_notif *req, uint64_t addr, uint64_t len, struct destination *out)
{
	int r;

	memset(out, 0, sizeof(*out));
	out->path_fd = -1;
	/* as the kernel: a negative or oversized length is EINVAL */
	if (len > SOCKADDR_MAX)
		return -EINVAL;
	r = process_read((pid_t)req->pid, addr, out->raw, (size_t)len);
	if (r < 0)
		return r == -EPERM ? -EPERM : -EFAULT;
	out->raw_len = (socklen_t)len;
	return sockaddr_parse(out->raw, (size_t)len, &out->info);
}

static void describe_inet(const struct destination *d, char *out, size_t outlen)
{
	char addr[NET_ADDR_TEXT_MAX];
	bool v6;

	if (net_addr_format(&d->info.addr, addr, sizeof(addr)) < 0)
		snprintf(addr, sizeof(addr), "?");
	v6 = strchr(addr, ':') != NULL;
	snprintf(out, outlen, "%s%s%s:%u", v6 ? "[" : "", addr, v6 ? "]" : "", (unsigned)d->info.port);
}

/* Printable form of an abstract name, "@name", escaping what is not. */
static void describe_abstract(const struct destination *d, char *out, size_t outlen)
{
	const unsigned char *name = d->raw + offsetof(struct sockaddr_un, sun_path) + 1;
	size_t len = 1;

	out[0] = '@';
	for (size_t i = 0; i < d->info.abstract_len && len + 5 < outlen; i++) {
		if (name[i] >= 0x21 && name[i] < 0x7f && name[i] != '"' && name[i] != '\\')
			out[len++] = (char)name[i];
		else
			len += (size_t)snprintf(out + len, outlen - len, "\\x%02x", name[i]);
	}
	out[len] = '\0';
}

static int refuse(struct helper *h, const char *op, const struct destination *d, const char *rule, int error)
{
	denials_record(&h->denials, op, d->text, rule, error);
	return -error;
}

static int open_dir_of(pid_t tid, bool absolute)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, absolute ? "root" : "cwd");
	return open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* Resolves sun_path the way the process would (its cwd, its root), but
 * without magic links (the helper may reach other processes' /proc
 * entries that the session may not), and decides on the inode found. */
static int decide_unix_path(struct helper *h, const struct seccomp_notif *req, const char *op, struct destination *d)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	bool absolute = d->info.path[0] == '/';
	char link[64], real[PATH_MAX], rule[NETPOLICY_RULE_MAX];
	struct stat st;
	ssize_t n;
	int dir, fd;

	snprintf(d->text, sizeof(d->text), "%s", d->info.path);
	dir = open_dir_of((pid_t)req->pid, absolute);
	if (dir < 0)
		return refuse(h, op, d, "process not dumpable", EPERM);
	/* the directory is the requester's only if the request is still live
	 * (its thread id may name another task by now) */
	if (!notify_id_valid(h->notify_fd, req->id)) {
		close(dir);
		return -ESRCH;
	}
	if (absolute)
		how.resolve |= RESOLVE_IN_ROOT;
	fd = (int)syscall(SYS_openat2, dir, absolute ? d->info.path + 1 : d->info.path, &how, sizeof(how));
	close(dir);
	if (fd < 0) {
		int error = errno;

		if (error == ELOOP || error == EXDEV)
			return refuse(h, op, d, "magic link or escape from the root", EACCES);
		return -error;
	}
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, real, sizeof(real) - 1);
	if (n <= 0 || fstat(fd, &st) < 0) {
		close(fd);
		return -EACCES;
	}
	real[n] = '\0';
	if (!S_ISSOCK(st.st_mode)) {
		close(fd);
		return -ECONNREFUSED; /* what the kernel says for a non-socket */
	}
	snprintf(d->text, sizeof(d->text), "%.*s", (int)sizeof(d->text) - 1, real);
	if (!live_unix_allowed(h, real, rule, sizeof(rule))) {
		close(fd);
		return refuse(h, op, d, rule, REFUSED);
	}
	/* connect to exactly the inode that was checked */
	memset(&d->via, 0, sizeof(d->via));
	d->via.sun_family = AF_UNIX;
	snprintf(d->via.sun_path, sizeof(d->via.sun_path), "/proc/self/fd/%d", fd);
	d->via_len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(d->via.sun_path) + 1);
	d->path_fd = fd;
	return 0;
}

/* Is the destination one of this host's own addresses? Those reach the
 * host's listeners just as loopback does. The kernel knows: a socket binds
 * only to a local address (or to a broadcast or multicast one, which reach
 * local sockets too). */
static bool destination_is_local(const struct destination *d)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, r;

	memset(&ss, 0, sizeof(ss));
	if (net_addr_is_ipv4(&d->info.addr)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, d->info.addr.bytes + 12, 4);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss, given;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, d->info.addr.bytes, 16);
		/* a link-local address names its interface */
		if (d->info.family == AF_INET6 && d->raw_len >= sizeof(given)) {
			memcpy(&given, d->raw, sizeof(given));
			sin6->sin6_scope_id = given.sin6_scope_id;
		}
		len = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	r = bind(fd, (struct sockaddr *)&ss, len) == 0 || errno == EADDRINUSE;
	close(fd);
	return r;
}

static bool is_local(void *data)
{
	return destination_is_local(data);
}

static int decide_inet(struct helper *h, const struct socket_info *sock, const char *op, struct destination *d)
{
	enum net_proto proto = netpolicy_socket_proto(sock->type, sock->protocol);
	struct netpolicy_result result;

	/* the text is for the denial log: made for a refusal only */
	if (!proto) {
		describe_inet(d, d->text, sizeof(d->text));
		return refuse(h, op, d, "socket type", EPROTONOSUPPORT);
	}
	live_decide_inet(h, proto, &d->info.addr, d->info.port, is_local, d, &result);
	if (result.verdict == NETPOLICY_ALLOW)
		return 0;
	describe_inet(d, d->text, sizeof(d->text));
	return refuse(h, op, d, result.rule, REFUSED);
}

/* udp_sendmsg() reads an AF_UNSPEC name as AF_INET (BSD compatibility):
 * a send with one on an IPv4 datagram socket goes where its address bytes
 * say, and is decided so. */
static int decide_unspec_send(struct helper *h, const struct socket_info *sock, const char *op, struct destination *d)
{
	unsigned char as_inet[SOCKADDR_MAX];
	sa_family_t family = AF_INET;

	if (d->raw_len < sizeof(struct sockaddr_in))
		return -EINVAL; /* as the kernel answers */
	memcpy(as_inet, d->raw, d->raw_len);
	memcpy(as_inet, &family, sizeof(family));
	if (sockaddr_parse(as_inet, d->raw_len, &d->info) < 0 || d->info.kind != SOCKADDR_INET)
		return -EINVAL;
	return decide_inet(h, sock, op, d);
}

int destination_decide(struct helper *h, const struct seccomp_notif *req, const struct socket_info *sock,
		       const char *op, struct destination *d)
{
	switch (d->info.kind) {
	case SOCKADDR_INET:
		if (sock->domain != AF_INET && sock->domain != AF_INET6)
			return -EINVAL;
		return decide_inet(h, sock, op, d);
	case SOCKADDR_UNIX_PATH:
		if (sock->domain != AF_UNIX)
			return -EINVAL;
		return decide_unix_path(h, req, op, d);
	case SOCKADDR_UNIX_ABSTRACT: {
		char rule[NETPOLICY_RULE_MAX];

		describe_abstract(d, d->text, sizeof(d->text));
		return live_abstract_unix_allowed(h, rule, sizeof(rule)) ? 0 : refuse(h, op, d, rule, REFUSED);
	}
	case SOCKADDR_UNIX_UNNAMED:
		return -EINVAL;
	case SOCKADDR_UNSPEC:
		if (sock->domain == AF_INET && sock->type == SOCK_DGRAM && strcmp(op, "connect") != 0)
			return decide_unspec_send(h, sock, op, d);
		return 0; /* connect: dissolves the association */
	case SOCKADDR_NETLINK_KERNEL:
		return 0;
	default:
		snprintf(d->text, sizeof(d->text), "family %d", d->info.family);
		return refuse(h, op, d, "address family", EAFNOSUPPORT);
	}
}
