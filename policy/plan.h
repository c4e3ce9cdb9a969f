/*
 * Inside the decision (decide.c, plan_rsync.c): the state of planning one
 * request.  Errors come back as -1 with the reason in err; the decision
 * being filled holds only what the runner needs.  Not an interface.
 */
#ifndef RSHELL_PLAN_H
#define RSHELL_PLAN_H

#include <stddef.h>

#include "decide.h"
#include "policy.h"

struct plan {
	const struct policy	*p;
	const struct rule	*rule;
	const struct caps	*caps;
	struct decision		*d;
	char			*err;
	size_t			 errlen;
	size_t			 globdirs;	/* what the request's wildcards */
	size_t			 globentries;	/* have read so far */
};

/* Set the reason; returns -1. */
int	plan_fail(struct plan *pl, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* Keep fd (named rel, relative to DIRECTORY) open for rsync: 0, or -1
   (fd closed). */
int	plan_pin(struct plan *pl, int fd, const char *rel);

/*
 * The names rel (a clean relative path) stands for inside DIRECTORY:
 * itself when it exists as written or has no wildcard, else what its
 * wildcards match, sorted (itself when nothing does).  *v is allocated,
 * each name too.  0, or -1 with the reason.
 */
int	plan_expand(struct plan *pl, const char *rel, char ***v, size_t *n);

/* The rsync request: argv, pins, the wall, the lock. */
int	plan_rsync(struct plan *pl, char *const *words, size_t nwords);

#endif
