/*
 * rsync's protected arguments (-s, --secluded-args, --protect-args), as
 * grammar: whether a command line asks for them, and the whole argument
 * list once they have been read.  The reading is the runner's (rshell/);
 * the decision never learns where a word came from.
 */
#ifndef RSHELL_SECLUDED_H
#define RSHELL_SECLUDED_H

#include <stddef.h>

/*
 * Whether argv (the verb, already looked up, then "--server") asks for
 * the rest of the arguments on stdin: -s in a short option cluster among
 * the options (never a letter of the -e capability string or of a value),
 * --secluded-args or --protect-args.  Pure.
 */
int	secluded_asked(char *const *argv, size_t argc);

/*
 * The argument list rsync would have seen: the command line vis without
 * -s, --secluded-args and --protect-args, followed by the protected
 * arguments prot after their arg0.  Refused (-1 with a one-line reason):
 * a command line that holds anything but options (with -s the paths come
 * on stdin), protected arguments without the arg0 "rsync", and --iconv
 * anywhere before the paths, since with -s rsync converts the protected
 * names between character sets, which rshell does not.  On success *out
 * holds *nout words and a NULL, in one allocation: free(3) it.
 */
int	secluded_join(char *const *vis, size_t nvis, char *const *prot,
	    size_t nprot, char ***out, size_t *nout, char *err,
	    size_t errlen);

#endif
