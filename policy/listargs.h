/*
 * The grammar of the built-in listings, ls, du and df: which flags each
 * takes and which take operands.  list_parse() is the pure checker;
 * list_pin() resolves the operands beneath DIRECTORY (confine.h), so that
 * the decision holds the whole request and the runner only lists.
 */
#ifndef RSHELL_LISTARGS_H
#define RSHELL_LISTARGS_H

#include <sys/stat.h>

#include <stddef.h>

#define LIST_MAXOPS	256		/* operands in one request */

enum list_cmd { LC_LS, LC_DU, LC_DF };

/* struct list_req.flags */
enum {
	LF_ALL = 0x001,		/* ls -a, du -a */
	LF_ALMOST = 0x002,	/* ls -A */
	LF_LONG = 0x004,	/* ls -l */
	LF_HUMAN = 0x008,	/* -h */
	LF_REC = 0x010,		/* ls -R */
	LF_DIR = 0x020,		/* ls -d */
	LF_TIME = 0x040,	/* ls -t */
	LF_REV = 0x080,		/* ls -r */
	LF_SUM = 0x100,		/* du -s */
	LF_TOTAL = 0x200	/* du -c */
};

/* An operand: as the client typed it, and (after list_pin) pinned. */
struct list_operand {
	char		*name;
	int		 fd;		/* O_PATH beneath DIRECTORY, or -1 */
	int		 missing;	/* errno when it does not exist
					   (ENOENT, ENOTDIR): listed as an
					   error, as GNU does, not refused */
	struct stat	 st;
};

struct list_req {
	int			 cmd;	/* enum list_cmd */
	const char		*name;	/* "ls", "du" or "df", for messages */
	unsigned		 flags;	/* LF_* */
	size_t			 nops;
	struct list_operand	*ops;	/* "." when the client named none */
};

/*
 * Check the words after the verb (argv[0] is the verb, already looked up
 * as cmd) and fill *req (free with list_req_free).  Returns 0, or -1 with
 * a one-line reason that names the offending flag.  Pure.
 */
int	list_parse(int cmd, char *const *argv, size_t argc,
	    struct list_req *req, char *err, size_t errlen);

/*
 * Pin every operand of req beneath rootfd.  A symlink operand must
 * resolve beneath DIRECTORY too (a dangling one inside is listed as
 * itself); ls without -l or -d lists a symlink to a directory as the
 * directory, as GNU ls does.  An operand that does not exist is kept
 * with its errno in missing.  Returns 0, or -1 with the reason.
 */
int	list_pin(int rootfd, struct list_req *req, char *err, size_t errlen);

void	list_req_free(struct list_req *req);

#endif
