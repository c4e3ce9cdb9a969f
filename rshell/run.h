/* Running what was permitted: the one place where rshell executes. */
#ifndef RSHELL_RUN_H
#define RSHELL_RUN_H

#include <limits.h>
#include <stddef.h>

#include "decide.h"

#define RUN_NSIGS	12
/* The signals rshell catches and passes on while its command runs. */
extern const int run_signals[RUN_NSIGS];

/*
 * What the kernel accounted for the command, after it was reaped: the
 * child's part of /proc/self/io (the kernel adds a reaped child's
 * counters to its parent's) and its rusage from wait4.  io is 0 where
 * /proc/self/io could not be read.
 */
struct runacct {
	int			 io, ru;	/* which half is known */
	unsigned long long	 rchar, wchar, read_bytes, write_bytes;
	long long		 cpu_ms;	/* user + system */
	long			 maxrss_kb;
};

struct runres {
	int	 status;	/* exit status, or -1 when killed */
	int	 signo;		/* the signal that killed it, or 0 */
	long	 ms;		/* wall time */
	char	 restored[32];	/* what of DIRECTORY's own owner and mode
				   was put back ("mode", "owner,mode"), or
				   "" */
	struct runacct	 acct;
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

/*
 * Hold the signals run_rsync() forwards (run_signals) until rsync runs,
 * from before the permit is logged: one that comes in between then goes
 * to rsync, and the exit line follows, rather than ending rshell with a
 * permit and no exit line.
 */
void		 run_hold_signals(void);

/* Join argv for display: words that need it are single-quoted as in sh. */
char		*run_join(char *const *argv, size_t argc);

long		 run_elapsed_ms(const struct timespec *start);

#endif
