/*
 * Tests for the built-in listings: the output of ls, du and df against GNU
 * coreutils (LC_ALL=C, TZ=UTC) on a fixture tree (listtree.c) with fixed
 * times, odd names, symlinks inside and out and a FIFO; every refusal.
 * The field formats on their own are in test_list_fmt.c.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "decide.h"
#include "harness.h"
#include "list.h"
#include "list_fmt.h"
#include "listtree.h"

Suite	*make_suite_list(void);

#define MAXARGS		8
#define MAXLINES	4096

static struct lt_tree tree;	/* the fixture, one per test case */

struct out {
	char	*buf;
	size_t	 len;
	char	*err;
	int	 status;
};

/* --- fixture --------------------------------------------------------- */

/* Read-only to the tests: built once per test case, in the runner. */
static void
setup_root(void)
{
	lt_root(&tree);
}

static void
setup(void)
{
	lt_root(&tree);
	lt_deep(&tree);
}

static void
teardown(void)
{
	lt_remove(&tree);
}

/* --- running ours and GNU's ----------------------------------------- */

static char *
slurp(int fd, size_t *len)
{
	size_t cap = 4096, n = 0;
	ssize_t r;
	char *buf, *p;

	ck_assert_ptr_nonnull(buf = malloc(cap));
	lseek(fd, 0, SEEK_SET);
	for (;;) {
		if (n + 1 >= cap) {
			ck_assert_ptr_nonnull(p = realloc(buf, cap * 2));
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n - 1);
		ck_assert_int_ge(r, 0);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static size_t
count_args(const char *const *argv)
{
	size_t n = 0;

	while (argv[n] != NULL)
		n++;
	return n;
}

/*
 * What the decision does for a listing: the verb through the command
 * table, the grammar, the operands pinned beneath rfd.  0, or -1 with the
 * reason (and nothing left open).
 */
static int
prepare(int rfd, char *const *argv, size_t argc, struct list_req *req,
    char *err, size_t errlen)
{
	const struct command *c = policy_command(argv[0]);

	if (c == NULL || c->kind != DK_LIST) {
		snprintf(err, errlen, "not a listing command");
		return -1;
	}
	if (list_parse(c->sub, argv, argc, req, err, errlen) == -1)
		return -1;
	if (list_pin(rfd, req, err, errlen) == -1) {
		list_req_free(req);
		return -1;
	}
	return 0;
}

/* prepare + list_run beneath dir; a refusal fails the test. */
static void
ours_in(const char *dir, const char *const *argv, struct out *o)
{
	struct list_req req;
	char err[512];
	FILE *fo, *fe;
	size_t n;
	int rfd;

	ck_assert_int_ne(rfd = confine_root(dir, err, sizeof(err)), -1);
	ck_assert_msg(prepare(rfd, (char *const *)argv, count_args(argv),
	    &req, err, sizeof(err)) == 0, "%s refused: %s", argv[0], err);
	ck_assert_ptr_nonnull(fo = tmpfile());
	ck_assert_ptr_nonnull(fe = tmpfile());
	o->status = list_run(&req, rfd, fileno(fo), fileno(fe));
	list_req_free(&req);
	close(rfd);
	o->buf = slurp(fileno(fo), &o->len);
	o->err = slurp(fileno(fe), &n);
	fclose(fo);
	fclose(fe);
}

static void
ours(const char *const *argv, struct out *o)
{
	ours_in(tree.root, argv, o);
}

/* GNU's program in dir, C locale, UTC; its stdout. */
static void
gnu_in(const char *dir, const char *const *argv, struct out *o)
{
	static char *const env[] = { "PATH=/usr/bin:/bin", "LC_ALL=C",
	    "TZ=UTC", NULL };
	char path[PATH_MAX];
	FILE *fo;
	pid_t pid;
	size_t n;
	int st;

	PATHF(path, "/usr/bin/%s", argv[0]);
	if (access(path, X_OK) == -1)
		PATHF(path, "/bin/%s", argv[0]);
	ck_assert_ptr_nonnull(fo = tmpfile());
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		h_child_signals();
		if (chdir(dir) == -1 || dup2(fileno(fo), 1) == -1)
			_exit(126);
		execve(path, (char *const *)argv, env);
		_exit(127);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) < 126,
	    "GNU %s did not run", argv[0]);
	o->status = WEXITSTATUS(st);
	o->buf = slurp(fileno(fo), &n);
	o->len = n;
	o->err = NULL;
	fclose(fo);
}

static void
gnu(const char *const *argv, struct out *o)
{
	gnu_in(tree.root, argv, o);
}

static void
out_free(struct out *o)
{
	free(o->buf);
	free(o->err);
}

/* --- comparing -------------------------------------------------------- */

/* Undo GNU ls -b escaping (and ours, a subset of it). */
static void
unescape(const char *s, char *o, size_t olen)
{
	static const char from[] = "ntrabfv\\ ", to[] = "\n\t\r\a\b\f\v\\ ";
	const char *p;
	size_t n = 0;

	while (*s != '\0' && n + 1 < olen) {
		if (*s != '\\' || s[1] == '\0') {
			o[n++] = *s++;
			continue;
		}
		s++;
		if ((p = strchr(from, *s)) != NULL) {
			o[n++] = to[p - from];
			s++;
		} else if (s[0] >= '0' && s[0] <= '3' && s[1] >= '0' &&
		    s[1] <= '7' && s[2] >= '0' && s[2] <= '7') {
			o[n++] = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 +
			    (s[2] - '0'));
			s += 3;
		} else
			o[n++] = *s++;
	}
	o[n] = '\0';
}

struct lines {
	char	*v[MAXLINES];
	size_t	 n;
};

/* Split buf in place at newlines. */
static void
split(char *buf, struct lines *ls)
{
	char *p = buf, *nl;

	ls->n = 0;
	while (*p != '\0') {
		H_ASSERT(ls->n < MAXLINES, "more than %d lines", MAXLINES);
		ls->v[ls->n++] = p;
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Where the name starts in an "ls -l" line: after 8 fields and a blank. */
static size_t
name_at(const char *line)
{
	const char *p = line;
	int f;

	for (f = 0; f < 8; f++) {
		while (*p == ' ')
			p++;
		H_ASSERT(*p != '\0', "short long line: %s", line);
		while (*p != ' ' && *p != '\0')
			p++;
	}
	H_ASSERT(*p == ' ', "no name: %s", line);
	return (size_t)(p + 1 - line);
}

/* One line of ours against one of GNU's, names compared unescaped. */
static void
same_line(const char *mine, const char *theirs, int islong, const char *what)
{
	char a[PATH_MAX * 2], b[PATH_MAX * 2];
	size_t pa = 0, pb = 0;

	/* entries of a long listing; not totals, headers, blank lines */
	if (islong && strncmp(mine, "total ", 6) != 0 && mine[0] != '\0' &&
	    mine[strlen(mine) - 1] != ':') {
		pa = name_at(mine);
		pb = name_at(theirs);
		H_ASSERT(pa == pb && strncmp(mine, theirs, pa) == 0,
		    "%s: fields differ:\n ours: %s\n  GNU: %s", what, mine,
		    theirs);
	}
	unescape(mine + pa, a, sizeof(a));
	unescape(theirs + pb, b, sizeof(b));
	H_ASSERT(strcmp(a, b) == 0, "%s: line differs:\n ours: %s\n"
	    "  GNU: %s", what, mine, theirs);
}

/* Nothing but printable text, blanks and newlines may reach a script. */
static void
no_raw_controls(const struct out *o, const char *what)
{
	size_t i;
	unsigned char c;

	for (i = 0; i < o->len; i++) {
		c = (unsigned char)o->buf[i];
		H_ASSERT(c >= 0x20 || c == '\n' || c == '\t',
		    "%s: raw byte 0x%02x at %zu", what, c, i);
		H_ASSERT(c != 0x7f, "%s: raw DEL at %zu", what, i);
	}
}

static int
has_flag(const char *const *argv, char c)
{
	size_t i;

	for (i = 1; argv[i] != NULL; i++)
		if (argv[i][0] == '-' && strchr(argv[i], c) != NULL)
			return 1;
	return 0;
}

/*
 * Run argv as ours and as GNU's (ls with -b added, so that GNU's lines
 * stay lines), in dir, and compare line by line; du lines sorted.
 */
static void
against_gnu_in(const char *dir, const char *const *argv)
{
	const char *gargv[MAXARGS + 2];
	struct lines *mine, *theirs;
	struct out a, b;
	size_t i, n = count_args(argv);
	int isls = strcmp(argv[0], "ls") == 0;
	char what[256];

	ck_assert_uint_le(n, MAXARGS);
	PATHF(what, "%s", argv[0]);
	for (i = 1; i < n; i++) {
		strlcat(what, " ", sizeof(what));
		strlcat(what, argv[i], sizeof(what));
	}
	gargv[0] = argv[0];
	i = 1;
	if (isls)
		gargv[i++] = "-b";
	memcpy(gargv + i, argv + 1, n * sizeof(*argv));
	ours_in(dir, argv, &a);
	gnu_in(dir, gargv, &b);
	ck_assert_msg(a.status == b.status, "%s: status %d, GNU %d (%s)",
	    what, a.status, b.status, a.err);
	no_raw_controls(&a, what);
	ck_assert_ptr_nonnull(mine = malloc(sizeof(*mine)));
	ck_assert_ptr_nonnull(theirs = malloc(sizeof(*theirs)));
	split(a.buf, mine);
	split(b.buf, theirs);
	ck_assert_msg(mine->n == theirs->n, "%s: %zu lines, GNU %zu", what,
	    mine->n, theirs->n);
	if (!isls) {
		qsort(mine->v, mine->n, sizeof(char *), cmp_str);
		qsort(theirs->v, theirs->n, sizeof(char *), cmp_str);
	}
	for (i = 0; i < mine->n; i++)
		same_line(mine->v[i], theirs->v[i], isls &&
		    has_flag(argv, 'l'), what);
	free(mine);
	free(theirs);
	out_free(&a);
	out_free(&b);
}

static void
against_gnu(const char *const *argv)
{
	against_gnu_in(tree.root, argv);
}

/* --- output against GNU coreutils --------------------------------- */

static const char *const gnu_rows[][MAXARGS] = {
	{ "ls", NULL },
	{ "ls", "-l", NULL },
	{ "ls", "-1", NULL },
	{ "ls", "-A", NULL },
	{ "ls", "-lA", NULL },
	{ "ls", "-lh", NULL },
	{ "ls", "-lt", NULL },
	{ "ls", "-ltr", NULL },
	{ "ls", "-t", NULL },
	{ "ls", "-r", NULL },
	{ "ls", "-R", NULL },
	{ "ls", "-lR", NULL },
	{ "ls", "-Rr", NULL },
	{ "ls", "-d", NULL },
	{ "ls", "-ld", NULL },
	{ "ls", "-ld", "sub", "a", NULL },
	{ "ls", "sub", NULL },
	{ "ls", "sub/", NULL },
	{ "ls", "-l", "sub", NULL },
	{ "ls", "-R", "sub/", NULL },
	{ "ls", "a", "big", "sub", NULL },
	{ "ls", "-l", "a", "sp ace", "sub", "inlink", NULL },
	{ "ls", "sub", "sub", NULL },
	{ "ls", "-lt", "a", "big", "sub/f", NULL },
	/* a symlink operand inside: followed to a directory unless -l/-d */
	{ "ls", "inlink", NULL },
	{ "ls", "-R", "inlink", NULL },
	{ "ls", "-l", "inlink", NULL },
	{ "ls", "-lR", "inlink", NULL },
	{ "ls", "-d", "inlink", NULL },
	{ "ls", "-l", "dangling", NULL },
	{ "ls", "dangling", NULL },
	{ "ls", "-l", "fifo", "hard", NULL },
	{ "ls", "-la", "sub", NULL },
	{ "ls", "sub", "-l", NULL },
	{ "ls", "-l", "--", "sp ace", NULL },
	{ "du", NULL },
	{ "du", "-s", NULL },
	{ "du", "-sh", NULL },
	{ "du", "-s", "-h", NULL },
	{ "du", "-k", NULL },
	{ "du", "-h", NULL },
	{ "du", "-a", "sub", NULL },
	{ "du", "-ah", "sub", NULL },
	{ "du", "-c", "sub", "big", NULL },
	{ "du", "-sc", "sub", "a", "big", NULL },
	{ "du", "sub/", NULL },
	{ "du", "sub", "sub", NULL },
	{ "du", "sub", "sub/deep", NULL },
	{ "du", "-s", "big", "hard", NULL },
	{ "du", "-a", "inlink", NULL },
	{ "du", "-s", "inlink", NULL },
	/* a missing operand among others: the same status and output */
	{ "ls", "sub", "nosuch", NULL },
	{ "du", "-s", "nosuch", "sub", NULL },
};

/*
 * A missing operand is an error of the listing, as in GNU (status 2 for
 * ls, 1 for du, and a message on stderr), not a refusal.  An absolute
 * path outside is DIRECTORY/etc, which does not exist.
 */
static const struct {
	const char	*argv[MAXARGS];
	int		 status;
	const char	*why;
} missing_rows[] = {
	{ { "ls", "/etc", NULL }, 2,
	    "ls: cannot access '/etc': No such file or directory\n" },
	{ { "ls", "-l", "/etc/passwd", NULL }, 2,
	    "ls: cannot access '/etc/passwd': No such file or directory\n" },
	{ { "du", "/etc", NULL }, 1,
	    "du: cannot access '/etc': No such file or directory\n" },
	{ { "ls", "--", "-Z", NULL }, 2,
	    "ls: cannot access '-Z': No such file or directory\n" },
	{ { "ls", "a/x", "nosuch", NULL }, 2, "cannot access 'nosuch'" },
};

START_TEST(test_missing)
{
	struct out a;

	ours(missing_rows[_i].argv, &a);
	ck_assert_int_eq(a.status, missing_rows[_i].status);
	ck_assert_msg(strstr(a.err, missing_rows[_i].why) != NULL,
	    "stderr \"%s\", want \"%s\"", a.err, missing_rows[_i].why);
	out_free(&a);
}
END_TEST

START_TEST(test_gnu)
{
	against_gnu(gnu_rows[_i]);
}
END_TEST

/* A tree deeper than the descriptor budget: closed levels come back. */
static const char *const deep_rows[][MAXARGS] = {
	{ "ls", "-R", NULL },
	{ "ls", "-lR", NULL },
	{ "du", NULL },
	{ "du", "-a", NULL },
	{ "du", "-s", NULL },
	{ "du", "-a", "a2", "a4", NULL },
};

START_TEST(test_deep)
{
	against_gnu_in(tree.deep, deep_rows[_i]);
}
END_TEST

/*
 * "ls -la": as GNU's, field by field, except ".." of DIRECTORY, which is
 * shown as DIRECTORY itself (nothing above it is revealed), and the total,
 * which counts that ".." instead.
 */
START_TEST(test_la)
{
	static const char *const argv[] = { "ls", "-la", NULL };
	static const char *const gargv[] = { "ls", "-lab", NULL };
	struct lines *mine, *theirs;
	struct stat st_top, st_root;
	struct out a, b;
	size_t i, j, dot = SIZE_MAX, dotdot = SIZE_MAX;
	long ta, tb;

	ours(argv, &a);
	gnu(gargv, &b);
	ck_assert_int_eq(a.status, 0);
	ck_assert_ptr_nonnull(mine = malloc(sizeof(*mine)));
	ck_assert_ptr_nonnull(theirs = malloc(sizeof(*theirs)));
	split(a.buf, mine);
	split(b.buf, theirs);
	ck_assert_uint_eq(mine->n, theirs->n);
	/* total, ".", "..", and the entries not inside sub */
	ck_assert_uint_eq(mine->n, 3 + lt_nnodes - 3);
	ck_assert_int_eq(stat(tree.top, &st_top), 0);
	ck_assert_int_eq(stat(tree.root, &st_root), 0);
	ck_assert_int_eq(sscanf(mine->v[0], "total %ld", &ta), 1);
	ck_assert_int_eq(sscanf(theirs->v[0], "total %ld", &tb), 1);
	ck_assert_int_eq(ta, tb - st_top.st_blocks / 2 +
	    st_root.st_blocks / 2);
	for (i = 1; i < mine->n; i++) {
		j = name_at(mine->v[i]);
		if (strcmp(mine->v[i] + j, ".") == 0)
			dot = i;
		if (strcmp(mine->v[i] + j, "..") == 0) {
			dotdot = i;
			continue;
		}
		/* fields (widths may differ by GNU's ".."), then name */
		{
			char fa[8][64], fb[8][64];

			ck_assert_int_eq(sscanf(mine->v[i],
			    "%63s %63s %63s %63s %63s %63s %63s %63s",
			    fa[0], fa[1], fa[2], fa[3], fa[4], fa[5], fa[6],
			    fa[7]), 8);
			ck_assert_int_eq(sscanf(theirs->v[i],
			    "%63s %63s %63s %63s %63s %63s %63s %63s",
			    fb[0], fb[1], fb[2], fb[3], fb[4], fb[5], fb[6],
			    fb[7]), 8);
			for (j = 0; j < 8; j++)
				ck_assert_msg(strcmp(fa[j], fb[j]) == 0,
				    "field %zu: %s / %s", j, mine->v[i],
				    theirs->v[i]);
		}
		same_line(mine->v[i] + name_at(mine->v[i]),
		    theirs->v[i] + name_at(theirs->v[i]), 0, "ls -la");
	}
	ck_assert_uint_eq(dot, 1);
	ck_assert_uint_eq(dotdot, 2);
	ck_assert_int_eq(strncmp(mine->v[dot], mine->v[dotdot],
	    name_at(mine->v[dot])), 0);
	free(mine);
	free(theirs);
	out_free(&a);
	out_free(&b);
}
END_TEST

/* The escaped names, exactly. */
START_TEST(test_escaped_names)
{
	static const char *const argv[] = { "ls", "-A", NULL };
	static const char want[] =
	    ".hidden\n"
	    "a\n"
	    "back\\\\slash\n"
	    "bad\\377name\n"
	    "big\n"
	    "caf\xc3\xa9\n"
	    "dangling\n"
	    "esc\\033[31mred\n"
	    "fifo\n"
	    "hard\n"
	    "inlink\n"
	    "new\\nline\n"
	    "outlink\n"
	    "sp ace\n"
	    "sub\n"
	    "tab\\there\n"
	    "uplink\n";
	struct out o;

	ours(argv, &o);
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.buf, want);
	ck_assert_str_eq(o.err, "");
	out_free(&o);
}
END_TEST

/* Absolute operands are taken beneath DIRECTORY; "/" is DIRECTORY. */
START_TEST(test_absolute)
{
	static const char *const a1[] = { "ls", "-l", "/", NULL };
	static const char *const b1[] = { "ls", "-l", NULL };
	static const char *const a2[] = { "ls", "-R", "/sub", NULL };
	static const char *const b2[] = { "ls", "-R", "sub", NULL };
	static const char *const a3[] = { "du", "-s", "/", NULL };
	struct out a, b;

	ours(a1, &a);
	ours(b1, &b);
	ck_assert_str_eq(a.buf, b.buf);
	out_free(&a);
	out_free(&b);
	ours(a2, &a);
	ours(b2, &b);
	ck_assert_ptr_nonnull(strstr(a.buf, "/sub:\n"));
	ck_assert_ptr_nonnull(strstr(a.buf, "/sub/deep:\ng\n"));
	ck_assert_ptr_nonnull(strstr(b.buf, "sub/deep:\ng\n"));
	out_free(&a);
	out_free(&b);
	ours(a3, &a);
	ck_assert_ptr_nonnull(strstr(a.buf, "\t/\n"));
	out_free(&a);
}
END_TEST

/*
 * -R and du never follow a symlink: inlink (to sub, inside) is listed as
 * a link, and nothing beneath it or beneath outlink (to /etc) appears.
 */
START_TEST(test_no_follow)
{
	static const char *const r1[] = { "ls", "-lR", NULL };
	static const char *const r2[] = { "du", "-a", NULL };
	struct out o;

	ours(r1, &o);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.buf, " inlink -> sub\n"));
	ck_assert_ptr_nonnull(strstr(o.buf, " outlink -> /etc\n"));
	ck_assert_ptr_null(strstr(o.buf, "inlink:"));
	ck_assert_ptr_null(strstr(o.buf, "outlink:"));
	ck_assert_ptr_null(strstr(o.buf, "passwd"));
	out_free(&o);
	ours(r2, &o);
	ck_assert_int_eq(o.status, 0);
	ck_assert_ptr_nonnull(strstr(o.buf, "\t./inlink\n"));
	ck_assert_ptr_null(strstr(o.buf, "./inlink/"));
	ck_assert_ptr_null(strstr(o.buf, "./outlink/"));
	out_free(&o);
}
END_TEST

START_TEST(test_df)
{
	static const char *const argv[] = { "df", NULL };
	static const char *const hargv[] = { "df", "-h", NULL };
	static const char *const gargv[] = { "df", "-k", ".", NULL };
	unsigned long long m[3], g[3];
	char fs[64], mnt[64], pct[16];
	struct out a, b;

	ours(argv, &a);
	gnu(gargv, &b);
	ck_assert_int_eq(a.status, 0);
	ck_assert_ptr_nonnull(strstr(a.buf, "Filesystem     1K-blocks "));
	ck_assert_int_eq(sscanf(strchr(a.buf, '\n') + 1,
	    "%63s %llu %llu %llu %15s %63s", fs, &m[0], &m[1], &m[2], pct,
	    mnt), 6);
	ck_assert_str_eq(fs, "-");
	ck_assert_str_eq(mnt, "/");
	ck_assert_int_eq(sscanf(strchr(b.buf, '\n') + 1,
	    "%63s %llu %llu %llu", fs, &g[0], &g[1], &g[2]), 4);
	ck_assert_uint_eq(m[0], g[0]);
	/* other writers may change the figures a little in between */
	ck_assert_uint_le(m[1] > g[1] ? m[1] - g[1] : g[1] - m[1],
	    g[0] / 100 + 1024);
	ck_assert_uint_le(m[2] > g[2] ? m[2] - g[2] : g[2] - m[2],
	    g[0] / 100 + 1024);
	out_free(&a);
	out_free(&b);
	ours(hargv, &a);
	ck_assert_int_eq(a.status, 0);
	ck_assert_ptr_nonnull(strstr(a.buf,
	    "Filesystem      Size  Used Avail Use% Mounted on\n-   "));
	out_free(&a);
}
END_TEST

/* --- refusals ------------------------------------------------------ */

struct refusal {
	const char	*argv[MAXARGS];
	const char	*why;
};

static const struct refusal refusals[] = {
	/* ".." */
	{ { "ls", "..", NULL }, "\"..\" is not allowed" },
	{ { "ls", "-l", "sub/../..", NULL }, "\"..\" is not allowed" },
	{ { "ls", "sub/..", NULL }, "\"..\" is not allowed" },
	{ { "du", "-s", "../root", NULL }, "\"..\" is not allowed" },
	{ { "ls", "", NULL }, "ls: empty path" },
	/* a symlink pointing outside, as an operand or on the way */
	{ { "ls", "outlink", NULL },
	    "ls: outlink is a symlink leading outside the directory" },
	{ { "ls", "-l", "outlink", NULL }, "symlink leading outside" },
	{ { "ls", "-d", "outlink", NULL }, "symlink leading outside" },
	{ { "du", "-s", "outlink", NULL }, "symlink leading outside" },
	{ { "ls", "uplink", NULL }, "symlink leading outside" },
	{ { "ls", "a", "outlink", NULL }, "symlink leading outside" },
	{ { "ls", "outlink/passwd", NULL },
	    "outlink/passwd is a path leading outside the directory" },
	{ { "ls", "uplink/etc", NULL }, "path leading outside" },
	/* -R through a symlinked directory outside */
	{ { "ls", "-R", "outlink", NULL }, "symlink leading outside" },
	{ { "ls", "-R", "outlink/", NULL }, "symlink leading outside" },
	{ { "ls", "-lR", "uplink", NULL }, "symlink leading outside" },
	/* unknown flags, named */
	{ { "ls", "-Z", NULL }, "ls: unknown option -Z" },
	{ { "ls", "-laZ", NULL }, "ls: unknown option -Z" },
	{ { "ls", "-L", NULL }, "ls: unknown option -L" },
	{ { "ls", "sub", "-H", NULL }, "ls: unknown option -H" },
	{ { "ls", "--color", NULL }, "ls: unknown option --color" },
	{ { "ls", "--color=always", NULL }, "ls: unknown option --color" },
	{ { "ls", "--dereference", NULL }, "unknown option --dereference" },
	{ { "ls", "-\n", NULL }, "ls: unknown option -?" },
	{ { "du", "-L", NULL }, "du: unknown option -L" },
	{ { "du", "-x", NULL }, "du: unknown option -x" },
	{ { "du", "--apparent-size", NULL }, "du: unknown option --apparent" },
	{ { "du", "-l", NULL }, "du: unknown option -l" },
	{ { "df", "-a", NULL }, "df: unknown option -a" },
	{ { "df", "-i", NULL }, "df: unknown option -i" },
	{ { "df", "--all", NULL }, "df: unknown option --all" },
	/* df has no operands; du -s and -a do not go together */
	{ { "df", ".", NULL }, "df: operands are not allowed" },
	{ { "df", "-h", "/", NULL }, "df: operands are not allowed" },
	{ { "du", "-sa", NULL }, "du: -s and -a cannot be used together" },
	{ { "cat", "a", NULL }, "not a listing command" },
};

START_TEST(test_refusal)
{
	const struct refusal *t = &refusals[_i];
	struct list_req req;
	char err[512];
	int rfd;

	ck_assert_int_ne(rfd = confine_root(tree.root, err, sizeof(err)), -1);
	err[0] = '\0';
	ck_assert_msg(prepare(rfd, (char *const *)t->argv,
	    count_args(t->argv), &req, err, sizeof(err)) == -1,
	    "%s %s was permitted", t->argv[0], t->argv[1]);
	ck_assert_msg(strstr(err, t->why) != NULL, "reason \"%s\", want "
	    "\"%s\"", err, t->why);
	ck_assert_ptr_null(strchr(err, '\n'));
	close(rfd);
}
END_TEST

/* The operand limit, and nothing leaks from a refused request. */
START_TEST(test_too_many)
{
	static char *argv[300];
	struct list_req req;
	char err[256];
	int rfd, fd, lowest;
	size_t i;

	ck_assert_int_ne(rfd = confine_root(tree.root, err, sizeof(err)), -1);
	ck_assert_int_ne(lowest = dup(0), -1);
	close(lowest);
	argv[0] = "ls";
	for (i = 1; i < NROWS(argv); i++)
		argv[i] = "a";
	ck_assert_int_eq(prepare(rfd, argv, NROWS(argv), &req, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "more than 256 operands"));
	ck_assert_int_eq(prepare(rfd, argv, 257, &req, err, sizeof(err)), 0);
	list_req_free(&req);
	argv[200] = "outlink";
	ck_assert_int_eq(prepare(rfd, argv, 257, &req, err, sizeof(err)), -1);
	/* every descriptor of the refused request was closed */
	ck_assert_int_ne(fd = dup(0), -1);
	ck_assert_int_eq(fd, lowest);
	close(fd);
	close(rfd);
}
END_TEST

/* A reader that went away: status 2, quietly, and no SIGPIPE. */
START_TEST(test_epipe)
{
	static const char *const argv[] = { "ls", "-lR", NULL };
	struct list_req req;
	char err[256];
	int p[2], e[2], rfd, st;
	ssize_t n;

	ck_assert_int_ne(rfd = confine_root(tree.root, err, sizeof(err)), -1);
	ck_assert_int_eq(prepare(rfd, (char *const *)argv, 2, &req, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(e), 0);
	close(p[0]);
	st = list_run(&req, rfd, p[1], e[1]);
	ck_assert_int_eq(st, 2);
	close(e[1]);
	n = read(e[0], err, sizeof(err));
	ck_assert_int_eq(n, 0);
	close(e[0]);
	close(p[1]);
	list_req_free(&req);
	close(rfd);
}
END_TEST

Suite *
make_suite_list(void)
{
	Suite *s = suite_create("list");
	TCase *tc;

	tc = tcase_create("gnu");
	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_gnu, 0, NROWS(gnu_rows));
	tcase_add_loop_test(tc, test_missing, 0, NROWS(missing_rows));
	tcase_add_loop_test(tc, test_deep, 0, NROWS(deep_rows));
	tcase_add_test(tc, test_la);
	tcase_add_test(tc, test_escaped_names);
	tcase_add_test(tc, test_absolute);
	tcase_add_test(tc, test_no_follow);
	tcase_add_test(tc, test_df);
	suite_add_tcase(s, tc);

	tc = tcase_create("refusal");
	tcase_add_unchecked_fixture(tc, setup_root, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_refusal, 0, NROWS(refusals));
	tcase_add_test(tc, test_too_many);
	tcase_add_test(tc, test_epipe);
	suite_add_tcase(s, tc);

	return s;
}
