/*
 * The kernel wall: a Landlock ruleset applied to rsync before it is
 * executed, so that even a path that slipped past every check (a symlink
 * swapped in between the check and rsync's use of a path it creates or
 * walks itself) can neither write nor read outside DIRECTORY.
 */
#ifndef RSHELL_WALL_H
#define RSHELL_WALL_H

#include <stddef.h>

#include "decide.h"

/* The Landlock ABI version of the running kernel, or 0 when it has none. */
int	wall_abi(void);

/*
 * Build the ruleset for d: DIRECTORY as d->wall says (read only, or read
 * and write), the system's programs and libraries read and execute, the
 * rsync binary (d->argv[0]) and the few files in /etc that rsync reads.
 * Returns the ruleset descriptor; -1 with errno ENOSYS or EOPNOTSUPP when
 * the kernel has no Landlock (no wall, not an error), or -1 with a reason.
 */
int	wall_build(const struct decision *d, char *err, size_t errlen);

/* In the child, just before execve: no new privileges, then the wall. */
int	wall_enter(int ruleset);

#endif
