/*
 * Path confinement: client paths are resolved beneath a pinned DIRECTORY
 * with openat2(RESOLVE_BENEATH|RESOLVE_NO_MAGICLINKS), or, where the kernel
 * lacks openat2, with a component walk that refuses every symlink.  The
 * result is a descriptor, so a symlink swapped in after the check cannot
 * redirect the use.
 */
#ifndef RSHELL_CONFINE_H
#define RSHELL_CONFINE_H

#include <stddef.h>

#define CONFINE_MAXCOMP	512	/* components of a client's path */

/*
 * Open the policy's DIRECTORY (absolute) as the root of a request, O_PATH.
 * It is walked from "/" without following any symlink but a root-owned
 * one in a root-owned directory; real gets the path as resolved (what
 * rsync's --confine-root must be told).  -1 with reason.
 */
int	confine_root_real(const char *dir, char *real, size_t reallen,
	    char *err, size_t errlen);
int	confine_root(const char *dir, char *err, size_t errlen);

/*
 * Turn a client path into a clean relative path: leading '/' dropped (so "/"
 * is the root itself), "." and empty components dropped, ".." refused.
 * Returns 0, or -1 with reason.  A path that names the root itself becomes
 * ".".  Pure.
 */
int	confine_clean(const char *path, char *out, size_t outlen, char *err,
	    size_t errlen);

/*
 * confine_clean for a path the client names as an operand (a transfer
 * path, a listing operand): a leading "~" component, as in "~" or
 * "~/dir/", is the root, as a shell would expand it for the account whose
 * world DIRECTORY is; "~name" (another account's home) is refused.  A "~"
 * anywhere else is an ordinary character.  Pure.
 */
int	confine_clean_home(const char *path, char *out, size_t outlen,
	    char *err, size_t errlen);

/*
 * base (a clean relative path) joined with value (relative), with ".."
 * taken lexically, as a clean relative path: --link-dest=../2026-11-26
 * relative to the destination.  Refused when it steps above the root, or
 * as confine_clean refuses.  Pure.
 */
int	confine_join(const char *base, const char *value, char *out,
	    size_t outlen, char *err, size_t errlen);

/*
 * confine_clean_home for a --relative transfer path, keeping rsync's
 * marker: the first "/./" that does not start the path stays, as
 * "pre/./post".  Pure.
 */
int	confine_clean_marker(const char *path, char *out, size_t outlen,
	    char *err, size_t errlen);

/*
 * path without prefix when it lies under prefix (the "absolute" rule
 * option: the classic pinned ". /home/backup/"), else path itself.  The
 * prefix "/" strips nothing.  Pure.
 */
const char *confine_strip(const char *path, const char *prefix);

/*
 * The policy's DIRECTORY normalised: absolute, single slashes, no trailing
 * slash; "." and ".." components are errors.  Pure.
 */
int	confine_normal_dir(const char *dir, char *out, size_t outlen,
	    char *err, size_t errlen);

/*
 * Open rel (a cleaned relative path) beneath rootfd with oflags (O_CLOEXEC
 * added).  With O_NOFOLLOW in oflags a final symlink is opened as itself;
 * symlinks elsewhere in the path are followed only while they stay beneath
 * the root.  Returns the descriptor, or -1 with reason (an escape says so).
 */
int	confine_open(int rootfd, const char *rel, int oflags, char *err,
	    size_t errlen);

/*
 * A clean relative path pinned beneath the root, as data: fd is the
 * deepest directory of the path that exists (O_PATH|O_DIRECTORY), covered
 * how many of the path's ncomp components it stands for, and rest the
 * components after those (a pointer into the path, "" when it covers all).
 * The first component of rest does not exist, except the last component
 * under CONFINE_LEAF or when it exists as a non-directory: so fd plus rest
 * names exactly the path, and rsync creates only what rest names.
 */
struct pinned {
	int		 fd;
	size_t		 covered;
	size_t		 ncomp;		/* 0 for "." */
	const char	*rest;
};

#define CONFINE_LEAF	0x1	/* the last component is named by itself:
				   pin its parent even if it is a directory */

/*
 * Pin rel (a cleaned relative path) beneath rootfd.  Returns 0 with *pp
 * (close pp->fd), or -1 with reason: a step leads outside, a component
 * other than the last exists but is not a directory.
 */
int	confine_pin(int rootfd, const char *rel, int flags, struct pinned *pp,
	    char *err, size_t errlen);

#endif
