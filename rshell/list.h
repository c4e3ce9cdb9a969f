/* Read-only listings built into rshell: ls, du, df. */
#ifndef RSHELL_LIST_H
#define RSHELL_LIST_H

#include "listargs.h"

/*
 * List req (checked and pinned by the decision: list_parse, list_pin)
 * beneath rootfd: the listing to outfd, diagnostics to errfd.  Returns
 * the exit status GNU coreutils would (0, 1 or 2).  Nothing is written
 * to the file system.
 */
int	list_run(const struct list_req *req, int rootfd, int outfd,
	    int errfd);

/*
 * Stop a listing that runs (async-signal-safe: for a signal handler); the
 * signal number is kept for the exit line.  list_stopped() returns it, or
 * 0.
 */
void	list_stop(int sig);
int	list_stopped(void);

#endif
