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

/* Open the policy's DIRECTORY (absolute, trusted) as the root of a request. */
int	confine_root(const char *dir, char *err, size_t errlen);

/*
 * Turn a client path into a clean relative path: leading '/' dropped (so "/"
 * is the root itself), "." and empty components dropped, ".." refused.
 * Returns 0, or -1 with reason.  A path that names the root itself becomes
 * ".".  keep_dot keeps a "/./" marker (rsync --relative).  Pure.
 */
int	confine_clean(const char *path, char *out, size_t outlen, char *err,
	    size_t errlen);

/*
 * Open rel (a cleaned relative path) beneath rootfd with oflags (O_CLOEXEC
 * added).  With O_NOFOLLOW in oflags a final symlink is opened as itself;
 * symlinks elsewhere in the path are followed only while they stay beneath
 * the root.  Returns the descriptor, or -1 with reason (an escape says so).
 */
int	confine_open(int rootfd, const char *rel, int oflags, char *err,
	    size_t errlen);

/*
 * Like confine_open for a path that may not exist yet: opens the deepest
 * existing directory of rel (O_PATH|O_DIRECTORY) and stores in *tail the
 * offset in rel of the components that do not exist (rel + *tail, "" when
 * all exist).  Returns the descriptor or -1 with reason.
 */
int	confine_open_existing(int rootfd, const char *rel, size_t *tail,
	    char *err, size_t errlen);

#endif
