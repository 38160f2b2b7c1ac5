/* The unit tests' fixture: see fixture.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

/* text in a root-owned (our own) 0644 memfd, at its start; -1 on failure */
static int ini_fd(const char *text)
{
	int fd = memfd_create("corral-test.ini", MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fchmod(fd, 0644) < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

int config_from_ini(const char *text, struct config *config)
{
	int fd = ini_fd(text), r;

	if (fd < 0)
		return -EIO;
	r = config_load_fd(fd, "t.ini", config);
	close(fd);
	return r;
}

int policy_from_ini(const char *text, const struct user_info *user, struct policy *p, char *err, size_t errlen)
{
	char own[POLICY_ERR_MAX] = "";
	struct config config;
	int fd = ini_fd(text), r;

	if (fd < 0)
		return -EIO;
	if (!err) {
		err = own;
		errlen = sizeof(own);
	}
	config_load_fd(fd, "t.ini", &config); /* errors: policy_resolve refuses the config */
	close(fd);
	r = policy_resolve(&config, user, p, err, errlen);
	config_free(&config);
	if (r < 0 && err == own)
		printf("# resolve: %s\n", own);
	return r;
}

static gid_t fixture_alice_groups[] = { 1000 };
struct user_info fixture_alice = {
	.name = "alice",
	.uid = 1000,
	.gid = 1000,
	.home = "/home/alice",
	.shell = "/bin/bash",
	.groups = fixture_alice_groups,
	.n_groups = 1,
};
