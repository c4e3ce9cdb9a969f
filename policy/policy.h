/*
 * The policy engine: the policy file grammar, the trust check of the file,
 * rule matching and %u/%h expansion.  A library: no err(), no globals, no
 * output; errors come back as text for the caller to print and log.
 */
#ifndef RSHELL_POLICY_H
#define RSHELL_POLICY_H

#include <sys/types.h>
#include <stddef.h>

#include "keep.h"

#define POLICY_MAXSIZE	(1024 * 1024)	/* bytes in a policy file */
#define POLICY_DEFAULT_RSYNC "/usr/bin/rsync"

/* Rule options (struct rule.opts). */
#define RO_PUSH		0x001
#define RO_PULL		0x002
#define RO_LIST		0x004
#define RO_NODELETE	0x008
#define RO_NOOVERWRITE	0x010
#define RO_MUNGELINKS	0x020
#define RO_FAKESUPER	0x040
#define RO_ABSOLUTE	0x080
#define RO_LOCK		0x100
#define RO_SNAPSHOT	0x200	/* every push a new snapshot (see decide.h) */

/* A rule owns its strings (words), one block for key, ident and dir. */
struct rule {
	int	 permit;	/* 1 permit, 0 deny */
	unsigned opts;		/* RO_* */
	char	*key;		/* "key NAME", or NULL */
	char	*ident;		/* "name", ":group" or "*" */
	char	*dir;		/* unexpanded DIRECTORY (permit only) */
	struct keep *keep;	/* "keep ...": retention of snapshots, or
				   NULL (kept out of line: most rules have
				   none, and a rule is copied whole) */
	size_t	 line;
	char	*words;
};

struct policy {
	char	 *file;		/* name used in messages */
	char	 *rsync;	/* absolute path of rsync */
	char	**logs;		/* log files */
	size_t	  nlogs;
	int	  use_syslog;
	int	  umask;	/* -1 when not set */
	struct rule *rules;
	size_t	  nrules;
	size_t	  rulecap;	/* rules allocated */
	const char *only;	/* while reading: keep only the rules that can
				   apply to this user (NULL: all) */
	char	**errors;	/* "file:line: message", one per error */
	size_t	  nerrors;
};

/* Who is asking: filled in by the caller from the password database. */
struct who {
	const char	 *user;
	const char	 *home;
	uid_t		  uid;
	char *const	 *groups;	/* names of every group of the user */
	size_t		  ngroups;
};

/*
 * Parse policy text.  Never returns NULL except when out of memory; a policy
 * with nerrors > 0 must be treated as deny-all.  Pure: no I/O.
 */
struct policy	*policy_parse(const char *file, const char *text, size_t len);

/*
 * Open path, check it can be trusted (a regular file owned by owner, not
 * writable by group or others, every parent directory owned by owner and not
 * group/other writable unless sticky), read and parse it.  A trust or read
 * failure is recorded as an error of the returned policy.  owner is 0 in
 * rshell; tests pass their own uid.
 */
struct policy	*policy_load(const char *path, uid_t owner);
/*
 * The same, keeping only the rules that can apply to user (NULL: all),
 * each rule still checked whole: a session needs no other, and a large
 * policy then costs no more memory than its longest line.  Rules for a
 * :group are kept; so is every global setting.
 */
struct policy	*policy_load_for(const char *path, uid_t owner,
		    const char *user);
void		 policy_free(struct policy *p);

/* The last rule matching who and key (key NULL: no key), or NULL. */
const struct rule *policy_match(const struct policy *p, const struct who *w,
		    const char *key);

/*
 * Expand %u and %h in the rule's directory and normalise it (absolute, no
 * "." or ".." components, no trailing slash).  Returns 0, or -1 with reason.
 */
int		 policy_expand_dir(const struct rule *r, const struct who *w,
		    char *out, size_t outlen, char *err, size_t errlen);

/* Does a rule name a :group (so the caller must look up who's groups)? */
int		 policy_uses_groups(const struct policy *p);

/* Is name a valid key name (the NAME of key=NAME)? */
int		 policy_valid_key(const char *name);

#endif
