/*
 * rsync's protected arguments (-s, --secluded-args): the rest of the
 * argument list, read from the client's stdin before rsync starts.
 */
#ifndef RSHELL_PROTARGS_H
#define RSHELL_PROTARGS_H

#include <stddef.h>

#include "words.h"

/* How long a client has to send them all, from the start of the read. */
#define PROTARGS_TIMEOUT_MS	5000

/*
 * Read the protected arguments from fd as an rsync client (3.0 and later)
 * writes them after the command line: strings, each ending in a NUL, the
 * first a new arg0, and an empty string last.  Never reads past the empty
 * string (a pipe's or socket's bytes are looked at before they are taken,
 * anything else is read a byte at a time), so every byte after it is left
 * in fd for rsync, whose protocol starts there.
 *
 * At most maxwords strings (the empty one not counted) and maxbytes bytes
 * in all (every NUL counted), all within timeout_ms of the call.  Returns
 * 0 with the strings in w (one allocation: free with words_free), or -1
 * with a one-line reason in err and w empty.  The strings are as sent:
 * any byte but NUL, checked later like any other words.
 */
int	protargs_read(int fd, size_t maxwords, size_t maxbytes, int timeout_ms,
	    struct words *w, char *err, size_t errlen);

#endif
