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

#include "keep.h"
#include "listargs.h"
#include "policy.h"

enum decision_kind {
	DK_NONE,
	DK_RSYNC,	/* execute argv */
	DK_LIST,	/* built-in ls, du or df: list */
	DK_TRUE,	/* built-in true */
};

/*
 * What the kernel wall (Landlock) lets rsync do beneath DIRECTORY.  The
 * wall holds whatever rsync is told by the client, honest or not.
 */
enum wall_kind {
	WALL_READ,	/* read only: a pull */
	WALL_WRITE,	/* read, write, create and remove: a push */
	WALL_KEEPDIRS,	/* WALL_WRITE, but no directory can be removed:
			   a push under no-delete */
	WALL_CREATE,	/* read and create only (files, directories,
			   symlinks, and renames into place); the session's
			   temporary directory gets WALL_WRITE: a push under
			   no-overwrite */
	WALL_SNAPSHOT,	/* DIRECTORY read only; the newest snapshot read
			   and refer (a hard link from it into the new
			   one); the incoming snapshot create, remove and
			   refer, never write or truncate; the session's
			   temporary directory WALL_WRITE: a push under
			   snapshot */
};

/* The Landlock ABI each wall needs: CREATE needs REFER and TRUNCATE. */
#define WALL_ABI_CREATE	3

/* What this machine offers (policy_decide's caps argument). */
struct caps {
	int	 confine;	/* the policy's rsync has --confine-root and
				   --drop-D (3.5+): 1, 0, or -1 when it could
				   not be read */
	int	 landlock;	/* the kernel's Landlock ABI, 0 for none */
};

/* The session's temporary directory, beneath DIRECTORY (no-overwrite). */
#define DECIDE_TMPDIR	".rshell-tmp."

/*
 * Under snapshot: a push is written into DIRECTORY/DECIDE_INCOMING, which
 * becomes the snapshot DIRECTORY/NAME (keep.h) when rsync exits 0 or 24;
 * DECIDE_LATEST is a symlink to the newest.
 */
#define DECIDE_INCOMING	".incoming"
#define DECIDE_LATEST	"latest"

/*
 * Paths one request names, each held open: this, not the wildcard walk's
 * own cap, is the documented limit of a pull's matches (rshell(8)).
 */
#define DECIDE_MAXPINS	64
#define DECIDE_MAXADDED	10

/* A descriptor the argv names as /proc/self/fd/N. */
struct pin {
	int	 fd;
	char	*rel;		/* what it is, relative to DIRECTORY */
};

struct decision {
	int		 kind;		/* enum decision_kind */
	char		 dir[PATH_MAX];	/* expanded DIRECTORY */
	char		 real[PATH_MAX]; /* DIRECTORY as resolved, without
					   a symlink (--confine-root) */
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
	int		  tmpdir;	/* the pin that stands for the session's
					   temporary directory, or -1: the
					   runner makes DIRECTORY/DECIDE_TMPDIR
					   PID, puts it at that descriptor, and
					   removes it afterwards */
	int		  keepdir;	/* restore DIRECTORY's own mode and
					   owner after the run: the wall
					   does not cover metadata */
	int		  incoming;	/* snapshot: the pin that stands for
					   DIRECTORY/DECIDE_INCOMING, or -1:
					   the runner makes it if missing
					   and puts it at that descriptor */
	int		  linkdest;	/* snapshot: the pin of the newest
					   snapshot (its part the push goes
					   to), the --link-dest, or -1 */
	struct keep	  keep;		/* snapshot: what to prune after a
					   completed push (n 0: nothing) */

	/* DK_LIST */
	struct list_req	  list;
};

/*
 * Decide on words (the split request) for who, with key (NULL: none).
 * caps: what the policy's rsync and the kernel offer, for DK_RSYNC only.
 * Returns 0 on permit with *d filled (free with decision_free), or -1 on
 * deny with a one-line reason in err.  Opens descriptors (DIRECTORY and
 * the pinned paths); on deny none stay open.
 */
int	policy_decide(const struct policy *p, const struct who *w,
	    const char *key, char *const *words, size_t nwords,
	    const struct caps *caps, struct decision *d, char *err,
	    size_t errlen);
void	decision_free(struct decision *d);

/*
 * The newest complete snapshot in the directory rootfd: the greatest
 * name that is a snapshot name (keep.h) and a directory, not a symlink;
 * "" when there is none.  0, or -1 with errno.
 */
int	policy_newest_snapshot(int rootfd, char name[SNAP_NAMELEN + 1]);

/*
 * What the policy's rules would be refused on a machine with caps, for
 * rshell -t: up to max one-line descriptions into out.  Returns how many.
 */
size_t	policy_refused_here(const struct policy *p, const struct caps *caps,
	    const char **out, size_t max);

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
