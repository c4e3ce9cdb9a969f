/*
 * The rsync server argument grammar: what a stock rsync client (3.0-3.5)
 * sends to "rsync --server", as one table.  rsync_check() is the lexical
 * first filter: it knows the options and their value kinds, the policy
 * options that forbid them, and separates the option words from the paths.
 * It does no I/O; the paths it returns are confined afterwards (confine.h).
 */
#ifndef RSHELL_RSYNCARGS_H
#define RSHELL_RSYNCARGS_H

#include <stddef.h>

/* How an option's path value is resolved (struct rsync_pathopt.kind). */
enum rsync_pathkind {
	RP_DESTREL,	/* relative to the destination dir: --link-dest,
			   --compare-dest, --copy-dest, --backup-dir */
	RP_PARTIAL,	/* --partial-dir: relative = a per-directory name */
	RP_CWDREL,	/* relative to DIRECTORY: --files-from ("-" = stdin) */
};

struct rsync_pathopt {
	const char	*name;	/* long option name without "--", e.g. "link-dest" */
	char		*value;	/* the client's value, unresolved */
	int		 kind;	/* enum rsync_pathkind */
};

/* Flags in struct rsync_req.flags. */
#define RF_SENDER	0x01	/* --sender: client pulls */
#define RF_RELATIVE	0x02	/* -R / --relative */
#define RF_LISTONLY	0x04	/* --list-only */
#define RF_DELETE	0x08	/* any --delete* / --remove-* / --max-delete */
#define RF_IGNEXIST	0x10	/* --ignore-existing already present */
#define RF_MUNGE	0x20	/* --munge-links already present */
#define RF_FAKESUPER	0x40	/* --fake-super already present */
#define RF_REMOVESRC	0x80	/* --remove-source-files: a pull that
				   removes what it sent */

struct rsync_req {
	unsigned	  flags;	/* RF_* */
	char		**opts;		/* option words to pass on verbatim, in
					   order, without --server, --sender and
					   the path options below */
	size_t		  nopts;
	struct rsync_pathopt *popts;	/* path-valued options */
	size_t		  npopts;
	char		**paths;	/* the words after ".", unresolved */
	size_t		  npaths;
};

/*
 * Check argv (argv[0] is the verb, already looked up by the command table;
 * argv[1] must be "--server") against the grammar and the rule options
 * ruleopts (RO_* from policy.h: RO_NODELETE, RO_NOOVERWRITE,
 * RO_SNAPSHOT (on a push only), RO_FAKESUPER, and RO_PUSH/RO_PULL for
 * the direction).  Returns 0 with
 * *req filled (free with rsync_req_free), or -1 with a one-line reason that
 * names the offending option.  Pure: no I/O, no globals.
 */
int	rsync_check(char *const *argv, size_t argc, unsigned ruleopts,
	    struct rsync_req *req, char *err, size_t errlen);
void	rsync_req_free(struct rsync_req *req);

/* How a short option letter reads in a cluster (rsync_letter). */
enum rsync_letter {
	RL_UNKNOWN,	/* not an option rsync_check knows */
	RL_FLAG,	/* more letters may follow; a refused letter reads as
			   one, as the request is refused whatever follows */
	RL_VALUE,	/* the rest of the word is its value: -B8192, -@1, and
			   -e's capability string in server mode */
};

/* How the letter c reads in a short option cluster.  Pure. */
int	rsync_letter(char c);

#endif
