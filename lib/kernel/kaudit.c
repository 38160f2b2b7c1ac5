/* NETLINK_AUDIT: AUDIT_GET and AUDIT_SET of the enabled flag (see kaudit.h). */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kaudit.h"

#define KAUDIT_REPLY_MAX 8192
#define KAUDIT_TRIES 8 /* replies read before giving up on ours */

struct kaudit_request {
	struct nlmsghdr header;
	struct audit_status status;
};

/* Sends one request and reads replies until the one that answers it:
 * its status (AUDIT_GET) or its acknowledgement. */
static int exchange(uint16_t type, const struct audit_status *set, struct audit_status *got)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct kaudit_request req;
	char reply[KAUDIT_REPLY_MAX] __attribute__((aligned(NLMSG_ALIGNTO)));
	int fd, r = -EIO;

	memset(&req, 0, sizeof(req));
	req.header.nlmsg_type = type;
	req.header.nlmsg_seq = 1;
	req.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.header.nlmsg_len = set ? sizeof(req) : NLMSG_LENGTH(0);
	if (set)
		req.status = *set;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	if (sendto(fd, &req, req.header.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		r = -errno;
		goto out;
	}
	for (int i = 0; i < KAUDIT_TRIES; i++) {
		ssize_t n = recv(fd, reply, sizeof(reply), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)reply;

		if (n < 0) {
			r = -errno;
			goto out;
		}
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != req.header.nlmsg_seq)
				continue;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					r = -EIO;
					goto out;
				}
				/* a GET is answered with its status, then the ack */
				if (e->error < 0 || !got) {
					r = e->error;
					goto out;
				}
				continue;
			}
			if (h->nlmsg_type == AUDIT_GET && got) {
				memset(got, 0, sizeof(*got));
				/* an older kernel's status is shorter */
				size_t len = h->nlmsg_len - NLMSG_LENGTH(0);

				memcpy(got, NLMSG_DATA(h), len < sizeof(*got) ? len : sizeof(*got));
				r = 0;
				goto out;
			}
		}
	}
out:
	close(fd);
	return r;
}

int kaudit_status(struct kaudit_status *out)
{
	struct audit_status status;
	int r = exchange(AUDIT_GET, NULL, &status);

	if (r < 0)
		return r;
	out->enabled = status.enabled;
	out->daemon_pid = status.pid;
	return 0;
}

int kaudit_set_enabled(uint32_t enabled)
{
	struct audit_status set = { .mask = AUDIT_STATUS_ENABLED, .enabled = enabled };

	return exchange(AUDIT_SET, &set, NULL);
}
