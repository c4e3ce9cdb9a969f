/*
 * The Landlock wall around rsync.
 *
 * The path checks in policy/ pin every path rsync is given, but rsync
 * itself walks and creates paths below them: the components a push will
 * create, and with --relative the whole path.  A second session of the same
 * account could swap a symlink into such a path between the check and the
 * use.  Landlock rules are bound to the inodes opened here, not to names,
 * so after wall_enter() the kernel refuses any open, create or remove
 * outside DIRECTORY whatever symlinks lie on the way.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "wall.h"

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif

#define FS_READ		(LANDLOCK_ACCESS_FS_READ_FILE | \
			 LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_EXEC		(LANDLOCK_ACCESS_FS_EXECUTE)
/* Devices cannot be made inside DIRECTORY, even by an rsync run as root. */
#define FS_WRITE	(LANDLOCK_ACCESS_FS_WRITE_FILE | \
			 LANDLOCK_ACCESS_FS_REMOVE_DIR | \
			 LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			 LANDLOCK_ACCESS_FS_MAKE_DIR | \
			 LANDLOCK_ACCESS_FS_MAKE_REG | \
			 LANDLOCK_ACCESS_FS_MAKE_SOCK | \
			 LANDLOCK_ACCESS_FS_MAKE_FIFO | \
			 LANDLOCK_ACCESS_FS_MAKE_SYM | \
			 LANDLOCK_ACCESS_FS_REFER | \
			 LANDLOCK_ACCESS_FS_TRUNCATE)

/* Programs and libraries: read and execute below these. */
static const char *const sysdirs[] = {
	"/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", NULL
};

/* Files outside /usr that rsync and the C library read. */
static const char *const sysfiles[] = {
	"/etc/ld.so.cache", "/etc/ld.so.preload", "/etc/nsswitch.conf",
	"/etc/passwd", "/etc/group", "/etc/localtime", "/etc/host.conf",
	NULL
};

static uint64_t
abi_access(int abi)
{
	uint64_t all = FS_READ | FS_EXEC | FS_WRITE |
	    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
	    LANDLOCK_ACCESS_FS_IOCTL_DEV;

	if (abi < 2)
		all &= ~LANDLOCK_ACCESS_FS_REFER;
	if (abi < 3)
		all &= ~LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi < 5)
		all &= ~LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

int
wall_abi(void)
{
	static int abi = -1;	/* the kernel's, asked once */
	long v;

	if (abi == -1) {
		v = syscall(SYS_landlock_create_ruleset, NULL, 0,
		    LANDLOCK_CREATE_RULESET_VERSION);
		abi = v < 0 ? 0 : (int)v;
	}
	return abi;
}

/* Allow access below (or on) the file at fd; a file takes file rights. */
static int
allow_fd(int ruleset, int fd, uint64_t access, uint64_t handled, int isdir)
{
	struct landlock_path_beneath_attr pb;

	if (!isdir)
		access &= LANDLOCK_ACCESS_FS_EXECUTE |
		    LANDLOCK_ACCESS_FS_READ_FILE |
		    LANDLOCK_ACCESS_FS_WRITE_FILE |
		    LANDLOCK_ACCESS_FS_TRUNCATE |
		    LANDLOCK_ACCESS_FS_IOCTL_DEV;
	pb.allowed_access = access & handled;
	pb.parent_fd = fd;
	return (int)syscall(SYS_landlock_add_rule, ruleset,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
}

/*
 * Allow a system path if it exists; a missing one is no error.  A
 * directory that is a symlink (/lib -> usr/lib on a merged /usr) is
 * skipped: what it leads to has a rule of its own.
 */
static int
allow_path(int ruleset, const char *path, uint64_t access, uint64_t handled,
    int isdir)
{
	int fd, rv;

	fd = open(path, O_PATH | O_CLOEXEC |
	    (isdir ? O_DIRECTORY | O_NOFOLLOW : 0));
	if (fd == -1)
		return errno == ENOENT || errno == ENOTDIR ||
		    errno == ELOOP ? 0 : -1;
	rv = allow_fd(ruleset, fd, access, handled, isdir);
	close(fd);
	return rv;
}

/*
 * What rsync may do beneath DIRECTORY.  Create-only: new files come from
 * the session's temporary directory by rename (REFER, MAKE_REG), so
 * nothing that exists can be opened for writing, truncated, renamed over
 * or removed.  Landlock's REFER rule also keeps a hostile rsync from
 * linking or renaming an existing file into the temporary directory,
 * where it would gain the right to write it.
 */
static uint64_t
dir_access(int wall)
{
	switch (wall) {
	case WALL_WRITE:
		return FS_READ | FS_WRITE;
	case WALL_KEEPDIRS:
		return (FS_READ | FS_WRITE) & ~LANDLOCK_ACCESS_FS_REMOVE_DIR;
	case WALL_CREATE:
		return FS_READ | LANDLOCK_ACCESS_FS_MAKE_REG |
		    LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_SYM |
		    LANDLOCK_ACCESS_FS_REFER;
	default:	/* WALL_READ, and DIRECTORY itself under WALL_SNAPSHOT */
		return FS_READ;
	}
}

/*
 * The snapshot wall, over DIRECTORY's read only.  The incoming snapshot
 * may gain names and lose them (a resumed push, --delete inside it), but
 * nothing in it can be opened for writing or truncated, hard link or
 * not: new content is written in the session's temporary directory and
 * renamed in.  REFER on the newest snapshot alone lets rsync's
 * --link-dest hard-link from it; Landlock refuses a link or rename that
 * would give a file more rights where it lands, so nothing can be linked
 * or moved from a snapshot into the temporary directory, and nothing at
 * all from an older snapshot.  Nothing in DIRECTORY outside these can be
 * made, removed or renamed: not a snapshot, not "latest".
 */
#define SNAP_INCOMING	(FS_READ | LANDLOCK_ACCESS_FS_MAKE_REG | \
			 LANDLOCK_ACCESS_FS_MAKE_DIR | \
			 LANDLOCK_ACCESS_FS_MAKE_SYM | \
			 LANDLOCK_ACCESS_FS_MAKE_FIFO | \
			 LANDLOCK_ACCESS_FS_MAKE_SOCK | \
			 LANDLOCK_ACCESS_FS_REMOVE_FILE | \
			 LANDLOCK_ACCESS_FS_REMOVE_DIR | \
			 LANDLOCK_ACCESS_FS_REFER)

static int
allow_snapshot(int ruleset, const struct decision *d, uint64_t handled)
{
	if (d->wall != WALL_SNAPSHOT)
		return 0;
	if (d->incoming == -1) {
		errno = EINVAL;
		return -1;
	}
	if (allow_fd(ruleset, d->pins[d->incoming].fd, SNAP_INCOMING, handled,
	    1) == -1)
		return -1;
	if (d->linkdest != -1 && allow_fd(ruleset, d->pins[d->linkdest].fd,
	    FS_READ | LANDLOCK_ACCESS_FS_REFER, handled, 1) == -1)
		return -1;
	return 0;
}

int
wall_build(const struct decision *d, char *err, size_t errlen)
{
	const char *rsync = d->argv[0];
	struct landlock_ruleset_attr attr;
	uint64_t handled;
	size_t i;
	int abi, ruleset;

	if ((abi = wall_abi()) == 0) {
		errno = EOPNOTSUPP;
		return -1;
	}
	handled = abi_access(abi);
	memset(&attr, 0, sizeof(attr));
	attr.handled_access_fs = handled;
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr,
	    sizeof(attr), 0);
	if (ruleset == -1)
		goto fail;
	if (allow_fd(ruleset, d->rootfd, dir_access(d->wall), handled, 1) ==
	    -1 || (d->tmpdir != -1 && allow_fd(ruleset,
	    d->pins[d->tmpdir].fd, FS_READ | FS_WRITE, handled, 1) == -1) ||
	    allow_snapshot(ruleset, d, handled) == -1)
		goto fail;
	for (i = 0; sysdirs[i] != NULL; i++)
		if (allow_path(ruleset, sysdirs[i], FS_READ | FS_EXEC,
		    handled, 1) == -1)
			goto fail;
	for (i = 0; sysfiles[i] != NULL; i++)
		if (allow_path(ruleset, sysfiles[i], FS_READ, handled,
		    0) == -1)
			goto fail;
	if (allow_path(ruleset, rsync, FS_READ | FS_EXEC, handled, 0) == -1 ||
	    allow_path(ruleset, "/dev/null", FS_READ |
	    LANDLOCK_ACCESS_FS_WRITE_FILE, handled, 0) == -1)
		goto fail;
	return ruleset;
fail:
	abi = errno;
	snprintf(err, errlen, "cannot build the Landlock ruleset: %s",
	    strerror(abi));
	if (ruleset != -1)
		close(ruleset);
	/* Only "no Landlock" may pass as such: anything else is a failure. */
	errno = abi == EOPNOTSUPP || abi == ENOSYS ? EIO : abi;
	return -1;
}

int
wall_enter(int ruleset)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return -1;
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) == -1)
		return -1;
	return close(ruleset);
}
