/* One file access decided as the session's layers decide it: the mount
 * view first (path walk, then the mount's flags), the file's permissions,
 * then Landlock (its hooks run after both). */
#include <errno.h>
#include <string.h>

#include "access.h"
#include "landlock.h"
#include "pathutil.h"

const char *access_landlock_tree(const struct sandbox_plan *sandbox, const char *path, uint64_t right)
{
	for (size_t i = 0; i < sandbox->n_paths; i++)
		if ((sandbox->paths[i].access & right) && path_is_inside(path, sandbox->paths[i].path))
			return sandbox->paths[i].path;
	return NULL;
}

static void verdict(struct access_verdict *out, int error, enum access_stage stage, enum policy_key key,
		    const char *item)
{
	out->allowed = error == 0;
	out->error = error;
	out->stage = stage;
	out->key = key;
	out->item = item;
}

static const char *first_containing(const struct strlist *trees, const char *path)
{
	for (size_t i = 0; i < trees->count; i++)
		if (path_is_inside(path, trees->items[i]))
			return trees->items[i];
	return NULL;
}

/* The directory a new file goes into. */
static void parent_of(const char *path, char *out, size_t outlen)
{
	const char *slash = strrchr(path, '/');
	size_t len = slash && slash != path ? (size_t)(slash - path) : 1;

	if (len >= outlen)
		len = outlen - 1;
	memcpy(out, path, len);
	out[len] = '\0';
}

/* The mount's flags: read-only but fs.write, noexec but fs.exec. */
static bool view_refuses(const struct mountns_plan *view, enum access_op op, const char *path,
			 struct access_verdict *out)
{
	if (op == ACCESS_WRITE && view->read_only && !first_containing(&view->writable, path) &&
	    !first_containing(&view->writable_top, path)) {
		verdict(out, EROFS, ACCESS_BY_VIEW, KEY_FS_WRITE, NULL);
		return true;
	}
	if (op == ACCESS_EXEC && view->no_exec && !first_containing(&view->exec, path) &&
	    !first_containing(&view->loader, path)) {
		verdict(out, EACCES, ACCESS_BY_VIEW, KEY_FS_EXEC, NULL);
		return true;
	}
	return false;
}

static bool permissions_refuse(enum access_op op, const struct access_facts *facts, struct access_verdict *out)
{
	bool may = op == ACCESS_READ || op == ACCESS_LIST ? facts->may_read
		: op == ACCESS_WRITE                      ? facts->may_write
							  : facts->may_exec;

	if (!may)
		verdict(out, EACCES, ACCESS_BY_PERMISSIONS, KEY_COUNT, NULL);
	return !may;
}

static void landlock_decides(const struct sandbox_plan *sandbox, enum access_op op, const char *path,
			     const struct access_facts *facts, struct access_verdict *out)
{
	static const enum policy_key key_of[] = {
		[ACCESS_READ] = KEY_FS_READ,
		[ACCESS_WRITE] = KEY_FS_WRITE,
		[ACCESS_EXEC] = KEY_FS_EXEC,
		[ACCESS_LIST] = KEY_FS_READ,
	};
	char parent[PATHUTIL_PATH_MAX];
	const char *where = path, *tree;
	uint64_t right = op == ACCESS_READ ? LL_FS_READ_FILE
		: op == ACCESS_LIST        ? LL_FS_READ_DIR
		: op == ACCESS_EXEC        ? LL_FS_EXECUTE
					   : LL_FS_WRITE_FILE;

	if (op == ACCESS_WRITE && !facts->exists) {
		/* a new file: MAKE_REG on the directory it goes into */
		right = LL_FS_MAKE_REG;
		parent_of(path, parent, sizeof(parent));
		where = parent;
	}
	out->right = right;
	if (!(sandbox->handled.fs & right)) {
		verdict(out, 0, ACCESS_BY_NONE, key_of[op], NULL);
		return;
	}
	tree = access_landlock_tree(sandbox, where, right);
	verdict(out, tree ? 0 : EACCES, tree ? ACCESS_BY_NONE : ACCESS_BY_LANDLOCK, key_of[op], tree);
}

void access_decide(const struct sandbox_plan *sandbox, const struct mountns_plan *view, enum access_op op,
		   const char *path, const struct access_facts *facts, struct access_verdict *out)
{
	const char *hidden;

	memset(out, 0, sizeof(*out));
	out->key = KEY_COUNT;
	/* opening a directory for writing is EISDIR before any permission
	 * check, a covered one too (unless the walk meets a cover above it) */
	if (facts->exists && facts->is_dir && op == ACCESS_WRITE) {
		hidden = view && view->needed ? first_containing(&view->hidden, path) : NULL;
		if (!hidden || strcmp(hidden, path) == 0) {
			verdict(out, EISDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL);
			return;
		}
	}
	/* the path walk meets the inaccessible node before anything else */
	if (view && view->needed && (hidden = first_containing(&view->hidden, path)) != NULL) {
		verdict(out, EACCES, ACCESS_BY_VIEW, KEY_FS_DENY, hidden);
		return;
	}
	if (!facts->exists && (op != ACCESS_WRITE || !facts->parent_exists)) {
		verdict(out, ENOENT, ACCESS_BY_MISSING, KEY_COUNT, NULL);
		return;
	}
	if (facts->exists && op == ACCESS_LIST && !facts->is_dir) {
		verdict(out, ENOTDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL);
		return;
	}
	if (facts->exists && facts->is_dir && (op == ACCESS_EXEC || op == ACCESS_READ)) {
		verdict(out, op == ACCESS_EXEC ? EACCES : EISDIR, ACCESS_BY_MISSING, KEY_COUNT, NULL);
		return;
	}
	/* an existing file: its permissions before the mount's read-only
	 * flag; a new one: the flag first (the kernel takes write access to
	 * the mount before it looks at the directory) */
	if (facts->exists && op == ACCESS_WRITE && permissions_refuse(op, facts, out))
		return;
	if (view && view->needed && view_refuses(view, op, path, out))
		return;
	if (op == ACCESS_WRITE && facts->exists) {
		landlock_decides(sandbox, op, path, facts, out);
		return;
	}
	if (op == ACCESS_WRITE) {
		/* Landlock's MAKE_REG hook runs before the directory's permissions */
		landlock_decides(sandbox, op, path, facts, out);
		if (!out->allowed)
			return;
		if (permissions_refuse(op, facts, out))
			return;
		landlock_decides(sandbox, op, path, facts, out);
		return;
	}
	if (permissions_refuse(op, facts, out))
		return;
	landlock_decides(sandbox, op, path, facts, out);
}
