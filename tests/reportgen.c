/*
 * The generated log and its oracle (reportgen.h).  Lines are built with
 * log.c's writer (logline_*, log_syslog_msg), so the test is a round trip
 * through the real escaping; the oracle works from the events as they
 * were generated, not from the lines.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "pathprop.h"
#include "reportgen.h"

enum gtype { G_PERMIT, G_DENY, G_EXIT, G_ERROR };
enum gdir { GD_PUSH, GD_PULL, GD_LIST, GD_NONE };

static const char *const hosts[] = { "alpha", "beta", "gamma" };
static const char *const users[] = { "backup-bob", "alice", "carol",
    "evil\x1b]0;owned\x07" };
static const char *const keys[] = { "-", "laptop", "nas" };
static const char *const reasons[] = {
	"-e/--rsh is not allowed: a remote shell program is never run",
	"unknown option: --frobnicate",
	"path \"../etc\" leaves DIRECTORY",
	"hostile \x1b[2J\r\n bytes \xff\xfe and \xc2\x85 end",
	"interactive login is not allowed",
	"no rule permits this user",
	"a=b \"quoted\" back\\slash",
	"caf\xc3\xa9 \xe2\x80\xae reversed",
};
static const char *const signals[] = { "TERM", "KILL", "HUP" };
#define NHOSTS	3
#define NUSERS	4
#define NKEYS	3
#define NREASONS (sizeof(reasons) / sizeof(reasons[0]))

struct gev {
	enum gtype	 type;
	long long	 t;		/* as the reader gets it */
	int		 host, user, key, reason;
	long		 pid;
	enum gdir	 dir;
	char		 from[48];
	int		 status;	/* -1: signal */
	int		 sig;
	long long	 ms, wbytes;	/* wbytes -1: not logged */
	size_t		 sid;		/* session: its permit's index */
	int		 intact;	/* the reader sees this event */
	int		 cut;
	size_t		 end;		/* permit: index of its exit/error,
					   or (size_t)-1 */
};

struct rg {
	struct gev	*ev;
	size_t		 n, cap;
	struct rg_counts c;
};

static struct gev *
add(struct rg *g)
{
	struct gev *e;

	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 1024;
		if ((e = reallocarray(g->ev, g->cap, sizeof(*e))) == NULL)
			abort();
		g->ev = e;
	}
	e = &g->ev[g->n++];
	memset(e, 0, sizeof(*e));
	e->end = (size_t)-1;
	e->wbytes = -1;
	e->intact = 1;
	return e;
}

static void
stamp(long long ms, char *buf, size_t len, int withms)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	long long s = ms / 1000, days = s / 86400, doe, yoe, doy, mp, era;
	int y, m, d;

	s -= days * 86400;
	days += 719468;
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y = (int)(yoe + era * 400 + (m <= 2));
	if (withms == 2)	/* RFC 3164 */
		snprintf(buf, len, "%s %2d %02lld:%02lld:%02lld", mon[m - 1], d,
		    s / 3600, s / 60 % 60, s % 60);
	else if (withms == 1)
		snprintf(buf, len, "%04d-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ",
		    y, m, d, s / 3600, s / 60 % 60, s % 60, ms % 1000);
	else
		snprintf(buf, len, "%04d-%02d-%02dT%02lld:%02lld:%02lld+0000",
		    y, m, d, s / 3600, s / 60 % 60, s % 60);
}

/* The line of e as log.c builds it (time= is set by the caller). */
static void
build(const struct gev *e, struct logline *l, const char *cmd)
{
	static const char *const ev[] = { "permit", "deny", "exit", "error" };

	logline_init(l, ev[e->type]);
	logline_addf(l, "pid", "%ld", e->pid);
	logline_add(l, "user", users[e->user]);
	logline_addf(l, "uid", "%d", 990 + e->user);
	logline_add(l, "from", e->from);
	logline_add(l, "key", keys[e->key]);
	switch (e->type) {
	case G_PERMIT:
		logline_add(l, "cmd", cmd);
		logline_add(l, "run", e->dir == GD_LIST ? "builtin:ls -l" :
		    e->dir == GD_PULL ? "/usr/bin/rsync --server --sender "
		    "-logDtpre.iLsfxCIvu -- . /proc/self/fd/4/x/" :
		    "/usr/bin/rsync --server -logDtpre.iLsfxCIvu --drop-D -- "
		    ". /proc/self/fd/4/x/");
		break;
	case G_DENY:
		logline_add(l, "cmd", cmd);
		logline_add(l, "reason", reasons[e->reason]);
		break;
	case G_ERROR:
		logline_add(l, "reason", "fork: Resource temporarily "
		    "unavailable");
		break;
	case G_EXIT:
		if (e->status == -1)
			logline_add(l, "signal", signals[e->sig]);
		else
			logline_addf(l, "status", "%d", e->status);
		logline_addf(l, "ms", "%lld", e->ms);
		if (e->wbytes >= 0) {
			logline_addf(l, "write_bytes", "%lld", e->wbytes);
			logline_addf(l, "rchar", "%lld", e->wbytes * 2);
		}
		break;
	}
}

/* Print the JSON string s (raw bytes: journald's MESSAGE). */
static void
jsonstr(FILE *fp, const char *s)
{
	const unsigned char *p;

	putc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(fp, "\\u%04x", *p);
		else
			putc(*p, fp);
	}
	putc('"', fp);
}

/*
 * Write e in one of its host's forms; *t becomes the time the reader
 * gets.  form: alpha's lines are plain; beta's come through a syslog
 * daemon, gamma's through journald or a forwarded file.
 */
static void
writeline(FILE *fp, struct rg *g, struct gev *e, struct pp_rng *r,
    const char *cmd, int glue)
{
	char ts[64], msg[LOG_MAXSYSLOG + 64];
	struct logline l;
	const char *m;
	size_t n;
	int form;

	build(e, &l, cmd);
	if (l.nomem)
		abort();
	form = e->host == 0 || glue ? 0 : e->host * 3 - 2 + (int)pp_below(r, 3);
	if (e->cut)
		form = 3;
	if (form == 0 || form == 6) {
		stamp(e->t, ts, sizeof(ts), 1);
		if (form == 6) {
			/* imfile: the whole plain line behind a header */
			stamp(e->t, msg, sizeof(msg), 2);
			fprintf(fp, "%s %s rshell: ", msg, hosts[e->host]);
		}
		fprintf(fp, "time=%s%s%s", ts, l.buf + strcspn(l.buf, " "),
		    glue ? "" : "\n");
		logline_free(&l);
		return;
	}
	n = log_syslog_msg(&l, msg, sizeof(msg));
	logline_free(&l);
	if (n == 0 || (m = strstr(msg, "]: ")) == NULL)
		abort();
	m += 3;
	switch (form) {
	case 1:		/* RFC 3164 as rsyslog writes it */
	case 2:		/* with the PRI, as received */
		e->t -= e->t % 1000;
		stamp(e->t, ts, sizeof(ts), 2);
		fprintf(fp, "%s%s %s rshell[%ld]: %s\n", form == 2 ? "<85>" : "",
		    ts, hosts[e->host], e->pid, m);
		break;
	case 3:		/* RFC 5424 */
		stamp(e->t, ts, sizeof(ts), 1);
		fprintf(fp, "<85>1 %s %s rshell %ld - - %s\n", ts,
		    hosts[e->host], e->pid, m);
		break;
	case 4:		/* journalctl -o json */
		fprintf(fp, "{\"__CURSOR\":\"s=1;i=%zx\",\"__REALTIME_TIMESTAMP\":"
		    "\"%lld\",\"PRIORITY\":\"5\",\"_HOSTNAME\":\"%s\","
		    "\"SYSLOG_IDENTIFIER\":\"rshell\",\"SYSLOG_PID\":\"%ld\","
		    "\"MESSAGE\":", g->n, e->t * 1000 + 123, hosts[e->host],
		    e->pid);
		jsonstr(fp, m);
		fprintf(fp, ",\"_PID\":\"%ld\"}\n", e->pid);
		break;
	case 5:		/* journalctl -o short-iso */
		e->t -= e->t % 1000;
		stamp(e->t, ts, sizeof(ts), 0);
		fprintf(fp, "%s %s rshell[%ld]: %s\n", ts, hosts[e->host],
		    e->pid, m);
		break;
	}
}

static void
from(struct pp_rng *r, char *buf, size_t len)
{
	switch (pp_below(r, 6)) {
	case 0:
		snprintf(buf, len, "-");
		break;
	case 1:
		snprintf(buf, len, "[2001:db8::%x]:%u", pp_below(r, 4),
		    1024 + pp_below(r, 60000));
		break;
	default:
		snprintf(buf, len, "192.0.2.%u:%u", 1 + pp_below(r, 5),
		    1024 + pp_below(r, 60000));
	}
}

static void
noise(FILE *fp, struct rg *g, struct pp_rng *r, long long t)
{
	char ts[64];

	stamp(t, ts, sizeof(ts), 2);
	g->c.lines++;
	switch (pp_below(r, 7)) {
	case 0:		/* another program, in a collector's file */
		fprintf(fp, "%s beta sshd[77]: Accepted publickey for bob\n", ts);
		g->c.other++;
		break;
	case 1:
		fprintf(fp, "-- Boot 0123456789abcdef --\n");
		g->c.other++;
		break;
	case 2:
		fprintf(fp, "\x01\x02garbage \xff line\n");
		g->c.damaged++;
		break;
	case 3:		/* whole logfmt, but not a whole event */
		stamp(t, ts, sizeof(ts), 1);
		fprintf(fp, "time=%s event=exit pid=12 user=alice\n", ts);
		g->c.damaged++;
		break;
	case 4:		/* a forged-looking line: no time first */
		fprintf(fp, "event=deny time=x pid=1 user=a uid=1 from=- key=- "
		    "reason=x\n");
		g->c.damaged++;
		break;
	case 5:
		fprintf(fp, "{\"MESSAGE\":\"event=deny\",\"SYSLOG_IDENTIFIER\":"
		    "\"rshell\"\n");
		g->c.damaged++;
		break;
	default:
		fprintf(fp, "<13>1 - beta rshell - - - event=exit\n");
		g->c.damaged++;
	}
}

struct open {
	size_t	 idx[64];
	size_t	 n;
};

static struct gev *
newsession(struct rg *g, struct pp_rng *r, long *pids, long long t)
{
	struct gev *e = add(g);
	uint32_t d = pp_below(r, 20);

	e->type = G_PERMIT;
	e->t = t;
	e->host = (int)pp_below(r, NHOSTS);
	e->user = (int)pp_below(r, NUSERS);
	e->key = (int)pp_below(r, NKEYS);
	e->pid = pids[e->host] += 1 + pp_below(r, 7);
	e->dir = d < 12 ? GD_PUSH : d < 17 ? GD_PULL : GD_LIST;
	from(r, e->from, sizeof(e->from));
	e->sid = g->n - 1;
	return e;
}

static struct gev *
ending(struct rg *g, struct pp_rng *r, struct open *o, long long t)
{
	size_t k = pp_below(r, (uint32_t)o->n), pi = o->idx[k];
	struct gev *e, *p;
	uint32_t x = pp_below(r, 1000);

	o->idx[k] = o->idx[--o->n];
	if (x < 10)
		return NULL;		/* killed: no line ever */
	e = add(g);
	p = &g->ev[pi];
	*e = *p;
	e->end = (size_t)-1;
	e->cut = 0;
	e->intact = 1;
	e->t = t;
	e->sid = pi;
	p->end = g->n - 1;
	e->type = x < 30 ? G_ERROR : G_EXIT;
	e->ms = 1 + pp_below(r, 900000);
	e->wbytes = -1;
	if (x >= 30 && x < 70) {
		e->status = -1;
		e->sig = (int)pp_below(r, 3);
	} else if (x >= 70 && x < 140)
		e->status = x & 1 ? 23 : 12;
	else if (x >= 140 && x < 200)
		e->status = 24;
	else
		e->status = 0;
	if (e->dir != GD_LIST && pp_below(r, 10) != 0)
		e->wbytes = ((long long)1 << pp_below(r, 34)) + pp_below(r,
		    100000);
	return e;
}

struct rg *
rg_generate(const char *path, uint64_t seed, size_t nevents)
{
	struct pp_rng r = { seed };
	long pids[NHOSTS] = { 1000, 5000, 9000 };
	char cmd[6000];
	struct open o = { .n = 0 };
	struct gev *e;
	struct rg *g;
	long long t = 1759276800000LL;	/* 2025-10-01 */
	int glue = 0;
	uint32_t x;
	FILE *fp;

	if ((g = calloc(1, sizeof(*g))) == NULL ||
	    (fp = fopen(path, "w")) == NULL) {
		free(g);
		return NULL;
	}
	while (g->n < nevents) {
		t += 1000 + pp_below(&r, 60000);
		x = pp_below(&r, 100);
		snprintf(cmd, sizeof(cmd), "rsync --server -logDtprze.iLsfxCIvu "
		    ". %s/", pp_below(&r, 3) ? "x" : "\"'\x1b[31m;$(id)\n");
		if (x < 4 && !glue) {
			noise(fp, g, &r, t);
			continue;
		}
		if (x < 40 && o.n < 64) {
			e = newsession(g, &r, pids, t);
			o.idx[o.n++] = g->n - 1;
		} else if (x < 82 && o.n > 0) {
			if ((e = ending(g, &r, &o, t)) == NULL)
				continue;
		} else {
			e = add(g);
			e->type = G_DENY;
			e->t = t;
			e->host = (int)pp_below(&r, NHOSTS);
			e->user = (int)pp_below(&r, NUSERS);
			e->key = (int)pp_below(&r, NKEYS);
			e->pid = pids[e->host] += 1 + pp_below(&r, 7);
			e->reason = (int)pp_below(&r, NREASONS);
			from(&r, e->from, sizeof(e->from));
			e->sid = g->n - 1;
			/* a long request: syslog cuts the message */
			if (e->host != 0 && pp_below(&r, 200) == 0) {
				memset(cmd, 'x', sizeof(cmd) - 1);
				memcpy(cmd, "rsync ", 6);
				cmd[sizeof(cmd) - 1] = '\0';
				e->cut = 1;
				g->c.cut++;
			}
		}
		g->c.events++;
		/* damage, now and then, to an event's line */
		x = pp_below(&r, 400);
		if (glue) {
			glue = 0;
			e->intact = 0;
			g->c.events--;
			g->c.cut -= e->cut;
			writeline(fp, g, e, &r, cmd, 0);
		} else if (x == 0 && e->type == G_PERMIT && !e->cut) {
			/* cut short inside its quoted cmd */
			struct logline l;
			char ts[64];

			build(e, &l, cmd);
			stamp(e->t, ts, sizeof(ts), 1);
			fprintf(fp, "time=%s%.*s\n", ts,
			    (int)(strstr(l.buf, " cmd=\"") + 10 - strchr(l.buf,
			    ' ')), strchr(l.buf, ' '));
			logline_free(&l);
			e->intact = 0;
			g->c.events--;
			g->c.lines++;
			g->c.damaged++;
		} else if (x == 1 && !e->cut && e->type != G_PERMIT) {
			/* glued to the next line: both are lost */
			writeline(fp, g, e, &r, cmd, 1);
			e->intact = 0;
			g->c.events--;
			g->c.lines++;
			g->c.damaged++;
			glue = 1;
		} else {
			writeline(fp, g, e, &r, cmd, 0);
			g->c.lines++;
		}
	}
	if (glue) {
		fprintf(fp, "\n");
	}
	fclose(fp);
	return g;
}

void
rg_free(struct rg *g)
{
	if (g != NULL)
		free(g->ev);
	free(g);
}

long long
rg_first(const struct rg *g)
{
	return g->n ? g->ev[0].t : 0;
}

long long
rg_last(const struct rg *g)
{
	return g->n ? g->ev[g->n - 1].t : 0;
}

void
rg_counts(const struct rg *g, struct rg_counts *c)
{
	*c = g->c;
}

/* ---- the oracle ---- */

/*
 * What the report shows for a log string, from its documented rules:
 * printable ASCII and UTF-8 from U+00A0 up as they are (except bidi
 * controls and line separators), "\" as "\\", every other byte \xHH.
 */
static void
shown(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n, i;
	unsigned long cp;

	for (; *p != '\0' && o + 8 < len; p += n) {
		n = 1;
		if (*p == '\\') {
			out[o++] = '\\';
			out[o++] = '\\';
			continue;
		}
		if (*p >= 0x20 && *p < 0x7f) {
			out[o++] = (char)*p;
			continue;
		}
		cp = 0;
		if ((*p & 0xe0) == 0xc0)
			n = 2, cp = *p & 0x1f;
		else if ((*p & 0xf0) == 0xe0)
			n = 3, cp = *p & 0x0f;
		else if ((*p & 0xf8) == 0xf0)
			n = 4, cp = *p & 0x07;
		for (i = 1; i < n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				break;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (n == 1 || i < n || cp < 0xa0 || cp > 0x10ffff ||
		    (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
		    cp == 0x2029) {
			o += (size_t)snprintf(out + o, len - o, "\\x%02X", *p);
			n = 1;
			continue;
		}
		memcpy(out + o, p, n);
		o += n;
	}
	out[o] = '\0';
}

struct oxfer {
	int		 valid;
	long long	 t, ms, wbytes;
	const char	*from;
};

struct oacct {
	int		 host, user, key, used;
	unsigned long	 sessions, failures, refusals, errors, orphans;
	int		 pushed;
	struct oxfer	 last[2];
	int		 fvalid, fstatus;
	long long	 ft;
	enum gdir	 fdir;
	const char	*fsig;
};

struct ogroup {
	int		 host;
	const char	*name;
	char		 src[48];
	unsigned long	 count;
	long long	 first, last;
};

struct omiss {
	size_t		 acct;
	long		 pid;
	enum gdir	 dir;
	long long	 t;
};

struct oracle {
	struct oacct	 a[NHOSTS * NUSERS * NKEYS];
	size_t		 order[NHOSTS * NUSERS * NKEYS], na;
	struct ogroup	 reason[NHOSTS * NREASONS], source[NHOSTS * 16];
	size_t		 nreason, nsource;
	struct omiss	*miss;
	size_t		 nmiss;
	unsigned long	 outside, filtered;
};

static size_t
aidx(const struct gev *e)
{
	return ((size_t)e->host * NUSERS + (size_t)e->user) * NKEYS +
	    (size_t)e->key;
}

static int
passes(const struct gev *e, const struct rg_query *q)
{
	return (q->host == NULL || strcmp(q->host, hosts[e->host]) == 0) &&
	    (q->user == NULL || strcmp(q->user, users[e->user]) == 0) &&
	    (q->key == NULL || strcmp(q->key, keys[e->key]) == 0);
}

static void
srcof(const char *from, char *out, size_t len)
{
	const char *c = strrchr(from, ':');

	if (c == NULL) {
		snprintf(out, len, "%s", from);
		return;
	}
	if (from[0] == '[')
		snprintf(out, len, "%.*s", (int)(c - from - 2), from + 1);
	else
		snprintf(out, len, "%.*s", (int)(c - from), from);
}

static void
group(struct ogroup *g, size_t *n, int host, const char *name,
    const char *src, long long t)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (g[i].host == host && (name ? g[i].name == name :
		    strcmp(g[i].src, src) == 0))
			break;
	if (i == *n) {
		memset(&g[i], 0, sizeof(g[i]));
		g[i].host = host;
		g[i].name = name;
		if (src != NULL)
			snprintf(g[i].src, sizeof(g[i].src), "%s", src);
		g[i].first = t;
		(*n)++;
	}
	g[i].count++;
	g[i].last = t;
}

static const struct oracle *sortctx;

static int
cmpa(const void *x, const void *y)
{
	const struct oacct *a = &sortctx->a[*(const size_t *)x],
	    *b = &sortctx->a[*(const size_t *)y];
	int c;

	if ((c = strcmp(hosts[a->host], hosts[b->host])) != 0)
		return c;
	if ((c = strcmp(users[a->user], users[b->user])) != 0)
		return c;
	return strcmp(keys[a->key], keys[b->key]);
}

static int
cmpg(const void *x, const void *y)
{
	const struct ogroup *a = x, *b = y;
	int c;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	if ((c = strcmp(hosts[a->host], hosts[b->host])) != 0)
		return c;
	return strcmp(a->name ? a->name : a->src, b->name ? b->name : b->src);
}

static int
cmpm(const void *x, const void *y)
{
	const struct omiss *a = x, *b = y;

	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	return a->pid < b->pid ? -1 : a->pid > b->pid;
}

static void
fail(struct oacct *a, long long t, enum gdir dir, int st, const char *sig)
{
	a->failures++;
	a->fvalid = 1;
	a->ft = t;
	a->fdir = dir;
	a->fstatus = st;
	a->fsig = sig;
}

static void
evaluate(const struct rg *g, const struct rg_query *q, struct oracle *o)
{
	const struct gev *e, *p;
	struct oacct *a;
	char src[48];
	size_t i;
	int joined, inwin;

	memset(o, 0, sizeof(*o));
	if ((o->miss = calloc(g->n + 1, sizeof(*o->miss))) == NULL)
		abort();
	for (i = 0; i < g->n; i++) {
		e = &g->ev[i];
		if (!e->intact)
			continue;
		if (!passes(e, q)) {
			o->filtered++;
			continue;
		}
		if (e->t > q->until) {
			o->outside++;
			continue;
		}
		inwin = e->t >= q->since;
		if (!inwin)
			o->outside++;
		if (!inwin && e->type == G_DENY)
			continue;
		a = &o->a[aidx(e)];
		if (!a->used) {
			a->used = 1;
			a->host = e->host;
			a->user = e->user;
			a->key = e->key;
			o->order[o->na++] = aidx(e);
		}
		if (!inwin)
			continue;
		switch (e->type) {
		case G_PERMIT:
			a->sessions++;
			a->pushed |= e->dir == GD_PUSH;
			if (e->end == (size_t)-1 || !g->ev[e->end].intact ||
			    g->ev[e->end].t > q->until) {
				a->orphans++;
				o->miss[o->nmiss++] = (struct omiss){ aidx(e),
				    e->pid, e->dir, e->t };
			}
			break;
		case G_DENY:
			a->refusals++;
			group(o->reason, &o->nreason, e->host,
			    reasons[e->reason], NULL, e->t);
			srcof(e->from, src, sizeof(src));
			group(o->source, &o->nsource, e->host, NULL, src, e->t);
			break;
		case G_EXIT:
		case G_ERROR:
			p = &g->ev[e->sid];
			joined = p->intact;
			if (!joined)
				a->orphans++;
			if (e->type == G_ERROR) {
				a->errors++;
				fail(a, e->t, joined ? p->dir : GD_NONE, -1,
				    "error");
				break;
			}
			if (e->status == -1 || (e->status != 0 &&
			    e->status != 24)) {
				fail(a, e->t, joined ? p->dir : GD_NONE,
				    e->status, e->status == -1 ?
				    signals[e->sig] : NULL);
				break;
			}
			if (!joined || p->dir == GD_LIST)
				break;
			a->last[p->dir] = (struct oxfer){ 1, e->t, e->ms,
			    e->wbytes, p->from };
			break;
		}
	}
	sortctx = o;
	qsort(o->order, o->na, sizeof(o->order[0]), cmpa);
	qsort(o->reason, o->nreason, sizeof(o->reason[0]), cmpg);
	qsort(o->source, o->nsource, sizeof(o->source[0]), cmpg);
	qsort(o->miss, o->nmiss, sizeof(o->miss[0]), cmpm);
}

static const char *const dirs[] = { "push", "pull", "list", "-" };

static void
jstr(FILE *fp, const char *s)
{
	char d[4096];
	const char *p;

	shown(s, d, sizeof(d));
	putc('"', fp);
	for (p = d; *p; p++) {
		if (*p == '"' || *p == '\\')
			putc('\\', fp);
		putc(*p, fp);
	}
	putc('"', fp);
}

static void
jtime(FILE *fp, long long t)
{
	char ts[64];

	stamp(t, ts, sizeof(ts), 1);
	fprintf(fp, "\"%s\"", ts);
}

static void
jx(FILE *fp, const struct oxfer *x, long long now)
{
	if (!x->valid) {
		fputs("null", fp);
		return;
	}
	fputs("{\"time\":", fp);
	jtime(fp, x->t);
	fprintf(fp, ",\"age_seconds\":%lld,\"from\":", (now - x->t) / 1000);
	jstr(fp, x->from);
	fprintf(fp, ",\"ms\":%lld,\"write_bytes\":", x->ms);
	if (x->wbytes < 0)
		fputs("null}", fp);
	else
		fprintf(fp, "%lld}", x->wbytes);
}

static void
jgroups(FILE *fp, const char *name, const char *field,
    const struct ogroup *g, size_t n)
{
	size_t i;

	fprintf(fp, ",\n\"%s\":[", name);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n {\"host\":" : "\n {\"host\":", fp);
		jstr(fp, hosts[g[i].host]);
		fprintf(fp, ",\"%s\":", field);
		jstr(fp, g[i].name ? g[i].name : g[i].src);
		fprintf(fp, ",\"count\":%lu,\"first\":", g[i].count);
		jtime(fp, g[i].first);
		fputs(",\"last\":", fp);
		jtime(fp, g[i].last);
		putc('}', fp);
	}
	fputs("]", fp);
}

char *
rg_json(const struct rg *g, const struct rg_query *q)
{
	struct oracle o;
	const struct oacct *a;
	char *buf = NULL;
	size_t len, i;
	FILE *fp;

	evaluate(g, q, &o);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	fputs("{\"schema\":\"rshell-report/1\",\"now\":", fp);
	jtime(fp, q->now);
	fputs(",\"since\":", fp);
	if (q->since == LLONG_MIN)
		fputs("null", fp);
	else
		jtime(fp, q->since);
	fputs(",\"until\":", fp);
	if (q->until == LLONG_MAX)
		fputs("null", fp);
	else
		jtime(fp, q->until);
	fprintf(fp, ",\n\"input\":{\"files\":1,\"unreadable\":0,\"lines\":%lu,"
	    "\"events\":%lu,\"damaged\":%lu,\"cut\":%lu,\"other\":%lu,"
	    "\"outside\":%lu,\"filtered\":%lu,\"overflow\":0}", g->c.lines,
	    g->c.events, g->c.damaged, g->c.cut, g->c.other, o.outside,
	    o.filtered);
	fputs(",\n\"accounts\":[", fp);
	for (i = 0; i < o.na; i++) {
		a = &o.a[o.order[i]];
		fputs(i ? ",\n {\"host\":" : "\n {\"host\":", fp);
		jstr(fp, hosts[a->host]);
		fputs(",\"user\":", fp);
		jstr(fp, users[a->user]);
		fputs(",\"key\":", fp);
		jstr(fp, keys[a->key]);
		fprintf(fp, ",\"sessions\":%lu,\"failures\":%lu,\"refusals\":"
		    "%lu,\"errors\":%lu,\"without_exit\":%lu,\"last_push\":",
		    a->sessions, a->failures, a->refusals, a->errors,
		    a->orphans);
		jx(fp, &a->last[0], q->now);
		fputs(",\"last_pull\":", fp);
		jx(fp, &a->last[1], q->now);
		fputs(",\"last_failure\":", fp);
		if (!a->fvalid)
			fputs("null", fp);
		else {
			fputs("{\"time\":", fp);
			jtime(fp, a->ft);
			fprintf(fp, ",\"direction\":\"%s\",", dirs[a->fdir]);
			if (a->fsig != NULL) {
				fputs("\"status\":null,\"signal\":", fp);
				jstr(fp, a->fsig);
				fputs("}", fp);
			} else
				fprintf(fp, "\"status\":%d,\"signal\":null}",
				    a->fstatus);
		}
		putc('}', fp);
	}
	fputs("]", fp);
	jgroups(fp, "refusals_by_reason", "reason", o.reason, o.nreason);
	jgroups(fp, "refusals_by_source", "source", o.source, o.nsource);
	fprintf(fp, ",\n\"without_exit\":{\"count\":%zu,\"sessions\":[",
	    o.nmiss);
	for (i = 0; i < o.nmiss; i++) {
		a = &o.a[o.miss[i].acct];
		fputs(i ? ",\n {\"host\":" : "\n {\"host\":", fp);
		jstr(fp, hosts[a->host]);
		fputs(",\"user\":", fp);
		jstr(fp, users[a->user]);
		fputs(",\"key\":", fp);
		jstr(fp, keys[a->key]);
		fprintf(fp, ",\"pid\":%ld,\"direction\":\"%s\",\"time\":",
		    o.miss[i].pid, dirs[o.miss[i].dir]);
		jtime(fp, o.miss[i].t);
		putc('}', fp);
	}
	fputs("]}}\n", fp);
	fclose(fp);
	free(o.miss);
	return buf;
}

static void
plabel(FILE *fp, const char *name, const char *s, const char *sep)
{
	char d[4096];
	const char *p;

	shown(s, d, sizeof(d));
	fprintf(fp, "%s=\"", name);
	for (p = d; *p; p++) {
		if (*p == '"' || *p == '\\')
			putc('\\', fp);
		putc(*p, fp);
	}
	fprintf(fp, "\"%s", sep);
}

static void
pa(FILE *fp, const char *metric, const struct oacct *a, const char *dir)
{
	fprintf(fp, "%s{", metric);
	plabel(fp, "host", hosts[a->host], ",");
	plabel(fp, "user", users[a->user], ",");
	plabel(fp, "key", keys[a->key], dir ? "," : "}");
	if (dir)
		plabel(fp, "direction", dir, "}");
}

static void
ptype(FILE *fp, const char *name, const char *type)
{
	/* the HELP lines are prose: the test leaves them out */
	fprintf(fp, "# TYPE %s %s\n", name, type);
}

char *
rg_prometheus(const struct rg *g, const struct rg_query *q)
{
	static const char *const xm[] = {
		"rshell_last_success_timestamp_seconds",
		"rshell_last_success_duration_seconds",
		"rshell_last_success_write_bytes" };
	static const char *const cm[] = { "rshell_sessions_total",
	    "rshell_failures_total", "rshell_account_refusals_total",
	    "rshell_sessions_without_exit" };
	const struct oacct *a;
	const struct oxfer *x;
	struct oracle o;
	char *buf = NULL;
	size_t len, i;
	int w, d;
	FILE *fp;

	evaluate(g, q, &o);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	for (w = 0; w < 3; w++) {
		ptype(fp, xm[w], "gauge");
		for (i = 0; i < o.na; i++)
			for (d = 0; d < 2; d++) {
				a = &o.a[o.order[i]];
				x = &a->last[d];
				if (!x->valid || (w == 2 && x->wbytes < 0))
					continue;
				pa(fp, xm[w], a, dirs[d]);
				if (w == 0)
					fprintf(fp, " %lld.%03lld\n", x->t / 1000,
					    x->t % 1000);
				else if (w == 1)
					fprintf(fp, " %lld.%03lld\n", x->ms /
					    1000, x->ms % 1000);
				else
					fprintf(fp, " %lld\n", x->wbytes);
			}
	}
	for (w = 0; w < 4; w++) {
		ptype(fp, cm[w], w == 3 ? "gauge" : "counter");
		for (i = 0; i < o.na; i++) {
			a = &o.a[o.order[i]];
			pa(fp, cm[w], a, NULL);
			fprintf(fp, " %lu\n", w == 0 ? a->sessions : w == 1 ?
			    a->failures : w == 2 ? a->refusals : a->orphans);
		}
	}
	ptype(fp, "rshell_refusals_total", "counter");
	for (i = 0; i < o.nreason; i++) {
		fputs("rshell_refusals_total{", fp);
		plabel(fp, "host", hosts[o.reason[i].host], ",");
		plabel(fp, "reason", o.reason[i].name, "}");
		fprintf(fp, " %lu\n", o.reason[i].count);
	}
	ptype(fp, "rshell_refusals_by_source_total", "counter");
	for (i = 0; i < o.nsource; i++) {
		fputs("rshell_refusals_by_source_total{", fp);
		plabel(fp, "host", hosts[o.source[i].host], ",");
		plabel(fp, "source", o.source[i].src, "}");
		fprintf(fp, " %lu\n", o.source[i].count);
	}
	ptype(fp, "rshell_log_lines_total", "counter");
	fprintf(fp, "rshell_log_lines_total %lu\n", g->c.lines);
	ptype(fp, "rshell_log_damaged_lines_total", "counter");
	fprintf(fp, "rshell_log_damaged_lines_total %lu\n", g->c.damaged);
	ptype(fp, "rshell_report_overflow_total", "counter");
	fprintf(fp, "rshell_report_overflow_total 0\n");
	ptype(fp, "rshell_report_timestamp_seconds", "gauge");
	fprintf(fp, "rshell_report_timestamp_seconds %lld\n", q->now / 1000);
	fclose(fp);
	free(o.miss);
	return buf;
}

char *
rg_text_sessions(const struct rg *g, const struct rg_query *q)
{
	char h[256], u[256], k[256], ts[64], st[64];
	const struct oacct *a;
	struct oracle o;
	char *buf = NULL;
	size_t len, i;
	FILE *fp;

	evaluate(g, q, &o);
	if ((fp = open_memstream(&buf, &len)) == NULL)
		abort();
	for (i = 0; i < o.na; i++) {
		a = &o.a[o.order[i]];
		shown(hosts[a->host], h, sizeof(h));
		shown(users[a->user], u, sizeof(u));
		shown(keys[a->key], k, sizeof(k));
		if (a->fvalid) {
			stamp(a->ft, ts, sizeof(ts), 1);
			memcpy(ts + 19, "Z", 2);
			if (a->fsig && strcmp(a->fsig, "error") == 0)
				snprintf(st, sizeof(st), "error");
			else if (a->fsig)
				snprintf(st, sizeof(st), "signal=%s", a->fsig);
			else
				snprintf(st, sizeof(st), "status=%d",
				    a->fstatus);
		} else {
			snprintf(ts, sizeof(ts), "-");
			snprintf(st, sizeof(st), "-");
		}
		fprintf(fp, "%s %s %s %lu %lu %lu %lu %lu %s %s %s\n", h, u, k,
		    a->sessions, a->failures, a->refusals, a->errors,
		    a->orphans, ts, a->fvalid ? dirs[a->fdir] : "-", st);
	}
	fclose(fp);
	free(o.miss);
	return buf;
}
