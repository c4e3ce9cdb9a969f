/* Placeholder of the retention module: replaced at merge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keep.h"

static const char *const units[] = { "hourly", "daily", "weekly",
    "monthly", "yearly" };

int
keep_parse(struct keep *k, char *const *words, int nwords, char *err,
    size_t errlen)
{
	char *end;
	int i, u;

	memset(k, 0, sizeof(*k));
	if (nwords == 0 || nwords % 2 != 0 || nwords / 2 > KEEP_MAXBUCKETS) {
		snprintf(err, errlen, "\"keep\" needs SPAN UNIT pairs");
		return -1;
	}
	for (i = 0; i < nwords; i += 2) {
		k->b[k->n].span = strtol(words[i], &end, 10);
		if (end == words[i] || strchr("hdwmy", *end) == NULL ||
		    *end == '\0' || end[1] != '\0' || k->b[k->n].span <= 0) {
			snprintf(err, errlen, "bad span \"%s\"", words[i]);
			return -1;
		}
		k->b[k->n].span_unit = *end;
		for (u = 0; u < 5 && strcmp(words[i + 1], units[u]) != 0; u++)
			;
		if (u == 5) {
			snprintf(err, errlen, "bad unit \"%s\"", words[i + 1]);
			return -1;
		}
		k->b[k->n++].unit = (enum keep_unit)u;
	}
	return 0;
}

int
snap_name(time_t t, char buf[SNAP_NAMELEN + 1])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, SNAP_NAMELEN + 1, "%Y-%m-%dT%H%M%SZ", &tm) !=
	    SNAP_NAMELEN)
		return -1;
	return 0;
}

int
snap_parse(const char *name, time_t *t)
{
	static const char pat[] = "dddd-dd-ddTddddddZ";
	char back[SNAP_NAMELEN + 1];
	struct tm tm;
	size_t i;

	if (strlen(name) != SNAP_NAMELEN)
		return -1;
	for (i = 0; i < SNAP_NAMELEN; i++)
		if (pat[i] == 'd' ? (name[i] < '0' || name[i] > '9') :
		    name[i] != pat[i])
			return -1;
	memset(&tm, 0, sizeof(tm));
	if (strptime(name, "%Y-%m-%dT%H%M%SZ", &tm) == NULL)
		return -1;
	*t = timegm(&tm);
	if (snap_name(*t, back) == -1 || strcmp(back, name) != 0)
		return -1;
	return 0;
}

void
keep_select(const struct keep *k, const time_t *snaps, size_t n, time_t now,
    unsigned char *keeps)
{
	size_t i;

	(void)k;
	(void)snaps;
	(void)now;
	for (i = 0; i < n; i++)
		keeps[i] = 1;
}
