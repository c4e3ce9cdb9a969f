/* Splitting of the -c string into words: POSIX-shell quoting, no expansion. */
#ifndef RSHELL_WORDS_H
#define RSHELL_WORDS_H

#include <stddef.h>

#define WORDS_MAXLEN	(64 * 1024)	/* bytes in the -c string */
#define WORDS_MAXWORDS	1024

struct words {
	char	**v;	/* n words, then NULL */
	size_t	  n;
};

/*
 * Split s into w.  Returns 0, or -1 with a one-line human reason in err
 * (w is then empty and needs no free).  Pure: no I/O, no globals.
 */
int	words_split(const char *s, struct words *w, char *err, size_t errlen);
void	words_free(struct words *w);

#endif
