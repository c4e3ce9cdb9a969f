/*
 * Snapshot names and retention (policy/keep.c).
 *
 * The selection is checked against an oracle written independently of
 * it (keeporacle.c): a naive walk over every period of every window, one
 * by one, with the C library's gmtime_r and timegm for the calendar; and
 * as properties, the attacker's first: pushes after a compromise never
 * displace a snapshot made before it.  The generated cases come from a
 * seed, printed at the start and in every failure: RSHELL_SEED=N repeats
 * a run.
 */
#include <check.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "keep.h"
#include "keeporacle.h"
#include "pathprop.h"

#define MAXSNAPS	48
#define NCASES		3000		/* generated cases per property */

static uint64_t seed;

/* --- generated cases ---------------------------------------------------- */

struct gcase {
	struct keep	 k;
	char		 words[2 * KEEP_MAXBUCKETS][16];
	int		 nwords;
	time_t		 t[MAXSNAPS];
	size_t		 n;
	time_t		 now;
};

/* Years with an ISO week 53, and the leap years around the centuries. */
static const long odd_years[] = { 1972, 1976, 1998, 2000, 2004, 2009, 2015,
    2020, 2024, 2026, 2032, 2037, 2096, 2099, 2100 };

static time_t
gen_now(struct pp_rng *r)
{
	long y = odd_years[pp_below(r, NROWS(odd_years))];
	long d = pp_below(r, 5) == 0 ? 0 : (long)pp_below(r, 7201) - 3600;
	time_t base;

	switch (pp_below(r, 8)) {
	case 0:		/* New Year */
		base = ko_civil(y, 0, 1, 0, 0, 0);
		break;
	case 1:		/* around February 29 */
		base = ko_civil(y, 1, 28 + pp_below(r, 3), 0, 0, 0);
		break;
	case 2:		/* a month's last days */
		base = ko_civil(y, pp_below(r, 12) + 1, 1 - pp_below(r, 3), 0,
		    0, 0);
		break;
	case 3:		/* the week around New Year (ISO week 53, 1) */
		base = ko_civil(y, 11, 27 + pp_below(r, 9), 0, 0, 0);
		break;
	case 4:		/* some Monday */
		base = ko_start(KEEP_WEEKLY, ko_civil(y, pp_below(r, 12),
		    1 + pp_below(r, 28), 12, 0, 0));
		break;
	default:
		return (time_t)(946684800LL + pp_rand(r) % 3155760000U);
	}
	return base + d;
}

static time_t
gen_time(struct pp_rng *r, const struct gcase *c)
{
	switch (pp_below(r, 12)) {
	case 0:
	case 1:
		return c->now - (time_t)pp_below(r, 72 * 3600);
	case 2:
	case 3:
		return c->now - (time_t)pp_below(r, 60 * 86400);
	case 4:
	case 5:
		return c->now - (time_t)(pp_rand(r) % (3U * 366 * 86400));
	case 6:
		return c->now - (time_t)(pp_rand(r) % (60U * 366 * 86400));
	case 7:		/* beside, or at, one we have */
		if (c->n > 0)
			return c->t[pp_below(r, (uint32_t)c->n)] +
			    (time_t)pp_below(r, 5) - 2;
		return c->now;
	case 8:		/* a clock that was ahead */
		return pp_below(r, 3) == 0 ? c->now + (time_t)pp_below(r,
		    20 * 86400) : c->now;
	case 9:		/* no name has such a time */
		if (pp_below(r, 10) == 0)
			return -(time_t)pp_below(r, 100000) - 1;
		return c->now - (time_t)pp_below(r, 3600);
	default:	/* on a period's boundary */
		return ko_start((enum keep_unit)pp_below(r, 5), c->now -
		    (time_t)(pp_rand(r) % (2U * 366 * 86400)));
	}
}

/* Largest span of letter l for unit u that keeps the oracle's walk short. */
static long
span_max(int u, char l)
{
	static const long m[5][5] = {
		/* h	d	w	m	y */
		{ 800,	33,	4,	1,	0 },	/* hourly */
		{ 2000,	800,	110,	26,	2 },	/* daily */
		{ 5000,	1000,	800,	180,	15 },	/* weekly */
		{ 10000, 3000,	400,	800,	66 },	/* monthly */
		{ 100000, 36500, 5000,	1200,	100 },	/* yearly */
	};
	return m[u][strchr("hdwmy", l) - "hdwmy"];
}

static const char *const unitname[] = { "hourly", "daily", "weekly",
    "monthly", "yearly" };

/* A keep setting, as words, parsed; retried until keep_parse takes it. */
static void
gen_keep(struct pp_rng *r, struct gcase *c)
{
	char *w[2 * KEEP_MAXBUCKETS], err[256];
	int used[5] = { 0 }, np = 1 + (int)pp_below(r, 5), i, u, tries;
	long max;
	char l;

	for (tries = 0; tries < 100; tries++) {
		memset(used, 0, sizeof(used));
		c->nwords = 0;
		for (i = 0; i < np; i++) {
			while (used[u = (int)pp_below(r, 5)])
				;
			used[u] = 1;
			do {
				l = "hdwmy"[pp_below(r, 5)];
			} while ((max = span_max(u, l)) == 0);
			snprintf(c->words[c->nwords++], 16, "%ld%c",
			    1 + (long)pp_below(r, (uint32_t)max), l);
			snprintf(c->words[c->nwords++], 16, "%s", unitname[u]);
		}
		for (i = 0; i < c->nwords; i++)
			w[i] = c->words[i];
		if (keep_parse(&c->k, w, c->nwords, err, sizeof(err)) == 0)
			return;
	}
	ck_abort_msg("seed %" PRIu64 ": no keep setting generated", seed);
}

static void
gen_case(struct pp_rng *r, struct gcase *c)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	gen_keep(r, c);
	c->now = gen_now(r);
	n = pp_below(r, 4) == 0 ? pp_below(r, 4) : pp_below(r, MAXSNAPS / 2);
	while (c->n < n) {
		c->t[c->n] = gen_time(r, c);
		c->n++;
	}
}

static void
case_text(const struct gcase *c, char *buf, size_t len)
{
	char name[SNAP_NAMELEN + 1];
	size_t off = 0, i;
	int j;

	off += snprintf(buf + off, len - off, "keep");
	for (j = 0; j < c->nwords && off < len; j++)
		off += snprintf(buf + off, len - off, " %s", c->words[j]);
	if (off < len && snap_name(c->now, name) == 0)
		off += snprintf(buf + off, len - off, "; now %s;", name);
	for (i = 0; i < c->n && off < len; i++)
		off += snprintf(buf + off, len - off, " %lld",
		    (long long)c->t[i]);
}

#define FAILCASE(c, what) do {						\
	char txt_[4096];						\
	case_text((c), txt_, sizeof(txt_));				\
	ck_abort_msg("seed %" PRIu64 ": %s: %s", seed, (what), txt_);	\
} while (0)

/* --- names -------------------------------------------------------------- */

/* Every second of generated ranges (and of fixed ones at the edges). */
START_TEST(t_snap_roundtrip)
{
	static const long long fixed[] = { 0, 951782400LL - 5000,
	    4107542400LL - 5000, 1798761600LL - 5000, KO_TMAX - 9999,
	    68169600LL - 5000, 253370764800LL - 5000 };
	struct pp_rng r = { seed ^ 0x536e61704e616d65ULL };
	char name[SNAP_NAMELEN + 1], want[64];
	long long start;
	time_t t, back;
	struct tm tm;
	int range, s;

	for (range = 0; range < 40; range++) {
		start = range < (int)NROWS(fixed) ? fixed[range] :
		    (long long)(((uint64_t)pp_rand(&r) << 32 | pp_rand(&r)) %
		    (uint64_t)(KO_TMAX - 10000));
		for (s = 0; s < 10000; s++) {
			t = (time_t)(start + s);
			H_ASSERT(snap_name(t, name) == 0, "snap_name %lld",
			    (long long)t);
			gmtime_r(&t, &tm);
			strftime(want, sizeof(want), "%Y-%m-%dT%H%M%SZ", &tm);
			H_ASSERT(strcmp(name, want) == 0, "%lld: %s, not %s",
			    (long long)t, name, want);
			H_ASSERT(snap_parse(name, &back) == 0 && back == t,
			    "%s does not come back as %lld", name,
			    (long long)t);
		}
	}
	ck_assert_int_eq(snap_name(-1, name), -1);
	ck_assert_int_eq(snap_name((time_t)(KO_TMAX + 1), name), -1);
}
END_TEST

static const char *const badnames[] = {
	"", "2026-12-01T070001", "2026-12-01T070001ZZ", "2026-12-01T070001z",
	"2026-12-01t070001Z", "2026-12-01 070001Z", "2026-12-01T07:00:01Z",
	"2026-12-01T0700010", " 2026-12-01T070001Z", "2026-12-01T070001Z ",
	"2026-12-01T070001Z/", "+026-12-01T070001Z", "2026-1-01T0700001Z",
	"2026-00-01T070001Z", "2026-13-01T070001Z", "2026-12-00T070001Z",
	"2026-12-32T070001Z", "2026-11-31T070001Z", "2026-02-29T000000Z",
	"2100-02-29T000000Z", "1900-02-29T000000Z", "2026-12-01T240000Z",
	"2026-12-01T076000Z", "2026-12-01T070060Z", "2016-12-31T235960Z",
	"1969-12-31T235959Z", "0000-01-01T000000Z", "2026-12-01T07000１Z",
	"latest", ".incoming", ".rshell-tmp.1234", "2026-12-01T070001Z.tmp",
	"2026_12-01T070001Z", "2026-12-01X070001Z", "２026-12-01T070001Z",
};

START_TEST(t_snap_reject)
{
	time_t t = 12345;

	ck_assert_msg(snap_parse(badnames[_i], &t) == -1 && t == 12345,
	    "\"%s\" was taken as a snapshot name", badnames[_i]);
}
END_TEST

/*
 * Generated near-names: a valid name with one byte changed, cut or added.
 * The oracle: the shape, and timegm's calendar (a date that normalises to
 * another is not one).
 */
static int
o_parse(const char *s, time_t *t)
{
	static const char shape[] = "dddd-dd-ddTddddddZ";
	int y, mo, d, h, mi, se, i;
	struct tm tm;

	if (strlen(s) != 18)
		return -1;
	for (i = 0; i < 18; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != shape[i])
			return -1;
	if (sscanf(s, "%4d-%2d-%2dT%2d%2d%2dZ", &y, &mo, &d, &h, &mi,
	    &se) != 6 || y < 1970 || se > 59)
		return -1;
	*t = ko_civil(y, mo - 1, d, h, mi, se);
	gmtime_r(t, &tm);
	if (tm.tm_year != y - 1900 || tm.tm_mon != mo - 1 ||
	    tm.tm_mday != d || tm.tm_hour != h || tm.tm_min != mi ||
	    tm.tm_sec != se)
		return -1;
	return 0;
}

START_TEST(t_snap_mutate)
{
	static const char alphabet[] = "0123456789-TZ:zt \x01\xff/.";
	struct pp_rng r = { seed ^ 0x4d75746174650000ULL };
	char name[SNAP_NAMELEN + 3];
	time_t t, a, b;
	int i, ra, rb, took = 0;
	size_t pos;

	for (i = 0; i < 200000; i++) {
		t = (time_t)(pp_rand(&r) % 4102444800U);
		H_ASSERT(snap_name(t, name) == 0, "snap_name %lld",
		    (long long)t);
		pos = pp_below(&r, SNAP_NAMELEN + 1);
		switch (pp_below(&r, 4)) {
		case 0:
			name[pos] = '\0';
			break;
		case 1:
			name[SNAP_NAMELEN] = alphabet[pp_below(&r,
			    sizeof(alphabet) - 1)];
			name[SNAP_NAMELEN + 1] = '\0';
			break;
		default:
			if (pos < SNAP_NAMELEN)
				name[pos] = pp_below(&r, 2) ? "0123456789"[
				    pp_below(&r, 10)] : alphabet[pp_below(&r,
				    sizeof(alphabet) - 1)];
		}
		ra = snap_parse(name, &a);
		rb = o_parse(name, &b);
		H_ASSERT(ra == rb && (ra == -1 || a == b),
		    "seed %" PRIu64 ": \"%s\": %d %lld, oracle %d %lld", seed,
		    name, ra, (long long)a, rb, (long long)b);
		took += ra == 0;
	}
	ck_assert(took > 1000 && took < 190000);
}
END_TEST

/* --- the keep grammar --------------------------------------------------- */

static const struct {
	const char	*line;
	int		 n;
	long		 span[3];
	char		 letter[4];
	enum keep_unit	 unit[3];
} goodkeeps[] = {
	{ "14d daily 8w weekly 12m monthly", 3, { 14, 8, 12 }, "dwm",
	    { KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY } },
	{ "48h hourly", 1, { 48 }, "h", { KEEP_HOURLY } },
	{ "1h hourly 1d daily", 2, { 1, 1 }, "hd", { KEEP_HOURLY, KEEP_DAILY } },
	{ "24h daily", 1, { 24 }, "h", { KEEP_DAILY } },
	{ "7d weekly", 1, { 7 }, "d", { KEEP_WEEKLY } },
	{ "168h weekly", 1, { 168 }, "h", { KEEP_WEEKLY } },
	{ "1m monthly", 1, { 1 }, "m", { KEEP_MONTHLY } },
	{ "31d monthly", 1, { 31 }, "d", { KEEP_MONTHLY } },
	{ "5w monthly", 1, { 5 }, "w", { KEEP_MONTHLY } },
	{ "1m weekly", 1, { 1 }, "m", { KEEP_WEEKLY } },
	{ "12m yearly", 1, { 12 }, "m", { KEEP_YEARLY } },
	{ "1y yearly", 1, { 1 }, "y", { KEEP_YEARLY } },
	{ "366d yearly", 1, { 366 }, "d", { KEEP_YEARLY } },
	{ "53w yearly", 1, { 53 }, "w", { KEEP_YEARLY } },
	{ "100y yearly", 1, { 100 }, "y", { KEEP_YEARLY } },
	{ "1200m monthly", 1, { 1200 }, "m", { KEEP_MONTHLY } },
	{ "2y daily 10y monthly 100y yearly", 3, { 2, 10, 100 }, "yyy",
	    { KEEP_DAILY, KEEP_MONTHLY, KEEP_YEARLY } },
};

START_TEST(t_keep_good)
{
	struct keep k;
	char err[256];
	int i;

	memset(&k, 0xa5, sizeof(k));
	ck_assert_msg(ko_parse_line(&k, goodkeeps[_i].line, err,
	    sizeof(err)) == 0, "keep %s: %s", goodkeeps[_i].line, err);
	ck_assert_int_eq(k.n, goodkeeps[_i].n);
	for (i = 0; i < k.n; i++) {
		ck_assert_int_eq(k.b[i].span, goodkeeps[_i].span[i]);
		ck_assert_int_eq(k.b[i].span_unit, goodkeeps[_i].letter[i]);
		ck_assert_int_eq(k.b[i].unit, goodkeeps[_i].unit[i]);
	}
}
END_TEST

static const struct {
	const char	*line;
	const char	*why;
} badkeeps[] = {
	{ "", "at least one SPAN UNIT pair" },
	{ "14d", "14d has no unit" },
	{ "14d daily 8w", "8w has no unit" },
	{ "daily 14d", "\"daily\" is not a span" },
	{ "0d daily", "\"0d\" is not a span" },
	{ "-1d daily", "\"-1d\" is not a span" },
	{ "+1d daily", "\"+1d\" is not a span" },
	{ "014d daily", "\"014d\" is not a span" },
	{ "14 daily", "\"14\" is not a span" },
	{ "d daily", "\"d\" is not a span" },
	{ "14x daily", "\"14x\" is not a span" },
	{ "14D daily", "\"14D\" is not a span" },
	{ "1.5d daily", "\"1.5d\" is not a span" },
	{ "14dd daily", "\"14dd\" is not a span" },
	{ "99999999d daily", "is not a span" },
	{ "36601d daily", "longer than 100 years" },
	{ "101y yearly", "longer than 100 years" },
	{ "1201m monthly", "longer than 100 years" },
	{ "14d dailyy", "\"dailyy\" after 14d is not hourly" },
	{ "14d Daily", "\"Daily\" after 14d is not" },
	{ "14d days", "\"days\" after 14d" },
	{ "14d dai\nly", "\"dai\\x0aly\" after 14d" },
	{ "1\001d daily", "\"1\\x01d\" is not a span" },
	{ "14d\x7f", "span 14d\\x7f has no unit" },
	{ "1d daily 2d daily", "daily appears twice" },
	{ "1d weekly", "1d weekly is shorter than one period of weekly" },
	{ "6d weekly", "shorter than one period" },
	{ "167h weekly", "shorter than one period" },
	{ "23h daily", "shorter than one period" },
	{ "30d monthly", "shorter than one period" },
	{ "4w monthly", "shorter than one period" },
	{ "11m yearly", "shorter than one period" },
	{ "365d yearly", "shorter than one period" },
	{ "52w yearly", "shorter than one period" },
	{ "1h hourly 1d daily 1w weekly 1m monthly 1y yearly 2y yearly",
	    "yearly appears twice" },
	{ "1h hourly 1d daily 1w weekly 1m monthly 1y yearly 2h hourly "
	    "2d daily 2w weekly 2m monthly", "more than 8 SPAN UNIT pairs" },
};

START_TEST(t_keep_bad)
{
	struct keep k, was;
	char err[256] = "";

	memset(&k, 0x5a, sizeof(k));
	was = k;
	ck_assert_msg(ko_parse_line(&k, badkeeps[_i].line, err,
	    sizeof(err)) == -1, "keep %s was taken", badkeeps[_i].line);
	ck_assert_msg(strstr(err, badkeeps[_i].why) != NULL,
	    "keep %s: \"%s\", not \"%s\"", badkeeps[_i].line, err,
	    badkeeps[_i].why);
	ck_assert(strchr(err, '\n') == NULL);
	ck_assert_msg(memcmp(&k, &was, sizeof(k)) == 0,
	    "a refused keep changed the setting");
}
END_TEST

/* --- the selection, by example (a test clock) --------------------------- */

static const struct {
	const char	*keep;
	const char	*now;
	const char	*snaps;		/* "+" kept, "-" dropped */
} rows[] = {
	/* Nov 30 and Dec 1 are in the window; Nov 29 starts before it. */
	{ "2d daily", "2026-12-01T120000Z",
	    "-2026-11-29T230000Z +2026-11-30T010000Z -2026-11-30T020000Z "
	    "+2026-12-01T000000Z -2026-12-01T080000Z +2026-12-01T110000Z "
	    "+2026-12-01T130000Z" },
	/* At 00:00 sharp the day 2 days back starts at since: it is in. */
	{ "2d daily", "2026-12-01T000000Z",
	    "+2026-11-29T050000Z -2026-11-29T060000Z +2026-11-30T000000Z "
	    "+2026-12-01T000000Z" },
	/* Only the newest survives beyond every window. */
	{ "1d daily", "2026-12-01T120000Z",
	    "-2020-01-01T000000Z -2021-01-01T000000Z +2021-06-01T000000Z" },
	/* ISO weeks across New Year: Dec 28 2026 to Jan 4 2027 is one. */
	{ "2w weekly", "2027-01-01T120000Z",
	    "-2026-12-20T230000Z +2026-12-21T000000Z -2026-12-27T235959Z "
	    "+2026-12-28T000000Z -2026-12-31T235959Z -2027-01-01T000000Z "
	    "+2027-01-01T110000Z" },
	/* March 31 less a month is March 1: March is in, February not. */
	{ "1m monthly", "2026-03-31T120000Z",
	    "-2026-02-01T000000Z -2026-02-28T235959Z +2026-03-01T000000Z "
	    "-2026-03-15T000000Z +2026-03-31T110000Z" },
	{ "1m monthly", "2026-03-28T120000Z",
	    "-2026-02-28T115959Z +2026-03-01T000001Z +2026-03-28T110000Z" },
	/* February 29 less a year is March 1. */
	{ "1y yearly", "2028-02-29T120000Z",
	    "-2027-03-01T000000Z +2028-01-01T000001Z -2028-01-02T000000Z "
	    "+2028-02-29T110000Z" },
	{ "1y monthly", "2028-02-29T120000Z",
	    "-2027-02-28T235959Z +2027-03-01T000000Z -2027-03-01T000001Z "
	    "+2027-04-30T000000Z +2028-02-01T000000Z -2028-02-29T110000Z "
	    "+2028-02-29T110001Z" },
	/* The README's setting, a year of nightly pushes in short. */
	{ "14d daily 8w weekly 12m monthly", "2026-12-01T070001Z",
	    "-2025-11-30T070000Z -2025-12-01T070001Z -2025-12-31T070000Z "
	    "+2026-01-31T070000Z +2026-02-01T070000Z -2026-02-02T070000Z "
	    "+2026-10-05T070000Z -2026-10-06T070000Z +2026-10-12T070000Z "
	    "+2026-11-16T070000Z -2026-11-17T070000Z +2026-11-18T070000Z "
	    "-2026-11-18T080000Z +2026-11-30T070000Z +2026-12-01T060000Z" },
	/* Future snapshots are kept and do not take the newest's place. */
	{ "1h hourly", "2026-12-01T120000Z",
	    "-2026-12-01T100000Z +2026-12-01T103000Z +2027-01-01T000000Z "
	    "+2030-01-01T000000Z" },
	/* Two snapshots with the same time: both are the oldest. */
	{ "1d daily", "2026-12-01T120000Z",
	    "+2026-12-01T010000Z +2026-12-01T010000Z -2026-12-01T020000Z "
	    "+2026-12-01T030000Z +2026-12-01T030000Z" },
};

START_TEST(t_rows)
{
	struct keep k;
	unsigned char keeps[64], want[64];
	char err[256], buf[1024], *p, *save = NULL;
	time_t t[64], now;
	size_t n = 0, i;

	ck_assert_msg(ko_parse_line(&k, rows[_i].keep, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert(snap_parse(rows[_i].now, &now) == 0);
	snprintf(buf, sizeof(buf), "%s", rows[_i].snaps);
	for (p = strtok_r(buf, " ", &save); p != NULL;
	    p = strtok_r(NULL, " ", &save)) {
		ck_assert_msg(snap_parse(p + 1, &t[n]) == 0, "row %s", p);
		want[n++] = *p == '+';
	}
	keep_select(&k, t, n, now, keeps);
	for (i = 0; i < n; i++) {
		snap_name(t[i], buf);
		ck_assert_msg(keeps[i] == want[i], "keep %s at %s: %s %s",
		    rows[_i].keep, rows[_i].now, buf, keeps[i] ? "kept" :
		    "dropped");
	}
	ko_select(&k, t, n, now, 1, keeps);
	for (i = 0; i < n; i++)
		ck_assert_msg(keeps[i] == want[i], "the oracle disagrees");
}
END_TEST

START_TEST(t_select_edges)
{
	struct keep k = { 0 };
	unsigned char keeps[4] = { 7, 7, 7, 7 };
	time_t t[4] = { 1000, 2000, 3000, 4000 };
	char err[256];

	/* No keep setting: nothing goes. */
	keep_select(&k, t, 4, 5000, keeps);
	ck_assert(keeps[0] && keeps[1] && keeps[2] && keeps[3]);
	ck_assert(ko_parse_line(&k, "1h hourly", err, sizeof(err)) == 0);
	keep_select(&k, t, 0, 5000, keeps);
	/* A clock with no snapshot name: nothing goes. */
	keep_select(&k, t, 4, -1, keeps);
	ck_assert(keeps[0] && keeps[1] && keeps[2] && keeps[3]);
	keep_select(&k, t, 4, (time_t)(KO_TMAX + 1), keeps);
	ck_assert(keeps[0] && keeps[1] && keeps[2] && keeps[3]);
	keep_select(&k, t, 4, 4000 + 7200, keeps);
	ck_assert(!keeps[0] && !keeps[1] && !keeps[2] && keeps[3]);
}
END_TEST

/* --- the selection, generated ------------------------------------------- */

START_TEST(t_oracle)
{
	struct pp_rng r = { seed ^ 0x4f7261636c650000ULL };
	unsigned char got[MAXSNAPS], want[MAXSNAPS];
	struct gcase c;
	size_t i, kept = 0, total = 0;
	int n;

	for (n = 0; n < NCASES; n++) {
		gen_case(&r, &c);
		keep_select(&c.k, c.t, c.n, c.now, got);
		ko_select(&c.k, c.t, c.n, c.now, 1, want);
		for (i = 0; i < c.n; i++)
			if (got[i] != want[i])
				FAILCASE(&c, "keep_select and the oracle differ");
		for (i = 0; i < c.n; i++)
			kept += got[i];
		total += c.n;
	}
	/* The cases mean something: some of each. */
	ck_assert(kept > total / 10 && kept < total * 9 / 10);
}
END_TEST

/* A times newer than max(S), appended to c (S). */
static void
gen_attack(struct pp_rng *r, struct gcase *c)
{
	time_t max = 0;
	size_t i, na = 1 + pp_below(r, MAXSNAPS / 2 - 1);

	for (i = 0; i < c->n; i++)
		if (i == 0 || c->t[i] > max)
			max = c->t[i];
	if (c->n == 0)
		max = c->now - (time_t)pp_below(r, 86400 * 30);
	while (na-- > 0 && c->n < MAXSNAPS)
		c->t[c->n++] = max + 1 + (time_t)(pp_below(r, 4) == 0 ?
		    pp_below(r, 10) : pp_rand(r) % (86400U * 40));
}

/*
 * Pushes after a compromise displace nothing made before it: with any A
 * newer than all of S, every snapshot of S is kept under S + A exactly
 * when it is kept under S, at the same now.  The one exception is S's
 * newest, kept under S for being the newest: under S + A, when A holds a
 * past snapshot, it is kept exactly when a period keeps it.
 */
START_TEST(t_attacker)
{
	struct pp_rng r = { seed ^ 0x41747461636b0000ULL };
	unsigned char ks[MAXSNAPS], ka[MAXSNAPS], kp[MAXSNAPS];
	struct gcase c;
	time_t newest = 0;
	size_t i, ns;
	int n, have, apast, displaced = 0;

	for (n = 0; n < NCASES; n++) {
		gen_case(&r, &c);
		ns = c.n;
		keep_select(&c.k, c.t, ns, c.now, ks);
		ko_select(&c.k, c.t, ns, c.now, 0, kp);
		for (have = 0, i = 0; i < ns; i++)
			if (ko_past(c.t[i], c.now) && (!have || c.t[i] > newest)) {
				newest = c.t[i];
				have = 1;
			}
		gen_attack(&r, &c);
		keep_select(&c.k, c.t, c.n, c.now, ka);
		for (apast = 0, i = ns; i < c.n; i++)
			apast |= ko_past(c.t[i], c.now);
		for (i = 0; i < ns; i++) {
			if (have && c.t[i] == newest && apast) {
				if (ka[i] != kp[i])
					FAILCASE(&c, "S's newest is not kept "
					    "as its periods say");
				displaced += ks[i] && !ka[i];
			} else if (ks[i] != ka[i])
				FAILCASE(&c, "a later push changed what is "
				    "kept of the earlier ones");
		}
	}
	/* The exception happens, or the test would not see it. */
	ck_assert(displaced > 0);
}
END_TEST

/* The result is a function of the set: any order gives the same. */
START_TEST(t_order)
{
	struct pp_rng r = { seed ^ 0x4f72646572000000ULL };
	unsigned char a[MAXSNAPS], b[MAXSNAPS];
	size_t perm[MAXSNAPS], i, j, tmp;
	time_t shuffled[MAXSNAPS];
	struct gcase c;
	int n;

	for (n = 0; n < NCASES; n++) {
		gen_case(&r, &c);
		for (i = 0; i < c.n; i++)
			perm[i] = i;
		for (i = c.n; i > 1; i--) {
			j = pp_below(&r, (uint32_t)i);
			tmp = perm[i - 1];
			perm[i - 1] = perm[j];
			perm[j] = tmp;
		}
		for (i = 0; i < c.n; i++)
			shuffled[i] = c.t[perm[i]];
		keep_select(&c.k, c.t, c.n, c.now, a);
		keep_select(&c.k, shuffled, c.n, c.now, b);
		for (i = 0; i < c.n; i++)
			if (b[i] != a[perm[i]])
				FAILCASE(&c, "the order of the input matters");
	}
}
END_TEST

/* What is kept, selected again at the same now, is all kept. */
START_TEST(t_idempotent)
{
	struct pp_rng r = { seed ^ 0x4964656d706f0000ULL };
	unsigned char a[MAXSNAPS], b[MAXSNAPS];
	time_t kept[MAXSNAPS];
	struct gcase c;
	size_t i, m;
	int n;

	for (n = 0; n < NCASES; n++) {
		gen_case(&r, &c);
		keep_select(&c.k, c.t, c.n, c.now, a);
		for (m = 0, i = 0; i < c.n; i++)
			if (a[i])
				kept[m++] = c.t[i];
		keep_select(&c.k, kept, m, c.now, b);
		for (i = 0; i < m; i++)
			if (!b[i])
				FAILCASE(&c, "selecting the kept drops one");
	}
}
END_TEST

/*
 * As time goes on (with more pushes meanwhile), the oldest snapshot of a
 * period stays kept as long as that period is in the window; and the
 * period now lies in always is (its oldest past snapshot is kept).
 */
START_TEST(t_time)
{
	struct pp_rng r = { seed ^ 0x54696d6500000000ULL };
	unsigned char a[MAXSNAPS], b[MAXSNAPS];
	time_t start, next, since, oldest, now2;
	struct gcase c;
	size_t i, l, ns;
	int n, j, have, checked = 0;

	for (n = 0; n < NCASES; n++) {
		gen_case(&r, &c);
		ns = c.n;
		keep_select(&c.k, c.t, ns, c.now, a);
		now2 = c.now + (time_t)(pp_rand(&r) % (pp_below(&r, 2) ?
		    86400U * 3 : 86400U * 800));
		gen_attack(&r, &c);
		keep_select(&c.k, c.t, c.n, now2, b);
		for (j = 0; j < c.k.n; j++) {
			since = ko_since(&c.k.b[j], now2);
			for (i = 0; i < ns; i++) {
				if (!ko_past(c.t[i], c.now))
					continue;
				start = ko_start(c.k.b[j].unit, c.t[i]);
				if (start < since ||
				    start < ko_since(&c.k.b[j], c.now))
					continue;
				for (have = 0, l = 0; l < ns; l++)
					have |= ko_past(c.t[l], c.now) &&
					    c.t[l] < c.t[i] &&
					    ko_start(c.k.b[j].unit, c.t[l]) ==
					    start;
				if (have)
					continue;
				checked++;
				if (!a[i] || !b[i])
					FAILCASE(&c, "the oldest of a period in "
					    "the window went");
			}
			/* The current period's oldest, at c.now. */
			if (keep_period(c.k.b[j].unit, c.now, &start,
			    &next) == -1)
				FAILCASE(&c, "keep_period");
			for (have = 0, oldest = 0, i = 0; i < ns; i++)
				if (ko_past(c.t[i], c.now) && c.t[i] >= start &&
				    (!have || c.t[i] < oldest)) {
					oldest = c.t[i];
					have = 1;
				}
			for (i = 0; have && i < ns; i++)
				if (c.t[i] == oldest && !a[i])
					FAILCASE(&c, "the current period's "
					    "oldest went");
		}
	}
	ck_assert(checked > NCASES);
}
END_TEST

/* keep_period against the oracle, every unit, generated times. */
START_TEST(t_period)
{
	struct pp_rng r = { seed ^ 0x506572696f640000ULL };
	time_t t, start, next;
	int n, u;

	for (n = 0; n < 100000; n++) {
		t = pp_below(&r, 2) ? gen_now(&r) :
		    (time_t)(((uint64_t)pp_rand(&r) << 32 | pp_rand(&r)) %
		    (uint64_t)KO_TMAX);
		u = (int)pp_below(&r, 5);
		H_ASSERT(keep_period((enum keep_unit)u, t, &start, &next) == 0,
		    "keep_period %lld", (long long)t);
		H_ASSERT(start == ko_start((enum keep_unit)u, t) &&
		    start <= t && t < next &&
		    (next > (time_t)KO_TMAX || next == ko_start((enum keep_unit)u,
		    next)) && ko_start((enum keep_unit)u, next - 1) == start,
		    "seed %" PRIu64 ": unit %d at %lld: [%lld, %lld)", seed,
		    u, (long long)t, (long long)start, (long long)next);
	}
}
END_TEST

Suite *
make_suite_keep(void)
{
	Suite *s = suite_create("keep");
	TCase *tc;

	seed = h_seed("keep");
	tc = tcase_create("names");
	tcase_set_timeout(tc, 120);	/* a hang guard: the sanitizer build is
					   slow, Check's default 4 s too short */
	tcase_add_test(tc, t_snap_roundtrip);
	tcase_add_loop_test(tc, t_snap_reject, 0, (int)NROWS(badnames));
	tcase_add_test(tc, t_snap_mutate);
	suite_add_tcase(s, tc);
	tc = tcase_create("grammar");
	tcase_add_loop_test(tc, t_keep_good, 0, (int)NROWS(goodkeeps));
	tcase_add_loop_test(tc, t_keep_bad, 0, (int)NROWS(badkeeps));
	suite_add_tcase(s, tc);
	tc = tcase_create("select");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_rows, 0, (int)NROWS(rows));
	tcase_add_test(tc, t_select_edges);
	tcase_add_test(tc, t_period);
	tcase_add_test(tc, t_oracle);
	tcase_add_test(tc, t_attacker);
	tcase_add_test(tc, t_order);
	tcase_add_test(tc, t_idempotent);
	tcase_add_test(tc, t_time);
	suite_add_tcase(s, tc);
	return s;
}
