/*
 * The pruner (rshell/prune.c), on trees under /tmp, hostile ones among
 * them, as the account would run it: as root, the tests drop to nobody
 * (in their own process; not under CK_FORK=no, where the process is the
 * runner's), so that a mode 0000 directory is really closed to them.
 * What was removed and what survived is checked by walking the whole tree
 * before and after.  A test clock drives two years of pushes against the
 * retention oracle (keeporacle.c), from a seed printed at the start:
 * RSHELL_SEED=N repeats a run.
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "keep.h"
#include "keeporacle.h"
#include "listtree.h"
#include "pathprop.h"
#include "prune.h"

static uint64_t seed;

struct ptree {
	char	top[PATH_MAX];
	char	d[PATH_MAX];		/* DIRECTORY */
	char	out[PATH_MAX];		/* beside it: nothing here may go */
	int	dfd;			/* d, O_PATH as confine_root opens it */
};

/*
 * As root, become nobody for the rest of this test's process, so that
 * the trees are the account's own and its permissions hold; not under
 * CK_FORK=no, where the process is the runner's.
 */
static void
as_account(void)
{
	const char *fork = getenv("CK_FORK");

	if (getuid() != 0 || (fork != NULL && strcmp(fork, "no") == 0))
		return;
	ck_assert(setgroups(0, NULL) == 0);
	ck_assert(setresgid(65534, 65534, 65534) == 0);
	ck_assert(setresuid(65534, 65534, 65534) == 0);
}

static void
pt_make(struct ptree *p)
{
	memset(p, 0, sizeof(*p));
	PATHF(p->top, "%s/rshell-keep.XXXXXX", h_tmpdir());
	ck_assert_msg(mkdtemp(p->top) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert(chmod(p->top, 0755) == 0);
	PATHF(p->d, "%s/d", p->top);
	PATHF(p->out, "%s/outside", p->top);
	ck_assert(mkdir(p->d, 0755) == 0 && mkdir(p->out, 0755) == 0);
	p->dfd = open(p->d, O_PATH | O_DIRECTORY);
	ck_assert(p->dfd != -1);
}

static void
pt_remove(struct ptree *p)
{
	close(p->dfd);
	h_rmtree(p->top);
}

static const char *
at(const char *dir, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	H_ASSERT(snprintf(buf[i], PATH_MAX, "%s/%s", dir, rel) < PATH_MAX,
	    "path too long");
	return buf[i];
}

static void
mkfile(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);

	ck_assert_msg(fd != -1, "create %s: %s", path, strerror(errno));
	ck_assert(write(fd, content, strlen(content)) ==
	    (ssize_t)strlen(content));
	ck_assert(fchmod(fd, mode) == 0);
	close(fd);
}

static void
mkd(const char *path)
{
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path,
	    strerror(errno));
}

static void
mklink(const char *target, const char *path)
{
	ck_assert_msg(link(target, path) == 0, "link %s: %s", path,
	    strerror(errno));
}

static void
mkl(const char *target, const char *path)
{
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path,
	    strerror(errno));
}

static char *
snapdir(const struct ptree *p, const char *name)
{
	char *s = strdup(at(p->d, name));

	ck_assert(s != NULL);
	mkd(s);
	mkfile(at(s, "file"), name, 0644);
	return s;
}

/* The whole tree under top, one sorted line per entry, bytes escaped. */
static char	**w_line;
static size_t	  w_n;
static size_t	  w_skip;

static int
w_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[3 * PATH_MAX], target[PATH_MAX] = "";
	const unsigned char *s;
	size_t off = 0;
	ssize_t len;

	(void)ftw;
	if (strlen(path) <= w_skip)
		return 0;
	for (s = (const unsigned char *)path + w_skip + 1; *s != '\0' &&
	    off + 5 < sizeof(line) / 2; s++)
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    *s <= ' ' || *s >= 0x7f || *s == '\\' ? "\\x%02x" : "%c",
		    *s);
	if (flag == FTW_SL && (len = readlink(path, target,
	    sizeof(target) - 1)) >= 0)
		target[len] = '\0';
	snprintf(line + off, sizeof(line) - off, " %c%04o %lld %s",
	    S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' :
	    S_ISREG(st->st_mode) ? 'f' : 'o', (unsigned)(st->st_mode & 07777),
	    S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL, target);
	ck_assert((w_line = reallocarray(w_line, w_n + 1,
	    sizeof(*w_line))) != NULL);
	ck_assert((w_line[w_n++] = strdup(line)) != NULL);
	return 0;
}

static int
linecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The walk as one string; lines under d/NAME for each name in drop
 * (NULL-terminated) left out.
 */
static char *
walk(const char *top, const char *const *drop)
{
	char *out = NULL, pre[64];
	size_t len = 0, i, j, l;
	int skip;

	w_line = NULL;
	w_n = 0;
	w_skip = strlen(top);
	ck_assert(nftw(top, w_one, 16, FTW_PHYS) == 0);
	qsort(w_line, w_n, sizeof(*w_line), linecmp);
	for (i = 0; i < w_n; i++) {
		for (skip = 0, j = 0; drop != NULL && drop[j] != NULL; j++) {
			snprintf(pre, sizeof(pre), "d/%s", drop[j]);
			l = strlen(pre);
			skip |= strncmp(w_line[i], pre, l) == 0 &&
			    (w_line[i][l] == '/' || w_line[i][l] == ' ');
		}
		if (!skip) {
			l = strlen(w_line[i]);
			ck_assert((out = realloc(out, len + l + 2)) != NULL);
			memcpy(out + len, w_line[i], l);
			out[len + l] = '\n';
			len += l + 1;
		}
		free(w_line[i]);
	}
	free(w_line);
	if (out == NULL)
		out = strdup("");
	else
		out[len] = '\0';
	return out;
}

struct seen {
	char	removed[64][SNAP_NAMELEN + 1];
	int	nremoved;
	char	failed[64][SNAP_NAMELEN + 1];
	int	err[64];
	int	nfailed;
};

static void
saw_removed(void *arg, const char *name)
{
	struct seen *s = arg;

	if (s->nremoved < 64)
		snprintf(s->removed[s->nremoved++], SNAP_NAMELEN + 1, "%s",
		    name);
}

static void
saw_failed(void *arg, const char *name, int err)
{
	struct seen *s = arg;

	if (s->nfailed < 64) {
		s->err[s->nfailed] = err;
		snprintf(s->failed[s->nfailed++], SNAP_NAMELEN + 1, "%s", name);
	}
}

static void
keepline(struct keep *k, const char *line)
{
	char err[256];

	ck_assert_msg(ko_parse_line(k, line, err, sizeof(err)) == 0, "%s", err);
}

static time_t
at_time(const char *name)
{
	time_t t;

	ck_assert(snap_parse(name, &t) == 0);
	return t;
}

/*
 * Only snapshot directories are candidates: a symlink or a file named like
 * one, names near one, latest, .incoming and .rshell-tmp.* are left alone
 * and take no place in a period.  prune_plan names what prune_snapshots
 * then removes, oldest first, and changes nothing.
 */
START_TEST(t_prune_select)
{
	static const char *const drop[] = { "2026-11-20T000000Z",
	    "2026-11-29T230000Z", "2026-11-30T020000Z", NULL };
	struct prune_log log;
	struct seen seen;
	struct ptree p;
	struct keep k;
	char *before, *after, *s, **names;
	size_t n, i;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "2d daily");
	s = snapdir(&p, "2026-11-20T000000Z");
	mkd(at(s, "sub"));
	mkfile(at(s, "sub/f"), "x", 0600);
	free(s);
	free(snapdir(&p, "2026-11-29T230000Z"));
	mkd(at(p.out, "snap"));
	mkfile(at(p.out, "snap/precious"), "precious", 0644);
	mkl("../outside/snap", at(p.d, "2026-11-30T000000Z"));
	mkfile(at(p.d, "2026-11-30T000500Z"), "a file", 0644);
	free(snapdir(&p, "2026-11-30T010000Z"));
	free(snapdir(&p, "2026-11-30T020000Z"));
	free(snapdir(&p, "2026-12-01T000000Z"));
	free(snapdir(&p, "2026-12-01T110000Z"));
	mkl("2026-12-01T110000Z", at(p.d, "latest"));
	mkd(at(p.d, ".incoming"));
	free(snapdir(&p, ".incoming/2026-11-01T000000Z"));
	mkd(at(p.d, ".rshell-tmp.4242"));
	free(snapdir(&p, "2026-11-20T000000Z.old"));
	free(snapdir(&p, "2026-11-20T000000z"));
	free(snapdir(&p, "2026-11-20T000000Z "));
	free(snapdir(&p, "02026-11-20T000000Z"));

	before = walk(p.top, NULL);
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 3);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(names[i], drop[i]);
		free(names[i]);
	}
	free(names);
	after = walk(p.top, NULL);
	ck_assert_str_eq(after, before);
	free(after);

	memset(&seen, 0, sizeof(seen));
	log.removed = saw_removed;
	log.failed = saw_failed;
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 3);
	ck_assert_int_eq(seen.nremoved, 3);
	ck_assert_int_eq(seen.nfailed, 0);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(seen.removed[i], drop[i]);
	after = walk(p.top, NULL);
	free(before);
	before = walk(p.top, NULL);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 0);
	free(names);
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 0);
	ck_assert(h_file_is(at(p.out, "snap/precious"), "precious"));
	pt_remove(&p);
}
END_TEST

/* What was there before, less exactly the snapshots removed. */
static void
expect_tree(const char *before_minus, const char *top)
{
	char *after = walk(top, NULL);

	ck_assert_msg(strcmp(after, before_minus) == 0,
	    "the tree after pruning:\n%s\nnot:\n%s", after, before_minus);
	free(after);
}

/*
 * A snapshot full of traps is removed whole, and nothing it points at:
 * symlinks to /, to outside, to its parent, loops; read-only and closed
 * directories; odd names; a FIFO; a hard link into the snapshot that is
 * kept.  A symlink named like an older snapshot, to a directory outside,
 * is neither followed nor counted.
 */
START_TEST(t_prune_hostile)
{
	const char *drop[2] = { "2026-11-01T000000Z", NULL };
	char longname[256], *d, *keep, *before;
	struct prune_log log = { saw_removed, saw_failed, NULL };
	struct seen seen;
	struct ptree p;
	struct keep k;
	struct stat st;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	mkfile(at(p.out, "precious"), "precious", 0644);
	mkd(at(p.out, "sub"));
	mkfile(at(p.out, "sub/file"), "also", 0644);
	mkl(p.out, at(p.d, "2020-01-01T000000Z"));
	keep = snapdir(&p, "2026-12-01T110000Z");
	d = snapdir(&p, drop[0]);
	mkl("/", at(d, "root"));
	mkl("../../outside", at(d, "out-rel"));
	mkl(p.out, at(d, "out-abs"));
	mkl(at(p.out, "precious"), at(d, "out-file"));
	mkl("loop2", at(d, "loop1"));
	mkl("loop1", at(d, "loop2"));
	mkl("..", at(d, "up"));
	mkl("nowhere/at/all", at(d, "dangling"));
	mkd(at(d, "ro"));
	mkfile(at(d, "ro/f1"), "1", 0644);
	mkfile(at(d, "ro/f2"), "2", 0000);
	mkd(at(d, "ro/closed"));
	mkfile(at(d, "ro/closed/x"), "x", 0644);
	mkl("../../../outside", at(d, "ro/closed/out"));
	ck_assert(chmod(at(d, "ro/closed"), 0000) == 0);
	ck_assert(chmod(at(d, "ro"), 0555) == 0);
	mkd(at(d, "wx"));
	mkfile(at(d, "wx/f"), "wx", 0644);
	ck_assert(chmod(at(d, "wx"), 0333) == 0);
	mkd(at(d, "2026-01-01T000000Z"));
	mkfile(at(d, "2026-01-01T000000Z/f"), "nested", 0644);
	mkfile(at(d, "with\nnewline"), "n", 0644);
	mkfile(at(d, " spaced "), "s", 0644);
	mkfile(at(d, "-rf"), "r", 0644);
	mkfile(at(d, "\xff\xfe"), "b", 0644);
	mkfile(at(d, "*"), "*", 0644);
	mkd(at(d, "..."));
	memset(longname, 'a', 255);
	longname[255] = '\0';
	mkfile(at(d, longname), "long", 0644);
	ck_assert(mkfifo(at(d, "fifo"), 0644) == 0);
	ck_assert(link(at(keep, "file"), at(d, "hardlink")) == 0);
	mkfile(at(d, "closed-file"), "c", 0000);
	ck_assert(chmod(d, 0555) == 0);

	before = walk(p.top, drop);
	memset(&seen, 0, sizeof(seen));
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 1);
	ck_assert_int_eq(seen.nfailed, 0);
	ck_assert_str_eq(seen.removed[0], drop[0]);
	expect_tree(before, p.top);
	ck_assert(h_file_is(at(p.out, "precious"), "precious"));
	ck_assert(h_file_is(at(keep, "file"), "2026-12-01T110000Z"));
	ck_assert(stat(at(keep, "file"), &st) == 0 && st.st_nlink == 1);
	ck_assert(lstat(at(p.d, "2020-01-01T000000Z"), &st) == 0 &&
	    S_ISLNK(st.st_mode));
	free(before);
	free(keep);
	free(d);
	pt_remove(&p);
}
END_TEST

/* A chain of depth directories "a" below dir. */
static void
chain(const char *dir, int depth, int file)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), nfd, i;

	ck_assert(fd != -1);
	for (i = 0; i < depth; i++) {
		ck_assert(mkdirat(fd, "a", 0755) == 0);
		ck_assert((nfd = openat(fd, "a", O_RDONLY | O_DIRECTORY)) != -1);
		close(fd);
		fd = nfd;
	}
	if (file) {
		nfd = openat(fd, "bottom", O_WRONLY | O_CREAT | O_EXCL, 0644);
		ck_assert(nfd != -1);
		close(nfd);
	}
	close(fd);
}

/* Cut the last directory of such a chain, found without a path. */
static void
cut_bottom(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), nfd;

	ck_assert(fd != -1);
	while ((nfd = openat(fd, "a", O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW)) != -1) {
		close(fd);
		fd = nfd;
	}
	ck_assert(unlinkat(fd, "bottom", 0) == 0);
	ck_assert((nfd = openat(fd, "..", O_RDONLY | O_DIRECTORY)) != -1);
	close(fd);
	ck_assert(unlinkat(nfd, "a", AT_REMOVEDIR) == 0);
	close(nfd);
}

/*
 * One level more than PRUNE_MAXDEPTH below a snapshot stops its removal,
 * reported with the errno, and its top stays; PRUNE_MAXDEPTH levels are
 * removed.
 */
START_TEST(t_prune_deep)
{
	struct prune_log log = { saw_removed, saw_failed, NULL };
	char *b, *c;
	struct seen seen;
	struct ptree p;
	struct keep k;
	struct stat st;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	b = snapdir(&p, "2026-11-02T000000Z");
	c = snapdir(&p, "2026-12-01T110000Z");
	chain(b, PRUNE_MAXDEPTH + 1, 1);
	memset(&seen, 0, sizeof(seen));
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 0);
	ck_assert_int_eq(seen.nremoved, 0);
	ck_assert_int_eq(seen.nfailed, 1);
	ck_assert_str_eq(seen.failed[0], "2026-11-02T000000Z");
	ck_assert_int_eq(seen.err[0], ENAMETOOLONG);
	ck_assert(lstat(b, &st) == 0 && S_ISDIR(st.st_mode));

	cut_bottom(b);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 1);
	ck_assert_int_eq(seen.nfailed, 0);
	ck_assert_str_eq(seen.removed[0], "2026-11-02T000000Z");
	ck_assert(lstat(b, &st) == -1 && errno == ENOENT);
	ck_assert(h_file_is(at(c, "file"), "2026-12-01T110000Z"));
	free(b);
	free(c);
	pt_remove(&p);
}
END_TEST

/*
 * Wide directories, near the top and far below it (where the pruner holds
 * no stream open): more entries than one getdents buffer, many of them
 * directories.
 */
START_TEST(t_prune_wide)
{
	struct keep k;
	struct ptree p;
	char name[64], deep[PATH_MAX], one[PATH_MAX], *d;
	int i, j;

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	d = snapdir(&p, "2026-11-01T000000Z");
	free(snapdir(&p, "2026-12-01T110000Z"));
	/* the files are names of one inode, as link-dest makes them (a new
	   inode for each costs more than the test) */
	PATHF(one, "%s/file", d);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "dir%03d", i);
		mkd(at(d, name));
		for (j = 0; j < 5; j++) {
			snprintf(name, sizeof(name), "dir%03d/f%d", i, j);
			mklink(one, at(d, name));
		}
		snprintf(name, sizeof(name), "file%04d", i);
		mklink(one, at(d, name));
	}
	chain(at(d, "dir000"), 40, 0);
	PATHF(deep, "%s/dir000", d);
	for (i = 0; i < 40; i++)
		strlcat(deep, "/a", sizeof(deep));
	for (i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "w%03d", i);
		mkd(at(deep, name));
		snprintf(name, sizeof(name), "w%03d/f", i);
		mklink(one, at(deep, name));
		snprintf(name, sizeof(name), "g%03d", i);
		mklink(one, at(deep, name));
	}
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, at_time(
	    "2026-12-01T120000Z"), NULL), 1);
	ck_assert(access(d, F_OK) == -1 && errno == ENOENT);
	free(d);
	pt_remove(&p);
}
END_TEST

/*
 * latest is kept whatever keep_select says (a clock put back: the newest
 * name is in the future, latest names an older one); no keep setting
 * removes nothing; a DIRECTORY that cannot be listed is -1.
 */
START_TEST(t_prune_edges)
{
	struct ptree p;
	struct keep k = { 0 };
	char **names;
	size_t n;
	time_t now = at_time("2026-12-01T120000Z");
	int fd;

	pt_make(&p);
	free(snapdir(&p, "2026-11-01T000000Z"));
	free(snapdir(&p, "2026-11-02T000000Z"));
	free(snapdir(&p, "2026-11-03T000000Z"));
	free(snapdir(&p, "2026-11-04T000000Z"));
	free(snapdir(&p, "2027-06-01T000000Z"));
	mkl("./2026-11-02T000000Z/", at(p.d, "latest"));
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, NULL), 0);
	keepline(&k, "1h hourly");
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 2);
	ck_assert_str_eq(names[0], "2026-11-01T000000Z");
	ck_assert_str_eq(names[1], "2026-11-03T000000Z");
	free(names[0]);
	free(names[1]);
	free(names);
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, NULL), 2);
	ck_assert(access(at(p.d, "2026-11-02T000000Z/file"), F_OK) == 0);
	ck_assert(access(at(p.d, "2026-11-04T000000Z/file"), F_OK) == 0);
	ck_assert(access(at(p.d, "2027-06-01T000000Z/file"), F_OK) == 0);
	fd = open(at(p.d, "2026-11-04T000000Z/file"), O_RDONLY);
	ck_assert(fd != -1);
	ck_assert_int_eq(prune_snapshots(fd, &k, now, NULL), -1);
	ck_assert_int_eq(prune_plan(fd, &k, now, &names, &n), -1);
	ck_assert(names == NULL && n == 0);
	close(fd);
	pt_remove(&p);
}
END_TEST

/*
 * A test clock runs over two years of pushes at irregular times, each
 * followed by a prune: what is left after each is exactly what the
 * oracle keeps of every snapshot ever made, at that time, so pruning
 * push by push loses nothing a single selection would keep.
 */
START_TEST(t_prune_history)
{
	struct pp_rng r = { seed ^ 0x486973746f727900ULL };
	unsigned char want[1024], there[1024];
	time_t all[1024], now = at_time("2026-01-01T000000Z"), t;
	char name[SNAP_NAMELEN + 1], tmp[PATH_MAX];
	struct dirent *de;
	struct ptree p;
	struct keep k;
	size_t n = 0, i, m, left;
	DIR *dir;

	as_account();
	pt_make(&p);
	keepline(&k, "2d daily 3w weekly 4m monthly 2y yearly");
	while (n < NROWS(all) && n < 400) {
		now += (time_t)(pp_below(&r, 8) == 0 ? 60 +
		    pp_below(&r, 600) : 3600 + pp_below(&r, 40 * 3600));
		ck_assert(snap_name(now, name) == 0);
		free(snapdir(&p, name));
		PATHF(tmp, "%s/latest.new", p.d);
		mkl(name, tmp);
		ck_assert(rename(tmp, at(p.d, "latest")) == 0);
		all[n++] = now;
		ck_assert(prune_snapshots(p.dfd, &k, now, NULL) >= 0);
		ko_select(&k, all, n, now, 1, want);
		for (left = 0, i = 0; i < n; i++)
			left += want[i];
		ck_assert((dir = opendir(p.d)) != NULL);
		memset(there, 0, n);
		for (m = 0; (de = readdir(dir)) != NULL; ) {
			if (snap_parse(de->d_name, &t) == -1)
				continue;
			for (i = 0; i < n && all[i] != t; i++)
				;
			H_ASSERT(i < n, "%s was never made", de->d_name);
			there[i] = 1;
			m++;
		}
		closedir(dir);
		for (i = 0; i < n; i++)
			if (there[i] != want[i]) {
				snap_name(all[i], name);
				ck_abort_msg("seed %" PRIu64 ": at push %zu %s "
				    "is %s", seed, n, name, want[i] ? "gone" :
				    "still there");
			}
		ck_assert_uint_eq(m, left);
	}
	pt_remove(&p);
}
END_TEST

Suite *
make_suite_prune(void)
{
	Suite *s = suite_create("prune");
	TCase *tc;

	seed = h_seed("prune");
	tc = tcase_create("prune");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_prune_select);
	tcase_add_test(tc, t_prune_hostile);
	tcase_add_test(tc, t_prune_deep);
	tcase_add_test(tc, t_prune_wide);
	tcase_add_test(tc, t_prune_edges);
	tcase_add_test(tc, t_prune_history);
	suite_add_tcase(s, tc);
	return s;
}
