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

#endif
