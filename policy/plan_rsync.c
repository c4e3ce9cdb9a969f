/*
 * Planning an rsync request: the grammar (rsyncargs.c) separates options
 * from paths, every path is resolved beneath DIRECTORY, and the argv is
 * assembled from the client's options, what the rule adds, and the
 * resolved paths.
 *
 * rsync is never handed a path as the client wrote it.  Each path is
 * pinned by the kernel (confine.c) and rsync receives /proc/self/fd/N/REST,
 * where N is a descriptor of the deepest directory that exists and REST
 * the components rsync will create.  A symlink that another session swaps
 * in after the check cannot redirect rsync: the descriptor still names the
 * directory that was checked.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "confine.h"
#include "keep.h"
#include "plan.h"
#include "rsyncargs.h"

#define MAXARGV		4096	/* words in the argv handed to rsync */
#define MAXMATCHES	4096	/* paths one wildcard may expand to */
#define GLOB_MAXDIRS	1024	/* directories one request's wildcards read */
#define GLOB_MAXENTRIES	(256 * 1024)	/* entries they read */
#define SNAP_MAXENTRIES	(256 * 1024)	/* entries of DIRECTORY read to
					   find the newest snapshot */

struct strv {
	char	**v;
	size_t	  n;
	int	  fail;
};

static void addf(struct strv *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
add(struct strv *s, const char *word)
{
	char **v;

	if (s->fail)
		return;
	if (s->n + 2 > MAXARGV ||
	    (v = reallocarray(s->v, s->n + 2, sizeof(*v))) == NULL) {
		s->fail = 1;
		return;
	}
	s->v = v;
	if ((s->v[s->n] = strdup(word)) == NULL) {
		s->fail = 1;
		return;
	}
	s->v[++s->n] = NULL;
}

static void
addf(struct strv *s, const char *fmt, ...)
{
	char *word;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&word, fmt, ap);
	va_end(ap);
	if (r == -1) {
		s->fail = 1;
		return;
	}
	add(s, word);
	free(word);
}

static void
addv(struct strv *s, const struct strv *from)
{
	size_t i;

	for (i = 0; i < from->n; i++)
		add(s, from->v[i]);
	if (from->fail)
		s->fail = 1;
}

static void
strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* The argv of a request, in the order rsync receives it. */
struct words {
	struct strv	 added;		/* what the rule adds */
	struct strv	 popts;		/* the path options, resolved */
	struct strv	 paths;		/* the transfer paths, resolved */
};

/*
 * A client path as a clean path relative to DIRECTORY.  Absolute paths are
 * relative to DIRECTORY too, except that with "absolute" a path already
 * under DIRECTORY (the classic pinned ". /home/backup/") is taken as is.
 */
static int
relpath(struct plan *pl, const char *path, char *out, size_t outlen,
    int marker)
{
	if (pl->rule->opts & RO_ABSOLUTE)
		path = confine_strip(path, pl->d->dir);
	return (marker ? confine_clean_marker : confine_clean)(path, out,
	    outlen, pl->err, pl->errlen);
}

/* A transfer path: as relpath, and a leading "~" is DIRECTORY too. */
static int
xferpath(struct plan *pl, const char *path, char *out, size_t outlen)
{
	if (pl->rule->opts & RO_ABSOLUTE)
		path = confine_strip(path, pl->d->dir);
	return confine_clean_home(path, out, outlen, pl->err, pl->errlen);
}

static int
has_slash_end(const char *path)
{
	size_t n = strlen(path);

	return n > 0 && (path[n - 1] == '/' ||
	    (path[n - 1] == '.' && (n == 1 || path[n - 2] == '/')));
}

/*
 * Pin rel by the deepest directory of it that exists, and name the rest
 * after that descriptor.  leaf: the last component is named by itself
 * (a pull of "dir" without a slash sends the directory, not its
 * contents), so even an existing directory is pinned by its parent.
 */
static int
pin_path(struct plan *pl, struct strv *s, const char *rel, int leaf,
    int slash)
{
	char covered[PATH_MAX];
	struct pinned pp;

	if (confine_pin(pl->d->rootfd, rel, leaf ? CONFINE_LEAF : 0, &pp,
	    pl->err, pl->errlen) == -1)
		return -1;
	if (pp.covered == 0)
		strlcpy(covered, ".", sizeof(covered));
	else
		snprintf(covered, sizeof(covered), "%.*s",
		    (int)(pp.rest - rel - (pp.rest[0] != '\0')), rel);
	if (plan_pin(pl, pp.fd, covered) == -1)
		return -1;
	addf(s, "/proc/self/fd/%d/%s%s", pp.fd, pp.rest,
	    pp.rest[0] != '\0' && slash ? "/" : "");
	return 0;
}

static int
path_option(struct plan *pl, struct strv *s, const struct rsync_pathopt *po,
    const char *destdir)
{
	char rel[PATH_MAX];
	struct stat st;
	int fd;

	if (po->kind == RP_CWDREL && strcmp(po->value, "-") == 0) {
		addf(s, "--%s=-", po->name);
		return 0;
	}
	/* The server would read the file and send its lines back as names. */
	if (po->kind == RP_CWDREL && !(pl->rule->opts & RO_PULL))
		return plan_fail(pl, "--%s=FILE is not allowed under a rule "
		    "without pull: it sends the lines of a file here back "
		    "(a local list goes as --%s=-)", po->name, po->name);
	if (po->kind == RP_PARTIAL && po->value[0] == '/' &&
	    pl->d->wall == WALL_SNAPSHOT)
		return plan_fail(pl, "an absolute --%s is not allowed by the "
		    "snapshot policy: it lies outside the incoming snapshot "
		    "(a relative one is kept in each directory)", po->name);
	if (po->kind == RP_PARTIAL && po->value[0] != '/') {
		/* A per-directory name, created inside each destination. */
		if (confine_clean(po->value, rel, sizeof(rel), pl->err,
		    pl->errlen) == -1)
			return -1;
		addf(s, "--%s=%s", po->name, rel);
		return 0;
	}
	if (po->kind == RP_DESTREL && po->value[0] != '/') {
		if (confine_join(destdir, po->value, rel, sizeof(rel),
		    pl->err, pl->errlen) == -1)
			return -1;
	} else if (relpath(pl, po->value, rel, sizeof(rel), 0) == -1)
		return -1;
	if (po->kind == RP_CWDREL) {
		/* A file rsync reads: open it, refuse anything but a file. */
		fd = confine_open(pl->d->rootfd, rel, O_RDONLY | O_NOCTTY |
		    O_NONBLOCK, pl->err, pl->errlen);
		if (fd == -1)
			return -1;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			close(fd);
			return plan_fail(pl, "--%s %s is not a regular file",
			    po->name, po->value);
		}
		if (plan_pin(pl, fd, rel) == -1)
			return -1;
		addf(s, "--%s=/proc/self/fd/%d", po->name, fd);
		return 0;
	}
	addf(s, "--%s", po->name);
	return pin_path(pl, s, rel, 0, 1);
}

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Expand the wildcards of rel inside DIRECTORY, one component at a time
 * over the whole set of matches so far (no recursion: the depth is the
 * client's), reading each directory through a confined descriptor.
 * Hidden names match only a pattern that starts with '.'.  The work is
 * bounded before anything is logged: two symlinks to "." would otherwise
 * make "loop/x/x/.../zz*" read 2^k directories.
 */
static int
glob_dir(struct plan *pl, const char *prefix, const char *pat,
    struct strv *next)
{
	char path[PATH_MAX], why[PATH_MAX + 64];
	struct dirent *de;
	DIR *dir;
	int fd;

	if (++pl->globdirs > GLOB_MAXDIRS)
		return plan_fail(pl, "wildcard reads more than %d directories",
		    GLOB_MAXDIRS);
	fd = confine_open(pl->d->rootfd, prefix[0] ? prefix : ".",
	    O_RDONLY | O_DIRECTORY, why, sizeof(why));
	if (fd == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;	/* no match; rsync reports the path */
	}
	while ((de = readdir(dir)) != NULL) {
		if (++pl->globentries > GLOB_MAXENTRIES) {
			closedir(dir);
			return plan_fail(pl, "wildcard reads more than %d "
			    "entries", GLOB_MAXENTRIES);
		}
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fnmatch(pat, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (next->n >= MAXMATCHES) {
			closedir(dir);
			return plan_fail(pl, "wildcard matches more than %d "
			    "paths", MAXMATCHES);
		}
		if (snprintf(path, sizeof(path), "%s%s%s", prefix,
		    prefix[0] ? "/" : "", de->d_name) < (int)sizeof(path))
			add(next, path);
	}
	closedir(dir);
	return 0;
}

static int
glob_walk(struct plan *pl, const char *rel, struct strv *out)
{
	struct strv cur = { NULL, 0, 0 }, next;
	char comp[NAME_MAX + 1], path[PATH_MAX];
	const char *p = rel, *slash;
	size_t i, n;
	int rv = 0;

	add(&cur, "");
	for (; rv == 0 && *p != '\0' && cur.n > 0; p = slash ? slash + 1 :
	    p + n) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		memcpy(comp, p, n);
		comp[n] = '\0';
		memset(&next, 0, sizeof(next));
		for (i = 0; rv == 0 && i < cur.n; i++) {
			if (has_glob(comp))
				rv = glob_dir(pl, cur.v[i], comp, &next);
			else if (snprintf(path, sizeof(path), "%s%s%s",
			    cur.v[i], cur.v[i][0] ? "/" : "", comp) <
			    (int)sizeof(path))
				add(&next, path);
		}
		strv_free(&cur);
		cur = next;
		if (cur.fail && rv == 0)
			rv = plan_fail(pl, "out of memory");
		if (!slash)
			break;
	}
	if (rv == 0)
		for (i = 0; i < cur.n; i++)
			add(out, cur.v[i]);
	strv_free(&cur);
	return rv;
}

/*
 * The names a pull path stands for: itself, or what its wildcards match.
 * The splitter has already removed the client's escapes, so a name such
 * as "photo[1].jpg" (sent as photo\[1\].jpg) would read as a pattern: a
 * path that exists as written is taken as written.
 */
static int
expand(struct plan *pl, const char *rel, struct strv *m)
{
	char why[PATH_MAX + 64];
	int fd;

	if (has_glob(rel) && strcmp(rel, ".") != 0) {
		fd = confine_open(pl->d->rootfd, rel, O_PATH | O_NOFOLLOW, why,
		    sizeof(why));
		if (fd != -1)
			close(fd);
		else {
			if (glob_walk(pl, rel, m) == -1)
				return -1;
			if (m->fail)
				return plan_fail(pl, "out of memory");
			/* no match leaves m->v NULL: qsort may not see it */
			if (m->n > 1)
				qsort(m->v, m->n, sizeof(*m->v), cmp_str);
		}
	}
	if (m->n == 0)
		add(m, rel);
	return 0;
}

int
plan_expand(struct plan *pl, const char *rel, char ***v, size_t *n)
{
	struct strv m = { NULL, 0, 0 };

	if (expand(pl, rel, &m) == -1 || m.fail) {
		strv_free(&m);
		return m.fail ? plan_fail(pl, "out of memory") : -1;
	}
	*v = m.v;
	*n = m.n;
	return 0;
}

/*
 * --relative sends the path itself as the file name, so it cannot be
 * replaced by a descriptor: it is checked beneath the root as a pin is
 * (every existing step a directory inside, only the last missing or not a
 * directory) and passed relative to the pinned working directory.  A
 * client's "/./" marker is kept.
 */
static int
relative_path(struct plan *pl, struct strv *s, const char *path,
    const char *rel, int single, int slash)
{
	const char *marker = strstr(path, "/./");
	char marked[PATH_MAX];
	struct pinned pp;

	if (confine_pin(pl->d->rootfd, rel, 0, &pp, pl->err,
	    pl->errlen) == -1)
		return -1;
	close(pp.fd);
	if (single && marker != NULL && marker != path) {
		if (relpath(pl, path, marked, sizeof(marked), 1) == -1)
			return -1;
		addf(s, "%s%s", marked, slash ? "/" : "");
	} else
		addf(s, "%s%s", rel, slash && strcmp(rel, ".") ? "/" : "");
	return 0;
}

static int
sender_path(struct plan *pl, struct strv *s, const char *path,
    unsigned flags)
{
	char rel[PATH_MAX];
	struct strv m = { NULL, 0, 0 };
	size_t i;
	int slash = has_slash_end(path), rv;

	if (xferpath(pl, path, rel, sizeof(rel)) == -1)
		return -1;
	rv = expand(pl, rel, &m);
	for (i = 0; rv == 0 && i < m.n; i++)
		rv = flags & RF_RELATIVE ?
		    relative_path(pl, s, path, m.v[i], m.n == 1, slash) :
		    pin_path(pl, s, m.v[i], !slash, slash);
	strv_free(&m);
	return rv;
}

/*
 * The account cannot make names in DIRECTORY under the snapshot wall, but
 * another rule for the same DIRECTORY could, so the read is bounded
 * before anything is logged.
 */
int
policy_newest_snapshot(int rootfd, char name[SNAP_NAMELEN + 1])
{
	struct dirent *de;
	struct stat st;
	size_t entries = 0;
	time_t t;
	DIR *dir;
	int fd;

	name[0] = '\0';
	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (++entries > SNAP_MAXENTRIES) {
			closedir(dir);
			errno = E2BIG;
			return -1;
		}
		if (snap_parse(de->d_name, &t) == -1 ||
		    strcmp(de->d_name, name) <= 0 ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;
		strlcpy(name, de->d_name, SNAP_NAMELEN + 1);
	}
	closedir(dir);
	return 0;
}

/*
 * A push under snapshot goes to P inside DIRECTORY/.incoming, whatever P
 * the client named: a descriptor is reserved for the incoming directory
 * now, and the runner makes it (when an earlier push has not left it)
 * and puts it there.  What an interrupted push left is checked as any
 * destination is: P may not lead out of it.  The newest snapshot's P,
 * when it has one, is pinned for --link-dest.
 */
static int
snapshot_dest(struct plan *pl, struct strv *s, const char *dest, int slash)
{
	struct decision *d = pl->d;
	char snap[SNAP_NAMELEN + 1], rel[PATH_MAX];
	struct pinned pp;
	struct stat st;
	int fd;

	if ((fd = openat(d->rootfd, DECIDE_INCOMING, O_PATH | O_NOFOLLOW |
	    O_CLOEXEC)) != -1) {
		if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode)) {
			close(fd);
			return plan_fail(pl, "%s/%s is not a directory",
			    d->dir, DECIDE_INCOMING);
		}
		if (confine_pin(fd, dest, 0, &pp, pl->err, pl->errlen) == -1) {
			close(fd);
			return -1;
		}
		close(pp.fd);
		close(fd);
	} else if (errno != ENOENT)
		return plan_fail(pl, "%s/%s: %s", d->dir, DECIDE_INCOMING,
		    strerror(errno));
	if ((fd = fcntl(d->rootfd, F_DUPFD_CLOEXEC, 3)) == -1)
		return plan_fail(pl, "cannot reserve a descriptor: %s",
		    strerror(errno));
	if (plan_pin(pl, fd, DECIDE_INCOMING) == -1)
		return -1;
	d->incoming = (int)d->npins - 1;
	if (strcmp(dest, ".") == 0)
		addf(s, "/proc/self/fd/%d/", fd);
	else
		addf(s, "/proc/self/fd/%d/%s%s", fd, dest, slash ? "/" : "");
	if (policy_newest_snapshot(d->rootfd, snap) == -1)
		return plan_fail(pl, "cannot read %s: %s", d->dir,
		    errno == E2BIG ? "too many entries" : strerror(errno));
	if (snap[0] == '\0')
		return 0;	/* the first snapshot links against nothing */
	if (strcmp(dest, ".") == 0)
		strlcpy(rel, snap, sizeof(rel));
	else if (snprintf(rel, sizeof(rel), "%s/%.*s", snap,
	    (int)(sizeof(rel) - SNAP_NAMELEN - 2), dest) >= (int)sizeof(rel) ||
	    strlen(dest) > sizeof(rel) - SNAP_NAMELEN - 2)
		return plan_fail(pl, "destination path too long");
	/* Not a directory there (a new P, a single file): nothing to link. */
	if ((fd = confine_open(d->rootfd, rel, O_PATH | O_DIRECTORY, pl->err,
	    pl->errlen)) == -1)
		return 0;
	if (plan_pin(pl, fd, rel) == -1)
		return -1;
	d->linkdest = (int)d->npins - 1;
	return 0;
}

/*
 * The session's temporary directory under no-overwrite: a descriptor is
 * reserved now (a duplicate of DIRECTORY) so that the argv is final; the
 * runner makes the directory and puts it at that number.
 */
static int
session_tmpdir(struct plan *pl, struct strv *s)
{
	struct decision *d = pl->d;
	int fd;

	if ((fd = fcntl(d->rootfd, F_DUPFD_CLOEXEC, 3)) == -1)
		return plan_fail(pl, "cannot reserve a descriptor: %s",
		    strerror(errno));
	if (plan_pin(pl, fd, DECIDE_TMPDIR "PID") == -1)
		return -1;
	d->tmpdir = (int)d->npins - 1;
	addf(s, "--temp-dir=/proc/self/fd/%d", fd);
	return 0;
}

/*
 * What the rule adds, after every option of the client's, so that rsync's
 * last setting is the rule's.  The kernel wall holds the rest whatever the
 * client's rsync does; these keep an honest client from running into it.
 */
static int
rule_options(struct plan *pl, struct strv *s)
{
	unsigned ro = pl->rule->opts;
	int push = pl->d->push;

	if (ro & RO_FAKESUPER)
		add(s, "--fake-super");
	if (ro & RO_MUNGELINKS)
		add(s, "--munge-links");
	if (push && ro & RO_NOOVERWRITE)
		add(s, "--ignore-existing");
	/* No block checksums of the server's files go back to the client. */
	if (push && !(ro & RO_PULL))
		add(s, "--whole-file");
	if (push && ro & (RO_NOOVERWRITE | RO_SNAPSHOT) &&
	    session_tmpdir(pl, s) == -1)
		return -1;
	if (pl->d->linkdest != -1)
		addf(s, "--link-dest=/proc/self/fd/%d/",
		    pl->d->pins[pl->d->linkdest].fd);
	/*
	 * No set-id bit lands on disk, whatever mode the client sends: the
	 * receiver applies --chmod to the modes it is sent.  Under
	 * fake-super rsync itself keeps special bits off the file and in
	 * its xattr, where a restore as root finds them: --chmod would
	 * destroy them there.
	 */
	if (push && !(ro & RO_FAKESUPER))
		add(s, "--chmod=ugo-s");
	if (pl->caps->confine == 1) {
		/* Resolved: rsync compares it with where paths lead. */
		addf(s, "--confine-root=%s", pl->d->real);
		if (push)
			add(s, "--drop-D");
	}
	return 0;
}

/*
 * The wall the request runs behind, and whether this machine can build
 * it.  Where the kernel has no Landlock and rsync no --confine-root,
 * nothing would keep rsync inside DIRECTORY on the paths it walks itself,
 * so what only those walls make safe is refused, and the reason says so.
 */
static int
choose_wall(struct plan *pl, const struct rsync_req *req)
{
	const struct caps *c = pl->caps;
	struct decision *d = pl->d;
	unsigned ro = pl->rule->opts;

	if (c->confine == -1)
		return plan_fail(pl, "cannot read %s to see whether it has "
		    "--confine-root: make it readable to the accounts",
		    pl->p->rsync);
	if (!d->push)
		d->wall = req->flags & RF_REMOVESRC ? WALL_WRITE : WALL_READ;
	else if (ro & RO_SNAPSHOT)
		d->wall = WALL_SNAPSHOT;
	else if (ro & RO_NOOVERWRITE)
		d->wall = WALL_CREATE;
	else
		d->wall = ro & RO_NODELETE ? WALL_KEEPDIRS : WALL_WRITE;
	if (c->landlock == 0 && c->confine == 0 && (d->push ||
	    req->flags & RF_RELATIVE || req->npopts > 0))
		return plan_fail(pl, "%s refused: this kernel has no Landlock "
		    "and %s has no --confine-root (rsync 3.5), so nothing "
		    "would keep rsync inside the directory", d->push ? "push" :
		    req->flags & RF_RELATIVE ? "-R pull" : "pull with a path "
		    "option", pl->p->rsync);
	if (d->wall == WALL_CREATE && c->landlock < WALL_ABI_CREATE)
		return plan_fail(pl, "no-overwrite needs Landlock ABI %d "
		    "(Linux 6.2 or later), this kernel has %d: without it a "
		    "modified client could overwrite files", WALL_ABI_CREATE,
		    c->landlock);
	if (d->wall == WALL_SNAPSHOT && c->landlock < WALL_ABI_CREATE)
		return plan_fail(pl, "snapshot needs Landlock ABI %d (Linux "
		    "6.2 or later), this kernel has %d: without it a modified "
		    "client could change earlier snapshots", WALL_ABI_CREATE,
		    c->landlock);
	if (d->wall == WALL_KEEPDIRS && c->landlock == 0)
		return plan_fail(pl, "no-delete needs Landlock, which this "
		    "kernel lacks: without it a modified client could remove "
		    "directories");
	return 0;
}

/* Every path of the request, resolved beneath DIRECTORY. */
static int
resolve(struct plan *pl, const struct rsync_req *req, struct words *w)
{
	char destdir[PATH_MAX];
	size_t i;

	/*
	 * Options resolved relative to the destination use its clean path.
	 * A sender has no destination (the client forwards --backup-dir and
	 * the like to both ends): its first path stands in for it.
	 */
	strlcpy(destdir, ".", sizeof(destdir));
	if (req->npaths > 0 && xferpath(pl, req->paths[0], destdir,
	    sizeof(destdir)) == -1)
		return -1;
	for (i = 0; i < req->npopts; i++)
		if (path_option(pl, &w->popts, &req->popts[i], destdir) == -1)
			return -1;
	/* A push has exactly one path (rsync_check), cleaned just above. */
	if (pl->d->wall == WALL_SNAPSHOT)
		return snapshot_dest(pl, &w->paths, destdir,
		    has_slash_end(req->paths[0]));
	if (pl->d->push)
		return pin_path(pl, &w->paths, destdir, 0,
		    has_slash_end(req->paths[0]));
	for (i = 0; i < req->npaths; i++)
		if (sender_path(pl, &w->paths, req->paths[i], req->flags) == -1)
			return -1;
	return 0;
}

static int
assemble(struct plan *pl, const struct rsync_req *req, struct words *w)
{
	struct decision *d = pl->d;
	struct strv s = { NULL, 0, 0 };
	size_t i, first;

	add(&s, pl->p->rsync);
	add(&s, "--server");
	if (!d->push)
		add(&s, "--sender");
	for (i = 0; i < req->nopts; i++)
		add(&s, req->opts[i]);
	addv(&s, &w->popts);
	first = s.n;
	addv(&s, &w->added);
	add(&s, "--");
	add(&s, ".");
	addv(&s, &w->paths);
	if (s.fail || w->added.n > DECIDE_MAXADDED) {
		strv_free(&s);
		return plan_fail(pl, "out of memory or too many words");
	}
	d->argv = s.v;
	d->argc = s.n;
	for (i = 0; i < w->added.n; i++)
		d->added[d->nadded++] = d->argv[first + i];
	return 0;
}

int
plan_rsync(struct plan *pl, char *const *words, size_t nwords)
{
	struct decision *d = pl->d;
	struct rsync_req req;
	struct words w;
	int rv;

	if (rsync_check(words, nwords, pl->rule->opts, &req, pl->err,
	    pl->errlen) == -1)
		return -1;
	memset(&w, 0, sizeof(w));
	d->push = !(req.flags & RF_SENDER);
	/* Two pushes into one snapshot would mix: snapshot implies lock. */
	d->lock = d->push && (pl->rule->opts & (RO_LOCK | RO_SNAPSHOT));
	if (d->push && pl->rule->opts & RO_SNAPSHOT && pl->rule->keep != NULL)
		d->keep = *pl->rule->keep;
	d->keepdir = 1;
	rv = choose_wall(pl, &req);
	if (rv == 0)
		rv = resolve(pl, &req, &w);
	if (rv == 0)
		rv = rule_options(pl, &w.added);
	if (rv == 0)
		rv = assemble(pl, &req, &w);
	strv_free(&w.added);
	strv_free(&w.popts);
	strv_free(&w.paths);
	rsync_req_free(&req);
	return rv;
}
