/*
 * A generated log for rshell-report's tests, and the oracle that knows
 * what the report must say about it.  The generator (seeded: the same
 * seed, the same log) writes sessions across hosts, users and keys with
 * log.c's own escaping, as plain lines and as syslog and journald deliver
 * them, with refusals, sessions that never log their exit, hostile bytes,
 * and damage: malformed, truncated and glued lines.  It keeps every event
 * with the truth about it (which session it belongs to, whether the line
 * survived), and the oracle computes the summary from that truth alone,
 * without the report's pid matching or its tables.
 */
#ifndef RSHELL_TEST_REPORTGEN_H
#define RSHELL_TEST_REPORTGEN_H

#include <stddef.h>
#include <stdint.h>

/* What the report is asked for: a window and filters (NULL: any). */
struct rg_query {
	long long	 since, until;	/* ms; LLONG_MIN / LLONG_MAX: open */
	const char	*host, *user, *key;
	long long	 now;		/* ms */
};

struct rg_counts {
	unsigned long	 lines, events, damaged, cut, other;
};

struct rg;

/*
 * Write about nevents events to path; the local host (plain lines) is
 * "alpha".  NULL on failure.
 */
struct rg	*rg_generate(const char *path, uint64_t seed, size_t nevents);
void		 rg_free(struct rg *g);
/* The first and last event time (ms). */
long long	 rg_first(const struct rg *g);
long long	 rg_last(const struct rg *g);
void		 rg_counts(const struct rg *g, struct rg_counts *c);

/*
 * What rshell-report must print for q, with --local-host alpha: the whole
 * --json document and --prometheus text, and for the text output the
 * Sessions table's rows (whitespace-separated cells, one row a line, in
 * order); malloc'd.
 */
char		*rg_json(const struct rg *g, const struct rg_query *q);
char		*rg_prometheus(const struct rg *g, const struct rg_query *q);
char		*rg_text_sessions(const struct rg *g, const struct rg_query *q);

#endif
