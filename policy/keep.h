/*
 * Snapshot names and retention (the "snapshot" and "keep" rule options).
 * Pure: no I/O, no globals, no clock; "now" is always the caller's.
 * The rules are written out at the top of keep.c.
 */
#ifndef RSHELL_KEEP_H
#define RSHELL_KEEP_H

#include <stddef.h>
#include <time.h>

#define SNAP_NAMELEN 18                 /* "2026-12-01T070001Z" */
#define KEEP_MAXBUCKETS 8

enum keep_unit { KEEP_HOURLY, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_YEARLY };

/* "14d daily" → span 14, 'd', KEEP_DAILY */
struct keep_bucket { long span; char span_unit; enum keep_unit unit; };
struct keep { int n; struct keep_bucket b[KEEP_MAXBUCKETS]; };

/* Parses the words after "keep" (e.g. "14d","daily","8w","weekly"); 0, or -1 with err. */
int	keep_parse(struct keep *k, char *const *words, int nwords, char *err,
	    size_t errlen);

/* The snapshot name of t, in UTC; 0, or -1 when t has no such name. */
int	snap_name(time_t t, char buf[SNAP_NAMELEN + 1]);

/* Exactly "YYYY-MM-DDTHHMMSSZ", a valid UTC date and time; 0 or -1. */
int	snap_parse(const char *name, time_t *t);

/*
 * keeps[i] = 1 for each snapshot kept under k at time now, 0 for each
 * dropped; the newest is always kept; the order of snaps does not matter.
 * Pure.
 */
void	keep_select(const struct keep *k, const time_t *snaps, size_t n,
	    time_t now, unsigned char *keeps);

/*
 * The start of the calendar period of unit u (UTC) that holds t, and the
 * start of the one after it; -1 when out of range.  Weeks are ISO weeks,
 * starting on Monday.
 */
int	keep_period(enum keep_unit u, time_t t, time_t *start, time_t *next);

/*
 * since = now less the span of b (calendar months and years as keep.c
 * says); a period of b's unit is in b's window when it starts at or after
 * since.  -1 when now has no snapshot name or b is not valid.
 */
int	keep_window(const struct keep_bucket *b, time_t now, time_t *since);

#endif
