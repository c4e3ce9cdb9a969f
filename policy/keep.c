/*
 * Snapshot names and retention.  What follows is the contract of the
 * "keep" option; rshell.policy(5) says the same.
 *
 * Names.  A snapshot is named by the UTC second it was completed, exactly
 * "YYYY-MM-DDTHHMMSSZ" (18 bytes, such as 2026-12-01T070001Z): a valid
 * calendar date from 1970-01-01 to 9999-12-31, hours 00-23, minutes and
 * seconds 00-59 (no leap second), and no other byte.  Anything else in
 * DIRECTORY ("latest", ".incoming", a name with a suffix) is not a
 * snapshot.
 *
 * Grammar.  keep SPAN UNIT [SPAN UNIT ...]: SPAN is a positive decimal
 * number without sign or leading zero followed by h (hours), d (days),
 * w (weeks), m (months) or y (years); UNIT is hourly, daily, weekly,
 * monthly or yearly.  At most one pair per UNIT (so at most five), a span
 * of at most 100 years, and a span that covers at least one whole period
 * of its unit (counted at its longest: 31 days for a month, 366 for a
 * year, so "30d monthly" and "1d weekly" are refused; "1m monthly" and
 * "12m yearly" are fine).
 *
 * Periods.  Calendar periods in UTC: the hour, the day, the ISO week
 * (Monday 00:00 to Monday 00:00; the week around New Year is one period,
 * whichever year it belongs to), the month, the year.
 *
 * Window.  A pair's window at time now reaches back to since = now - SPAN:
 * h, d and w are 3600, 86400 and 604800 seconds; N months (years) before
 * now is the same day of the month and time of day N months (12 N months)
 * earlier, or, where that month is too short for the day (March 31 less
 * one month), the first instant of the month after it (March 1).  So
 * since never moves backwards as now moves forwards.  A period lies in
 * the window when it starts at or after since (start >= since): "14d
 * daily" at 07:00 is the 14 days up to and including today (15 at 00:00
 * sharp, when the day 14 days back starts exactly at since), "12m
 * monthly" the 12 months up to and including this one.  As a span covers
 * a whole period of its unit, the period now lies in is always in the
 * window; once a period has left the window it never comes back.
 *
 * Selection.  Snapshots at or before now ("past") take part; in every
 * period that lies in a pair's window, the OLDEST past snapshot in it is
 * kept (all of them, where several have that very time).  A snapshot
 * kept by any pair is kept.  The newest past snapshot is always kept.
 * Snapshots after now (a clock that was ahead, or went back) are always
 * kept and take no part: they are neither the oldest of a period nor the
 * newest, so they displace nothing.  A time that has no snapshot name
 * (before 1970, after 9999) is kept the same way.  Everything else is
 * dropped: a past snapshot older than every window, or not the oldest of
 * its period in any window, unless it is the newest.  A rule without keep
 * (k->n == 0) keeps everything.
 *
 * Why the oldest, and never a count.  Pushes made after a key is stolen
 * are all newer than every snapshot made before; they can never be the
 * oldest of a period that already holds one, so no number of them moves
 * a good snapshot out of its place.  What they do displace is the
 * previous newest snapshot, which was kept only for being the newest, and
 * what they cannot stop is time: a snapshot whose period leaves every
 * window goes at the next push after that, whoever makes it.  A thief
 * who holds a stolen key back until the longest window has passed, then
 * pushes once, leaves that push alone; only watching for accounts that
 * stopped pushing (rshell-report --stale) catches that.
 *
 * Pure: no I/O, no clock, no allocation but the one sort (when it fails,
 * everything is kept).  The calendar is computed here, with no time zone
 * or locale involved; the tests check it against gmtime_r and timegm.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep.h"

#define DAY		86400LL
#define SNAP_TMIN	0LL			/* 1970-01-01T000000Z */
#define SNAP_TMAX	253402300799LL		/* 9999-12-31T235959Z */
#define SPAN_MAXYEARS	100

/* --- the calendar (proleptic Gregorian, days since 1970-01-01) -------- */

static long long
floordiv(long long a, long long b)
{
	long long q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int
leap(long long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
mdays(long long y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	return m == 2 && leap(y) ? 29 : n[m - 1];
}

/* Days from 1970-01-01 to y-m-d, counted in 400-year eras from March 1. */
static long long
days_from_civil(long long y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long z, long long *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	z += 719468;
	era = floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int
inrange(time_t t)
{
	return (long long)t >= SNAP_TMIN && (long long)t <= SNAP_TMAX;
}

/* --- names ------------------------------------------------------------- */

int
snap_name(time_t t, char buf[SNAP_NAMELEN + 1])
{
	long long days, secs, y;
	int m, d, n;

	if (!inrange(t))
		return -1;
	days = floordiv(t, DAY);
	secs = t - days * DAY;
	civil_from_days(days, &y, &m, &d);
	n = snprintf(buf, SNAP_NAMELEN + 1, "%04lld-%02d-%02dT%02lld%02lld%02lldZ",
	    y, m, d, secs / 3600, secs / 60 % 60, secs % 60);
	return n == SNAP_NAMELEN ? 0 : -1;
}

/* The n digits at s as a number, or -1 if any of them is not a digit. */
static int
digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

int
snap_parse(const char *name, time_t *t)
{
	static const char shape[] = "dddd-dd-ddTddddddZ";
	int y, mo, d, h, mi, s;
	size_t i;

	for (i = 0; i < SNAP_NAMELEN; i++) {
		if (name[i] == '\0')
			return -1;
		if (shape[i] == 'd' ? (name[i] < '0' || name[i] > '9') :
		    name[i] != shape[i])
			return -1;
	}
	if (name[SNAP_NAMELEN] != '\0')
		return -1;
	y = digits(name, 4);
	mo = digits(name + 5, 2);
	d = digits(name + 8, 2);
	h = digits(name + 11, 2);
	mi = digits(name + 13, 2);
	s = digits(name + 15, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) ||
	    h > 23 || mi > 59 || s > 59)
		return -1;
	*t = (time_t)(days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60 +
	    s);
	return 0;
}

/* --- the grammar ------------------------------------------------------- */

static const struct {
	const char	*name;
	enum keep_unit	 unit;
	long		 secs;		/* its longest period */
	long		 months;	/* ... in months, or 0 */
} units[] = {
	{ "hourly",	KEEP_HOURLY,	3600,		0 },
	{ "daily",	KEEP_DAILY,	86400,		0 },
	{ "weekly",	KEEP_WEEKLY,	7 * 86400,	0 },
	{ "monthly",	KEEP_MONTHLY,	31 * 86400,	1 },
	{ "yearly",	KEEP_YEARLY,	366 * 86400,	12 },
};
#define NUNITS	(sizeof(units) / sizeof(units[0]))

static const struct {
	char	 letter;
	long	 secs;		/* one of it, or 0 for calendar months */
	long	 months;
	long	 max;		/* SPAN_MAXYEARS of it */
} spans[] = {
	{ 'h',	3600,		0,	SPAN_MAXYEARS * 8784L },
	{ 'd',	86400,		0,	SPAN_MAXYEARS * 366L },
	{ 'w',	7 * 86400,	0,	SPAN_MAXYEARS * 53L },
	{ 'm',	0,		1,	SPAN_MAXYEARS * 12L },
	{ 'y',	0,		12,	SPAN_MAXYEARS },
};
#define NSPANS	(sizeof(spans) / sizeof(spans[0]))

static int
span_index(char letter)
{
	size_t i;

	for (i = 0; i < NSPANS; i++)
		if (spans[i].letter == letter)
			return (int)i;
	return -1;
}

/* A word as a reason may show it: printable ASCII, the rest as \xHH. */
static const char *
shown(const char *w, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)w;
	size_t off = 0;

	for (; *p != '\0' && off + 8 < len && off < 40; p++)
		off += (size_t)snprintf(buf + off, len - off,
		    *p < 0x20 || *p >= 0x7f || *p == '\\' ? "\\x%02x" : "%c",
		    *p);
	buf[off] = '\0';
	if (*p != '\0')
		snprintf(buf + off, len - off, "...");
	return buf;
}

/* "14d" into b's span; -1 with a reason. */
static int
parse_span(const char *w, struct keep_bucket *b, char *err, size_t errlen)
{
	size_t len = strlen(w), i;
	char sw[64];
	long v = 0;
	int si;

	if (len < 2 || len > 8 || w[0] == '0' ||
	    (si = span_index(w[len - 1])) == -1) {
		snprintf(err, errlen, "keep: \"%s\" is not a span (a "
		    "number of h, d, w, m or y, such as 14d)",
		    shown(w, sw, sizeof(sw)));
		return -1;
	}
	for (i = 0; i < len - 1; i++) {
		if (w[i] < '0' || w[i] > '9') {
			snprintf(err, errlen, "keep: \"%s\" is not a span "
			    "(a number of h, d, w, m or y, such as 14d)",
			    shown(w, sw, sizeof(sw)));
			return -1;
		}
		v = v * 10 + (w[i] - '0');
	}
	if (v > spans[si].max) {
		snprintf(err, errlen, "keep: span %s is longer than %d years",
		    w, SPAN_MAXYEARS);
		return -1;
	}
	b->span = v;
	b->span_unit = spans[si].letter;
	return 0;
}

/* Does the span cover a whole period of the unit, at its longest? */
static int
covers(const struct keep_bucket *b, size_t ui)
{
	const int si = span_index(b->span_unit);

	if (spans[si].months != 0)
		return units[ui].months == 0 ||
		    b->span * spans[si].months >= units[ui].months;
	return b->span * spans[si].secs >= units[ui].secs;
}

static int
parse_pair(const char *span, const char *unit, struct keep *k,
    char *err, size_t errlen)
{
	struct keep_bucket *b = &k->b[k->n];
	char su[64];
	size_t ui;
	int i;

	if (parse_span(span, b, err, errlen) == -1)
		return -1;
	for (ui = 0; ui < NUNITS; ui++)
		if (strcmp(unit, units[ui].name) == 0)
			break;
	if (ui == NUNITS) {
		snprintf(err, errlen, "keep: \"%s\" after %s is not hourly, "
		    "daily, weekly, monthly or yearly", shown(unit, su,
		    sizeof(su)), span);
		return -1;
	}
	b->unit = units[ui].unit;
	for (i = 0; i < k->n; i++)
		if (k->b[i].unit == b->unit) {
			snprintf(err, errlen, "keep: %s appears twice",
			    units[ui].name);
			return -1;
		}
	if (!covers(b, ui)) {
		snprintf(err, errlen, "keep: %s %s is shorter than one period "
		    "of %s", span, unit, unit);
		return -1;
	}
	k->n++;
	return 0;
}

int
keep_parse(struct keep *k, char *const *words, int nwords, char *err,
    size_t errlen)
{
	struct keep tmp;
	char sw[64];
	int i;

	if (nwords <= 0) {
		snprintf(err, errlen, "keep needs at least one SPAN UNIT pair, "
		    "such as keep 14d daily");
		return -1;
	}
	if (nwords % 2 != 0) {
		snprintf(err, errlen, "keep: span %s has no unit after it "
		    "(hourly, daily, weekly, monthly or yearly)",
		    shown(words[nwords - 1], sw, sizeof(sw)));
		return -1;
	}
	if (nwords / 2 > KEEP_MAXBUCKETS) {
		snprintf(err, errlen, "keep: more than %d SPAN UNIT pairs",
		    KEEP_MAXBUCKETS);
		return -1;
	}
	memset(&tmp, 0, sizeof(tmp));
	for (i = 0; i < nwords; i += 2)
		if (parse_pair(words[i], words[i + 1], &tmp, err, errlen) == -1)
			return -1;
	*k = tmp;
	return 0;
}

/* --- periods and windows ----------------------------------------------- */

int
keep_period(enum keep_unit u, time_t t, time_t *start, time_t *next)
{
	long long days, s, n, y;
	int m, d;

	if (!inrange(t))
		return -1;
	days = floordiv(t, DAY);
	switch (u) {
	case KEEP_HOURLY:
		s = floordiv(t, 3600) * 3600;
		n = s + 3600;
		break;
	case KEEP_DAILY:
		s = days * DAY;
		n = s + DAY;
		break;
	case KEEP_WEEKLY:
		/* 1970-01-01 was a Thursday, three days after a Monday. */
		s = (days - (days + 3 - floordiv(days + 3, 7) * 7)) * DAY;
		n = s + 7 * DAY;
		break;
	case KEEP_MONTHLY:
		civil_from_days(days, &y, &m, &d);
		s = days_from_civil(y, m, 1) * DAY;
		n = (m == 12 ? days_from_civil(y + 1, 1, 1) :
		    days_from_civil(y, m + 1, 1)) * DAY;
		break;
	case KEEP_YEARLY:
		civil_from_days(days, &y, &m, &d);
		s = days_from_civil(y, 1, 1) * DAY;
		n = days_from_civil(y + 1, 1, 1) * DAY;
		break;
	default:
		return -1;
	}
	*start = (time_t)s;
	*next = (time_t)n;
	return 0;
}

/* now less a number of calendar months (see the top of the file). */
static long long
months_before(time_t now, long months)
{
	long long days = floordiv(now, DAY), secs = now - days * DAY, y, mi;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	mi = y * 12 + (m - 1) - months;
	y = floordiv(mi, 12);
	m = (int)(mi - y * 12) + 1;
	if (d > mdays(y, m))
		return (m == 12 ? days_from_civil(y + 1, 1, 1) :
		    days_from_civil(y, m + 1, 1)) * DAY;
	return days_from_civil(y, m, d) * DAY + secs;
}

int
keep_window(const struct keep_bucket *b, time_t now, time_t *since)
{
	int si = span_index(b->span_unit);

	if (!inrange(now) || si == -1 || b->span <= 0 ||
	    b->span > spans[si].max)
		return -1;
	if (spans[si].months != 0)
		*since = (time_t)months_before(now, b->span * spans[si].months);
	else
		*since = (time_t)((long long)now - b->span * spans[si].secs);
	return 0;
}

/* --- selection --------------------------------------------------------- */

struct ent {
	time_t	 t;
	size_t	 i;
};

static int
entcmp(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Keep the oldest of every period of b in its window (e: past, sorted). */
static void
keep_bucket(const struct keep_bucket *b, const struct ent *e, size_t n,
    time_t now, unsigned char *keeps)
{
	time_t since, start, next, cur = 0, oldest = 0;
	int have = 0;
	size_t i;

	if (keep_window(b, now, &since) == -1)
		return;
	for (i = 0; i < n; i++) {
		if (keep_period(b->unit, e[i].t, &start, &next) == -1 ||
		    start < since)
			continue;
		if (!have || start != cur) {
			have = 1;
			cur = start;
			oldest = e[i].t;
		}
		if (e[i].t == oldest)
			keeps[e[i].i] = 1;
	}
}

void
keep_select(const struct keep *k, const time_t *snaps, size_t n, time_t now,
    unsigned char *keeps)
{
	struct ent *e;
	size_t i, np = 0;
	int j;

	memset(keeps, 1, n);
	if (k->n <= 0 || n == 0 || !inrange(now) ||
	    (e = calloc(n, sizeof(*e))) == NULL)
		return;
	for (i = 0; i < n; i++)
		if (inrange(snaps[i]) && snaps[i] <= now) {
			keeps[i] = 0;
			e[np].t = snaps[i];
			e[np++].i = i;
		}
	qsort(e, np, sizeof(*e), entcmp);
	for (i = np; i > 0 && e[i - 1].t == e[np - 1].t; i--)
		keeps[e[i - 1].i] = 1;
	for (j = 0; j < k->n && j < KEEP_MAXBUCKETS; j++)
		keep_bucket(&k->b[j], e, np, now, keeps);
	free(e);
}
