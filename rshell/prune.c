/*
 * Pruning snapshots, after a successful snapshot push, as the account, in
 * rshell itself: never in the rsync process, whose wall forbids it.
 *
 * What it touches.  Only entries of DIRECTORY whose name is a snapshot
 * name exactly (snap_parse) and that are directories themselves, looked
 * at without following a symlink: "latest", ".incoming", ".rshell-tmp.*"
 * and every other name are never candidates, and a symlink named like a
 * snapshot is neither removed nor counted (it would otherwise hold a place
 * in a period, or lead the remover outside).  The snapshot "latest" names
 * is kept whatever keep_select says.
 *
 * How it removes.  Depth first, holding the descriptor of the directory
 * it is in and the streams of the top PRUNE_HELD levels, no more at any
 * depth: each directory is opened with openat(O_DIRECTORY|O_NOFOLLOW)
 * from its parent's descriptor, everything in it that is not a directory
 * is unlinked with unlinkat (a symlink is unlinked, never followed), and
 * its directories are entered one by one; climbing back is openat("..")
 * checked against the device and inode recorded on the way down, so a
 * directory moved meanwhile stops the removal instead of redirecting it.
 * A directory on another device (a mount inside a snapshot) is not
 * entered.  A directory the owner cannot read, write or search (a mode
 * 0555 tree that rsync kept) is first given u+rwx with fchmod, or
 * fchmodat(AT_SYMLINK_NOFOLLOW) when it cannot even be opened, as rm -rf
 * does as the owner.  More than PRUNE_MAXDEPTH levels below the snapshot,
 * or any entry that cannot be removed, stops the removal of that
 * snapshot: what was removed stays removed, its top directory stays, and
 * log->failed says so with the errno.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "keep.h"
#include "prune.h"

#define PRUNE_HELD	32	/* levels whose directory stream stays open */

struct snap {
	time_t	 t;
	char	 name[SNAP_NAMELEN + 1];
};

struct snapset {
	struct snap	*s;
	size_t		 n;
	size_t		 cap;
};

/* A directory on the way down from the snapshot's top. */
struct level {
	dev_t	 dev;
	ino_t	 ino;
	DIR	*d;			/* its open stream, or NULL */
	int	 gave;			/* d gave a directory */
	char	 name[NAME_MAX + 1];	/* in its parent */
};

static int
snapcmp(const void *a, const void *b)
{
	return strcmp(((const struct snap *)a)->name,
	    ((const struct snap *)b)->name);
}

static int
add(struct snapset *ss, const char *name, time_t t)
{
	struct snap *p;

	if (ss->n == ss->cap) {
		if ((p = reallocarray(ss->s, ss->cap ? ss->cap * 2 : 32,
		    sizeof(*p))) == NULL)
			return -1;
		ss->s = p;
		ss->cap = ss->cap ? ss->cap * 2 : 32;
	}
	ss->s[ss->n].t = t;
	memcpy(ss->s[ss->n].name, name, SNAP_NAMELEN + 1);
	ss->n++;
	return 0;
}

/* The snapshots in DIRECTORY, oldest first. */
static int
list(int dirfd, struct snapset *ss)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	time_t t;
	int fd, e;

	memset(ss, 0, sizeof(*ss));
	if ((fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (snap_parse(de->d_name, &t) == -1 ||
		    fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
		    !S_ISDIR(st.st_mode))
			continue;
		if (add(ss, de->d_name, t) == -1)
			break;
	}
	e = errno;
	closedir(d);
	if (e != 0) {
		free(ss->s);
		errno = e;
		return -1;
	}
	qsort(ss->s, ss->n, sizeof(*ss->s), snapcmp);
	return 0;
}

/*
 * Is name the last component of latest's target ("NAME", "./NAME/",
 * "/srv/backup/nas/NAME")?  Matching too much only keeps more.
 */
static int
is_latest(char *latest, const char *name)
{
	size_t n = strlen(latest);
	char *slash;

	while (n > 1 && latest[n - 1] == '/')
		latest[--n] = '\0';
	slash = strrchr(latest, '/');
	return strcmp(slash != NULL ? slash + 1 : latest, name) == 0;
}

/* keeps[i] for ss->s[i]: keep_select, and the target of "latest". */
static unsigned char *
choose(int dirfd, const struct snapset *ss, const struct keep *k,
    time_t now)
{
	unsigned char *keeps;
	char latest[PATH_MAX];
	time_t *t;
	ssize_t len;
	size_t i;

	if ((keeps = calloc(ss->n + 1, 1)) == NULL ||
	    (t = calloc(ss->n + 1, sizeof(*t))) == NULL) {
		free(keeps);
		return NULL;
	}
	for (i = 0; i < ss->n; i++)
		t[i] = ss->s[i].t;
	keep_select(k, t, ss->n, now, keeps);
	free(t);
	len = readlinkat(dirfd, "latest", latest, sizeof(latest) - 1);
	if (len >= 0) {
		latest[len] = '\0';
		for (i = 0; i < ss->n; i++)
			if (is_latest(latest, ss->s[i].name))
				keeps[i] = 1;
	}
	return keeps;
}

/*
 * Open the directory name in at for removal, giving the owner u+rwx on
 * it first where it lacks them.  st gets what was opened.
 */
static int
open_dir(int at, const char *name, struct stat *st)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	int fd, e;

	fd = openat(at, name, flags);
	if (fd == -1 && errno == EACCES) {
		if (fstatat(at, name, st, AT_SYMLINK_NOFOLLOW) == -1)
			return -1;
		if (!S_ISDIR(st->st_mode)) {
			errno = ENOTDIR;
			return -1;
		}
		if (fchmodat(at, name, (st->st_mode & 07777) | S_IRWXU,
		    AT_SYMLINK_NOFOLLOW) == -1)
			return -1;
		fd = openat(at, name, flags);
	}
	if (fd == -1)
		return -1;
	if (fstat(fd, st) == -1 || ((st->st_mode & S_IRWXU) != S_IRWXU &&
	    fchmod(fd, (st->st_mode & 07777) | S_IRWXU) == -1)) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * One pass over l's stream: everything that is not a directory is
 * unlinked.  Held, it stops at the first directory (to sub) and stays
 * open, so that the pass goes on where it stopped; otherwise it reads to
 * the end and the first directory goes to sub.  1 when there was one, 0
 * at the end, -1 on an error; the stream is closed unless held and 1.
 */
static int
scan(int fd, struct level *l, int held, char sub[NAME_MAX + 1])
{
	struct dirent *de;
	struct stat st;
	int found = 0, isdir, e;

	for (errno = 0; (de = readdir(l->d)) != NULL; errno = 0) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		isdir = de->d_type == DT_DIR;
		if (de->d_type == DT_UNKNOWN) {
			if (fstatat(fd, de->d_name, &st,
			    AT_SYMLINK_NOFOLLOW) == -1)
				break;
			isdir = S_ISDIR(st.st_mode);
		}
		if (!isdir) {
			if (unlinkat(fd, de->d_name, 0) == -1)
				break;
			continue;
		}
		if (!found)
			memcpy(sub, de->d_name, strlen(de->d_name) + 1);
		found = 1;
		if (held)
			return 1;
	}
	e = errno;
	closedir(l->d);
	l->d = NULL;
	errno = e;
	return e != 0 ? -1 : found;
}

/*
 * The next directory in l (fd) to enter, to sub: 1, or 0 when l holds no
 * more (everything else in it unlinked), or -1.  The top PRUNE_HELD
 * levels keep their stream open while their directories are removed, so
 * a directory of many directories is read once, not once for each; the
 * levels below read theirs again from the start each time, which needs
 * no descriptor to be kept.  A held stream that gave directories is
 * followed by a fresh pass, for what it may not have shown.
 */
static int
next_dir(int fd, struct level *l, int held, char sub[NAME_MAX + 1])
{
	int dfd, r;

	for (;;) {
		if (l->d == NULL) {
			if ((dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY |
			    O_CLOEXEC)) == -1)
				return -1;
			if ((l->d = fdopendir(dfd)) == NULL) {
				close(dfd);
				return -1;
			}
			l->gave = 0;
		}
		if ((r = scan(fd, l, held, sub)) != 0)
			return r == 1 && held ? (l->gave = 1) : r;
		if (!held || !l->gave)
			return 0;
	}
}

static int
push(struct level **lv, size_t *cap, size_t depth, const struct stat *st,
    const char *name)
{
	struct level *p;

	if (depth >= *cap) {
		if ((p = reallocarray(*lv, *cap ? *cap * 2 : 16,
		    sizeof(*p))) == NULL)
			return -1;
		*lv = p;
		*cap = *cap ? *cap * 2 : 16;
	}
	(*lv)[depth].dev = st->st_dev;
	(*lv)[depth].ino = st->st_ino;
	(*lv)[depth].d = NULL;
	(*lv)[depth].gave = 0;
	memcpy((*lv)[depth].name, name, strlen(name) + 1);
	return 0;
}

/* From the directory at depth (fd) to its parent, checked; -1 on error. */
static int
climb(int fd, const struct level *up)
{
	struct stat st;
	int pfd;

	if ((pfd = openat(fd, "..", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return -1;
	if (fstat(pfd, &st) == -1 || st.st_dev != up->dev ||
	    st.st_ino != up->ino) {
		close(pfd);
		errno = ESTALE;
		return -1;
	}
	return pfd;
}

/* One step down into sub, beneath the level at depth; the new fd or -1. */
static int
descend(int fd, const char *sub, struct level **lv, size_t *cap,
    size_t depth)
{
	struct stat st;
	int cfd, e;

	if (depth + 1 > PRUNE_MAXDEPTH) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((cfd = open_dir(fd, sub, &st)) == -1)
		return -1;
	if (st.st_dev != (*lv)[0].dev) {
		close(cfd);
		errno = EXDEV;
		return -1;
	}
	if (push(lv, cap, depth + 1, &st, sub) == -1) {
		e = errno;
		close(cfd);
		errno = e;
		return -1;
	}
	return cfd;
}

/* Remove the snapshot top of dirfd and all in it; 0, or -1 and errno. */
static int
remove_tree(int dirfd, const char *top)
{
	struct level *lv = NULL;
	char sub[NAME_MAX + 1];
	struct stat st;
	size_t cap = 0, depth = 0, i;
	int fd, nfd, r, e = 0;

	if ((fd = open_dir(dirfd, top, &st)) == -1)
		return -1;
	if (push(&lv, &cap, 0, &st, top) == -1)
		goto fail;
	for (;;) {
		if ((r = next_dir(fd, &lv[depth], depth < PRUNE_HELD,
		    sub)) == -1)
			goto fail;
		if (r == 1) {
			if ((nfd = descend(fd, sub, &lv, &cap, depth)) == -1)
				goto fail;
			close(fd);
			fd = nfd;
			depth++;
			continue;
		}
		if (depth == 0)
			break;
		if ((nfd = climb(fd, &lv[depth - 1])) == -1)
			goto fail;
		close(fd);
		fd = nfd;
		if (unlinkat(fd, lv[depth].name, AT_REMOVEDIR) == -1)
			goto fail;
		depth--;
	}
	close(fd);
	free(lv);
	return unlinkat(dirfd, top, AT_REMOVEDIR);
fail:
	e = errno;
	close(fd);
	for (i = 0; lv != NULL && i <= depth && i < cap; i++)
		if (lv[i].d != NULL)
			closedir(lv[i].d);
	free(lv);
	errno = e;
	return -1;
}

int
prune_snapshots(int dirfd, const struct keep *k, time_t now,
    const struct prune_log *log)
{
	struct snapset ss;
	unsigned char *keeps;
	size_t i;
	int removed = 0;

	if (list(dirfd, &ss) == -1)
		return -1;
	if ((keeps = choose(dirfd, &ss, k, now)) == NULL) {
		free(ss.s);
		return -1;
	}
	for (i = 0; i < ss.n; i++) {
		if (keeps[i])
			continue;
		if (remove_tree(dirfd, ss.s[i].name) == 0) {
			removed++;
			if (log != NULL && log->removed != NULL)
				log->removed(log->arg, ss.s[i].name);
		} else if (log != NULL && log->failed != NULL)
			log->failed(log->arg, ss.s[i].name, errno);
	}
	free(keeps);
	free(ss.s);
	return removed;
}

int
prune_plan(int dirfd, const struct keep *k, time_t now, char ***names,
    size_t *n)
{
	struct snapset ss;
	unsigned char *keeps;
	char **v;
	size_t i, m = 0;

	*names = NULL;
	*n = 0;
	if (list(dirfd, &ss) == -1)
		return -1;
	if ((keeps = choose(dirfd, &ss, k, now)) == NULL ||
	    (v = calloc(ss.n + 1, sizeof(*v))) == NULL) {
		free(keeps);
		free(ss.s);
		return -1;
	}
	for (i = 0; i < ss.n; i++) {
		if (keeps[i])
			continue;
		if ((v[m] = strdup(ss.s[i].name)) == NULL) {
			while (m > 0)
				free(v[--m]);
			free(v);
			v = NULL;
			break;
		}
		m++;
	}
	free(keeps);
	free(ss.s);
	if (v == NULL)
		return -1;
	*names = v;
	*n = m;
	return (int)m;
}
