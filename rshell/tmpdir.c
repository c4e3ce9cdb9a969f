/*
 * The session's temporary directory (no-overwrite).
 *
 * Everything below is done with *at() calls relative to DIRECTORY's pinned
 * descriptor and O_NOFOLLOW, as the account: a client that planted a
 * symlink named like a temporary directory cannot make rshell remove or
 * enter anything through it.  Removal is bounded in depth: rsync writes
 * only files there, and a tree deeper than TMP_MAXDEPTH (only a hostile
 * client makes one) is left, to be retried by the next session.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"

#define TMP_MAXDEPTH	16

/* Remove name in dirfd, a directory, with everything below it. */
static void
rm_tree(int dirfd, const char *name, int depth)
{
	struct dirent *de;
	DIR *dir;
	int fd;

	if (depth > TMP_MAXDEPTH)
		return;
	if ((fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == -1 && (errno == EISDIR ||
		    errno == EPERM)) {
			rm_tree(fd, de->d_name, depth + 1);
			unlinkat(fd, de->d_name, AT_REMOVEDIR);
		}
	}
	closedir(dir);
	unlinkat(dirfd, name, AT_REMOVEDIR);
}

/* The directories of sessions that are gone: their lock is free. */
static void
remove_stale(int rootfd)
{
	struct dirent *de;
	char *end;
	DIR *dir;
	long pid;
	int fd, lfd;

	if ((fd = openat(rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
	    -1)
		return;
	if ((dir = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, DECIDE_TMPDIR,
		    sizeof(DECIDE_TMPDIR) - 1) != 0)
			continue;
		/*
		 * Its session is gone when its pid is, and the lock is free
		 * (a session that has made its directory but not locked it
		 * yet is alive).
		 */
		pid = strtol(de->d_name + sizeof(DECIDE_TMPDIR) - 1, &end, 10);
		if (*end != '\0' || pid <= 0 || kill((pid_t)pid, 0) == 0 ||
		    errno != ESRCH)
			continue;
		if ((lfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC)) == -1)
			continue;
		if (flock(lfd, LOCK_EX | LOCK_NB) == 0)
			rm_tree(fd, de->d_name, 0);
		close(lfd);
	}
	closedir(dir);
}

static void
tmp_name(char *buf, size_t len)
{
	snprintf(buf, len, "%s%ld", DECIDE_TMPDIR, (long)getpid());
}

int
tmpdir_make(const struct decision *d, char *err, size_t errlen)
{
	char name[64];
	struct stat st;
	int lfd, pfd, slot = d->pins[d->tmpdir].fd;

	remove_stale(d->rootfd);
	tmp_name(name, sizeof(name));
	if (mkdirat(d->rootfd, name, 0700) == -1) {
		snprintf(err, errlen, "cannot make %s/%s: %s", d->dir, name,
		    strerror(errno));
		return -1;
	}
	if ((lfd = openat(d->rootfd, name, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1 || flock(lfd, LOCK_EX) == -1 ||
	    fstat(lfd, &st) == -1 || st.st_uid != geteuid() ||
	    (pfd = openat(lfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "cannot open %s/%s: %s", d->dir, name,
		    strerror(errno));
		if (lfd != -1)
			close(lfd);
		unlinkat(d->rootfd, name, AT_REMOVEDIR);
		return -1;
	}
	/* The argv names the reserved descriptor: put the directory there. */
	if (dup3(pfd, slot, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "cannot place %s/%s: %s", d->dir, name,
		    strerror(errno));
		close(pfd);
		close(lfd);
		unlinkat(d->rootfd, name, AT_REMOVEDIR);
		return -1;
	}
	close(pfd);
	return lfd;
}

void
tmpdir_remove(const struct decision *d)
{
	char name[64];

	tmp_name(name, sizeof(name));
	rm_tree(d->rootfd, name, 0);
}
