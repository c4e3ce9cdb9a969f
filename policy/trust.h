/*
 * What must hold around a rule for it to be safe, whatever the client
 * sends: the account's home and ~/.ssh are out of DIRECTORY's reach, the
 * policy's rsync and logs cannot be changed by an account.  Used by the
 * decision (refused at run time) and by rshell -t (reported).
 */
#ifndef RSHELL_TRUST_H
#define RSHELL_TRUST_H

#include <stddef.h>

#include "policy.h"

/* Is path (absolute, clean) dir itself or beneath it?  Pure. */
int	trust_under(const char *path, const char *dir);

/*
 * path with every symlink resolved; a path that does not exist (yet) is
 * its deepest existing parent, resolved, plus the rest.  0, or -1.
 */
int	trust_resolve(const char *path, char *out, size_t outlen);

/*
 * The program at path can be trusted to run as the account: a regular,
 * executable file owned by root and not writable by group or others, in
 * directories that are root-owned and not group/other writable (unless
 * sticky).  0, or -1 with reason.
 */
int	trust_program(const char *path, char *err, size_t errlen);

/*
 * The run-time refusals for a session of who under DIRECTORY real (as
 * resolved): home or ~/.ssh inside it, it inside ~/.ssh, a log inside
 * it, and, when rsync is set, an untrusted rsync or one inside it.
 * 0, or -1 with a one-line reason.
 */
int	trust_session(const struct policy *p, const struct who *w,
	    const char *real, int rsync, char *err, size_t errlen);

#endif
