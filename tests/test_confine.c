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
#include "harness.h"

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

/*
 * Operands: a leading "~" component is the root; "~name" is refused;
 * everywhere else, and in plain confine_clean, "~" is a character.
 */
static const struct {
	const char *in;
	const char *home;	/* confine_clean_home; NULL: refused */
	const char *plain;	/* confine_clean */
	const char *marker;	/* confine_clean_marker; NULL: refused */
} tildes[] = {
	{ "~", ".", "~", "." },
	{ "~/", ".", "~", "." },
	{ "~/.", ".", "~", "." },
	{ "~//x/", "x", "~/x", "x" },
	{ "~/a/b", "a/b", "~/a/b", "a/b" },
	{ "~/a/./b", "a/b", "~/a/b", "a/./b" },
	{ "~/./b", "b", "~/b", "././b" },
	{ "~/~", "~", "~/~", "~" },
	{ "~/a/~b", "a/~b", "~/a/~b", "a/~b" },
	{ "a/~", "a/~", "a/~", "a/~" },
	{ "./~", "~", "~", "~" },
	{ "/~/x", "~/x", "~/x", "~/x" },
	{ "~root", NULL, "~root", NULL },
	{ "~root/.ssh", NULL, "~root/.ssh", NULL },
	{ "~x/./y", NULL, "~x/y", NULL },
	{ "~~/x", NULL, "~~/x", NULL },
	{ "~./x", NULL, "~./x", NULL },
	{ "~/../x", NULL, NULL, NULL },
	{ "~/..", NULL, NULL, NULL },
};

static void
tilde_case(int (*fn)(const char *, char *, size_t, char *, size_t),
    const char *in, const char *want, const char *what)
{
	char out[PATH_MAX], err[256] = "";
	int rv = fn(in, out, sizeof(out), err, sizeof(err));

	if (want == NULL) {
		ck_assert_msg(rv == -1, "%s(%s) gave %s", what, in, out);
		ck_assert_msg(err[0] != '\0' && strchr(err, '\n') == NULL,
		    "%s(%s): no reason", what, in);
	} else {
		ck_assert_msg(rv == 0, "%s(%s): %s", what, in, err);
		ck_assert_msg(strcmp(out, want) == 0, "%s(%s) gave %s, want %s",
		    what, in, out, want);
	}
}

START_TEST(t_tilde)
{
	char out[PATH_MAX], err[256];

	tilde_case(confine_clean_home, tildes[_i].in, tildes[_i].home,
	    "confine_clean_home");
	tilde_case(confine_clean, tildes[_i].in, tildes[_i].plain,
	    "confine_clean");
	tilde_case(confine_clean_marker, tildes[_i].in, tildes[_i].marker,
	    "confine_clean_marker");
	if (tildes[_i].home == NULL && tildes[_i].plain != NULL) {
		ck_assert_int_eq(confine_clean_home(tildes[_i].in, out,
		    sizeof(out), err, sizeof(err)), -1);
		ck_assert_msg(strstr(err, "another account's home") != NULL,
		    "%s: %s", tildes[_i].in, err);
	}
}
END_TEST

/* Option paths relative to the destination: ".." stays within the root. */
static const struct {
	const char *base, *value;
	const char *out;	/* NULL: refused */
} joins[] = {
	{ "c", "../p", "p" },
	{ ".", "b", "b" },
	{ "a/b", "../../x", "x" },
	{ "a/b", "./../c/", "a/c" },
	{ "a", "..", "." },
	{ "a", "../..", NULL },
	{ ".", "../x", NULL },
	{ "a/b", "x/../../..", "." },
};

START_TEST(t_join)
{
	char out[PATH_MAX], err[256] = "";
	int rv;

	rv = confine_join(joins[_i].base, joins[_i].value, out, sizeof(out),
	    err, sizeof(err));
	if (joins[_i].out == NULL)
		ck_assert_msg(rv == -1, "%s + %s gave %s", joins[_i].base,
		    joins[_i].value, out);
	else {
		ck_assert_msg(rv == 0, "%s + %s: %s", joins[_i].base,
		    joins[_i].value, err);
		ck_assert_str_eq(out, joins[_i].out);
	}
}
END_TEST

/* A name over NAME_MAX is refused, even where a ".." would undo it. */
START_TEST(t_join_long)
{
	char value[NAME_MAX + 8], out[PATH_MAX], err[256];

	memset(value, 'N', NAME_MAX + 1);
	strlcpy(value + NAME_MAX + 1, "/..", sizeof(value) - NAME_MAX - 1);
	ck_assert_int_eq(confine_join("a", value, out, sizeof(out), err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "name too long") != NULL);
	value[NAME_MAX] = '\0';
	ck_assert_int_eq(confine_join("a", value, out, sizeof(out), err,
	    sizeof(err)), 0);
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
	close(rootfd);
	ck_assert_int_eq(h_rmtree(top), 0);
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

/*
 * confine_pin: the deepest existing directory (as a path under d), how
 * many components it covers, and the rest.  The one-character rows are
 * the data-loss bug: "x" missing was pinned as d itself.
 */
static const struct {
	const char *rel;
	int flags;
	const char *dir;	/* NULL: refused, with why */
	size_t covered;
	const char *rest;
	const char *why;
} pins[] = {
	{ ".", 0, "", 0, "", NULL },
	{ "x", 0, "", 0, "x", NULL },
	{ "x", CONFINE_LEAF, "", 0, "x", NULL },
	{ "x/y", 0, "", 0, "x/y", NULL },
	{ "sub", 0, "/sub", 1, "", NULL },
	{ "sub", CONFINE_LEAF, "", 0, "sub", NULL },
	{ "sub/x", 0, "/sub", 1, "x", NULL },
	{ "sub/new/deeper", 0, "/sub", 1, "new/deeper", NULL },
	{ "sub/file", 0, "/sub", 1, "file", NULL },
	{ "sub/file", CONFINE_LEAF, "/sub", 1, "file", NULL },
	{ "in", 0, "/sub", 1, "", NULL },	/* a link that stays inside */
	{ "in", CONFINE_LEAF, "", 0, "in", NULL },
	{ "in/new", 0, "/sub", 1, "new", NULL },
	{ "filelink", 0, "", 0, "filelink", NULL },
	{ "loop", CONFINE_LEAF, "", 0, "loop", NULL },
	{ "sub/file/x", 0, NULL, 0, NULL, "not a directory" },
	{ "filelink/x", 0, NULL, 0, NULL, "not a directory" },
	{ "out/new", 0, NULL, 0, NULL, "leads outside" },
	{ "abs/new", 0, NULL, 0, NULL, "leads outside" },
	{ "abs", 0, NULL, 0, NULL, "leads outside" },
	{ "up", 0, NULL, 0, NULL, "leads outside" },
	{ "loop/x", 0, NULL, 0, NULL, "leads outside" },
};

START_TEST(t_pin)
{
	char err[256] = "", want[256], got[PATH_MAX], link[64];
	struct pinned pp;
	ssize_t n;
	int rv;

	rv = confine_pin(rootfd, pins[_i].rel, pins[_i].flags, &pp, err,
	    sizeof(err));
	if (pins[_i].dir == NULL) {
		ck_assert_msg(rv == -1, "%s was pinned", pins[_i].rel);
		ck_assert_int_eq(pp.fd, -1);
		ck_assert_msg(strstr(err, pins[_i].why) != NULL, "%s: %s",
		    pins[_i].rel, err);
		ck_assert_msg(strstr(err, pins[_i].rel) != NULL,
		    "the reason names the path: %s", err);
		return;
	}
	ck_assert_msg(rv == 0, "%s: %s", pins[_i].rel, err);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", pp.fd);
	ck_assert_int_ne(n = readlink(link, got, sizeof(got) - 1), -1);
	got[n] = '\0';
	snprintf(want, sizeof(want), "%s%s", droot, pins[_i].dir);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(pp.covered, pins[_i].covered);
	ck_assert_str_eq(pp.rest, pins[_i].rest);
	ck_assert(fcntl(pp.fd, F_GETFD) & FD_CLOEXEC);
	close(pp.fd);
}
END_TEST

/* A deep path costs O(log n) lookups, and its missing part is kept. */
START_TEST(t_pin_deep)
{
	char rel[PATH_MAX], err[256];
	struct pinned pp;
	size_t i;

	for (i = 0; i + 2 < sizeof(rel) / 2; i++)
		memcpy(rel + 2 * i, "q/", 2);
	memcpy(rel + 2 * i - 2, "q", 2);
	ck_assert_int_eq(confine_pin(rootfd, rel, 0, &pp, err, sizeof(err)),
	    0);
	ck_assert_uint_eq(pp.covered, 0);
	ck_assert_uint_eq(pp.ncomp, i);
	ck_assert_ptr_eq(pp.rest, rel);
	close(pp.fd);
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

/*
 * DIRECTORY through symlinks: root's are followed and the resolved path
 * comes back; one an account made is refused (laptop -> ~).
 */
static const struct {
	const char	*dir;	/* under top */
	const char	*real;	/* under top, "/..." absolute, NULL: refused */
} rootwalks[] = {
	{ "d/in", "d/sub" },
	{ "d/up", "" },
	{ "d/up/d/in/", "d/sub" },
	{ "d/out", "outside" },
	{ "d/abs", "/etc" },
	{ "d/loop", NULL },
	{ "d/filelink", NULL },
	{ "d/sub/file", NULL },
};

START_TEST(t_root_walk)
{
	char dir[PATH_MAX], real[PATH_MAX], want[PATH_MAX], err[PATH_MAX + 128];
	int fd;

	if (geteuid() != 0)
		return;		/* the symlinks must be root's */
	snprintf(dir, sizeof(dir), "%s/%s", top, rootwalks[_i].dir);
	fd = confine_root_real(dir, real, sizeof(real), err, sizeof(err));
	if (rootwalks[_i].real == NULL) {
		ck_assert_msg(fd == -1, "%s opened as %s", dir, real);
		return;
	}
	ck_assert_msg(fd != -1, "%s: %s", dir, err);
	close(fd);
	if (rootwalks[_i].real[0] == '/')
		strlcpy(want, rootwalks[_i].real, sizeof(want));
	else
		snprintf(want, sizeof(want), "%s%s%s", top,
		    rootwalks[_i].real[0] ? "/" : "", rootwalks[_i].real);
	ck_assert_str_eq(real, want);
}
END_TEST

START_TEST(t_root_account_link)
{
	char dir[PATH_MAX], real[PATH_MAX], err[PATH_MAX + 128];

	if (geteuid() != 0)
		return;
	snprintf(dir, sizeof(dir), "%s/d/in", top);
	ck_assert(lchown(dir, 65534, 65534) == 0);
	ck_assert_int_eq(confine_root_real(dir, real, sizeof(real), err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "symlink not made by root") != NULL, "%s",
	    err);
	/* a root-owned symlink in a directory an account owns: refused */
	ck_assert(lchown(dir, 0, 0) == 0);
	snprintf(dir, sizeof(dir), "%s/d", top);
	ck_assert(chown(dir, 65534, 65534) == 0);
	snprintf(dir, sizeof(dir), "%s/d/in", top);
	ck_assert_int_eq(confine_root_real(dir, real, sizeof(real), err,
	    sizeof(err)), -1);
}
END_TEST

Suite *
make_suite_confine(void)
{
	Suite *s = suite_create("confine");
	TCase *tc = tcase_create("clean");

	tcase_add_loop_test(tc, t_clean, 0, sizeof(clean) / sizeof(clean[0]));
	tcase_add_test(tc, t_clean_limits);
	tcase_add_loop_test(tc, t_tilde, 0, sizeof(tildes) / sizeof(tildes[0]));
	tcase_add_loop_test(tc, t_join, 0, sizeof(joins) / sizeof(joins[0]));
	tcase_add_test(tc, t_join_long);
	tcase_add_test(tc, t_root);
	suite_add_tcase(s, tc);
	tc = tcase_create("open");
	/* Only opened and pinned, never changed: one tree for the case. */
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_open, 0, sizeof(opens) / sizeof(opens[0]));
	tcase_add_loop_test(tc, t_pin, 0, sizeof(pins) / sizeof(pins[0]));
	tcase_add_test(tc, t_pin_deep);
	tcase_add_loop_test(tc, t_root_walk, 0, sizeof(rootwalks) /
	    sizeof(rootwalks[0]));
	tcase_add_test(tc, t_root_account_link);
	suite_add_tcase(s, tc);
	return s;
}
