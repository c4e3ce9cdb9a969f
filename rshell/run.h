/* Running what was permitted: the one place where rshell executes. */
#ifndef RSHELL_RUN_H
#define RSHELL_RUN_H

#include <limits.h>
#include <stddef.h>

#include "decide.h"

#define RUN_NSIGS	12
/* The signals rshell catches and passes on while its command runs. */
extern const int run_signals[RUN_NSIGS];

struct runres {
	int	 status;	/* exit status, or -1 when killed */
	int	 signo;		/* the signal that killed it, or 0 */
	long	 ms;		/* wall time */
	char	 restored[32];	/* what of DIRECTORY's own owner and mode
				   was put back ("mode", "owner,mode"), or
				   "" */
	int	 resumed;	/* snapshot: an interrupted push's incoming
				   directory was taken up */
	char	 snapshot[SNAP_NAMELEN + 1];	/* the snapshot the push
				   became, or "" */
	char	 snaperr[PATH_MAX + 128];	/* why it did not (or why
				   "latest" was not moved), or "" */
};

/*
 * Does the rsync binary at path have --confine-root and --drop-D (3.5+)?
 * 1 or 0, or -1 when it cannot be read.
 */
int		 run_rsync_confine(const char *path);

/*
 * Fork and execve d->argv with cwd DIRECTORY, a fresh environment for w,
 * d->umask, descriptors above 2 closed except d's pins, behind the wall
 * d->wall; forward SIGHUP, SIGINT, SIGTERM and SIGPIPE; wait.  Returns 0
 * with *res, or -1 with a reason when it could not be started.
 */
int		 run_rsync(const struct decision *d, const struct who *w,
		    const char *shell, struct runres *res, char *err,
		    size_t errlen);

/* Join argv for display: words that need it are single-quoted as in sh. */
char		*run_join(char *const *argv, size_t argc);

long		 run_elapsed_ms(const struct timespec *start);

#endif
