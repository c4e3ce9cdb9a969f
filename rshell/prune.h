/*
 * Retention of snapshots: removes what keep_select() drops, as the
 * account, after the push and outside the rsync process and its wall.
 */
#ifndef RSHELL_PRUNE_H
#define RSHELL_PRUNE_H

#include <stddef.h>
#include <time.h>

#include "keep.h"

#define PRUNE_MAXDEPTH	4096	/* directory levels inside one snapshot */

/* Called once for each snapshot removed, or that could not be (err: errno). */
struct prune_log {
	void	(*removed)(void *arg, const char *name);
	void	(*failed)(void *arg, const char *name, int err);
	void	 *arg;
};

/*
 * dirfd: DIRECTORY.  Lists entries matching the snapshot pattern
 * (directories only, never following symlinks), keeps what keep_select
 * keeps, removes the rest with openat/unlinkat (no symlink followed,
 * depth-bounded), calls log for each.  Returns the number removed, or -1
 * when DIRECTORY cannot be listed (then nothing was removed).
 */
int	prune_snapshots(int dirfd, const struct keep *k, time_t now,
	    const struct prune_log *log);

/*
 * The same selection, nothing removed: names that would go, oldest first,
 * for rshell -n (caller frees each and the array).  Returns their number,
 * or -1.
 */
int	prune_plan(int dirfd, const struct keep *k, time_t now, char ***names,
	    size_t *n);

#endif
