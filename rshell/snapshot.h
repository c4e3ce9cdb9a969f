/*
 * Snapshots, in the runner, outside the wall: the incoming directory a
 * push under snapshot is written into, and its completion into a dated
 * snapshot with "latest" pointing at it.
 */
#ifndef RSHELL_SNAPSHOT_H
#define RSHELL_SNAPSHOT_H

#include <stddef.h>

#include "decide.h"

/*
 * Make DIRECTORY/.incoming unless an interrupted push left it (then
 * *resumed is 1), and put it at the descriptor the decision reserved for
 * it.  0, or -1 with a reason.
 */
int	snapshot_prepare(const struct decision *d, int *resumed, char *err,
	    size_t errlen);

/*
 * Rename DIRECTORY/.incoming to the snapshot name of now (UTC) and point
 * "latest" at it.  Returns 0 with name; 1 with name when the snapshot was
 * made but "latest" could not be pointed at it (err says why); -1 with
 * err when nothing was renamed (the next push resumes).
 */
int	snapshot_complete(const struct decision *d,
	    char name[SNAP_NAMELEN + 1], char *err, size_t errlen);

#endif
