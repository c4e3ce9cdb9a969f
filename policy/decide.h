/*
 * The decision for one request, complete: which kind of command runs, with
 * exactly which argv or listing request, which descriptors it names, what
 * the kernel wall lets it do, and how it is run.  The runner (rshell/)
 * reads only this; it never looks at the rule.
 */
#ifndef RSHELL_DECIDE_H
#define RSHELL_DECIDE_H

#include <sys/types.h>

#include <limits.h>
#include <stddef.h>

#include "listargs.h"
#include "policy.h"

enum decision_kind {
	DK_NONE,
	DK_RSYNC,	/* execute argv */
	DK_LIST,	/* built-in ls, du or df: list */
	DK_TRUE,	/* built-in true */
};

/* What the kernel wall lets rsync do beneath DIRECTORY. */
enum wall_kind {
	WALL_READ,	/* read only: a pull under a rule without push */
	WALL_WRITE,	/* read, write, create and remove */
};

/* Features of the configured rsync (decide's features argument). */
#define RSF_CONFINE	0x1	/* has --confine-root and --drop-D (3.5+) */

#define DECIDE_MAXPINS	64
#define DECIDE_MAXADDED	8

/* A descriptor the argv names as /proc/self/fd/N. */
struct pin {
	int	 fd;
	char	*rel;		/* what it is, relative to DIRECTORY */
};

struct decision {
	int		 kind;		/* enum decision_kind */
	char		 dir[PATH_MAX];	/* expanded DIRECTORY */
	int		 rootfd;	/* DIRECTORY, O_PATH, or -1 */
	mode_t		 umask;		/* for what runs (default applied) */

	/* DK_RSYNC */
	char		**argv;		/* the argv to execute, argv[0] the
					   policy's rsync */
	size_t		  argc;
	struct pin	  pins[DECIDE_MAXPINS];
	size_t		  npins;
	const char	 *added[DECIDE_MAXADDED];	/* the words of argv
					   rshell added for the rule */
	size_t		  nadded;
	int		  push;		/* rsync receiver */
	int		  wall;		/* enum wall_kind */
	int		  lock;		/* hold an exclusive lock on DIRECTORY
					   while rsync runs */

	/* DK_LIST */
	struct list_req	  list;
};

/*
 * Decide on words (the split request) for who, with key (NULL: none).
 * features: RSF_* of the policy's rsync, looked at for DK_RSYNC only.
 * Returns 0 on permit with *d filled (free with decision_free), or -1 on
 * deny with a one-line reason in err.  Opens descriptors (DIRECTORY and
 * the pinned paths); on deny none stay open.
 */
int	policy_decide(const struct policy *p, const struct who *w,
	    const char *key, char *const *words, size_t nwords,
	    unsigned features, struct decision *d, char *err, size_t errlen);
void	decision_free(struct decision *d);

/* A command rshell serves: a row of the command table. */
struct command {
	const char	*name;
	int		 kind;		/* enum decision_kind */
	int		 sub;		/* enum list_cmd, for DK_LIST */
	unsigned	 needs;		/* rule options it needs */
	unsigned	 flags;		/* CMD_* */
};

#define CMD_ANYPATH	0x1	/* may also be named by an absolute path
				   whose last component is the name */

/*
 * The command verb names, or NULL when rshell serves none of that name:
 * the name itself, or for a CMD_ANYPATH row an absolute path ending in
 * "/" and the name ("/usr/bin/rsync").
 */
const struct command *policy_command(const char *verb);

#endif
