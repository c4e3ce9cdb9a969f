/* Path confinement: the lexical clean-up and the kernel resolution. */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"

static const struct {
	const char *in;
	const char *out;	/* NULL: refused */
} clean[] = {
	{ "", "." },
	{ "/", "." },
	{ ".", "." },
	{ "./", "." },
	{ "a", "a" },
	{ "a/", "a" },
	{ "/a//b/./c/", "a/b/c" },
	{ "/home/backup/", "home/backup" },
	{ "a/./b", "a/b" },
	{ "..", NULL },
	{ "../x", NULL },
	{ "a/../b", NULL },
	{ "a/..", NULL },
	{ "/..", NULL },
	{ "a/...", "a/..." },
	{ "..a/b..", "..a/b.." },
	{ "dir with space/", "dir with space" },
};

START_TEST(t_clean)
{
	char out[PATH_MAX], err[256];
	int rv;

	err[0] = '\0';
	rv = confine_clean(clean[_i].in, out, sizeof(out), err, sizeof(err));
	if (clean[_i].out == NULL) {
		ck_assert_int_eq(rv, -1);
		ck_assert_msg(strstr(err, "\"..\" is not allowed") != NULL,
		    "%s: %s", clean[_i].in, err);
	} else {
		ck_assert_int_eq(rv, 0);
		ck_assert_str_eq(out, clean[_i].out);
	}
}
END_TEST

START_TEST(t_clean_limits)
{
	char name[NAME_MAX + 2], out[16], err[256];

	memset(name, 'x', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_int_eq(confine_clean(name, out, sizeof(out), err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "too long") != NULL);
	ck_assert_int_eq(confine_clean("abcdefghijklmnopq", out, sizeof(out),
	    err, sizeof(err)), -1);
	ck_assert(strstr(err, "too long") != NULL);
}
END_TEST

/*
 * A tree:  top/d/{sub/file, in -> sub, up -> .., abs -> /etc, out ->
 * ../outside, loop -> loop}, top/outside/secret.
 */
static char top[64], droot[96];
static int rootfd = -1;

static void
mk(const char *rel, int dir)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (dir)
		ck_assert_int_eq(mkdir(p, 0755), 0);
	else {
		ck_assert_int_ne(fd = open(p, O_WRONLY | O_CREAT, 0644), -1);
		close(fd);
	}
}

static void
ln(const char *target, const char *rel)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	ck_assert_int_eq(symlink(target, p), 0);
}

static void
setup(void)
{
	char err[256];

	strlcpy(top, "/tmp/rshell-confine.XXXXXX", sizeof(top));
	ck_assert_ptr_nonnull(mkdtemp(top));
	mk("d", 1);
	mk("d/sub", 1);
	mk("d/sub/file", 0);
	mk("outside", 1);
	mk("outside/secret", 0);
	ln("sub", "d/in");
	ln("..", "d/up");
	ln("/etc", "d/abs");
	ln("../outside", "d/out");
	ln("loop", "d/loop");
	ln("sub/file", "d/filelink");
	snprintf(droot, sizeof(droot), "%s/d", top);
	rootfd = confine_root(droot, err, sizeof(err));
	ck_assert_msg(rootfd != -1, "%s", err);
}

static void
teardown(void)
{
	char cmd[128];

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

static const struct {
	const char *rel;
	int flags;
	int ok;
	const char *why;	/* substring of the reason when refused */
} opens[] = {
	{ ".", O_PATH | O_DIRECTORY, 1, NULL },
	{ "sub", O_PATH | O_DIRECTORY, 1, NULL },
	{ "sub/file", O_RDONLY, 1, NULL },
	{ "in/file", O_RDONLY, 1, NULL },	/* a link that stays inside */
	{ "filelink", O_RDONLY, 1, NULL },
	{ "filelink", O_PATH | O_NOFOLLOW, 1, NULL },
	{ "abs", O_PATH | O_NOFOLLOW, 1, NULL },	/* the link itself */
	{ "up", O_PATH, 0, "leads outside" },
	{ "up/outside/secret", O_RDONLY, 0, "leads outside" },
	{ "abs", O_PATH, 0, "leads outside" },
	{ "abs/passwd", O_RDONLY, 0, "leads outside" },
	{ "out/secret", O_RDONLY, 0, "leads outside" },
	{ "loop", O_PATH, 0, "leads outside" },
	{ "missing", O_PATH, 0, "No such file" },
	{ "sub/file/x", O_PATH, 0, "Not a directory" },
};

START_TEST(t_open)
{
	char err[256] = "";
	int fd;

	fd = confine_open(rootfd, opens[_i].rel, opens[_i].flags, err,
	    sizeof(err));
	if (opens[_i].ok) {
		ck_assert_msg(fd != -1, "%s: %s", opens[_i].rel, err);
		ck_assert(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	} else {
		ck_assert_msg(fd == -1, "%s was opened", opens[_i].rel);
		ck_assert_msg(strstr(err, opens[_i].why) != NULL, "%s: %s",
		    opens[_i].rel, err);
	}
}
END_TEST

static const struct {
	const char *rel;
	const char *tail;	/* NULL: refused */
} existing[] = {
	{ ".", "" },
	{ "sub", "" },
	{ "new", "new" },
	{ "sub/new/deeper", "new/deeper" },
	{ "in/new", "new" },
	{ "out/new", NULL },	/* the existing part leads outside */
	{ "abs/new", NULL },
};

START_TEST(t_existing)
{
	char err[256] = "";
	size_t tail = 99;
	int fd;

	fd = confine_open_existing(rootfd, existing[_i].rel, &tail, err,
	    sizeof(err));
	if (existing[_i].tail == NULL) {
		ck_assert_msg(fd == -1, "%s was opened", existing[_i].rel);
		ck_assert(strstr(err, "leads outside") != NULL);
		return;
	}
	ck_assert_msg(fd != -1, "%s: %s", existing[_i].rel, err);
	ck_assert_str_eq(existing[_i].rel + tail, existing[_i].tail);
	close(fd);
}
END_TEST

START_TEST(t_root)
{
	char err[256];

	ck_assert_int_eq(confine_root("relative", err, sizeof(err)), -1);
	ck_assert(strstr(err, "not absolute") != NULL);
	ck_assert_int_eq(confine_root("/nonexistent/dir", err, sizeof(err)),
	    -1);
	ck_assert(strstr(err, "/nonexistent/dir") != NULL);
	ck_assert_int_eq(confine_root("/etc/passwd", err, sizeof(err)), -1);
}
END_TEST

Suite *
make_suite_confine(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("clean");

	tcase_add_loop_test(tc, t_clean, 0, sizeof(clean) / sizeof(clean[0]));
	tcase_add_test(tc, t_clean_limits);
	tcase_add_test(tc, t_root);
	suite_add_tcase(s, tc);
	tc = tcase_create("open");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_open, 0, sizeof(opens) / sizeof(opens[0]));
	tcase_add_loop_test(tc, t_existing, 0,
	    sizeof(existing) / sizeof(existing[0]));
	suite_add_tcase(s, tc);
	return s;
}
