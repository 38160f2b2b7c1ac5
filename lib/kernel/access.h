/* One file access of a session, decided the way its layers decide it on
 * this kernel: the mount view (hidden fs.deny nodes, read-only and noexec
 * mounts), then the file's own permissions, then Landlock's rules, in the
 * order the kernel checks them. Pure: the plans say what the session gets,
 * the caller says what it found on disk (as the user). */
#ifndef CORRAL_ACCESS_H
#define CORRAL_ACCESS_H

#include <stdbool.h>

#include "keys.h"
#include "mountns.h"
#include "sandbox.h"

enum access_op {
	ACCESS_READ,  /* open a file for reading */
	ACCESS_WRITE, /* open a file for writing, or create it (a directory: EISDIR, as open() has it) */
	ACCESS_EXEC,  /* execve a file */
	ACCESS_LIST,  /* read a directory */
};

/* What the caller found, as the user, in the host's view. */
struct access_facts {
	bool exists;
	bool is_dir;
	bool parent_exists; /* for a path that does not exist */
	bool may_read;      /* the file's permissions (and every directory above) let the user read it */
	bool may_write;     /* ... write it; for a new file: create it in its directory */
	bool may_exec;      /* ... execute it (search a directory) */
};

/* Who decided, in the kernel's order. */
enum access_stage {
	ACCESS_BY_NONE,        /* allowed: no layer refuses */
	ACCESS_BY_MISSING,     /* nothing there (ENOENT, ENOTDIR, EISDIR) */
	ACCESS_BY_VIEW,        /* the session's mount view */
	ACCESS_BY_PERMISSIONS, /* the file's owner and mode: not corral's */
	ACCESS_BY_LANDLOCK,
};

struct access_verdict {
	bool allowed;
	int error; /* 0 when allowed */
	enum access_stage stage;
	enum policy_key key; /* the key whose rule decided; KEY_COUNT: none */
	const char *item;    /* the rule's path (points into the plans), or NULL: none contains it */
	uint64_t right;      /* the Landlock right asked for (LL_FS_*) */
};

/* Decides op on path (absolute, normalised, links resolved). view may be
 * NULL: no mount view. sandbox is the session's plan (sandbox_plan()). */
void access_decide(const struct sandbox_plan *sandbox, const struct mountns_plan *view, enum access_op op,
		   const char *path, const struct access_facts *facts, struct access_verdict *out);

/* The tree of a Landlock rule that grants right at path, or NULL. */
const char *access_landlock_tree(const struct sandbox_plan *sandbox, const char *path, uint64_t right);

#endif
