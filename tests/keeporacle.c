/*
 * The retention tests' oracle: see keeporacle.h.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keeporacle.h"

time_t
ko_civil(long y, long mon0, long mday, long h, long mi, long s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(y - 1900);
	tm.tm_mon = (int)mon0;
	tm.tm_mday = (int)mday;
	tm.tm_hour = (int)h;
	tm.tm_min = (int)mi;
	tm.tm_sec = (int)s;
	return timegm(&tm);
}

/* The start of the period of unit u that holds t. */
time_t
ko_start(enum keep_unit u, time_t t)
{
	struct tm tm;
	long y;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900L;
	switch (u) {
	case KEEP_HOURLY:
		return ko_civil(y, tm.tm_mon, tm.tm_mday, tm.tm_hour, 0, 0);
	case KEEP_DAILY:
		return ko_civil(y, tm.tm_mon, tm.tm_mday, 0, 0, 0);
	case KEEP_WEEKLY:	/* ISO: back to Monday */
		return ko_civil(y, tm.tm_mon,
		    tm.tm_mday - (tm.tm_wday + 6) % 7, 0, 0, 0);
	case KEEP_MONTHLY:
		return ko_civil(y, tm.tm_mon, 1, 0, 0, 0);
	case KEEP_YEARLY:
		return ko_civil(y, 0, 1, 0, 0, 0);
	}
	return 0;
}

/* now less the span: the same day and time, or the next month's start. */
time_t
ko_since(const struct keep_bucket *b, time_t now)
{
	struct tm tm;
	long months, mon, dim;
	time_t first, next;

	switch (b->span_unit) {
	case 'h':
		return now - b->span * 3600;
	case 'd':
		return now - b->span * 86400;
	case 'w':
		return now - b->span * 604800;
	}
	months = b->span_unit == 'y' ? b->span * 12 : b->span;
	gmtime_r(&now, &tm);
	mon = tm.tm_mon - months;
	first = ko_civil(tm.tm_year + 1900L, mon, 1, 0, 0, 0);
	next = ko_civil(tm.tm_year + 1900L, mon + 1, 1, 0, 0, 0);
	dim = (long)((next - first) / 86400);
	if (tm.tm_mday > dim)
		return next;
	return ko_civil(tm.tm_year + 1900L, mon, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

int
ko_past(time_t t, time_t now)
{
	return t >= 0 && (long long)t <= KO_TMAX && t <= now;
}

/* With newest 0, the periods alone: the newest is not kept for itself. */
void
ko_select(const struct keep *k, const time_t *t, size_t n, time_t now,
    int newest, unsigned char *keeps)
{
	time_t *st, since, max = 0;
	int j, have, oldest;
	size_t i, l;

	memset(keeps, 1, n);
	if (k->n == 0 || now < 0 || (long long)now > KO_TMAX)
		return;
	ck_assert((st = calloc(n + 1, sizeof(*st))) != NULL);
	for (have = 0, i = 0; i < n; i++)
		if (ko_past(t[i], now)) {
			keeps[i] = 0;
			if (!have || t[i] > max)
				max = t[i];
			have = 1;
		}
	for (i = 0; newest && i < n; i++)
		if (ko_past(t[i], now) && t[i] == max)
			keeps[i] = 1;
	for (j = 0; j < k->n; j++) {
		since = ko_since(&k->b[j], now);
		for (i = 0; i < n; i++)
			st[i] = ko_past(t[i], now) ? ko_start(k->b[j].unit, t[i]) :
			    -1;
		/*
		 * Each period that starts at since or later keeps its oldest.
		 * Only a period that holds a snapshot keeps one, so these
		 * are the periods of st[] (walking every period back from
		 * now's, two calendar conversions a step, made this oracle
		 * most of the keep suite's time).
		 */
		for (i = 0; i < n; i++) {
			if (!ko_past(t[i], now) || st[i] < since)
				continue;
			for (oldest = 1, l = 0; oldest && l < n; l++)
				if (ko_past(t[l], now) && st[l] == st[i] &&
				    t[l] < t[i])
					oldest = 0;
			if (oldest)
				keeps[i] = 1;
		}
	}
	free(st);
}


int
ko_parse_line(struct keep *k, const char *line, char *err, size_t errlen)
{
	char buf[512], *w[64], *p, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok_r(buf, " ", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	return keep_parse(k, w, n, err, errlen);
}
