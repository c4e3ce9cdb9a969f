/*
 * The read-only listings built into rshell: ls, du and df, answered by
 * rshell itself (never /bin/ls), with output close enough to GNU coreutils
 * in the C locale that awk and cut scripts written against it keep working.
 *
 * Confinement.  Every operand is resolved at list_prepare by confine.h,
 * the resolver the rsync paths use, and pinned as a descriptor; a symlink
 * given as an operand must resolve beneath DIRECTORY as well.  Everything
 * below an operand is reached by openat() of one directory entry with
 * O_NOFOLLOW from its parent's descriptor, so no symlink, ".." or rename
 * race can lead outside.  -R and du never descend into symlinks nor into
 * another file system than the operand's.
 *
 * Memory.  du streams: no entry arrays, one level record per directory
 * depth.  ls holds one directory's entries at a time (names packed in one
 * arena, 12 bytes per entry plus the name, 56 more with -l or -t) and, for
 * -R, the names of the subdirectories still to visit along the current
 * path.  At most LIST_FDS directory descriptors stay open; deeper, the
 * shallowest is closed and reopened through ".." on the way back, checked
 * by device and inode, and du resumes it at its getdents position (the
 * same cookie contract seekdir(3) and NFS servers rely on).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "list.h"
#include "list_fmt.h"

#define LIST_MAXOPS	256		/* operands in one request */
#define LIST_MAXDEPTH	4096		/* directory levels below an operand */
#define LIST_FDS	64		/* directory descriptors kept open */
#define LIST_DENTBUF	(32 * 1024)	/* getdents64 buffer */

static const struct flagdef ls_flags[] = {
	{ 'a', F_ALL, F_ALMOST }, { 'A', F_ALMOST, F_ALL }, { 'l', F_LONG, 0 },
	{ 'h', F_HUMAN, 0 }, { 'R', F_REC, 0 }, { 'd', F_DIR, 0 },
	{ '1', 0, 0 }, { 't', F_TIME, 0 }, { 'r', F_REV, 0 }, { '\0', 0, 0 }
};
static const struct flagdef du_flags[] = {
	{ 's', F_SUM, 0 }, { 'h', F_HUMAN, 0 }, { 'k', 0, F_HUMAN },
	{ 'a', F_ALL, 0 }, { 'c', F_TOTAL, 0 }, { '\0', 0, 0 }
};
static const struct flagdef df_flags[] = {
	{ 'h', F_HUMAN, 0 }, { 'k', 0, F_HUMAN }, { '\0', 0, 0 }
};

static const struct cmddef cmds[] = {
	{ "ls", CMD_LS, ls_flags, 1 },
	{ "du", CMD_DU, du_flags, 1 },
	{ "df", CMD_DF, df_flags, 0 },
};

struct dent64 {
	uint64_t	 ino;
	int64_t		 off;
	unsigned short	 reclen;
	unsigned char	 type;
	char		 name[];
};

static int
isdots(const char *s)
{
	return s[0] == '.' && (s[1] == '\0' || (s[1] == '.' && s[2] == '\0'));
}

/* --- directory reading, the traversal stack and the path ------------ */

static void
dir_start(struct run *r, int fd)
{
	r->dfd = fd;
	r->dlen = r->dpos = 0;
}

/* The next entry of r->dfd: 1 and *d, 0 at the end, -1 with errno. */
static int
dir_next(struct run *r, struct dent64 **d)
{
	long n;

	if (r->dpos >= r->dlen) {
		if (r->dfd == -1)
			return 0;
		n = syscall(SYS_getdents64, r->dfd, r->dent, LIST_DENTBUF);
		if (n <= 0)
			return (int)n;
		r->dlen = (size_t)n;
		r->dpos = 0;
	}
	*d = (struct dent64 *)(void *)(r->dent + r->dpos);
	r->dpos += (*d)->reclen;
	return 1;
}

/* Append "/name" to the path (no second slash); returns the old length. */
static size_t
path_push(struct run *r, const char *name)
{
	size_t old = r->pathlen, n = strlen(name) + 2;
	char *p;

	if (r->pathlen + n > r->pathcap) {
		if ((p = realloc(r->path, r->pathlen + n + 256)) == NULL) {
			list_nomem(r);
			return old;
		}
		r->path = p;
		r->pathcap = r->pathlen + n + 256;
	}
	if (r->pathlen > 0 && r->path[r->pathlen - 1] != '/')
		r->path[r->pathlen++] = '/';
	memcpy(r->path + r->pathlen, name, n - 1);
	r->pathlen += n - 2;
	return old;
}

static void
path_set(struct run *r, size_t len)
{
	r->pathlen = len;
	r->path[len] = '\0';
}

/* Make fd (with *st) the new top level; the caller checked the depth. */
static int
level_push(struct run *r, int fd, const struct stat *st)
{
	struct level *lv;
	size_t cap;

	if (r->depth == r->lvcap) {
		cap = r->lvcap == 0 ? 16 : r->lvcap * 2;
		if ((lv = reallocarray(r->lv, cap, sizeof(*lv))) == NULL) {
			list_nomem(r);
			return -1;
		}
		memset(lv + r->lvcap, 0, (cap - r->lvcap) * sizeof(*lv));
		r->lv = lv;
		r->lvcap = cap;
	}
	if (r->depth - r->lo >= LIST_FDS) {
		close(r->lv[r->lo].fd);
		r->lv[r->lo++].fd = -1;
	}
	lv = &r->lv[r->depth++];
	lv->fd = fd;
	lv->dev = st->st_dev;
	lv->ino = st->st_ino;
	lv->pathlen = r->pathlen;
	lv->resume = 0;
	lv->bytes = (uint64_t)st->st_blocks * 512;
	lv->pendlen = lv->pendpos = 0;
	return 0;
}

/* Give up the whole traversal: close what is open. */
static void
level_abort(struct run *r)
{
	while (r->depth > r->lo)
		close(r->lv[--r->depth].fd);
	r->depth = r->lo = 0;
}

/*
 * Leave the top level.  If its parent's descriptor was closed for the
 * budget, reopen it through ".." and insist on the same device and inode:
 * a directory moved meanwhile ends the traversal rather than listing
 * somewhere else.
 */
static int
level_pop(struct run *r)
{
	struct level *top = &r->lv[r->depth - 1], *up = top - 1;
	struct stat st;
	int fd;

	if (r->depth >= 2 && r->lo == r->depth - 1) {
		fd = openat(top->fd, "..", O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || fstat(fd, &st) == -1 ||
		    st.st_dev != up->dev || st.st_ino != up->ino) {
			path_set(r, up->pathlen);
			if (fd == -1)
				list_problem(r, "cannot return to directory",
				    r->path, errno, 2);
			else {
				close(fd);
				list_problem(r, "directory changed during "
				    "the listing:", r->path, 0, 2);
			}
			level_abort(r);
			return -1;
		}
		up->fd = fd;
		r->lo--;
	}
	close(top->fd);
	r->depth--;
	if (r->depth > 0)
		path_set(r, r->lv[r->depth - 1].pathlen);
	return 0;
}

/*
 * Open the subdirectory name of the top level.  O_NOFOLLOW and a single
 * component: it cannot lead anywhere else, and O_DIRECTORY keeps a FIFO
 * swapped in from blocking.  Out of descriptors, give up the shallowest
 * open level (reopened on the way back) and try again.
 */
static int
open_sub(struct run *r, const char *name)
{
	int fd;

	for (;;) {
		fd = openat(r->lv[r->depth - 1].fd, name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
		if (fd != -1 || (errno != EMFILE && errno != ENFILE) ||
		    r->depth - r->lo < 2)
			return fd;
		close(r->lv[r->lo].fd);
		r->lv[r->lo++].fd = -1;
	}
}

/*
 * Enter the subdirectory name of the top level (r->path names it): it
 * becomes the new top.  Returns 0, 1 when it is not entered (other file system),
 * -1 after a diagnostic.
 */
static int
descend(struct run *r, const char *name, const char *what, struct stat *st)
{
	size_t i;
	int fd;

	fd = open_sub(r, name);
	if (fd == -1 || fstat(fd, st) == -1) {
		list_problem(r, what, r->path, errno, 1);
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (st->st_dev != r->refdev) {
		close(fd);
		return 1;
	}
	for (i = 0; i < r->depth; i++)
		if (r->lv[i].dev == st->st_dev && r->lv[i].ino == st->st_ino)
			break;
	if (i < r->depth || r->depth >= LIST_MAXDEPTH) {
		list_problem(r, i < r->depth ? "not listing already-listed "
		    "directory" : "directory nesting too deep:", r->path, 0,
		    i < r->depth ? 2 : 1);
		close(fd);
		return -1;
	}
	if (level_push(r, fd, st) == -1) {
		close(fd);
		return -1;
	}
	return 0;
}

/* --- ls ------------------------------------------------------------- */

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
	if (name[0] != '.' || (r->flags & F_ALL))
		return 1;
	return (r->flags & F_ALMOST) && !isdots(name);
}

/* Read the top level's entries into r->set. */
static void
read_dir(struct run *r)
{
	int need = (r->flags & (F_LONG | F_TIME)) != 0, isdir, rc;
	struct dent64 *d;
	struct stat st;
	size_t old;
	long sti;

	list_set_reset(&r->set);
	dir_start(r, r->lv[r->depth - 1].fd);
	while ((rc = dir_next(r, &d)) == 1 && !r->fatal) {
		if (!shown(r, d->name))
			continue;
		isdir = d->type == DT_DIR;
		sti = -1;
		if (need || ((r->flags & F_REC) && d->type == DT_UNKNOWN)) {
			if (stat_entry(r, d->name, &st) == -1) {
				old = path_push(r, d->name);
				list_problem(r, "cannot access", r->path,
				    errno, 1);
				path_set(r, old);
				continue;
			}
			isdir = S_ISDIR(st.st_mode);
			if (need && (sti = list_set_stat(&r->set, &st)) == -1)
				list_nomem(r);
		}
		if (!r->fatal && list_set_add(&r->set, d->name, isdir,
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
		if (!r->set.v[i].isdir || isdots(name))
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
	list_set_sort(r, &r->set);
	if ((r->flags & F_REC) || r->dirnames) {
		if (!r->first)
			list_out_str(&r->out, "\n");
		list_out_name(&r->out, r->path);
		list_out_str(&r->out, ":\n");
	}
	r->first = 0;
	if (r->flags & F_LONG) {
		for (i = 0; i < r->set.n; i++)
			blocks += (uint64_t)r->set.st[r->set.v[i].st].blocks;
		if (r->flags & F_HUMAN)
			list_fmt_human(blocks * 512, buf, sizeof(buf));
		else
			list_fmt_kib(blocks * 512, buf, sizeof(buf));
		list_out_str(&r->out, "total ");
		list_out_str(&r->out, buf);
		list_out_str(&r->out, "\n");
	}
	list_print_set(r, &r->set, r->lv[r->depth - 1].fd);
	if (r->flags & F_REC)
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
	path_push(r, name);
	r->refdev = st->st_dev;
	if (r->fatal || level_push(r, fd, st) == -1) {
		close(fd);
		return;
	}
	list_dir(r);
	while (r->depth > 0) {
		lv = &r->lv[r->depth - 1];
		if (r->fatal || r->out.err || lv->pendpos >= lv->pendlen) {
			if (level_pop(r) == -1)
				return;
			continue;
		}
		next = lv->pend + lv->pendpos;
		lv->pendpos += strlen(next) + 1;
		path_set(r, lv->pathlen);
		path_push(r, next);
		if (!r->fatal && descend(r, next, "cannot open directory",
		    &sub) == 0)
			list_dir(r);
	}
}

static void
ls_run(struct run *r)
{
	struct listing *l = r->l;
	struct eset dirs;
	size_t i, nfiles;
	int fd, isdir;

	memset(&dirs, 0, sizeof(dirs));
	list_set_reset(&r->set);
	for (i = 0; i < l->nops; i++) {
		isdir = S_ISDIR(l->ops[i].st.st_mode) && !(r->flags & F_DIR);
		/* operand i has stat index i in both sets */
		if (list_set_stat(&r->set, &l->ops[i].st) == -1 ||
		    list_set_stat(&dirs, &l->ops[i].st) == -1 ||
		    list_set_add(isdir ? &dirs : &r->set, l->ops[i].name, isdir,
		    (long)i) == -1) {
			list_nomem(r);
			goto done;
		}
	}
	nfiles = r->set.n;
	r->first = 1;
	r->dirnames = nfiles > 0 || l->nops > 1;
	if (nfiles > 0) {
		list_set_sort(r, &r->set);
		list_print_set(r, &r->set, -1);
		r->first = 0;
	}
	list_set_sort(r, &dirs);
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

/* --- du ------------------------------------------------------------- */

static void
du_line(struct run *r, uint64_t bytes, const char *path)
{
	char buf[LIST_NUMLEN];

	if (r->flags & F_HUMAN)
		list_fmt_human(bytes, buf, sizeof(buf));
	else
		list_fmt_kib(bytes, buf, sizeof(buf));
	list_out_str(&r->out, buf);
	list_out_str(&r->out, "\t");
	list_out_name(&r->out, path);
	list_out_str(&r->out, "\n");
}

/* The top directory is done: print it, add it to its parent, resume. */
static void
du_leave(struct run *r)
{
	struct level *up;
	uint64_t bytes = r->lv[r->depth - 1].bytes;

	path_set(r, r->lv[r->depth - 1].pathlen);
	if (!(r->flags & F_SUM) || r->depth == 1)
		du_line(r, bytes, r->path);
	if (level_pop(r) == -1)
		return;
	if (r->depth == 0) {
		r->grand += bytes;
		return;
	}
	up = &r->lv[r->depth - 1];
	up->bytes += bytes;
	dir_start(r, up->fd);
	if (lseek(up->fd, up->resume, SEEK_SET) == -1) {
		list_problem(r, "cannot read directory", r->path, errno, 1);
		dir_start(r, -1);
	}
}

/* One entry of the top directory; a subdirectory becomes the new top. */
static void
du_entry(struct run *r, const struct dent64 *d)
{
	struct level *lv = &r->lv[r->depth - 1];
	struct stat st, sub;
	size_t old = path_push(r, d->name);
	uint64_t bytes;

	if (fstatat(lv->fd, d->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		list_problem(r, "cannot access", r->path, errno, 1);
		goto out;
	}
	if (list_seen(r, &st))
		goto out;
	bytes = (uint64_t)st.st_blocks * 512;
	if (S_ISDIR(st.st_mode) && st.st_dev == r->refdev) {
		lv->resume = (off_t)d->off;
		if (descend(r, d->name, "cannot read directory", &sub) == 0) {
			dir_start(r, r->lv[r->depth - 1].fd);
			return;
		}
	}
	r->lv[r->depth - 1].bytes += bytes;
	if (!(r->flags & F_SUM) && ((r->flags & F_ALL) ||
	    S_ISDIR(st.st_mode)))
		du_line(r, bytes, r->path);
out:
	path_set(r, old);
}

static void
du_tree(struct run *r, int fd, const struct stat *st, const char *name)
{
	struct dent64 *d;
	int rc;

	r->pathlen = 0;
	path_push(r, name);
	r->refdev = st->st_dev;
	if (r->fatal || level_push(r, fd, st) == -1) {
		close(fd);
		return;
	}
	dir_start(r, fd);
	while (r->depth > 0) {
		if (r->fatal || r->out.err) {
			level_abort(r);
			return;
		}
		rc = dir_next(r, &d);
		if (rc == 1 && isdots(d->name))
			continue;
		if (rc == 1) {
			du_entry(r, d);
			continue;
		}
		if (rc == -1)
			list_problem(r, "cannot read directory",
			    r->path, errno, 1);
		du_leave(r);
	}
}

static void
du_run(struct run *r)
{
	struct operand *op;
	size_t i;
	int fd;

	for (i = 0; i < r->l->nops && !r->fatal && !r->out.err; i++) {
		op = &r->l->ops[i];
		if (list_seen(r, &op->st))
			continue;
		fd = -1;
		if (S_ISDIR(op->st.st_mode) && (fd = openat(op->fd, ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
			list_problem(r, "cannot read directory",
			    op->name, errno, 1);
		if (fd != -1) {
			du_tree(r, fd, &op->st, op->name);
			continue;
		}
		du_line(r, (uint64_t)op->st.st_blocks * 512, op->name);
		r->grand += (uint64_t)op->st.st_blocks * 512;
	}
	if (r->flags & F_TOTAL)
		du_line(r, r->grand, "total");
}

/* --- the request ---------------------------------------------------- */

/* name for a reason: control bytes as '?', long names cut. */
static const char *
reason_name(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 4 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	if (s[i] != '\0' && len >= 4) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int
parse_word(struct listing *l, const char *w, char *err, size_t errlen)
{
	const struct flagdef *f;
	char nb[80];
	const char *p;

	if (w[1] == '-') {
		snprintf(err, errlen, "%s: unknown option %s", l->cmd->name,
		    reason_name(w, nb, sizeof(nb)));
		if ((p = strchr(err, '=')) != NULL)
			err[p - err] = '\0';
		return -1;
	}
	for (p = w + 1; *p != '\0'; p++) {
		for (f = l->cmd->flags; f->c != '\0' && f->c != *p; f++)
			;
		if (f->c == '\0') {
			nb[0] = *p;
			nb[1] = '\0';
			snprintf(err, errlen, "%s: unknown option -%s",
			    l->cmd->name, reason_name(nb, nb + 2, 8));
			return -1;
		}
		l->flags = (l->flags | f->set) & ~f->clear;
	}
	return 0;
}

/* Flags anywhere before "--" (GNU permutes); the rest are operands. */
static int
parse_args(struct listing *l, char *const *argv, size_t argc,
    const char **opv, size_t *nop, char *err, size_t errlen)
{
	size_t i;
	int dashdash = 0;

	*nop = 0;
	for (i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = 1;
		else if (!dashdash && argv[i][0] == '-' && argv[i][1] != '\0') {
			if (parse_word(l, argv[i], err, errlen) == -1)
				return -1;
		} else if (!l->cmd->operands) {
			snprintf(err, errlen, "%s: operands are not allowed",
			    l->cmd->name);
			return -1;
		} else if (*nop == LIST_MAXOPS) {
			snprintf(err, errlen, "%s: more than %d operands",
			    l->cmd->name, LIST_MAXOPS);
			return -1;
		} else
			opv[(*nop)++] = argv[i];
	}
	if (l->cmd->cmd == CMD_DU && (l->flags & F_SUM) &&
	    (l->flags & F_ALL)) {
		snprintf(err, errlen, "du: -s and -a cannot be used together");
		return -1;
	}
	return 0;
}

/*
 * Pin one operand.  A symlink must resolve beneath DIRECTORY too (a
 * dangling one inside is listed as itself); ls without -l or -d lists a
 * symlink to a directory as the directory, as GNU ls does.
 */
/* The reason an operand cannot be listed, from errno of confine_open. */
static void
refuse(const struct listing *l, const char *arg, int e, const char *what,
    char *err, size_t errlen)
{
	char nb[128];

	reason_name(arg, nb, sizeof(nb));
	if (e == EXDEV || e == ELOOP)
		snprintf(err, errlen, "%s: %s%s leading outside the directory",
		    l->cmd->name, nb, what);
	else
		snprintf(err, errlen, "%s: %s: %s", l->cmd->name, nb,
		    strerror(e));
}

/*
 * Pin one operand.  A symlink must resolve beneath DIRECTORY too (a
 * dangling one inside is listed as itself); ls without -l or -d lists a
 * symlink to a directory as the directory, as GNU ls does.
 */
static int
resolve(struct listing *l, const char *arg, struct operand *op, char *err,
    size_t errlen)
{
	char rel[PATH_MAX], why[PATH_MAX + 64];
	struct stat tst;
	int tfd, e;

	if (arg[0] == '\0') {
		snprintf(err, errlen, "%s: empty path", l->cmd->name);
		return -1;
	}
	if (confine_clean(arg, rel, sizeof(rel), why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", l->cmd->name, why);
		return -1;
	}
	op->fd = confine_open(l->rootfd, rel, O_PATH | O_NOFOLLOW, why,
	    sizeof(why));
	if (op->fd == -1 || fstat(op->fd, &op->st) == -1) {
		refuse(l, arg, errno, " is a path", err, errlen);
		return -1;
	}
	if (!S_ISLNK(op->st.st_mode))
		return 0;
	tfd = confine_open(l->rootfd, rel, O_PATH, why, sizeof(why));
	e = errno;
	if (tfd == -1 && (e == ENOENT || e == ENOTDIR))
		return 0;		/* dangling, but inside: shown as is */
	if (tfd == -1 || fstat(tfd, &tst) == -1) {
		refuse(l, arg, tfd == -1 ? e : errno, " is a symlink", err,
		    errlen);
		if (tfd != -1)
			close(tfd);
		return -1;
	}
	if (l->cmd->cmd == CMD_LS && S_ISDIR(tst.st_mode) &&
	    !(l->flags & (F_LONG | F_DIR))) {
		close(op->fd);
		op->fd = tfd;
		op->st = tst;
	} else
		close(tfd);
	return 0;
}

struct listing *
list_prepare(int rootfd, char *const *argv, size_t argc, char *err,
    size_t errlen)
{
	const char *opv[LIST_MAXOPS];
	struct listing *l;
	size_t i, nop;

	for (i = 0; argc > 0 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[0], cmds[i].name) == 0)
			break;
	if (argc == 0 || i == sizeof(cmds) / sizeof(cmds[0])) {
		snprintf(err, errlen, "not a listing command");
		return NULL;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->cmd = &cmds[i];
	l->rootfd = -1;
	if ((l->rootfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    fstat(l->rootfd, &l->rootst) == -1) {
		snprintf(err, errlen, "%s: directory: %s", l->cmd->name,
		    strerror(errno));
		goto fail;
	}
	if (parse_args(l, argv, argc, opv, &nop, err, errlen) == -1)
		goto fail;
	if (nop == 0 && l->cmd->operands)
		opv[nop++] = ".";
	if ((l->ops = calloc(nop == 0 ? 1 : nop, sizeof(*l->ops))) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	for (i = 0; i < nop; i++) {
		l->ops[i].fd = -1;
		l->nops++;
		if (resolve(l, opv[i], &l->ops[i], err, errlen) == -1)
			goto fail;
		if ((l->ops[i].name = strdup(opv[i])) == NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	return l;
fail:
	list_free(l);
	return NULL;
}

int
list_run(struct listing *l, int outfd, int errfd)
{
	struct sigaction ign, old;
	struct run *r;
	int status;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    (r->dent = malloc(LIST_DENTBUF)) == NULL) {
		free(r);
		dprintf(errfd, "%s: memory exhausted\n", l->cmd->name);
		return 2;
	}
	r->l = l;
	r->prog = l->cmd->name;
	r->flags = l->flags;
	r->dfd = -1;
	list_out_init(&r->out, outfd, r->outbuf, sizeof(r->outbuf));
	list_out_init(&r->err, errfd, r->errbuf, sizeof(r->errbuf));
	clock_gettime(CLOCK_REALTIME, &r->now);
	/* a reader gone away is a write error (status 2), not a signal */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &ign, &old);
	if (l->cmd->cmd == CMD_LS)
		ls_run(r);
	else if (l->cmd->cmd == CMD_DU)
		du_run(r);
	else
		list_df(r);
	if (list_out_flush(&r->out) == -1 && r->out.err != EPIPE)
		list_problem(r, "write error", NULL, r->out.err, 2);
	sigaction(SIGPIPE, &old, NULL);
	status = r->out.err != 0 ? 2 : r->status;
	level_abort(r);
	while (r->lvcap > 0)
		free(r->lv[--r->lvcap].pend);
	free(r->lv);
	free(r->path);
	free(r->set.arena);
	free(r->set.v);
	free(r->set.st);
	free(r->seen);
	free(r->dent);
	free(r);
	return status;
}

void
list_free(struct listing *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->nops; i++) {
		if (l->ops[i].fd != -1)
			close(l->ops[i].fd);
		free(l->ops[i].name);
	}
	if (l->rootfd != -1)
		close(l->rootfd);
	free(l->ops);
	free(l);
}
