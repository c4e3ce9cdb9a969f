/*
 * The decision for one request: which rule applies, what it permits, and
 * for rsync the exact argv to run with every path pinned by descriptor.
 */
#ifndef RSHELL_DECIDE_H
#define RSHELL_DECIDE_H

#include <limits.h>
#include <stddef.h>

#include "policy.h"

enum decision_kind {
	DK_NONE,
	DK_RSYNC,	/* run argv */
	DK_LIST,	/* built-in ls, du or df */
	DK_TRUE,	/* built-in true */
};

/* Features of the configured rsync (decide's features argument). */
#define RSF_CONFINE	0x1	/* has --confine-root and --drop-D (3.5+) */

#define DECIDE_MAXPINS	64

struct pin {
	int	 fd;
	char	*rel;		/* what it is, relative to DIRECTORY */
};

struct decision {
	int		 permit;
	int		 kind;		/* enum decision_kind */
	const struct rule *rule;	/* the matching rule, or NULL */
	int		 push;		/* rsync receiver */
	char		 dir[PATH_MAX];	/* expanded DIRECTORY */
	int		 rootfd;	/* DIRECTORY, O_PATH, or -1 */
	char		**argv;		/* rsync: the argv to execute */
	size_t		 argc;
	struct pin	 pins[DECIDE_MAXPINS];	/* descriptors argv names */
	size_t		 npins;
	char		 reason[1024];	/* why not (deny) */
};

/*
 * Decide on words (the split request) for who, with key (NULL: none).
 * Returns 0 on permit, -1 on deny with d->reason.  Opens descriptors
 * (DIRECTORY and pinned paths); free them with decision_free().
 */
int	policy_decide(const struct policy *p, const struct who *w,
	    const char *key, char *const *words, size_t nwords,
	    unsigned features, struct decision *d);
void	decision_free(struct decision *d);

#endif
