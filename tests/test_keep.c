/*
 * Snapshot names and retention (policy/keep.c) and the pruner
 * (rshell/prune.c).
 *
 * The selection is checked against an oracle written independently of
 * it: a naive walk over every period of every window, one by one, with
 * the C library's gmtime_r and timegm for the calendar.  The generated
 * cases (and the attacker property: pushes after a compromise never
 * displace a snapshot made before it) come from a seed, printed at the
 * start and in every failure: RSHELL_SEED=N repeats a run.
 *
 * The pruner runs on trees under /tmp, hostile ones among them, as the
 * account would: as root the tests that need it drop to nobody (in their
 * own process; not under CK_FORK=no), so that a mode 0000 directory is
 * really closed to them.
 */
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "keep.h"
#include "listtree.h"
#include "pathprop.h"
#include "prune.h"

#define TMAX		253402300799LL	/* 9999-12-31T235959Z */
#define MAXSNAPS	48
#define NCASES		3000		/* generated cases per property */

static uint64_t seed;

/* --- the oracle: the C library's calendar, every period walked --------- */

static time_t
o_civil(long y, long mon0, long mday, long h, long mi, long s)
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
static time_t
o_start(enum keep_unit u, time_t t)
{
	struct tm tm;
	long y;

	gmtime_r(&t, &tm);
	y = tm.tm_year + 1900L;
	switch (u) {
	case KEEP_HOURLY:
		return o_civil(y, tm.tm_mon, tm.tm_mday, tm.tm_hour, 0, 0);
	case KEEP_DAILY:
		return o_civil(y, tm.tm_mon, tm.tm_mday, 0, 0, 0);
	case KEEP_WEEKLY:	/* ISO: back to Monday */
		return o_civil(y, tm.tm_mon,
		    tm.tm_mday - (tm.tm_wday + 6) % 7, 0, 0, 0);
	case KEEP_MONTHLY:
		return o_civil(y, tm.tm_mon, 1, 0, 0, 0);
	case KEEP_YEARLY:
		return o_civil(y, 0, 1, 0, 0, 0);
	}
	return 0;
}

/* now less the span: the same day and time, or the next month's start. */
static time_t
o_since(const struct keep_bucket *b, time_t now)
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
	first = o_civil(tm.tm_year + 1900L, mon, 1, 0, 0, 0);
	next = o_civil(tm.tm_year + 1900L, mon + 1, 1, 0, 0, 0);
	dim = (long)((next - first) / 86400);
	if (tm.tm_mday > dim)
		return next;
	return o_civil(tm.tm_year + 1900L, mon, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

static int
o_past(time_t t, time_t now)
{
	return t >= 0 && (long long)t <= TMAX && t <= now;
}

/* With newest 0, the periods alone: the newest is not kept for itself. */
static void
oracle_rule(const struct keep *k, const time_t *t, size_t n, time_t now,
    int newest, unsigned char *keeps)
{
	time_t *st, since, s, min = 0, max = 0;
	int j, have;
	size_t i;

	memset(keeps, 1, n);
	if (k->n == 0 || now < 0 || (long long)now > TMAX)
		return;
	ck_assert((st = calloc(n + 1, sizeof(*st))) != NULL);
	for (have = 0, i = 0; i < n; i++)
		if (o_past(t[i], now)) {
			keeps[i] = 0;
			if (!have || t[i] > max)
				max = t[i];
			have = 1;
		}
	for (i = 0; newest && i < n; i++)
		if (o_past(t[i], now) && t[i] == max)
			keeps[i] = 1;
	for (j = 0; j < k->n; j++) {
		since = o_since(&k->b[j], now);
		for (i = 0; i < n; i++)
			st[i] = o_past(t[i], now) ? o_start(k->b[j].unit, t[i]) :
			    -1;
		for (s = o_start(k->b[j].unit, now); s >= since;
		    s = o_start(k->b[j].unit, s - 1)) {
			for (have = 0, i = 0; i < n; i++)
				if (o_past(t[i], now) && st[i] == s &&
				    (!have || t[i] < min)) {
					min = t[i];
					have = 1;
				}
			for (i = 0; have && i < n; i++)
				if (o_past(t[i], now) && st[i] == s &&
				    t[i] == min)
					keeps[i] = 1;
		}
	}
	free(st);
}

static void
oracle(const struct keep *k, const time_t *t, size_t n, time_t now,
    unsigned char *keeps)
{
	oracle_rule(k, t, n, now, 1, keeps);
}

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
		base = o_civil(y, 0, 1, 0, 0, 0);
		break;
	case 1:		/* around February 29 */
		base = o_civil(y, 1, 28 + pp_below(r, 3), 0, 0, 0);
		break;
	case 2:		/* a month's last days */
		base = o_civil(y, pp_below(r, 12) + 1, 1 - pp_below(r, 3), 0,
		    0, 0);
		break;
	case 3:		/* the week around New Year (ISO week 53, 1) */
		base = o_civil(y, 11, 27 + pp_below(r, 9), 0, 0, 0);
		break;
	case 4:		/* some Monday */
		base = o_start(KEEP_WEEKLY, o_civil(y, pp_below(r, 12),
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
		return o_start((enum keep_unit)pp_below(r, 5), c->now -
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
	    4107542400LL - 5000, 1798761600LL - 5000, TMAX - 9999,
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
		    (uint64_t)(TMAX - 10000));
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
	ck_assert_int_eq(snap_name((time_t)(TMAX + 1), name), -1);
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
	*t = o_civil(y, mo - 1, d, h, mi, se);
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
		ck_assert(snap_name(t, name) == 0);
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

static int
parse_line(struct keep *k, const char *line, char *err, size_t errlen)
{
	char buf[512], *w[64], *p, *save = NULL;
	int n = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (p = strtok_r(buf, " ", &save); p != NULL && n < 64;
	    p = strtok_r(NULL, " ", &save))
		w[n++] = p;
	return keep_parse(k, w, n, err, errlen);
}

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
	ck_assert_msg(parse_line(&k, goodkeeps[_i].line, err,
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
	ck_assert_msg(parse_line(&k, badkeeps[_i].line, err,
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

	ck_assert_msg(parse_line(&k, rows[_i].keep, err, sizeof(err)) == 0,
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
	oracle(&k, t, n, now, keeps);
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
	ck_assert(parse_line(&k, "1h hourly", err, sizeof(err)) == 0);
	keep_select(&k, t, 0, 5000, keeps);
	/* A clock with no snapshot name: nothing goes. */
	keep_select(&k, t, 4, -1, keeps);
	ck_assert(keeps[0] && keeps[1] && keeps[2] && keeps[3]);
	keep_select(&k, t, 4, (time_t)(TMAX + 1), keeps);
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
		oracle(&c.k, c.t, c.n, c.now, want);
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
		oracle_rule(&c.k, c.t, ns, c.now, 0, kp);
		for (have = 0, i = 0; i < ns; i++)
			if (o_past(c.t[i], c.now) && (!have || c.t[i] > newest)) {
				newest = c.t[i];
				have = 1;
			}
		gen_attack(&r, &c);
		keep_select(&c.k, c.t, c.n, c.now, ka);
		for (apast = 0, i = ns; i < c.n; i++)
			apast |= o_past(c.t[i], c.now);
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
			since = o_since(&c.k.b[j], now2);
			for (i = 0; i < ns; i++) {
				if (!o_past(c.t[i], c.now))
					continue;
				start = o_start(c.k.b[j].unit, c.t[i]);
				if (start < since ||
				    start < o_since(&c.k.b[j], c.now))
					continue;
				for (have = 0, l = 0; l < ns; l++)
					have |= o_past(c.t[l], c.now) &&
					    c.t[l] < c.t[i] &&
					    o_start(c.k.b[j].unit, c.t[l]) ==
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
				if (o_past(c.t[i], c.now) && c.t[i] >= start &&
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
		    (uint64_t)TMAX);
		u = (int)pp_below(&r, 5);
		H_ASSERT(keep_period((enum keep_unit)u, t, &start, &next) == 0,
		    "keep_period %lld", (long long)t);
		H_ASSERT(start == o_start((enum keep_unit)u, t) &&
		    start <= t && t < next &&
		    (next > (time_t)TMAX || next == o_start((enum keep_unit)u,
		    next)) && o_start((enum keep_unit)u, next - 1) == start,
		    "seed %" PRIu64 ": unit %d at %lld: [%lld, %lld)", seed,
		    u, (long long)t, (long long)start, (long long)next);
	}
}
END_TEST

/* --- the pruner --------------------------------------------------------- */

struct ptree {
	char	top[PATH_MAX];
	char	d[PATH_MAX];		/* DIRECTORY */
	char	out[PATH_MAX];		/* beside it: nothing here may go */
	int	dfd;			/* d, O_PATH as confine_root opens it */
};

/*
 * As root, become nobody for the rest of this test's process, so that
 * the trees are the account's own and its permissions hold; not under
 * CK_FORK=no, where the process is the runner's.
 */
static void
as_account(void)
{
	const char *fork = getenv("CK_FORK");

	if (getuid() != 0 || (fork != NULL && strcmp(fork, "no") == 0))
		return;
	ck_assert(setgroups(0, NULL) == 0);
	ck_assert(setresgid(65534, 65534, 65534) == 0);
	ck_assert(setresuid(65534, 65534, 65534) == 0);
}

static void
pt_make(struct ptree *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->top, sizeof(p->top), "/tmp/rshell-keep.XXXXXX");
	ck_assert_msg(mkdtemp(p->top) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert(chmod(p->top, 0755) == 0);
	PATHF(p->d, "%s/d", p->top);
	PATHF(p->out, "%s/outside", p->top);
	ck_assert(mkdir(p->d, 0755) == 0 && mkdir(p->out, 0755) == 0);
	p->dfd = open(p->d, O_PATH | O_DIRECTORY);
	ck_assert(p->dfd != -1);
}

static void
pt_remove(struct ptree *p)
{
	close(p->dfd);
	h_rmtree(p->top);
}

static const char *
at(const char *dir, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	H_ASSERT(snprintf(buf[i], PATH_MAX, "%s/%s", dir, rel) < PATH_MAX,
	    "path too long");
	return buf[i];
}

static void
mkfile(const char *path, const char *content, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);

	ck_assert_msg(fd != -1, "create %s: %s", path, strerror(errno));
	ck_assert(write(fd, content, strlen(content)) ==
	    (ssize_t)strlen(content));
	ck_assert(fchmod(fd, mode) == 0);
	close(fd);
}

static void
mkd(const char *path)
{
	ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path,
	    strerror(errno));
}

static void
mkl(const char *target, const char *path)
{
	ck_assert_msg(symlink(target, path) == 0, "symlink %s: %s", path,
	    strerror(errno));
}

static char *
snapdir(const struct ptree *p, const char *name)
{
	char *s = strdup(at(p->d, name));

	ck_assert(s != NULL);
	mkd(s);
	mkfile(at(s, "file"), name, 0644);
	return s;
}

/* The whole tree under top, one sorted line per entry, bytes escaped. */
static char	**w_line;
static size_t	  w_n;
static size_t	  w_skip;

static int
w_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	char line[3 * PATH_MAX], target[PATH_MAX] = "";
	const unsigned char *s;
	size_t off = 0;
	ssize_t len;

	(void)ftw;
	if (strlen(path) <= w_skip)
		return 0;
	for (s = (const unsigned char *)path + w_skip + 1; *s != '\0' &&
	    off + 5 < sizeof(line) / 2; s++)
		off += (size_t)snprintf(line + off, sizeof(line) - off,
		    *s <= ' ' || *s >= 0x7f || *s == '\\' ? "\\x%02x" : "%c",
		    *s);
	if (flag == FTW_SL && (len = readlink(path, target,
	    sizeof(target) - 1)) >= 0)
		target[len] = '\0';
	snprintf(line + off, sizeof(line) - off, " %c%04o %lld %s",
	    S_ISDIR(st->st_mode) ? 'd' : S_ISLNK(st->st_mode) ? 'l' :
	    S_ISREG(st->st_mode) ? 'f' : 'o', (unsigned)(st->st_mode & 07777),
	    S_ISREG(st->st_mode) ? (long long)st->st_size : 0LL, target);
	ck_assert((w_line = reallocarray(w_line, w_n + 1,
	    sizeof(*w_line))) != NULL);
	ck_assert((w_line[w_n++] = strdup(line)) != NULL);
	return 0;
}

static int
linecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The walk as one string; lines under d/NAME for each name in drop
 * (NULL-terminated) left out.
 */
static char *
walk(const char *top, const char *const *drop)
{
	char *out = NULL, pre[64];
	size_t len = 0, i, j, l;
	int skip;

	w_line = NULL;
	w_n = 0;
	w_skip = strlen(top);
	ck_assert(nftw(top, w_one, 16, FTW_PHYS) == 0);
	qsort(w_line, w_n, sizeof(*w_line), linecmp);
	for (i = 0; i < w_n; i++) {
		for (skip = 0, j = 0; drop != NULL && drop[j] != NULL; j++) {
			snprintf(pre, sizeof(pre), "d/%s", drop[j]);
			l = strlen(pre);
			skip |= strncmp(w_line[i], pre, l) == 0 &&
			    (w_line[i][l] == '/' || w_line[i][l] == ' ');
		}
		if (!skip) {
			l = strlen(w_line[i]);
			ck_assert((out = realloc(out, len + l + 2)) != NULL);
			memcpy(out + len, w_line[i], l);
			out[len + l] = '\n';
			len += l + 1;
		}
		free(w_line[i]);
	}
	free(w_line);
	if (out == NULL)
		out = strdup("");
	else
		out[len] = '\0';
	return out;
}

struct seen {
	char	removed[64][SNAP_NAMELEN + 1];
	int	nremoved;
	char	failed[64][SNAP_NAMELEN + 1];
	int	err[64];
	int	nfailed;
};

static void
saw_removed(void *arg, const char *name)
{
	struct seen *s = arg;

	if (s->nremoved < 64)
		snprintf(s->removed[s->nremoved++], SNAP_NAMELEN + 1, "%s",
		    name);
}

static void
saw_failed(void *arg, const char *name, int err)
{
	struct seen *s = arg;

	if (s->nfailed < 64) {
		s->err[s->nfailed] = err;
		snprintf(s->failed[s->nfailed++], SNAP_NAMELEN + 1, "%s", name);
	}
}

static void
keepline(struct keep *k, const char *line)
{
	char err[256];

	ck_assert_msg(parse_line(k, line, err, sizeof(err)) == 0, "%s", err);
}

static time_t
at_time(const char *name)
{
	time_t t;

	ck_assert(snap_parse(name, &t) == 0);
	return t;
}

/*
 * Only snapshot directories are candidates: a symlink or a file named like
 * one, names near one, latest, .incoming and .rshell-tmp.* are left alone
 * and take no place in a period.  prune_plan names what prune_snapshots
 * then removes, oldest first, and changes nothing.
 */
START_TEST(t_prune_select)
{
	static const char *const drop[] = { "2026-11-20T000000Z",
	    "2026-11-29T230000Z", "2026-11-30T020000Z", NULL };
	struct prune_log log;
	struct seen seen;
	struct ptree p;
	struct keep k;
	char *before, *after, *s, **names;
	size_t n, i;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "2d daily");
	s = snapdir(&p, "2026-11-20T000000Z");
	mkd(at(s, "sub"));
	mkfile(at(s, "sub/f"), "x", 0600);
	free(s);
	free(snapdir(&p, "2026-11-29T230000Z"));
	mkd(at(p.out, "snap"));
	mkfile(at(p.out, "snap/precious"), "precious", 0644);
	mkl("../outside/snap", at(p.d, "2026-11-30T000000Z"));
	mkfile(at(p.d, "2026-11-30T000500Z"), "a file", 0644);
	free(snapdir(&p, "2026-11-30T010000Z"));
	free(snapdir(&p, "2026-11-30T020000Z"));
	free(snapdir(&p, "2026-12-01T000000Z"));
	free(snapdir(&p, "2026-12-01T110000Z"));
	mkl("2026-12-01T110000Z", at(p.d, "latest"));
	mkd(at(p.d, ".incoming"));
	free(snapdir(&p, ".incoming/2026-11-01T000000Z"));
	mkd(at(p.d, ".rshell-tmp.4242"));
	free(snapdir(&p, "2026-11-20T000000Z.old"));
	free(snapdir(&p, "2026-11-20T000000z"));
	free(snapdir(&p, "2026-11-20T000000Z "));
	free(snapdir(&p, "02026-11-20T000000Z"));

	before = walk(p.top, NULL);
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 3);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(names[i], drop[i]);
		free(names[i]);
	}
	free(names);
	after = walk(p.top, NULL);
	ck_assert_str_eq(after, before);
	free(after);

	memset(&seen, 0, sizeof(seen));
	log.removed = saw_removed;
	log.failed = saw_failed;
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 3);
	ck_assert_int_eq(seen.nremoved, 3);
	ck_assert_int_eq(seen.nfailed, 0);
	for (i = 0; i < 3; i++)
		ck_assert_str_eq(seen.removed[i], drop[i]);
	after = walk(p.top, NULL);
	free(before);
	before = walk(p.top, NULL);
	ck_assert_str_eq(after, before);
	free(after);
	free(before);
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 0);
	free(names);
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 0);
	ck_assert(h_file_is(at(p.out, "snap/precious"), "precious"));
	pt_remove(&p);
}
END_TEST

/* What was there before, less exactly the snapshots removed. */
static void
expect_tree(const char *before_minus, const char *top)
{
	char *after = walk(top, NULL);

	ck_assert_msg(strcmp(after, before_minus) == 0,
	    "the tree after pruning:\n%s\nnot:\n%s", after, before_minus);
	free(after);
}

/*
 * A snapshot full of traps is removed whole, and nothing it points at:
 * symlinks to /, to outside, to its parent, loops; read-only and closed
 * directories; odd names; a FIFO; a hard link into the snapshot that is
 * kept.  A symlink named like an older snapshot, to a directory outside,
 * is neither followed nor counted.
 */
START_TEST(t_prune_hostile)
{
	const char *drop[2] = { "2026-11-01T000000Z", NULL };
	char longname[256], *d, *keep, *before;
	struct prune_log log = { saw_removed, saw_failed, NULL };
	struct seen seen;
	struct ptree p;
	struct keep k;
	struct stat st;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	mkfile(at(p.out, "precious"), "precious", 0644);
	mkd(at(p.out, "sub"));
	mkfile(at(p.out, "sub/file"), "also", 0644);
	mkl(p.out, at(p.d, "2020-01-01T000000Z"));
	keep = snapdir(&p, "2026-12-01T110000Z");
	d = snapdir(&p, drop[0]);
	mkl("/", at(d, "root"));
	mkl("../../outside", at(d, "out-rel"));
	mkl(p.out, at(d, "out-abs"));
	mkl(at(p.out, "precious"), at(d, "out-file"));
	mkl("loop2", at(d, "loop1"));
	mkl("loop1", at(d, "loop2"));
	mkl("..", at(d, "up"));
	mkl("nowhere/at/all", at(d, "dangling"));
	mkd(at(d, "ro"));
	mkfile(at(d, "ro/f1"), "1", 0644);
	mkfile(at(d, "ro/f2"), "2", 0000);
	mkd(at(d, "ro/closed"));
	mkfile(at(d, "ro/closed/x"), "x", 0644);
	mkl("../../../outside", at(d, "ro/closed/out"));
	ck_assert(chmod(at(d, "ro/closed"), 0000) == 0);
	ck_assert(chmod(at(d, "ro"), 0555) == 0);
	mkd(at(d, "wx"));
	mkfile(at(d, "wx/f"), "wx", 0644);
	ck_assert(chmod(at(d, "wx"), 0333) == 0);
	mkd(at(d, "2026-01-01T000000Z"));
	mkfile(at(d, "2026-01-01T000000Z/f"), "nested", 0644);
	mkfile(at(d, "with\nnewline"), "n", 0644);
	mkfile(at(d, " spaced "), "s", 0644);
	mkfile(at(d, "-rf"), "r", 0644);
	mkfile(at(d, "\xff\xfe"), "b", 0644);
	mkfile(at(d, "*"), "*", 0644);
	mkd(at(d, "..."));
	memset(longname, 'a', 255);
	longname[255] = '\0';
	mkfile(at(d, longname), "long", 0644);
	ck_assert(mkfifo(at(d, "fifo"), 0644) == 0);
	ck_assert(link(at(keep, "file"), at(d, "hardlink")) == 0);
	mkfile(at(d, "closed-file"), "c", 0000);
	ck_assert(chmod(d, 0555) == 0);

	before = walk(p.top, drop);
	memset(&seen, 0, sizeof(seen));
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 1);
	ck_assert_int_eq(seen.nfailed, 0);
	ck_assert_str_eq(seen.removed[0], drop[0]);
	expect_tree(before, p.top);
	ck_assert(h_file_is(at(p.out, "precious"), "precious"));
	ck_assert(h_file_is(at(keep, "file"), "2026-12-01T110000Z"));
	ck_assert(stat(at(keep, "file"), &st) == 0 && st.st_nlink == 1);
	ck_assert(lstat(at(p.d, "2020-01-01T000000Z"), &st) == 0 &&
	    S_ISLNK(st.st_mode));
	free(before);
	free(keep);
	free(d);
	pt_remove(&p);
}
END_TEST

/* A chain of depth directories "a" below dir. */
static void
chain(const char *dir, int depth, int file)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), nfd, i;

	ck_assert(fd != -1);
	for (i = 0; i < depth; i++) {
		ck_assert(mkdirat(fd, "a", 0755) == 0);
		ck_assert((nfd = openat(fd, "a", O_RDONLY | O_DIRECTORY)) != -1);
		close(fd);
		fd = nfd;
	}
	if (file) {
		nfd = openat(fd, "bottom", O_WRONLY | O_CREAT | O_EXCL, 0644);
		ck_assert(nfd != -1);
		close(nfd);
	}
	close(fd);
}

/* Cut the last directory of such a chain, found without a path. */
static void
cut_bottom(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY), nfd;

	ck_assert(fd != -1);
	while ((nfd = openat(fd, "a", O_RDONLY | O_DIRECTORY |
	    O_NOFOLLOW)) != -1) {
		close(fd);
		fd = nfd;
	}
	ck_assert(unlinkat(fd, "bottom", 0) == 0);
	ck_assert((nfd = openat(fd, "..", O_RDONLY | O_DIRECTORY)) != -1);
	close(fd);
	ck_assert(unlinkat(nfd, "a", AT_REMOVEDIR) == 0);
	close(nfd);
}

/*
 * One level more than PRUNE_MAXDEPTH below a snapshot stops its removal,
 * reported with the errno, and its top stays; PRUNE_MAXDEPTH levels are
 * removed.
 */
START_TEST(t_prune_deep)
{
	struct prune_log log = { saw_removed, saw_failed, NULL };
	char *b, *c;
	struct seen seen;
	struct ptree p;
	struct keep k;
	struct stat st;
	time_t now = at_time("2026-12-01T120000Z");

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	b = snapdir(&p, "2026-11-02T000000Z");
	c = snapdir(&p, "2026-12-01T110000Z");
	chain(b, PRUNE_MAXDEPTH + 1, 1);
	memset(&seen, 0, sizeof(seen));
	log.arg = &seen;
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 0);
	ck_assert_int_eq(seen.nremoved, 0);
	ck_assert_int_eq(seen.nfailed, 1);
	ck_assert_str_eq(seen.failed[0], "2026-11-02T000000Z");
	ck_assert_int_eq(seen.err[0], ENAMETOOLONG);
	ck_assert(lstat(b, &st) == 0 && S_ISDIR(st.st_mode));

	cut_bottom(b);
	memset(&seen, 0, sizeof(seen));
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, &log), 1);
	ck_assert_int_eq(seen.nfailed, 0);
	ck_assert_str_eq(seen.removed[0], "2026-11-02T000000Z");
	ck_assert(lstat(b, &st) == -1 && errno == ENOENT);
	ck_assert(h_file_is(at(c, "file"), "2026-12-01T110000Z"));
	free(b);
	free(c);
	pt_remove(&p);
}
END_TEST

/* Wide directories: more entries than one getdents buffer, many subdirs. */
START_TEST(t_prune_wide)
{
	struct keep k;
	struct ptree p;
	char name[64], *d;
	int i, j;

	as_account();
	pt_make(&p);
	keepline(&k, "1h hourly");
	d = snapdir(&p, "2026-11-01T000000Z");
	free(snapdir(&p, "2026-12-01T110000Z"));
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "dir%03d", i);
		mkd(at(d, name));
		for (j = 0; j < 5; j++) {
			snprintf(name, sizeof(name), "dir%03d/f%d", i, j);
			mkfile(at(d, name), "x", 0644);
		}
		snprintf(name, sizeof(name), "file%04d", i);
		mkfile(at(d, name), "y", 0644);
	}
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, at_time(
	    "2026-12-01T120000Z"), NULL), 1);
	ck_assert(access(d, F_OK) == -1 && errno == ENOENT);
	free(d);
	pt_remove(&p);
}
END_TEST

/*
 * latest is kept whatever keep_select says (a clock put back: the newest
 * name is in the future, latest names an older one); no keep setting
 * removes nothing; a DIRECTORY that cannot be listed is -1.
 */
START_TEST(t_prune_edges)
{
	struct ptree p;
	struct keep k = { 0 };
	char **names;
	size_t n;
	time_t now = at_time("2026-12-01T120000Z");
	int fd;

	pt_make(&p);
	free(snapdir(&p, "2026-11-01T000000Z"));
	free(snapdir(&p, "2026-11-02T000000Z"));
	free(snapdir(&p, "2026-11-03T000000Z"));
	free(snapdir(&p, "2026-11-04T000000Z"));
	free(snapdir(&p, "2027-06-01T000000Z"));
	mkl("./2026-11-02T000000Z/", at(p.d, "latest"));
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, NULL), 0);
	keepline(&k, "1h hourly");
	ck_assert_int_eq(prune_plan(p.dfd, &k, now, &names, &n), 2);
	ck_assert_str_eq(names[0], "2026-11-01T000000Z");
	ck_assert_str_eq(names[1], "2026-11-03T000000Z");
	free(names[0]);
	free(names[1]);
	free(names);
	ck_assert_int_eq(prune_snapshots(p.dfd, &k, now, NULL), 2);
	ck_assert(access(at(p.d, "2026-11-02T000000Z/file"), F_OK) == 0);
	ck_assert(access(at(p.d, "2026-11-04T000000Z/file"), F_OK) == 0);
	ck_assert(access(at(p.d, "2027-06-01T000000Z/file"), F_OK) == 0);
	fd = open(at(p.d, "2026-11-04T000000Z/file"), O_RDONLY);
	ck_assert(fd != -1);
	ck_assert_int_eq(prune_snapshots(fd, &k, now, NULL), -1);
	ck_assert_int_eq(prune_plan(fd, &k, now, &names, &n), -1);
	ck_assert(names == NULL && n == 0);
	close(fd);
	pt_remove(&p);
}
END_TEST

/*
 * A test clock runs over two years of pushes at irregular times, each
 * followed by a prune: what is left after each is exactly what the
 * oracle keeps of every snapshot ever made, at that time, so pruning
 * push by push loses nothing a single selection would keep.
 */
START_TEST(t_prune_history)
{
	struct pp_rng r = { seed ^ 0x486973746f727900ULL };
	unsigned char want[1024], there[1024];
	time_t all[1024], now = at_time("2026-01-01T000000Z"), t;
	char name[SNAP_NAMELEN + 1], tmp[PATH_MAX];
	struct dirent *de;
	struct ptree p;
	struct keep k;
	size_t n = 0, i, m, left;
	DIR *dir;

	as_account();
	pt_make(&p);
	keepline(&k, "2d daily 3w weekly 4m monthly 2y yearly");
	while (n < NROWS(all) && n < 400) {
		now += (time_t)(pp_below(&r, 8) == 0 ? 60 +
		    pp_below(&r, 600) : 3600 + pp_below(&r, 40 * 3600));
		ck_assert(snap_name(now, name) == 0);
		free(snapdir(&p, name));
		PATHF(tmp, "%s/latest.new", p.d);
		mkl(name, tmp);
		ck_assert(rename(tmp, at(p.d, "latest")) == 0);
		all[n++] = now;
		ck_assert(prune_snapshots(p.dfd, &k, now, NULL) >= 0);
		oracle(&k, all, n, now, want);
		for (left = 0, i = 0; i < n; i++)
			left += want[i];
		ck_assert((dir = opendir(p.d)) != NULL);
		memset(there, 0, n);
		for (m = 0; (de = readdir(dir)) != NULL; ) {
			if (snap_parse(de->d_name, &t) == -1)
				continue;
			for (i = 0; i < n && all[i] != t; i++)
				;
			H_ASSERT(i < n, "%s was never made", de->d_name);
			there[i] = 1;
			m++;
		}
		closedir(dir);
		for (i = 0; i < n; i++)
			if (there[i] != want[i]) {
				snap_name(all[i], name);
				ck_abort_msg("seed %" PRIu64 ": at push %zu %s "
				    "is %s", seed, n, name, want[i] ? "gone" :
				    "still there");
			}
		ck_assert_uint_eq(m, left);
	}
	pt_remove(&p);
}
END_TEST

Suite *
make_suite_keep(void)
{
	Suite *s = suite_create("keep");
	const char *env = getenv("RSHELL_SEED");
	TCase *tc;

	seed = env ? strtoull(env, NULL, 10) :
	    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fprintf(stderr, "keep: seed %" PRIu64 " (RSHELL_SEED=%" PRIu64
	    " repeats it)\n", seed, seed);
	tc = tcase_create("names");
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
	tc = tcase_create("prune");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, t_prune_select);
	tcase_add_test(tc, t_prune_hostile);
	tcase_add_test(tc, t_prune_deep);
	tcase_add_test(tc, t_prune_wide);
	tcase_add_test(tc, t_prune_edges);
	tcase_add_test(tc, t_prune_history);
	suite_add_tcase(s, tc);
	return s;
}
