/* corralctl why: one access of a user, decided by the layers a login of
 * that user would have on this host, with every rule that contributed.
 * `why` prints it; `denials` uses it to name the rule behind a denial. */
#ifndef CORRAL_WHY_H
#define CORRAL_WHY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "layers.h"
#include "netrule.h"
#include "pathutil.h"
#include "policy.h"

#define WHY_RULES_MAX 16
#define WHY_TEXT_MAX 512
#define WHY_NOTES_MAX 1024

enum why_op {
	WHY_READ,
	WHY_WRITE,
	WHY_EXEC,
	WHY_LIST,
	WHY_CONNECT, /* target: [tcp://|udp://]HOST:PORT */
	WHY_BIND,    /* target: a TCP port */
	WHY_UNIX,    /* target: the path of a unix socket */
	WHY_SIGNAL,  /* target: "outside" */
	WHY_COMMAND, /* target: the command line, as ssh would pass it */
};

/* One rule that contributed: "fs.write", "/home/alice",
 * "[group:students] /etc/corral/corral.ini:28". An empty origin is a
 * default or corral's own rule (the note says which). */
struct why_rule {
	char key[40];
	char value[WHY_TEXT_MAX];
	char origin[WHY_TEXT_MAX];
};

struct why_answer {
	bool allowed;
	int error;                      /* what the program sees when refused: EACCES, EROFS, ... */
	unsigned by;                    /* enum enforcer bits of the layer that decides */
	char layer[160];                /* "Landlock ABI 7", "mount view", "corral-helper", ... */
	char target[PATHUTIL_PATH_MAX]; /* the path after the links the session follows, the address */
	struct why_rule rules[WHY_RULES_MAX];
	size_t n_rules;
	char notes[WHY_NOTES_MAX]; /* "; "-separated: links not followed, DAC, host notes */
};

/* "read" -> WHY_READ ...; -EINVAL for an unknown name. */
int why_op_parse(const char *name, enum why_op *op);
const char *why_op_name(enum why_op op);

/* "[tcp://|udp://]HOST:PORT" (HOST a name, an IP or "[IPv6]") into proto,
 * host (hostlen bytes) and port. 0 or -EINVAL. Pure. */
int why_destination_parse(const char *text, enum net_proto *proto, char *host, size_t hostlen, uint16_t *port);

/* "[group:students] /etc/corral/corral.ini:28" becomes
 * "/etc/corral/corral.ini:28 [group:students]" in place: the line first,
 * as an editor takes it; a list of origins (", ") is turned item by item,
 * a '+'/'-' edit mark stays before its section. Pure. */
void why_origin_line_first(char *origin, size_t len);

/* Decides one access of the policy's user on host (as a login would have
 * it: host_layers_probe(0, true, true, ...)). Looks at the filesystem
 * (links, permissions as the user) and the resolver for host names; does
 * not change anything. 0 with the answer; -EINVAL for a malformed target
 * (reason in the answer's notes); -ENOMEM. */
int why_decide(const struct policy *policy, const struct host_layers *host, enum why_op op, const char *target,
	       struct why_answer *out);

#endif
