/* Read-only listings built into rshell: ls, du, df. */
#ifndef RSHELL_LIST_H
#define RSHELL_LIST_H

#include <stddef.h>

struct listing;		/* a checked request: flags and pinned operands */

/*
 * Check a listing request (argv[0] is "ls", "du" or "df") and resolve every
 * operand beneath rootfd with the confine.h resolver.  Returns the prepared
 * request, or NULL with a one-line reason (unknown flag named, path escapes,
 * no such file, ...).  Nothing is written.
 */
struct listing	*list_prepare(int rootfd, char *const *argv, size_t argc,
		    char *err, size_t errlen);
/* Write the listing to outfd, diagnostics to errfd; returns the exit status
   GNU coreutils would (0, 1 or 2). */
int		 list_run(struct listing *l, int outfd, int errfd);
void		 list_free(struct listing *l);

#endif
