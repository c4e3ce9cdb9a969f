/*
 * Path confinement beneath a pinned directory.
 *
 * Lexical checks alone are not a boundary: a client that can create
 * symlinks inside DIRECTORY (any push with -l can) could point one at /etc
 * and name a path through it.  So every path is opened, component by
 * component in the kernel, with openat2(RESOLVE_BENEATH), which refuses any
 * step that leaves the root, and the caller keeps the descriptor.
 */
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "confine.h"

static int
sys_openat2(int dirfd, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how;

	memset(&how, 0, sizeof(how));
	how.flags = (unsigned long long)flags;
	how.resolve = resolve;
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

/*
 * Without openat2 (Linux < 5.6), walk the components with O_NOFOLLOW and
 * refuse every symlink, even one that would stay inside: stricter, never
 * looser.
 */
static int
walk_nofollow(int rootfd, const char *rel, int oflags)
{
	char comp[NAME_MAX + 1];
	const char *p = rel, *slash;
	int fd, next, last;
	size_t n;

	if ((fd = dup(rootfd)) == -1)
		return -1;
	if (strcmp(rel, ".") == 0) {
		close(fd);
		return openat(rootfd, ".", oflags);
	}
	for (;;) {
		slash = strchr(p, '/');
		n = slash ? (size_t)(slash - p) : strlen(p);
		if (n == 0 || n > NAME_MAX) {
			close(fd);
			errno = ENAMETOOLONG;
			return -1;
		}
		memcpy(comp, p, n);
		comp[n] = '\0';
		last = slash == NULL;
		next = openat(fd, comp, last ? (oflags | O_NOFOLLOW) :
		    (O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
		if (next == -1 && last && errno == ELOOP && (oflags & O_PATH))
			next = openat(fd, comp, oflags | O_NOFOLLOW);
		close(fd);
		if (next == -1)
			return -1;
		if (last)
			return next;
		fd = next;
		p = slash + 1;
	}
}

int
confine_root(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	int fd;

	if (dir[0] != '/') {
		snprintf(err, errlen, "directory %s is not absolute", dir);
		return -1;
	}
	if ((fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "directory %s is not a directory", dir);
		close(fd);
		return -1;
	}
	return fd;
}

int
confine_clean(const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *p = path, *end;
	size_t len, o = 0;

	if (outlen < 2) {
		snprintf(err, errlen, "path buffer too small");
		return -1;
	}
	while (*p != '\0') {
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			snprintf(err, errlen, "path %.100s: \"..\" is not allowed",
			    path);
			return -1;
		}
		if (len > NAME_MAX) {
			snprintf(err, errlen, "path %.100s: name too long", path);
			return -1;
		}
		if (!(len == 1 && p[0] == '.')) {
			if (o + len + 2 > outlen) {
				snprintf(err, errlen, "path %.100s is too long",
				    path);
				return -1;
			}
			if (o > 0)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p = end;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return 0;
}

static void
open_error(const char *rel, int e, char *err, size_t errlen)
{
	if (e == EXDEV || e == ELOOP)
		snprintf(err, errlen, "path %.100s leads outside the directory",
		    rel);
	else
		snprintf(err, errlen, "path %.100s: %s", rel, strerror(e));
}

int
confine_open(int rootfd, const char *rel, int oflags, char *err,
    size_t errlen)
{
	int fd;

	oflags |= O_CLOEXEC;
	fd = sys_openat2(rootfd, rel, oflags,
	    RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	if (fd == -1 && errno == ENOSYS)
		fd = walk_nofollow(rootfd, rel, oflags);
	/*
	 * RESOLVE_BENEATH gives EXDEV for a symlink that escapes, ELOOP for
	 * a magic link; a final symlink opened with O_NOFOLLOW without
	 * O_PATH gives ELOOP as well, which is just as much a refusal.
	 */
	if (fd == -1) {
		int e = errno;

		open_error(rel, e, err, errlen);
		errno = e;
	}
	return fd;
}

int
confine_open_existing(int rootfd, const char *rel, size_t *tail, char *err,
    size_t errlen)
{
	char buf[PATH_MAX];
	size_t len;
	char *slash;
	int fd;

	if (strlcpy(buf, rel, sizeof(buf)) >= sizeof(buf)) {
		snprintf(err, errlen, "path %.100s is too long", rel);
		return -1;
	}
	len = strlen(buf);
	for (;;) {
		fd = confine_open(rootfd, buf, O_PATH | O_DIRECTORY, err,
		    errlen);
		if (fd != -1) {
			/* All of rel exists, or "." stands for none of it. */
			if (strlen(buf) == len)
				*tail = len;
			else if (strcmp(buf, ".") == 0)
				*tail = 0;
			else
				*tail = strlen(buf) + 1;
			return fd;
		}
		if (errno != ENOENT)
			return -1;
		if ((slash = strrchr(buf, '/')) != NULL)
			*slash = '\0';
		else if (strcmp(buf, ".") != 0)
			strlcpy(buf, ".", sizeof(buf));
		else
			return -1;
	}
}
