/*
 * The listing tests' fixture (test_list.c), in a fresh directory under
 * /tmp: root, the DIRECTORY of most requests, with odd names, symlinks
 * inside, outside and dangling, a FIFO, a hard link and fixed times; and
 * deep, a tree deeper than the listing's descriptor budget, with a
 * directory of more entries than one getdents buffer holds.  Failures are
 * reported with Check's assertions.
 */
#ifndef RSHELL_TEST_LISTTREE_H
#define RSHELL_TEST_LISTTREE_H

#include <limits.h>
#include <stddef.h>

/* snprintf into an array, failing the test on truncation */
#define PATHF(buf, ...)	ck_assert_int_lt(snprintf((buf), sizeof(buf), \
			    __VA_ARGS__), (int)sizeof(buf))

struct lt_tree {
	char	top[PATH_MAX];	/* mkdtemp; holds root and deep */
	char	root[PATH_MAX];
	char	deep[PATH_MAX];	/* "" until lt_deep */
};

/* One entry of root; names with a '/' are inside a directory entry. */
struct lt_node {
	const char	*name;
	char		 type;		/* f file, d dir, l symlink, p FIFO,
					   h hard link to target */
	size_t		 size;
	int		 recent;
	const char	*target;
};

extern const struct lt_node	lt_nodes[];
extern const size_t		lt_nnodes;

/* top and root (and sets TZ=UTC, as the times are compared in it). */
void	lt_root(struct lt_tree *t);
/* deep, beside root. */
void	lt_deep(struct lt_tree *t);
void	lt_remove(struct lt_tree *t);

#endif
