/*
 * The retention tests' oracle (test_keep.c, test_prune.c): what keep.c
 * selects, computed independently of it, as naively as possible: the C
 * library's gmtime_r and timegm for the calendar, and a walk over every
 * period of every window, one by one.  Check assertions on failure.
 */
#ifndef RSHELL_TEST_KEEPORACLE_H
#define RSHELL_TEST_KEEPORACLE_H

#include <stddef.h>
#include <time.h>

#include "keep.h"

#define KO_TMAX		253402300799LL	/* 9999-12-31T235959Z */

/* y-(mon0+1)-mday h:mi:s UTC, any field out of range normalised. */
time_t	ko_civil(long y, long mon0, long mday, long h, long mi, long s);
/* The start of the period of unit u that holds t. */
time_t	ko_start(enum keep_unit u, time_t t);
/* now less b's span: the same day and time, or the next month's start. */
time_t	ko_since(const struct keep_bucket *b, time_t now);
/* Does t take part at now (at or before it, and a time with a name)? */
int	ko_past(time_t t, time_t now);
/* keep_select's result; with newest 0, by the periods alone. */
void	ko_select(const struct keep *k, const time_t *t, size_t n,
	    time_t now, int newest, unsigned char *keeps);
/* keep_parse of line split at blanks; its result, err filled. */
int	ko_parse_line(struct keep *k, const char *line, char *err,
	    size_t errlen);

#endif
