/*
 * The directory walk shared by ls and du: getdents64 reading, the stack
 * of open directories with its descriptor budget, and the path of the
 * directory being listed.  Every step below an operand is one openat() of
 * a single entry with O_NOFOLLOW from its parent's descriptor (see list.c).
 */
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "list.h"
#include "list_fmt.h"

#define LIST_MAXDEPTH	4096		/* directory levels below an operand */
#define LIST_FDS	64		/* directory descriptors kept open */

/* --- directory reading, the traversal stack and the path ------------ */

int
list_isdots(const char *s)
{
	return s[0] == '.' && (s[1] == '\0' || (s[1] == '.' && s[2] == '\0'));
}

void
list_dir_start(struct run *r, int fd)
{
	r->dfd = fd;
	r->dlen = r->dpos = 0;
}

/* The next entry of r->dfd: 1 and *d, 0 at the end, -1 with errno. */
int
list_dir_next(struct run *r, struct dent64 **d)
{
	long n;

	/* A signal to stop: the walk ends as after a write error. */
	if (list_stopped() && r->out.err == 0)
		r->out.err = EINTR;
	if (r->out.err == EINTR)
		return 0;
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
size_t
list_path_push(struct run *r, const char *name)
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

void
list_path_set(struct run *r, size_t len)
{
	r->pathlen = len;
	r->path[len] = '\0';
}

/* Make fd (with *st) the new top level; the caller checked the depth. */
int
list_level_push(struct run *r, int fd, const struct stat *st)
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
void
list_level_abort(struct run *r)
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
int
list_level_pop(struct run *r)
{
	struct level *top = &r->lv[r->depth - 1], *up = top - 1;
	struct stat st;
	int fd;

	if (r->depth >= 2 && r->lo == r->depth - 1) {
		fd = openat(top->fd, "..", O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd == -1 || fstat(fd, &st) == -1 ||
		    st.st_dev != up->dev || st.st_ino != up->ino) {
			list_path_set(r, up->pathlen);
			if (fd == -1)
				list_problem(r, "cannot return to directory",
				    r->path, errno, 2);
			else {
				close(fd);
				list_problem(r, "directory changed during "
				    "the listing:", r->path, 0, 2);
			}
			list_level_abort(r);
			return -1;
		}
		up->fd = fd;
		r->lo--;
	}
	close(top->fd);
	r->depth--;
	if (r->depth > 0)
		list_path_set(r, r->lv[r->depth - 1].pathlen);
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
int
list_descend(struct run *r, const char *name, const char *what, struct stat *st)
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
	if (list_level_push(r, fd, st) == -1) {
		close(fd);
		return -1;
	}
	return 0;
}
