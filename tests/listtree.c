/* The listing tests' fixture trees (listtree.h). */
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "list_fmt.h"
#include "listtree.h"

#define OLD_TIME	1577934245	/* 2020-01-02 03:04:05 UTC */
#define DEEP		100		/* levels in the deep tree */
#define A1_ENTRIES	500		/* entries of deep/a1 */
#define A1_NAMELEN	120		/* bytes of each of their names */
/* each takes a getdents64 record of 19 bytes, the name and its NUL,
   rounded up to 8: */
#define A1_RECLEN	((19 + A1_NAMELEN + 1 + 7) / 8 * 8)
_Static_assert(A1_ENTRIES * A1_RECLEN > 2 * LIST_DENTBUF,
    "deep/a1 must fill more than two getdents buffers");

const struct lt_node lt_nodes[] = {
	{ "a", 'f', 1, 1, NULL },
	{ "big", 'f', 5000, 0, NULL },
	{ "sp ace", 'f', 10, 1, NULL },
	{ "new\nline", 'f', 3, 1, NULL },
	{ "esc\033[31mred", 'f', 4, 0, NULL },
	{ "tab\there", 'f', 5, 1, NULL },
	{ "caf\xc3\xa9", 'f', 2, 1, NULL },
	{ "bad\xffname", 'f', 0, 1, NULL },
	{ "back\\slash", 'f', 0, 1, NULL },
	{ ".hidden", 'f', 7, 1, NULL },
	{ "sub", 'd', 0, 1, NULL },
	{ "sub/f", 'f', 100, 0, NULL },
	{ "sub/deep", 'd', 0, 0, NULL },
	{ "sub/deep/g", 'f', 20000, 1, NULL },
	{ "inlink", 'l', 0, 1, "sub" },
	{ "outlink", 'l', 0, 1, "/etc" },
	{ "uplink", 'l', 0, 0, "../" },
	{ "dangling", 'l', 0, 1, "nowhere" },
	{ "fifo", 'p', 0, 1, NULL },
	{ "hard", 'h', 0, 1, "big" },
};

const size_t lt_nnodes = NROWS(lt_nodes);

static void
make_node(const char *dir, const struct lt_node *n)
{
	char path[PATH_MAX], tpath[PATH_MAX];
	char *data;
	int fd;

	PATHF(path, "%s/%s", dir, n->name);
	switch (n->type) {
	case 'f':
		ck_assert_int_ne(fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
		    0644), -1);
		ck_assert_ptr_nonnull(data = malloc(n->size + 1));
		memset(data, 'x', n->size);
		ck_assert_int_eq(write(fd, data, n->size), (ssize_t)n->size);
		free(data);
		close(fd);
		break;
	case 'd':
		ck_assert_int_eq(mkdir(path, 0755), 0);
		break;
	case 'l':
		ck_assert_int_eq(symlink(n->target, path), 0);
		break;
	case 'p':
		ck_assert_int_eq(mkfifo(path, 0644), 0);
		break;
	case 'h':
		PATHF(tpath, "%s/%s", dir, n->target);
		ck_assert_int_eq(link(tpath, path), 0);
		break;
	}
}

/* Fixed times, children before their directories. */
static void
set_times(const char *dir, const struct lt_node *v, size_t n, time_t now)
{
	struct timespec ts[2];
	char path[PATH_MAX];
	size_t i;

	for (i = n; i-- > 0;) {
		if (v[i].type == 'h')
			continue;
		PATHF(path, "%s/%s", dir, v[i].name);
		ts[0].tv_sec = ts[1].tv_sec = v[i].recent ?
		    now - 86400 - (time_t)i * 600 : OLD_TIME + (time_t)i;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		ck_assert_int_eq(utimensat(AT_FDCWD, path, ts,
		    AT_SYMLINK_NOFOLLOW), 0);
	}
	ts[0].tv_sec = ts[1].tv_sec = now - 3600;
	ck_assert_int_eq(utimensat(AT_FDCWD, dir, ts, 0), 0);
}

static void
make_file(const char *path, size_t size)
{
	struct lt_node n = { "", 'f', size, 1, NULL };
	char p[PATH_MAX];

	PATHF(p, "%s", path);
	n.name = p;
	make_node("", &n);
}

/*
 * a0..a4; a2 holds a chain d/d/... DEEP levels, each with f and z/g; a1
 * holds more entries than one getdents buffer, subdirectories among them,
 * so that du must resume reading a1 after each one.
 */
void
lt_deep(struct lt_tree *t)
{
	char path[PATH_MAX], p[PATH_MAX + 8], *deep = t->deep;
	size_t len;
	int i;

	PATHF(t->deep, "%s/deep", t->top);
	ck_assert_int_eq(mkdir(deep, 0755), 0);
	for (i = 0; i < 5; i++) {
		PATHF(path, "%s/a%d", deep, i);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		PATHF(p, "%s/x", path);
		make_file(p, 10 * (size_t)i);
	}
	/* long names: a few hundred entries fill the buffer twice over */
	for (i = 0; i < A1_ENTRIES; i++) {
		PATHF(p, "%s/a1/%s%04d-%0*d", deep, i % 25 == 12 ? "s" : "x",
		    i, A1_NAMELEN - 6, 0);
		if (i % 25 == 12) {
			ck_assert_int_eq(mkdir(p, 0755), 0);
			PATHF(p, "%s/a1/s%04d-%0*d/y", deep, i, A1_NAMELEN - 6,
			    0);
		}
		make_file(p, (size_t)i);
	}
	PATHF(path, "%s/a2", deep);
	for (i = 0; i < DEEP; i++) {
		len = strlen(path);
		ck_assert_uint_lt(len + 3, sizeof(path));
		memcpy(path + len, "/d", 3);
		ck_assert_int_eq(mkdir(path, 0755), 0);
		PATHF(p, "%s/f", path);
		make_file(p, 1);
		PATHF(p, "%s/z", path);
		ck_assert_int_eq(mkdir(p, 0755), 0);
		PATHF(p, "%s/z/g", path);
		make_file(p, 4097);
	}
}

void
lt_root(struct lt_tree *t)
{
	time_t now = time(NULL);
	size_t i;

	setenv("TZ", "UTC", 1);
	tzset();
	memset(t, 0, sizeof(*t));
	PATHF(t->top, "%s/rshell-list.XXXXXX", h_tmpdir());
	ck_assert_ptr_nonnull(mkdtemp(t->top));
	PATHF(t->root, "%s/root", t->top);
	ck_assert_int_eq(mkdir(t->root, 0755), 0);
	for (i = 0; i < lt_nnodes; i++)
		make_node(t->root, &lt_nodes[i]);
	set_times(t->root, lt_nodes, lt_nnodes, now);
}

void
lt_remove(struct lt_tree *t)
{
	if (t->top[0] != '\0')
		h_rmtree(t->top);
}
