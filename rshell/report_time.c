/*
 * Times for rshell-report: the log's RFC 3339 stamps, and the forms the
 * options take.  No time zone file is read here: log times are UTC.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
long long
report_days_from_civil(int y, int m, int d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
digits(const char *s, size_t n, int *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/*
 * YYYY-MM-DDTHH:MM:SS, then optional .fraction, then Z, +hh:mm, +hhmm or
 * (when zone_optional) nothing.  The whole of len must be used.
 */
/*
 * The day of the YYYY-MM-DD at s, or -1.  Consecutive log lines share
 * their date, so the last one read is kept in memo (when not NULL).
 */
static int
date(const char *s, struct rdate *memo, long long *days)
{
	int y, mo, d;

	if (memo != NULL && memo->valid && memcmp(s, memo->ymd, 10) == 0) {
		*days = memo->days;
		return 0;
	}
	if (s[4] != '-' || s[7] != '-' || digits(s, 4, &y) ||
	    digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) || mo < 1 ||
	    mo > 12 || d < 1 || d > 31)
		return -1;
	*days = report_days_from_civil(y, mo, d);
	if (memo != NULL) {
		memcpy(memo->ymd, s, 10);
		memo->days = *days;
		memo->valid = 1;
	}
	return 0;
}

static int
rfc3339(const char *s, size_t len, int zone_optional, struct rdate *memo,
    long long *ms)
{
	int h, mi, sec, zh, zm, frac = 0, fd = 0;
	long long secs, days;
	size_t i = 19;

	if (len < 19 || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':' || date(s, memo, &days) == -1 ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (i < len && s[i] == '.') {
		for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, fd++)
			if (fd < 3)
				frac = frac * 10 + (s[i] - '0');
		if (fd == 0)
			return -1;
		for (; fd < 3; fd++)
			frac *= 10;
	}
	secs = days * 86400 + h * 3600 + mi * 60 + sec;
	if (i == len && zone_optional) {
		*ms = secs * 1000 + frac;
		return 0;
	}
	if (i + 1 == len && s[i] == 'Z') {
		*ms = secs * 1000 + frac;
		return 0;
	}
	if (i < len && (s[i] == '+' || s[i] == '-')) {
		if (len - i == 6 && s[i + 3] == ':' &&
		    !digits(s + i + 1, 2, &zh) && !digits(s + i + 4, 2, &zm))
			;
		else if (len - i == 5 && !digits(s + i + 1, 2, &zh) &&
		    !digits(s + i + 3, 2, &zm))
			;
		else
			return -1;
		if (zh > 23 || zm > 59)
			return -1;
		secs -= (s[i] == '+' ? 1 : -1) * (zh * 3600 + zm * 60);
		*ms = secs * 1000 + frac;
		return 0;
	}
	return -1;
}

/* From year 1 to 9999, after the zone offset: what prints as it read. */
#define MINMS	(-62135596800000LL)
#define MAXMS	(253402300800000LL)

int
report_time(const char *s, size_t len, struct rdate *memo, long long *ms)
{
	if (rfc3339(s, len, 0, memo, ms) == -1 || *ms < MINMS || *ms >= MAXMS)
		return -1;
	return 0;
}

int
report_duration(const char *s, long long *ms)
{
	long long total = 0, n, unit;
	char *end;

	if (*s == '\0')
		return -1;
	while (*s != '\0') {
		if (*s < '0' || *s > '9')
			return -1;
		n = strtoll(s, &end, 10);
		switch (*end) {
		case 's':
			unit = 1000;
			break;
		case 'm':
			unit = 60 * 1000;
			break;
		case 'h':
			unit = 3600 * 1000;
			break;
		case 'd':
			unit = 86400 * 1000LL;
			break;
		case 'w':
			unit = 7 * 86400 * 1000LL;
			break;
		default:
			return -1;
		}
		if (n < 0 || n > 100000LL * 86400 * 1000 / unit)
			return -1;
		total += n * unit;
		s = end + 1;
	}
	*ms = total;
	return 0;
}

/* A DURATION back from now, or a DATE (UTC). */
int
report_when(const char *s, long long now_ms, long long *ms)
{
	char buf[40];
	size_t len = strlen(s);
	long long d;
	int y, mo, dd;

	if (report_duration(s, &d) == 0) {
		*ms = now_ms - d;
		return 0;
	}
	if (len == 10 && s[4] == '-' && s[7] == '-' && !digits(s, 4, &y) &&
	    !digits(s + 5, 2, &mo) && !digits(s + 8, 2, &dd) && mo >= 1 &&
	    mo <= 12 && dd >= 1 && dd <= 31) {
		*ms = report_days_from_civil(y, mo, dd) * 86400 * 1000;
		return 0;
	}
	/* YYYY-MM-DDTHH:MM without seconds */
	if (len >= 16 && len < 20 && s[13] == ':' && (len == 16 ||
	    (len == 17 && s[16] == 'Z'))) {
		memcpy(buf, s, 16);
		memcpy(buf + 16, ":00", 4);
		return rfc3339(buf, 19, 1, NULL, ms);
	}
	if (len > 0 && len < sizeof(buf))
		return rfc3339(s, len, 1, NULL, ms);
	return -1;
}
