/* rshell/prune.h — removes what keep_select drops, as the account, outside the wall */
#ifndef RSHELL_PRUNE_H
#define RSHELL_PRUNE_H

#include <stddef.h>
#include <time.h>

#include "keep.h"

struct prune_log { void (*removed)(void *arg, const char *name); void (*failed)(void *arg, const char *name, int err); void *arg; };
/* dirfd: DIRECTORY.  Lists entries matching the snapshot pattern (directories only, never
   following symlinks), keeps what keep_select keeps, removes the rest with openat/unlinkat
   (no symlink followed, depth-bounded), calls log for each.  Returns the number removed or -1. */
int prune_snapshots(int dirfd, const struct keep *k, time_t now, const struct prune_log *log);
/* The same selection, nothing removed: names that would go, for rshell -n. */
int prune_plan(int dirfd, const struct keep *k, time_t now, char ***names, size_t *n);

#endif
