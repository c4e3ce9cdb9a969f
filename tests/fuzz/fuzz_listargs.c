/*
 * libFuzzer harness for the listings' arguments (policy/listargs.c):
 * list_parse, then list_pin in a generated tree (tests/pathprop.c: files,
 * directories and symlinks inside, outside, dangling and looping).
 *
 * Byte 0 picks the command (ls, du, df); the rest, split on NUL bytes,
 * are the words after the verb.  Oracles, any failure traps:
 * - list_parse accepts exactly the flags of the command's grammar, keeps
 *   every operand in order (words after "--", "-" and words that do not
 *   start with "-"), names "." when there is none (ls, du), and fails
 *   with a one-line reason and nothing held;
 * - list_pin refuses with a reason every operand with a ".." component, and every
 *   descriptor it holds leads beneath DIRECTORY: for an operand that is
 *   not a symlink, to exactly the path named (realpath(3) of
 *   DIRECTORY/operand);
 * - no descriptor is left open after list_req_free.
 *
 *	make tests/fuzz/fuzz_listargs
 *	tests/fuzz/fuzz_listargs -max_total_time=60 tests/fuzz/corpus/fuzz_listargs
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "listargs.h"
#include "pathprop.h"

#define MAXW	(LIST_MAXOPS + 8)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct pp_tree tree;
static int rootfd = -1;
static const char *const verbs[] = { "ls", "du", "df" };
static const char *const flags[] = { "aAlhRd1tr", "shkac", "hk" };

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (pp_tree_make_once(&tree, 1) == -1 ||
	    (rootfd = confine_root(tree.dir, err, sizeof(err))) == -1) {
		fprintf(stderr, "fuzz_listargs: cannot make the tree\n");
		exit(1);
	}
	return 0;
}

/* What list_parse must have made of v (the words after the verb). */
static void
check_parse(int cmd, char *const *v, size_t n, const struct list_req *req)
{
	size_t i, k = 0;
	const char *p;
	int dd = 0;

	if (req->cmd != cmd || strcmp(req->name, verbs[cmd]) != 0)
		__builtin_trap();
	for (i = 1; i < n; i++) {
		if (!dd && strcmp(v[i], "--") == 0) {
			dd = 1;
			continue;
		}
		if (!dd && v[i][0] == '-' && v[i][1] != '\0') {
			for (p = v[i] + 1; *p != '\0'; p++)
				if (strchr(flags[cmd], *p) == NULL)
					__builtin_trap();
			continue;
		}
		if (cmd == LC_DF || k >= req->nops ||
		    strcmp(req->ops[k++].name, v[i]) != 0)
			__builtin_trap();
	}
	if (k == 0 && cmd != LC_DF)
		k = strcmp(req->ops[0].name, ".") == 0 ? 1 : (size_t)-1;
	if (req->nops != k)
		__builtin_trap();
	if ((req->flags & (LF_ALL | LF_ALMOST)) == (LF_ALL | LF_ALMOST) ||
	    (cmd == LC_DU && (req->flags & (LF_SUM | LF_ALL)) == (LF_SUM |
	    LF_ALL)))
		__builtin_trap();
	for (i = 0; i < req->nops; i++)
		if (req->ops[i].fd != -1)
			__builtin_trap();
}

/* The path an operand names, as DIRECTORY/REL (a "~" prefix is DIRECTORY). */
static void
named(const char *op, char *out, size_t len)
{
	if (strcmp(op, "~") == 0)
		op = "";
	else if (strncmp(op, "~/", 2) == 0)
		op += 2;
	snprintf(out, len, "%s/%s", tree.dir, op);
}

static void
check_pinned(const struct list_req *req)
{
	char path[PATH_MAX + 16], want[PATH_MAX], got[PATH_MAX];
	const struct list_operand *op;
	size_t i, tl = strlen(tree.real);
	ssize_t n;

	for (i = 0; i < req->nops; i++) {
		op = &req->ops[i];
		if (pp_has_dotdot(op->name))
			__builtin_trap();
		if (op->fd == -1) {
			if (op->missing == 0)
				__builtin_trap();
			continue;
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", op->fd);
		if ((n = readlink(path, got, sizeof(got) - 1)) == -1)
			__builtin_trap();
		got[n] = '\0';
		if (strncmp(got, tree.real, tl) != 0 || (got[tl] != '\0' &&
		    got[tl] != '/'))
			__builtin_trap();
		if (S_ISLNK(op->st.st_mode))
			continue;
		named(op->name, path, sizeof(path));
		if (realpath(path, want) != NULL && strcmp(want, got) != 0) {
			fprintf(stderr, "fuzz_listargs: %s is %s, not %s\n",
			    op->name, got, want);
			__builtin_trap();
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *v[MAXW + 1], *buf, *p, *end, err[512];
	struct list_req req;
	size_t n = 1, before;
	int cmd, rv;

	if (size < 1)
		return 0;
	cmd = data[0] % 3;
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	v[0] = (char *)verbs[cmd];
	for (p = buf, end = buf + size - 1; size > 1 && n < MAXW;
	    p += strlen(p) + 1) {
		v[n++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	v[n] = NULL;
	before = pp_open_fds();
	err[0] = '\0';
	if (list_parse(cmd, v, n, &req, err, sizeof(err)) == -1) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL ||
		    req.ops != NULL || req.nops != 0)
			__builtin_trap();
		goto out;
	}
	check_parse(cmd, v, n, &req);
	err[0] = '\0';
	rv = list_pin(rootfd, &req, err, sizeof(err));
	if (rv == 0)
		check_pinned(&req);
	else if (err[0] == '\0')	/* may name a control byte: requests
					   cannot hold one (words_split) */
		__builtin_trap();
	list_req_free(&req);
out:
	if (pp_open_fds() != before)
		__builtin_trap();
	free(buf);
	return 0;
}
