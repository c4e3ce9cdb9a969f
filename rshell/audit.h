/*
 * rshell -t: "this works, and it is safe", for every rule and every
 * account that can be enumerated.  Errors go to stderr and make -t exit
 * 1; warnings ("warning:") go to stdout and are counted on the last line.
 */
#ifndef RSHELL_AUDIT_H
#define RSHELL_AUDIT_H

#include <stddef.h>

#include "policy.h"

#define AUDIT_SSHD	"/usr/sbin/sshd"

struct audit {
	const struct policy	*p;
	const char		*sshd_config;	/* sshd -f, or NULL */
	size_t			 errors, warnings;
};

/* Run every check on c->p; the counts are in c. */
void	audit_run(struct audit *c);

/* Report one finding (error or warning) about the policy. */
void	audit_report(struct audit *c, int error, size_t line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The warnings about sshd's effective configuration for user, from the
 * text of "sshd -T" (one "keyword value" a line).  Pure but for
 * audit_report.
 */
void	audit_sshd_text(struct audit *c, const char *user, const char *text);

/* Run sshd -T for user and check what it says. */
void	audit_sshd(struct audit *c, const char *user);

#endif
