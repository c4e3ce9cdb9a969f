/*
 * ls: the entries of one directory (or of the operands) in a packed set,
 * sorted in the C locale or by time, printed by name or in the long
 * format, and with -R the walk through the subdirectories.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "list_fmt.h"

/* --- entry sets and the long format --------------------------------- */

static void
est_from(struct est *e, const struct stat *st)
{
	e->size = st->st_size;
	e->blocks = st->st_blocks;
	e->mtime = st->st_mtim.tv_sec;
	e->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	e->nlink = st->st_nlink;
	e->rdev = st->st_rdev;
	e->mode = st->st_mode;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
}

static void
set_reset(struct eset *s)
{
	s->alen = s->n = s->stn = 0;
}

/* Add st to the stat array; returns its index or -1. */
static long
set_stat(struct eset *s, const struct stat *st)
{
	struct est *v;
	size_t cap;

	if (s->stn == s->stcap) {
		cap = s->stcap == 0 ? 64 : s->stcap * 2;
		if ((v = reallocarray(s->st, cap, sizeof(*v))) == NULL)
			return -1;
		s->st = v;
		s->stcap = cap;
	}
	est_from(&s->st[s->stn], st);
	return (long)s->stn++;
}

static int
set_add(struct eset *s, const char *name, int isdir, long sti)
{
	size_t n = strlen(name) + 1, cap;
	struct ent *v;
	char *a;

	if (s->alen + n > UINT32_MAX || s->n >= UINT32_MAX)
		return -1;
	if (s->alen + n > s->acap) {
		cap = s->acap == 0 ? 4096 : s->acap * 2;
		while (cap < s->alen + n)
			cap *= 2;
		if ((a = realloc(s->arena, cap)) == NULL)
			return -1;
		s->arena = a;
		s->acap = cap;
	}
	if (s->n == s->cap) {
		cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((v = reallocarray(s->v, cap, sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	memcpy(s->arena + s->alen, name, n);
	s->v[s->n].name = (uint32_t)s->alen;
	s->v[s->n].st = sti < 0 ? 0 : (uint32_t)sti;
	s->v[s->n++].isdir = (unsigned char)isdir;
	s->alen += n;
	return 0;
}

struct sortctx {
	const struct eset	*s;
	unsigned int		 flags;
};

/* C-locale byte order; -t newest first, ties by name; -r reverses all. */
static int
cmp_ent(const void *a, const void *b, void *arg)
{
	const struct sortctx *c = arg;
	const struct ent *x = a, *y = b;
	const struct est *sx, *sy;
	int d = 0;

	if (c->flags & LF_TIME) {
		sx = &c->s->st[x->st];
		sy = &c->s->st[y->st];
		if (sx->mtime != sy->mtime)
			d = sx->mtime < sy->mtime ? 1 : -1;
		else if (sx->mtime_ns != sy->mtime_ns)
			d = sx->mtime_ns < sy->mtime_ns ? 1 : -1;
	}
	if (d == 0)
		d = strcmp(c->s->arena + x->name, c->s->arena + y->name);
	d = d < 0 ? -1 : d > 0;
	return (c->flags & LF_REV) ? -d : d;
}

static void
set_sort(struct run *r, struct eset *s)
{
	struct sortctx c;

	if (s->n < 2)
		return;
	c.s = s;
	c.flags = r->flags;
	qsort_r(s->v, s->n, sizeof(*s->v), cmp_ent, &c);
}

struct widths {
	size_t	 nlink, user, group, size, major, minor;
};

static void
size_str(struct run *r, const struct est *e, char *buf, size_t len)
{
	if (r->flags & LF_HUMAN)
		list_fmt_human((uint64_t)e->size, buf, len);
	else
		snprintf(buf, len, "%" PRId64, e->size);
}

static void
set_widths(struct run *r, const struct eset *s, struct widths *w)
{
	char buf[LIST_NUMLEN];
	const struct est *e;
	size_t i;
	int num;

	/*
	 * Over the whole stat array: for operands that includes the
	 * directories listed later, whose sizes GNU ls counts as well.
	 */
	memset(w, 0, sizeof(*w));
	for (i = 0; i < s->stn; i++) {
		e = &s->st[i];
		snprintf(buf, sizeof(buf), "%" PRIu64, e->nlink);
		list_widen(&w->nlink, buf);
		list_widen(&w->user, list_fmt_user(&r->ids, e->uid, &num));
		list_widen(&w->group, list_fmt_group(&r->ids, e->gid, &num));
		if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
			snprintf(buf, sizeof(buf), "%u", major(e->rdev));
			list_widen(&w->major, buf);
			snprintf(buf, sizeof(buf), "%u", minor(e->rdev));
			list_widen(&w->minor, buf);
		} else {
			size_str(r, e, buf, sizeof(buf));
			list_widen(&w->size, buf);
		}
	}
	if (w->major + w->minor > 0 && w->major + 2 + w->minor > w->size)
		w->size = w->major + 2 + w->minor;
}

static void
put_size(struct run *r, const struct est *e, const struct widths *w)
{
	char buf[LIST_NUMLEN];
	size_t gap;

	if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		gap = w->size - (w->major + 2 + w->minor);
		snprintf(buf, sizeof(buf), "%u", major(e->rdev));
		list_out_pad(&r->out, buf, w->major + gap, 1);
		list_out_str(&r->out, ", ");
		snprintf(buf, sizeof(buf), "%u", minor(e->rdev));
		list_out_pad(&r->out, buf, w->minor, 1);
	} else {
		size_str(r, e, buf, sizeof(buf));
		list_out_pad(&r->out, buf, w->size, 1);
	}
	list_out_str(&r->out, " ");
}

/* " -> target" of a symlink: name beneath dirfd, or fd itself. */
static void
put_target(struct run *r, int fd, const char *name, const char *shown)
{
	char buf[PATH_MAX + 1];
	ssize_t n;

	n = readlinkat(fd, name, buf, sizeof(buf) - 1);
	if (n == -1) {
		list_problem(r, "cannot read symbolic link", shown, errno, 1);
		return;
	}
	buf[n] = '\0';
	list_out_str(&r->out, " -> ");
	list_out_name(&r->out, buf);
}

/*
 * One "ls -l" line.  The target of a symlink is read from dirfd/name, or
 * for an operand (dirfd -1) from its pinned descriptor.
 */
static void
put_long(struct run *r, const struct eset *s, const struct ent *en,
    const struct widths *w, int dirfd)
{
	const struct est *e = &s->st[en->st];
	const char *name = s->arena + en->name, *id;
	char buf[LIST_TIMELEN];
	struct timespec t;
	int num;

	list_fmt_mode(e->mode, buf, sizeof(buf));
	list_out_str(&r->out, buf);
	list_out_str(&r->out, " ");
	snprintf(buf, sizeof(buf), "%" PRIu64, e->nlink);
	list_out_pad(&r->out, buf, w->nlink, 1);
	list_out_str(&r->out, " ");
	id = list_fmt_user(&r->ids, e->uid, &num);
	list_out_pad(&r->out, id, w->user, num);
	list_out_str(&r->out, " ");
	id = list_fmt_group(&r->ids, e->gid, &num);
	list_out_pad(&r->out, id, w->group, num);
	list_out_str(&r->out, " ");
	put_size(r, e, w);
	t.tv_sec = (time_t)e->mtime;
	t.tv_nsec = (long)e->mtime_ns;
	list_fmt_time(&t, &r->now, buf, sizeof(buf));
	list_out_str(&r->out, buf);
	list_out_str(&r->out, " ");
	list_out_name(&r->out, name);
	if (S_ISLNK(e->mode)) {
		if (dirfd == -1)
			put_target(r, r->l->ops[en->st].fd, "", name);
		else
			put_target(r, dirfd, name, name);
	}
	list_out_str(&r->out, "\n");
}

static void
print_set(struct run *r, const struct eset *s, int dirfd)
{
	struct widths w;
	size_t i;

	if (r->flags & LF_LONG)
		set_widths(r, s, &w);
	for (i = 0; i < s->n && !r->out.err; i++) {
		if (r->flags & LF_LONG)
			put_long(r, s, &s->v[i], &w, dirfd);
		else {
			list_out_name(&r->out, s->arena + s->v[i].name);
			list_out_str(&r->out, "\n");
		}
	}
}

/* --- the directories ------------------------------------------------ */

/*
 * lstat of an entry of the top level.  ".." of DIRECTORY itself is shown
 * as DIRECTORY, as ".." of "/" is "/": nothing about what lies above it.
 */
static int
stat_entry(struct run *r, const char *name, struct stat *st)
{
	const struct level *lv = &r->lv[r->depth - 1];

	if (strcmp(name, "..") == 0 && lv->dev == r->l->rootst.st_dev &&
	    lv->ino == r->l->rootst.st_ino) {
		*st = r->l->rootst;
		return 0;
	}
	return fstatat(lv->fd, name, st, AT_SYMLINK_NOFOLLOW);
}

static int
shown(struct run *r, const char *name)
{
	if (name[0] != '.' || (r->flags & LF_ALL))
		return 1;
	return (r->flags & LF_ALMOST) && !list_isdots(name);
}

/* Read the top level's entries into r->set. */
static void
read_dir(struct run *r)
{
	int need = (r->flags & (LF_LONG | LF_TIME)) != 0, isdir, rc;
	struct dent64 *d;
	struct stat st;
	size_t old;
	long sti;

	set_reset(&r->set);
	list_dir_start(r, r->lv[r->depth - 1].fd);
	while ((rc = list_dir_next(r, &d)) == 1 && !r->fatal) {
		if (!shown(r, d->name))
			continue;
		isdir = d->type == DT_DIR;
		sti = -1;
		if (need || ((r->flags & LF_REC) && d->type == DT_UNKNOWN)) {
			if (stat_entry(r, d->name, &st) == -1) {
				old = list_path_push(r, d->name);
				list_problem(r, "cannot access", r->path,
				    errno, 1);
				list_path_set(r, old);
				continue;
			}
			isdir = S_ISDIR(st.st_mode);
			if (need && (sti = set_stat(&r->set, &st)) == -1)
				list_nomem(r);
		}
		if (!r->fatal && set_add(&r->set, d->name, isdir,
		    sti) == -1)
			list_nomem(r);
	}
	if (rc == -1)
		list_problem(r, "reading directory", r->path, errno,
		    r->depth == 1 ? 2 : 1);
}

/* Remember the subdirectories of r->set (sorted) as the ones to visit. */
static void
keep_subdirs(struct run *r)
{
	struct level *lv = &r->lv[r->depth - 1];
	const char *name;
	size_t i, n, cap;
	char *p;

	for (i = 0; i < r->set.n; i++) {
		name = r->set.arena + r->set.v[i].name;
		if (!r->set.v[i].isdir || list_isdots(name))
			continue;
		n = strlen(name) + 1;
		if (lv->pendlen + n > lv->pendcap) {
			cap = lv->pendcap == 0 ? 256 : lv->pendcap * 2;
			while (cap < lv->pendlen + n)
				cap *= 2;
			if ((p = realloc(lv->pend, cap)) == NULL) {
				list_nomem(r);
				return;
			}
			lv->pend = p;
			lv->pendcap = cap;
		}
		memcpy(lv->pend + lv->pendlen, name, n);
		lv->pendlen += n;
	}
}

/* List the top level: header, total, entries; note subdirectories. */
static void
list_dir(struct run *r)
{
	char buf[LIST_NUMLEN];
	uint64_t blocks = 0;
	size_t i;

	read_dir(r);
	if (r->fatal)
		return;
	set_sort(r, &r->set);
	if ((r->flags & LF_REC) || r->dirnames) {
		if (!r->first)
			list_out_str(&r->out, "\n");
		list_out_name(&r->out, r->path);
		list_out_str(&r->out, ":\n");
	}
	r->first = 0;
	if (r->flags & LF_LONG) {
		for (i = 0; i < r->set.n; i++)
			blocks += (uint64_t)r->set.st[r->set.v[i].st].blocks;
		if (r->flags & LF_HUMAN)
			list_fmt_human(blocks * 512, buf, sizeof(buf));
		else
			list_fmt_kib(blocks * 512, buf, sizeof(buf));
		list_out_str(&r->out, "total ");
		list_out_str(&r->out, buf);
		list_out_str(&r->out, "\n");
	}
	print_set(r, &r->set, r->lv[r->depth - 1].fd);
	if (r->flags & LF_REC)
		keep_subdirs(r);
}

/*
 * List the directory fd (an operand) and, with -R, its subdirectories
 * depth first in listing order, as GNU ls -R does.
 */
static void
ls_tree(struct run *r, int fd, const struct stat *st, const char *name)
{
	struct level *lv;
	struct stat sub;
	const char *next;

	r->pathlen = 0;
	list_path_push(r, name);
	r->refdev = st->st_dev;
	if (r->fatal || list_level_push(r, fd, st) == -1) {
		close(fd);
		return;
	}
	list_dir(r);
	while (r->depth > 0) {
		lv = &r->lv[r->depth - 1];
		if (r->fatal || r->out.err || lv->pendpos >= lv->pendlen) {
			if (list_level_pop(r) == -1)
				return;
			continue;
		}
		next = lv->pend + lv->pendpos;
		lv->pendpos += strlen(next) + 1;
		list_path_set(r, lv->pathlen);
		list_path_push(r, next);
		if (!r->fatal && list_descend(r, next, "cannot open directory",
		    &sub) == 0)
			list_dir(r);
	}
}

void
list_ls(struct run *r)
{
	struct listing *l = r->l;
	struct eset dirs;
	size_t i, nfiles;
	int fd, isdir;

	memset(&dirs, 0, sizeof(dirs));
	set_reset(&r->set);
	for (i = 0; i < l->nops; i++) {
		if (l->ops[i].missing) {
			list_problem(r, "cannot access", l->ops[i].name,
			    l->ops[i].missing, 2);
			continue;
		}
		isdir = S_ISDIR(l->ops[i].st.st_mode) && !(r->flags & LF_DIR);
		/* operand i has stat index i in both sets */
		if (set_stat(&r->set, &l->ops[i].st) == -1 ||
		    set_stat(&dirs, &l->ops[i].st) == -1 ||
		    set_add(isdir ? &dirs : &r->set, l->ops[i].name, isdir,
		    (long)i) == -1) {
			list_nomem(r);
			goto done;
		}
	}
	nfiles = r->set.n;
	r->first = 1;
	r->dirnames = nfiles > 0 || l->nops > 1;
	if (nfiles > 0) {
		set_sort(r, &r->set);
		print_set(r, &r->set, -1);
		r->first = 0;
	}
	set_sort(r, &dirs);
	for (i = 0; i < dirs.n && !r->fatal && !r->out.err; i++) {
		fd = openat(l->ops[dirs.v[i].st].fd, ".", O_RDONLY |
		    O_DIRECTORY | O_CLOEXEC);
		if (fd == -1) {
			list_problem(r, "cannot open directory", dirs.arena +
			    dirs.v[i].name, errno, 2);
			continue;
		}
		ls_tree(r, fd, &l->ops[dirs.v[i].st].st,
		    dirs.arena + dirs.v[i].name);
	}
done:
	free(dirs.arena);
	free(dirs.v);
	free(dirs.st);
}
