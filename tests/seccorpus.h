/*
 * The corpus of protected-argument requests (tests/data/
 * rsync-3.5-secluded-commands.tsv), read for the grammar tests
 * (test_secluded.c) and the binary tests (test_clients.c).
 */
#ifndef RSHELL_TEST_SECCORPUS_H
#define RSHELL_TEST_SECCORPUS_H

#include <stddef.h>

#define SC_CORPUS	"tests/data/rsync-3.5-secluded-commands.tsv"
#define SC_MAXROWS	128

enum sc_verdict {
	SC_PERMIT,	/* permitted, running what it runs without -s */
	SC_DENY,	/* refused, as the request without -s is */
	SC_DENY_S,	/* refused only with -s */
};

struct sc_row {
	int	 pull;
	char	 opts[128];		/* the client's options, as a label */
	char	 cmd[1024];		/* the command line */
	char	 in[4096];		/* stdin, decoded */
	size_t	 inlen;
	char	 plain[1024];		/* without -s, or "" */
	int	 verdict;		/* enum sc_verdict */
	char	 why[128];		/* a refusal's reason says this */
	int	 line;
};

/* Read up to max rows of the corpus; how many, or -1 (file, syntax). */
int	sc_load(struct sc_row *rows, int max);

/*
 * The strings of a row's stdin up to the empty string that ends them,
 * as pointers into buf (the decoded bytes copied): how many, or -1 when
 * there is no empty string.
 */
int	sc_strings(const struct sc_row *r, char *buf, char **v, int max);

#endif
