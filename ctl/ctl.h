/* corralctl's subcommands: each takes the arguments after its name. */
#ifndef CORRAL_CTL_H
#define CORRAL_CTL_H

/* Exit codes shared by the subcommands. */
#define CTL_EXIT_OK 0
#define CTL_EXIT_INVALID 1
#define CTL_EXIT_NO_USER 2
#define CTL_EXIT_USAGE 64

int ctl_check(int argc, char **argv);
int ctl_explain(int argc, char **argv);
int ctl_run(int argc, char **argv);
int ctl_sessions(int argc, char **argv);
int ctl_audit(int argc, char **argv);
int ctl_user_manager(int argc, char **argv);
int ctl_denials(int argc, char **argv);
int ctl_why(int argc, char **argv);
/* grants and requests (ctl/grant.c, ctl/request.c) */
int ctl_grant(int argc, char **argv);
int ctl_grants(int argc, char **argv);
int ctl_revoke(int argc, char **argv);
int ctl_request(int argc, char **argv);
int ctl_requests(int argc, char **argv);
int ctl_approve(int argc, char **argv);
int ctl_refuse(int argc, char **argv);
int ctl_apply(int argc, char **argv);

/* "--landlock-abi N" of check and explain: the table for a kernel with
 * Landlock ABI N (0: none) instead of this one. 0 or -EINVAL. */
int ctl_parse_abi(const char *text, int *abi);

/* Prints every diagnostic of a loaded config, one "FILE:LINE: level: ..."
 * line each, to stream. */
struct config;
#include <stdio.h>
void ctl_print_diags(const struct config *config, FILE *stream);

#endif
