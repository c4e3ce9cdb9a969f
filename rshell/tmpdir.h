/*
 * The session's temporary directory under no-overwrite: beneath
 * DIRECTORY, mode 0700, the only place the wall lets rsync write, so that
 * a new file is written there and renamed into place while nothing that
 * existed can be changed.  It is locked while the session lives, so a
 * later session can tell the one a killed session left behind.
 */
#ifndef RSHELL_TMPDIR_H
#define RSHELL_TMPDIR_H

#include <stddef.h>

#include "decide.h"

/*
 * Remove what killed sessions left in DIRECTORY, make this session's
 * directory, lock it and put it at the descriptor the decision reserved
 * for it.  Returns a descriptor that holds the lock (close it last, after
 * tmpdir_remove), or -1 with a reason.
 */
int	tmpdir_make(const struct decision *d, char *err, size_t errlen);

/* Remove this session's directory and everything in it. */
void	tmpdir_remove(const struct decision *d);

#endif
