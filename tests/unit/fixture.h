/* The unit tests' fixture (tests/unit/fixture.c, linked into every unit
 * test): a config or a resolved policy straight from INI text. */
#ifndef CORRAL_TEST_FIXTURE_H
#define CORRAL_TEST_FIXTURE_H

#include <stddef.h>

#include "config.h"
#include "policy.h"

/* Loads text as a root-owned 0644 corral.ini (a memfd, shown as "t.ini")
 * into config: config_load_fd's result, or -EIO when the memfd fails. */
int config_from_ini(const char *text, struct config *config);

/* Loads text and resolves it into p for user: policy_resolve's result, or
 * -EIO. Its error goes to err (errlen bytes); with err NULL a failure is
 * shown as a TAP comment "# resolve: ERROR" instead. */
int policy_from_ini(const char *text, const struct user_info *user, struct policy *p, char *err, size_t errlen);

/* A user of the tests: alice, uid and gid 1000, home /home/alice, shell
 * /bin/bash, in her own group only (which NSS need not know). */
extern struct user_info fixture_alice;

#endif
