/*
 * du: a streaming walk, one level record per directory depth and no entry
 * arrays, and the set of inodes already counted.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "list_fmt.h"

/* --- inodes already counted ----------------------------------------- */

static size_t
seen_slot(const struct devino *v, size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 32)) *
	    0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (cap - 1);

	while ((v[i].dev != 0 || v[i].ino != 0) &&
	    (v[i].dev != dev || v[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return i;
}

static int
seen_grow(struct run *r)
{
	struct devino *v, *old = r->seen;
	size_t cap = r->seencap == 0 ? 256 : r->seencap * 2, i, j;

	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < r->seencap; i++) {
		if (old[i].dev == 0 && old[i].ino == 0)
			continue;
		j = seen_slot(v, cap, old[i].dev, old[i].ino);
		v[j] = old[i];
	}
	free(old);
	r->seen = v;
	r->seencap = cap;
	return 0;
}

/*
 * Whether du has counted this inode already: hard-linked files count
 * once, as in GNU du, and with several operands every directory too, so
 * that "du a a/b" does not count a/b twice.  After LIST_SEEN_MAX inodes
 * the set stops growing and further links are counted each time: memory
 * stays bounded and the figure errs on the high side.
 */
static int
counted(struct run *r, const struct stat *st)
{
	size_t i;

	if (r->l->nops < 2 && (S_ISDIR(st->st_mode) || st->st_nlink < 2))
		return 0;
	if (st->st_dev == 0 && st->st_ino == 0)
		return 0;
	if (r->nseen >= r->seencap / 2 && r->nseen < LIST_SEEN_MAX &&
	    seen_grow(r) == -1)
		return 0;
	if (r->seencap == 0)
		return 0;
	i = seen_slot(r->seen, r->seencap, st->st_dev, st->st_ino);
	if (r->seen[i].dev == st->st_dev && r->seen[i].ino == st->st_ino)
		return 1;
	if (r->nseen < LIST_SEEN_MAX) {
		r->seen[i].dev = st->st_dev;
		r->seen[i].ino = st->st_ino;
		r->nseen++;
	}
	return 0;
}

/* --- the walk ------------------------------------------------------- */

static void
du_line(struct run *r, uint64_t bytes, const char *path)
{
	char buf[LIST_NUMLEN];

	if (r->flags & LF_HUMAN)
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

	list_path_set(r, r->lv[r->depth - 1].pathlen);
	if (!(r->flags & LF_SUM) || r->depth == 1)
		du_line(r, bytes, r->path);
	if (list_level_pop(r) == -1)
		return;
	if (r->depth == 0) {
		r->grand += bytes;
		return;
	}
	up = &r->lv[r->depth - 1];
	up->bytes += bytes;
	list_dir_start(r, up->fd);
	if (lseek(up->fd, up->resume, SEEK_SET) == -1) {
		list_problem(r, "cannot read directory", r->path, errno, 1);
		list_dir_start(r, -1);
	}
}

/* One entry of the top directory; a subdirectory becomes the new top. */
static void
du_entry(struct run *r, const struct dent64 *d)
{
	struct level *lv = &r->lv[r->depth - 1];
	struct stat st, sub;
	size_t old = list_path_push(r, d->name);
	uint64_t bytes;

	if (fstatat(lv->fd, d->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		list_problem(r, "cannot access", r->path, errno, 1);
		goto out;
	}
	if (counted(r, &st))
		goto out;
	bytes = (uint64_t)st.st_blocks * 512;
	if (S_ISDIR(st.st_mode) && st.st_dev == r->refdev) {
		lv->resume = (off_t)d->off;
		if (list_descend(r, d->name, "cannot read directory",
		    &sub) == 0) {
			list_dir_start(r, r->lv[r->depth - 1].fd);
			return;
		}
	}
	r->lv[r->depth - 1].bytes += bytes;
	if (!(r->flags & LF_SUM) && ((r->flags & LF_ALL) ||
	    S_ISDIR(st.st_mode)))
		du_line(r, bytes, r->path);
out:
	list_path_set(r, old);
}

static void
du_tree(struct run *r, int fd, const struct stat *st, const char *name)
{
	struct dent64 *d;
	int rc;

	r->pathlen = 0;
	list_path_push(r, name);
	r->refdev = st->st_dev;
	if (r->fatal || list_level_push(r, fd, st) == -1) {
		close(fd);
		return;
	}
	list_dir_start(r, fd);
	while (r->depth > 0) {
		if (r->fatal || r->out.err) {
			list_level_abort(r);
			return;
		}
		rc = list_dir_next(r, &d);
		if (rc == 1 && list_isdots(d->name))
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

void
list_du(struct run *r)
{
	const struct list_operand *op;
	size_t i;
	int fd;

	for (i = 0; i < r->l->nops && !r->fatal && !r->out.err; i++) {
		op = &r->l->ops[i];
		if (op->missing) {
			list_problem(r, "cannot access", op->name, op->missing,
			    1);
			continue;
		}
		if (counted(r, &op->st))
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
	if (r->flags & LF_TOTAL)
		du_line(r, r->grand, "total");
}
