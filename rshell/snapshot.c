/*
 * The incoming directory and its completion.
 *
 * All of it is done as the account, with *at() calls on DIRECTORY's
 * pinned descriptor and O_NOFOLLOW, after rsync has been reaped or
 * before it runs: never behind the wall, and never through a symlink a
 * client planted.
 *
 * A resumed push would otherwise let an honest rsync change an earlier
 * snapshot: a file it linked from the previous snapshot before it was cut
 * off shares its inode, and rsync sets the mode and times of a file it
 * finds up to date in place.  So before a resume everything but a
 * directory in the incoming directory with more than one link is
 * unlinked; rsync links it again, or copies it when its attributes
 * changed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "snapshot.h"

#define UNSHARE_MAXDEPTH	128
#define COMPLETE_TRIES		3	/* seconds to wait for a free name */

/* Unlink every non-directory with other links below fd (a directory). */
static void
unshare(int fd, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *dir;
	int sub;

	if (depth > UNSHARE_MAXDEPTH || (dir = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0
		    || fstatat(fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == -1)
			continue;
		if (!S_ISDIR(st.st_mode) && st.st_nlink > 1)
			unlinkat(fd, de->d_name, 0);
		else if (S_ISDIR(st.st_mode) && (sub = openat(fd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) != -1)
			unshare(sub, depth + 1);
	}
	closedir(dir);
}

int
snapshot_prepare(const struct decision *d, int *resumed, char *err,
    size_t errlen)
{
	struct stat st;
	int fd, pfd, slot = d->pins[d->incoming].fd;

	*resumed = 0;
	if (mkdirat(d->rootfd, DECIDE_INCOMING, 0700) == -1) {
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot make %s/%s: %s", d->dir,
			    DECIDE_INCOMING, strerror(errno));
			return -1;
		}
		*resumed = 1;
	}
	if ((fd = openat(d->rootfd, DECIDE_INCOMING, O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW | O_CLOEXEC)) == -1 || fstat(fd, &st) == -1 ||
	    st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s/%s is not a directory of the "
		    "account's: %s", d->dir, DECIDE_INCOMING, fd == -1 ?
		    strerror(errno) : "owner");
		if (fd != -1)
			close(fd);
		return -1;
	}
	if ((pfd = openat(fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1 ||
	    dup3(pfd, slot, O_CLOEXEC) == -1) {
		snprintf(err, errlen, "cannot place %s/%s: %s", d->dir,
		    DECIDE_INCOMING, strerror(errno));
		if (pfd != -1)
			close(pfd);
		close(fd);
		return -1;
	}
	close(pfd);
	if (*resumed)
		unshare(fd, 0);		/* closes fd */
	else
		close(fd);
	return 0;
}

/* Wait for the next second of the clock. */
static void
next_second(void)
{
	struct timespec now, ts;

	clock_gettime(CLOCK_REALTIME, &now);
	ts.tv_sec = 0;
	ts.tv_nsec = 1000000000L - now.tv_nsec;
	nanosleep(&ts, NULL);
}

/*
 * A name that sorts after every snapshot there is, so that the newest is
 * the greatest name.  Two completions in one second (only one push runs
 * at a time: the lock) wait for the next second; a clock behind the
 * newest snapshot completes nothing, and the next push resumes.
 */
static int
rename_incoming(const struct decision *d, char name[SNAP_NAMELEN + 1],
    char *err, size_t errlen)
{
	char newest[SNAP_NAMELEN + 1];
	int i, c;

	for (i = 0; i < COMPLETE_TRIES; i++) {
		if (policy_newest_snapshot(d->rootfd, newest) == -1 ||
		    snap_name(time(NULL), name) == -1) {
			snprintf(err, errlen, "cannot read %s: %s", d->dir,
			    strerror(errno));
			return -1;
		}
		if ((c = strcmp(name, newest)) < 0) {
			snprintf(err, errlen, "the clock (%s) is behind the "
			    "newest snapshot %s: left in %s", name, newest,
			    DECIDE_INCOMING);
			return -1;
		}
		if (c == 0) {
			next_second();
			continue;
		}
		if (renameat2(d->rootfd, DECIDE_INCOMING, d->rootfd, name,
		    RENAME_NOREPLACE) == 0)
			return 0;
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot rename %s/%s to %s: %s",
			    d->dir, DECIDE_INCOMING, name, strerror(errno));
			return -1;
		}
		next_second();
	}
	snprintf(err, errlen, "no free snapshot name in %d seconds: left in "
	    "%s", COMPLETE_TRIES, DECIDE_INCOMING);
	return -1;
}

/* "latest" replaced by a symlink to name in one rename, never missing. */
static int
point_latest(const struct decision *d, const char *name, char *err,
    size_t errlen)
{
	char tmp[64];

	snprintf(tmp, sizeof(tmp), "." DECIDE_LATEST ".%ld", (long)getpid());
	unlinkat(d->rootfd, tmp, 0);
	if (symlinkat(name, d->rootfd, tmp) == -1 ||
	    renameat(d->rootfd, tmp, d->rootfd, DECIDE_LATEST) == -1) {
		snprintf(err, errlen, "snapshot %s made, but %s not pointed "
		    "at it: %s", name, DECIDE_LATEST, strerror(errno));
		unlinkat(d->rootfd, tmp, 0);
		return -1;
	}
	return 0;
}

int
snapshot_complete(const struct decision *d, char name[SNAP_NAMELEN + 1],
    char *err, size_t errlen)
{
	int fd, rv;

	name[0] = '\0';
	if (rename_incoming(d, name, err, errlen) == -1) {
		name[0] = '\0';
		return -1;
	}
	rv = point_latest(d, name, err, errlen) == -1 ? 1 : 0;
	if ((fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) != -1) {
		fsync(fd);
		close(fd);
	}
	return rv;
}
