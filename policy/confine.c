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

#define ROOT_MAXHOPS	40	/* symlinks followed on the way to DIRECTORY */

/*
 * One symlink on the way to DIRECTORY, in the directory dirfd: followed
 * only when it and that directory are root-owned.  The attack stopped: a
 * general rule lets the account plant "laptop -> ~" where a nested rule's
 * DIRECTORY is, and the laptop key would then write into ~/.ssh.  A
 * root-owned "/srv -> /data/srv" is the administrator's and is followed.
 * The target, then the rest of the walk, go into todo.
 */
static int
follow(int dirfd, int linkfd, const struct stat *lst, const char *rest,
    char *todo, size_t todolen, const char *dir, char *err, size_t errlen)
{
	char target[PATH_MAX], tmp[PATH_MAX];
	struct stat dst;
	ssize_t n;

	if (fstat(dirfd, &dst) == -1 || lst->st_uid != 0 || dst.st_uid != 0) {
		snprintf(err, errlen, "directory %s is reached through a "
		    "symlink not made by root", dir);
		return -1;
	}
	if ((n = readlinkat(linkfd, "", target, sizeof(target) - 1)) <= 0) {
		snprintf(err, errlen, "directory %s: cannot read a symlink "
		    "on the way", dir);
		return -1;
	}
	target[n] = '\0';
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/%s", target, rest) >=
	    sizeof(tmp) || strlcpy(todo, tmp, todolen) >= todolen) {
		snprintf(err, errlen, "directory %s is too long", dir);
		return -1;
	}
	return 0;
}

/* One component: ".." steps back on the resolved path, else append. */
static int
step(int *fd, const char *comp, char *real, size_t reallen, int next)
{
	char *slash;

	close(*fd);
	*fd = next;
	if (strcmp(comp, "..") == 0) {
		if ((slash = strrchr(real, '/')) != NULL)
			slash[slash == real] = '\0';
		return 0;
	}
	if (strcmp(real, "/") != 0 && strlcat(real, "/", reallen) >= reallen)
		return -1;
	return strlcat(real, comp, reallen) >= reallen ? -1 : 0;
}

/* Open "/" and start the resolved path there. */
static int
restart(int *fd, char *real, size_t reallen)
{
	if (*fd != -1)
		close(*fd);
	strlcpy(real, "/", reallen);
	return (*fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC));
}

/*
 * Walk DIRECTORY from "/" with O_NOFOLLOW, component by component, so
 * that the path rsync is told (--confine-root) is the one opened.
 */
static int
walk_root(const char *dir, char *real, size_t reallen, char *err,
    size_t errlen)
{
	char todo[PATH_MAX], comp[NAME_MAX + 1];
	const char *p, *end;
	struct stat st;
	int fd = -1, next = -1, hops = 0;

	if (strlcpy(todo, dir, sizeof(todo)) >= sizeof(todo) ||
	    restart(&fd, real, reallen) == -1)
		goto toolong;
	for (p = todo; *p != '\0'; p = end) {
		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		if (end == p)
			break;
		if ((size_t)(end - p) > NAME_MAX)
			goto toolong;
		memcpy(comp, p, (size_t)(end - p));
		comp[end - p] = '\0';
		if (strcmp(comp, ".") == 0)
			continue;
		if ((next = openat(fd, comp, O_PATH | O_NOFOLLOW |
		    O_CLOEXEC)) == -1 || fstat(next, &st) == -1) {
			snprintf(err, errlen, "directory %s: %s", dir,
			    strerror(errno));
			goto fail;
		}
		if (S_ISLNK(st.st_mode)) {
			if (++hops > ROOT_MAXHOPS) {
				snprintf(err, errlen, "directory %s: too many "
				    "symlinks", dir);
				goto fail;
			}
			if (follow(fd, next, &st, end, todo, sizeof(todo), dir,
			    err, errlen) == -1)
				goto fail;
			close(next);
			next = -1;
			end = todo;
			if (todo[0] == '/' && restart(&fd, real, reallen) == -1)
				goto toolong;
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "directory %s is not a directory",
			    dir);
			goto fail;
		}
		if (step(&fd, comp, real, reallen, next) == -1)
			goto toolong;
	}
	return fd;
toolong:
	snprintf(err, errlen, "directory %s is too long", dir);
fail:
	if (next != -1 && fd != next)
		close(next);
	if (fd != -1)
		close(fd);
	return -1;
}

int
confine_root_real(const char *dir, char *real, size_t reallen, char *err,
    size_t errlen)
{
	if (dir[0] != '/') {
		snprintf(err, errlen, "directory %s is not absolute", dir);
		return -1;
	}
	return walk_root(dir, real, reallen, err, errlen);
}

int
confine_root(const char *dir, char *err, size_t errlen)
{
	char real[PATH_MAX];

	return confine_root_real(dir, real, sizeof(real), err, errlen);
}

/* How clean_into() treats "." and ".." components, and a leading "~". */
#define C_BACK		0x1	/* ".." steps back, never above the root */
#define C_DIR		0x2	/* the policy's DIRECTORY: "." and ".." are
				   errors, and the messages say so */
#define C_HOME		0x4	/* a leading "~" component is the root */

/*
 * A client names its own world "~" ("host:~/dir/", the rsync client
 * sends the tilde unexpanded): for this account that world is DIRECTORY,
 * so "~" and "~/..." start at the root.  "~name" is another account's
 * home in any shell; it is refused, never taken as a name here, so that
 * no request reads as a way into someone else's files.  Returns where the
 * rest of the path starts, or NULL with the reason.
 */
static const char *
home(const char *path, char *err, size_t errlen)
{
	size_t n;

	if (path[0] != '~')
		return path;
	if (path[1] == '\0' || path[1] == '/')
		return path + 1;
	n = strcspn(path, "/");
	snprintf(err, errlen, "path %.100s: %.*s (another account's home) is "
	    "not allowed; write ./%.*s for a name that starts with '~'", path,
	    (int)(n > 64 ? 64 : n), path, (int)(n > 64 ? 64 : n), path);
	return NULL;
}

static int
dot_component(const char *path, char *out, size_t *o, int flags, char *err,
    size_t errlen)
{
	if (flags & C_DIR) {
		snprintf(err, errlen, "directory %s has a \".\" or \"..\" "
		    "component", path);
		return -1;
	}
	if (!(flags & C_BACK)) {
		snprintf(err, errlen, "path %.100s: \"..\" is not allowed",
		    path);
		return -1;
	}
	if (*o == 0) {
		snprintf(err, errlen, "path %.100s leads outside the directory",
		    path);
		return -1;
	}
	while (*o > 0 && out[*o - 1] != '/')
		(*o)--;
	if (*o > 0)
		(*o)--;
	return 0;
}

static int
too_long(const char *path, int flags, const char *what, char *err,
    size_t errlen)
{
	if (flags & C_DIR)
		snprintf(err, errlen, "directory %s is too long", path);
	else
		snprintf(err, errlen, "path %.100s%s", path, what);
	return -1;
}

/*
 * The one normaliser: append the components of path to out (o bytes used)
 * as a relative path, single slashes, empty and "." components dropped,
 * ".." as flags say.  "." when nothing is left.
 */
static int
clean_into(const char *path, char *out, size_t outlen, size_t o, int flags,
    char *err, size_t errlen)
{
	const char *p = path, *end;
	size_t len, ncomp = 0;

	if (outlen < 2) {
		snprintf(err, errlen, "path buffer too small");
		return -1;
	}
	if ((flags & C_HOME) && (p = home(path, err, errlen)) == NULL)
		return -1;
	for (; *p != '\0'; p = end) {
		/* No backup needs it; every walk of the path costs with it. */
		if (++ncomp > CONFINE_MAXCOMP) {
			snprintf(err, errlen, "path %.100s has more than %d "
			    "components", path, CONFINE_MAXCOMP);
			return -1;
		}
		while (*p == '/')
			p++;
		if (*p == '\0')
			break;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if ((len == 2 && p[0] == '.' && p[1] == '.') ||
		    (len == 1 && p[0] == '.' && (flags & C_DIR))) {
			if (dot_component(path, out, &o, flags, err,
			    errlen) == -1)
				return -1;
			continue;
		}
		if (len > NAME_MAX)
			return too_long(path, flags, ": name too long", err,
			    errlen);
		if (len == 1 && p[0] == '.')
			continue;
		if (o + len + 2 > outlen)
			return too_long(path, flags, " is too long", err,
			    errlen);
		if (o > 0)
			out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
	}
	if (o == 0)
		out[o++] = '.';
	out[o] = '\0';
	return 0;
}

int
confine_clean(const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	return clean_into(path, out, outlen, 0, 0, err, errlen);
}

int
confine_clean_home(const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	return clean_into(path, out, outlen, 0, C_HOME, err, errlen);
}

int
confine_join(const char *base, const char *value, char *out, size_t outlen,
    char *err, size_t errlen)
{
	size_t o = 0;

	if (strcmp(base, ".") != 0 &&
	    (o = strlcpy(out, base, outlen)) + 2 > outlen) {
		snprintf(err, errlen, "path %.100s is too long", value);
		return -1;
	}
	return clean_into(value, out, outlen, o, C_BACK, err, errlen);
}

int
confine_clean_marker(const char *path, char *out, size_t outlen, char *err,
    size_t errlen)
{
	const char *marker = strstr(path, "/./");
	char raw[PATH_MAX], pre[PATH_MAX], post[PATH_MAX];
	size_t n;

	if (marker == NULL || marker == path)
		return confine_clean_home(path, out, outlen, err, errlen);
	n = (size_t)(marker - path);
	if (n >= sizeof(raw)) {
		snprintf(err, errlen, "path %.100s is too long", path);
		return -1;
	}
	memcpy(raw, path, n);
	raw[n] = '\0';
	if (confine_clean_home(raw, pre, sizeof(pre), err, errlen) == -1 ||
	    confine_clean(marker + 3, post, sizeof(post), err, errlen) == -1)
		return -1;
	if ((size_t)snprintf(out, outlen, "%s/./%s", pre, post) >= outlen) {
		snprintf(err, errlen, "path %.100s is too long", path);
		return -1;
	}
	return 0;
}

const char *
confine_strip(const char *path, const char *prefix)
{
	size_t n = strlen(prefix);

	if (strcmp(prefix, "/") != 0 && strncmp(path, prefix, n) == 0 &&
	    (path[n] == '/' || path[n] == '\0'))
		return path + n;
	return path;
}

int
confine_normal_dir(const char *dir, char *out, size_t outlen, char *err,
    size_t errlen)
{
	if (dir[0] != '/' || outlen < 3) {
		snprintf(err, errlen, "directory %s is not absolute", dir);
		return -1;
	}
	out[0] = '/';
	if (clean_into(dir, out + 1, outlen - 1, 0, C_DIR, err, errlen) == -1)
		return -1;
	if (strcmp(out, "/.") == 0)
		out[1] = '\0';
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

/* Open the first k components of rel (ends[k] bytes) as a directory. */
static int
open_prefix(int rootfd, const char *rel, const unsigned short *ends, size_t k,
    char *err, size_t errlen)
{
	char buf[PATH_MAX];
	int fd, e;

	memcpy(buf, rel, ends[k]);
	buf[ends[k]] = '\0';
	if ((fd = confine_open(rootfd, k == 0 ? "." : buf, O_PATH |
	    O_DIRECTORY, err, errlen)) == -1) {
		/* The reason names the path the client gave, not a prefix. */
		e = errno;
		open_error(rel, e, err, errlen);
		errno = e;
	}
	return fd;
}

/* The component after the covered ones: absent, or it must be the leaf. */
static int
check_next(int rootfd, const char *rel, const unsigned short *ends,
    const struct pinned *pp, char *err, size_t errlen)
{
	char buf[PATH_MAX];
	int fd;

	memcpy(buf, rel, ends[pp->covered + 1]);
	buf[ends[pp->covered + 1]] = '\0';
	if ((fd = confine_open(rootfd, buf, O_PATH | O_NOFOLLOW, err,
	    errlen)) == -1) {
		if (errno == ENOENT)
			return 0;
		open_error(rel, errno, err, errlen);
		return -1;
	}
	close(fd);
	if (pp->covered + 1 == pp->ncomp)
		return 0;
	snprintf(err, errlen, "path %.100s: %.100s is not a directory", rel,
	    buf);
	errno = ENOTDIR;
	return -1;
}

/*
 * Whether the first k components open as a directory is monotone in k:
 * the kernel resolves left to right and the first component that fails
 * fails every longer prefix the same way.  So a binary search between
 * the root (always open) and the longest prefix finds the deepest
 * existing directory in O(log n) lookups, whatever the client sends.
 */
int
confine_pin(int rootfd, const char *rel, int flags, struct pinned *pp,
    char *err, size_t errlen)
{
	/* where each component ends: below PATH_MAX, so a short will do (the
	   table is a quarter the size, and so is the stack it takes) */
	unsigned short ends[PATH_MAX / 2 + 1];
	size_t n = 0, lo = 0, hi, mid, len, i;
	int fd, lofd = -1;

	memset(pp, 0, sizeof(*pp));
	pp->fd = -1;
	if ((len = strlen(rel)) >= PATH_MAX) {
		snprintf(err, errlen, "path %.100s is too long", rel);
		return -1;
	}
	if (strcmp(rel, ".") != 0)
		for (i = 0; i <= len; i++)
			if (rel[i] == '/' || rel[i] == '\0')
				ends[++n] = (unsigned short)i;
	ends[0] = 0;
	pp->ncomp = n;
	hi = (flags & CONFINE_LEAF) && n > 0 ? n - 1 : n;
	if ((fd = open_prefix(rootfd, rel, ends, hi, err, errlen)) != -1)
		lo = hi;
	else if (errno != ENOENT && errno != ENOTDIR)
		return -1;
	while (fd == -1 && hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if ((fd = open_prefix(rootfd, rel, ends, mid, err, errlen)) ==
		    -1) {
			if (errno != ENOENT && errno != ENOTDIR)
				goto fail;
			hi = mid;
			continue;
		}
		if (lofd != -1)
			close(lofd);
		lofd = fd;
		fd = -1;
		lo = mid;
	}
	if (fd == -1 && (fd = lofd) == -1 &&
	    (fd = open_prefix(rootfd, rel, ends, 0, err, errlen)) == -1)
		return -1;
	lofd = -1;
	pp->covered = lo;
	pp->rest = lo == n ? rel + len : rel + ends[lo] + (lo > 0);
	if (lo < n && check_next(rootfd, rel, ends, pp, err, errlen) == -1)
		goto fail;
	pp->fd = fd;
	return 0;
fail:
	if (lofd != -1)
		close(lofd);
	if (fd != -1)
		close(fd);
	return -1;
}
