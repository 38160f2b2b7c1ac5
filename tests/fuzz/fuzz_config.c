/* libFuzzer target: the whole config loader (our scanner, iniparser's
 * reading and the cross-check, every key check) on one arbitrary file,
 * then resolution for root and the record round trip of the result. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "policy.h"
#include "policy_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_record_round_trip(const struct policy *p)
{
	char *first = NULL, *second = NULL, err[POLICY_ERR_MAX];
	size_t first_len, second_len;
	struct policy back;

	if (policy_text_write(p, &first, &first_len) < 0)
		return;
	if (policy_text_read(first, first_len, &back, err, sizeof(err)) < 0)
		abort();  /* we must read back what we wrote */
	if (policy_text_write(&back, &second, &second_len) < 0 || first_len != second_len ||
	    memcmp(first, second, first_len) != 0)
		abort();
	policy_free(&back);
	free(first);
	free(second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct user_info root = { .name = "root", .uid = 0, .gid = 0, .home = "/root",
				  .shell = "/bin/sh", .groups = NULL, .n_groups = 0 };
	char err[POLICY_ERR_MAX];
	struct config config;
	struct policy p;
	int fd;

	fd = memfd_create("fuzz-corral.ini", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fchmod(fd, 0644) < 0 || write(fd, data, size) != (ssize_t)size ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return 0;
	}
	if (config_load_fd(fd, "fuzz.ini", &config) == 0 &&
	    policy_resolve(&config, &root, &p, err, sizeof(err)) == 0) {
		check_record_round_trip(&p);
		policy_free(&p);
	}
	config_free(&config);
	close(fd);
	return 0;
}
