/*
 * From one line to one event.  A line is rshell's own log line
 * (time=... event=...), or the same fields as a syslog daemon or journald
 * hands them on: an RFC 3164 or RFC 5424 header, the ISO-stamped form of
 * rsyslog's file format and journalctl -o short-iso, or journalctl -o json.
 * The header gives the host and, for lines that came through syslog (which
 * stamps its own time, so rshell leaves time= out), the time.
 *
 * Strict about the format, lenient about damage: whatever does not parse,
 * or lacks a field its event must have, is RLINE_BAD and never an event.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"

static const char cutmark[] = " [cut]";

int
rline_init(struct rline *rl, const char *localhost, long long now_ms)
{
	memset(rl, 0, sizeof(*rl));
	rl->localhost = localhost;
	rl->now_ms = now_ms;
	rl->buf = malloc(LOGFMT_BUFSIZE(REPORT_MAXLINE));
	rl->msg = malloc(REPORT_MAXLINE + 1);
	if (rl->buf == NULL || rl->msg == NULL) {
		rline_free(rl);
		return -1;
	}
	return 0;
}

void
rline_free(struct rline *rl)
{
	free(rl->buf);
	free(rl->msg);
	rl->buf = rl->msg = NULL;
}

/*
 * A decimal number from 0 to max, without leading zeros.  Nineteen
 * digits cannot overflow the unsigned sum, and a number only grows
 * digit by digit, so comparing once at the end is enough.
 */
static int
num(const char *s, long long max, long long *v)
{
	unsigned long long n = 0;
	const char *p;

	if (*s == '\0' || (*s == '0' && s[1] != '\0'))
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - s == 19)
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	if (n > (unsigned long long)max)
		return -1;
	*v = (long long)n;
	return 0;
}

/* status=N: 0 to 255, or -1 (a listing stopped by a signal) */
static int
status(const char *s, int *st)
{
	long long v;

	if (strcmp(s, "-1") == 0) {
		*st = -1;
		return 0;
	}
	if (num(s, 255, &v) == -1)
		return -1;
	*st = (int)v;
	return 0;
}

/* A permit's direction, from the argv it ran. */
static enum rdir
direction(const char *run)
{
	const char *p;

	if (strncmp(run, "builtin:", 8) == 0)
		return RDIR_LIST;
	for (p = run; (p = strstr(p, " --sender")) != NULL; p += 9)
		if (p[9] == ' ' || p[9] == '\0')
			return RDIR_PULL;
	return RDIR_PUSH;
}

/*
 * Is field f named the string literal lit; does its value read as lit?
 * A value is read up to a NUL in it, as strcmp reads it, so that
 * event="exit\x00" is an exit with a NUL (refused as such), not an
 * unknown event.
 */
#define NAMED(f, lit) ((f)->klen == sizeof(lit) - 1 && \
	memcmp((f)->key, lit, sizeof(lit) - 1) == 0)
#define VALUED(f, lit) ((f)->nul ? strcmp((f)->val, lit) == 0 : \
	(f)->vlen == sizeof(lit) - 1 && \
	memcmp((f)->val, lit, sizeof(lit) - 1) == 0)

static inline void
take(const char **slot, const struct logfmt_field *f)
{
	if (*slot == NULL)
		*slot = f->val;
}

/* A field the report uses holds no NUL: "a\x00b" must not read as "a". */
static int
nul(const struct logfmt_rec *r, size_t first)
{
	size_t i;

	for (i = first; i < r->n; i++)
		if (r->f[i].nul)
			return 1;
	return 0;
}

/*
 * The fields from index first on are an event's; the time is known.
 * What each event must carry, as the writer writes it.
 */
static int
event(struct rline *rl, size_t first, struct rev *ev, const char **why)
{
	const struct logfmt_rec *r = &rl->rec;
	const struct logfmt_field *e;
	const char *pid, *run, *uid, *ms, *st, *wb;
	long long n;
	size_t i;

	if (first >= r->n || !NAMED(&r->f[first], "event")) {
		*why = "no event field where the writer puts it";
		return RLINE_BAD;
	}
	e = &r->f[first];
	if (VALUED(e, "permit"))
		ev->type = REV_PERMIT;
	else if (VALUED(e, "deny"))
		ev->type = REV_DENY;
	else if (VALUED(e, "exit"))
		ev->type = REV_EXIT;
	else if (VALUED(e, "error"))
		ev->type = REV_ERROR;
	else {
		*why = "unknown event";
		return RLINE_BAD;
	}
	pid = ev->user = ev->key = ev->from = NULL;
	run = uid = ms = st = wb = NULL;
	ev->signal = ev->reason = NULL;
	/* one pass, first field of each name: as logfmt_get, faster */
	for (i = first + 1; i < r->n; i++) {
		const struct logfmt_field *f = &r->f[i];

		switch (f->klen) {
		case 2:
			if (NAMED(f, "ms"))
				take(&ms, f);
			break;
		case 3:
			if (NAMED(f, "pid"))
				take(&pid, f);
			else if (NAMED(f, "uid"))
				take(&uid, f);
			else if (NAMED(f, "key"))
				take(&ev->key, f);
			else if (NAMED(f, "run"))
				take(&run, f);
			break;
		case 4:
			if (NAMED(f, "user"))
				take(&ev->user, f);
			else if (NAMED(f, "from"))
				take(&ev->from, f);
			break;
		case 6:
			if (NAMED(f, "reason"))
				take(&ev->reason, f);
			else if (NAMED(f, "status"))
				take(&st, f);
			else if (NAMED(f, "signal"))
				take(&ev->signal, f);
			break;
		case 11:
			if (NAMED(f, "write_bytes"))
				take(&wb, f);
			break;
		}
	}
	if (pid == NULL || num(pid, 0x7fffffff, &n) == -1 ||
	    ev->user == NULL || ev->key == NULL || ev->from == NULL ||
	    uid == NULL || nul(r, first)) {
		*why = "an event without pid, user, uid, from or key, or "
		    "with a NUL byte in a value";
		return RLINE_BAD;
	}
	ev->pid = (long)n;
	ev->dir = RDIR_NONE;
	ev->status = 0;
	ev->ms = 0;
	ev->write_bytes = -1;
	if (ev->type != REV_EXIT)
		ev->signal = NULL;
	if (ev->type != REV_DENY && ev->type != REV_ERROR)
		ev->reason = NULL;
	switch (ev->type) {
	case REV_PERMIT:
		if (run == NULL) {
			*why = "a permit without run";
			return RLINE_BAD;
		}
		ev->dir = direction(run);
		break;
	case REV_DENY:
	case REV_ERROR:
		if (ev->reason == NULL) {
			*why = "a deny or error without reason";
			return RLINE_BAD;
		}
		break;
	case REV_EXIT:
		if (ms == NULL || num(ms, 1LL << 53, &ev->ms) == -1) {
			*why = "an exit without ms";
			return RLINE_BAD;
		}
		if (ev->signal != NULL)
			ev->status = -1;
		else if (st == NULL || status(st, &ev->status) == -1) {
			*why = "an exit without status or signal";
			return RLINE_BAD;
		}
		if (wb != NULL && num(wb, 1LL << 62, &ev->write_bytes) == -1) {
			*why = "a bad write_bytes";
			return RLINE_BAD;
		}
		break;
	}
	return RLINE_EVENT;
}

/* A plain log line: time= first, event= second. */
static enum rline_result
plain(struct rline *rl, const char *line, size_t len, struct rev *ev,
    const char **why)
{
	const struct logfmt_field *t;

	if (logfmt_parse_into(line, len, &rl->rec, rl->buf,
	    LOGFMT_BUFSIZE(REPORT_MAXLINE), why, NULL) == -1)
		return RLINE_BAD;
	t = &rl->rec.f[0];
	if (!NAMED(t, "time") ||
	    report_time(t->val, t->vlen, &rl->date, &ev->t_ms) == -1) {
		*why = "no RFC 3339 time as the first field";
		return RLINE_BAD;
	}
	return event(rl, 1, ev, why);
}

/*
 * The message of a syslog line: the fields without time= (syslog stamps
 * its own), or a whole plain line (a file forwarded with imfile).  A
 * message syslog cut ends in " [cut]": the fields before the cut count,
 * the last one of them, which may have been cut short, does not.
 */
static enum rline_result
message(struct rline *rl, const char *msg, size_t len, long long t_ms,
    struct rev *ev, const char **why)
{
	ev->cut = 0;
	if (len >= 5 && memcmp(msg, "time=", 5) == 0)
		return plain(rl, msg, len, ev, why);
	ev->t_ms = t_ms;
	if (len >= sizeof(cutmark) - 1 && memcmp(msg + len -
	    (sizeof(cutmark) - 1), cutmark, sizeof(cutmark) - 1) == 0) {
		ev->cut = 1;
		len -= sizeof(cutmark) - 1;
	}
	if (!ev->cut) {
		if (logfmt_parse_into(msg, len, &rl->rec, rl->buf,
		    LOGFMT_BUFSIZE(REPORT_MAXLINE), why, NULL) == -1)
			return RLINE_BAD;
		return event(rl, 0, ev, why);
	}
	/*
	 * Cut inside a quoted value: the fields before it are whole.  Cut
	 * inside a bare one, the line parses, and its last field is not.
	 */
	switch (logfmt_parse_prefix(msg, len, &rl->rec, rl->buf,
	    LOGFMT_BUFSIZE(REPORT_MAXLINE), why, NULL)) {
	case -1:
		return RLINE_BAD;
	case 0:
		if (rl->rec.n > 1)
			rl->rec.n--;
		break;
	}
	return event(rl, 0, ev, why);
}

/* "rshell[PID]: " or "rshell: " at p; the message after it, or NULL. */
static const char *
tag(const char *p, const char *end, int *ours)
{
	const char *q = p;

	while (q < end && *q != '[' && *q != ':' && *q != ' ')
		q++;
	*ours = (size_t)(q - p) == 6 && memcmp(p, "rshell", 6) == 0;
	if (q < end && *q == '[') {
		while (q < end && *q != ']')
			q++;
		if (q == end)
			return NULL;
		q++;
	}
	if (end - q < 2 || q[0] != ':' || q[1] != ' ')
		return NULL;
	return q + 2;
}

static int
sethost(struct rline *rl, const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n >= sizeof(rl->host))
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)p[i] <= ' ' || (unsigned char)p[i] >= 0x7f)
			return -1;
	memcpy(rl->host, p, n);
	rl->host[n] = '\0';
	return 0;
}

/* HOST TAG: MSG after a header's time. */
static enum rline_result
hosttagmsg(struct rline *rl, const char *p, const char *end, long long t_ms,
    struct rev *ev, const char **why)
{
	const char *h = p, *m;
	int ours;

	while (p < end && *p != ' ')
		p++;
	if (p == end || sethost(rl, h, (size_t)(p - h)) == -1) {
		*why = "syslog header without a host";
		return RLINE_BAD;
	}
	if ((m = tag(p + 1, end, &ours)) == NULL) {
		*why = "syslog header without a tag";
		return ours ? RLINE_BAD : RLINE_OTHER;
	}
	if (!ours)
		return RLINE_OTHER;
	ev->host = rl->host;
	return message(rl, m, (size_t)(end - m), t_ms, ev, why);
}

/*
 * RFC 3164's "Mmm dd hh:mm:ss" is local time without a year: the year is
 * the one that puts it at most a day after now.
 */
static int
bsdtime(struct rline *rl, const char *s, long long *ms)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *m;
	struct tm tm;
	time_t now, t;
	long long key;
	int y, i, day, h, mi, sec;

	if ((m = strstr(months, (char[4]){ s[0], s[1], s[2], 0 })) == NULL ||
	    (m - months) % 3 != 0 || s[3] != ' ' ||
	    !(s[4] == ' ' || isdigit((unsigned char)s[4])) ||
	    !isdigit((unsigned char)s[5]) || s[6] != ' ' || s[9] != ':' ||
	    s[12] != ':')
		return -1;
	day = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + s[5] - '0';
	for (i = 7; i < 15; i++)
		if (i != 9 && i != 12 && !isdigit((unsigned char)s[i]))
			return -1;
	h = (s[7] - '0') * 10 + s[8] - '0';
	mi = (s[10] - '0') * 10 + s[11] - '0';
	sec = (s[13] - '0') * 10 + s[14] - '0';
	if (day < 1 || day > 31 || h > 23 || mi > 59 || sec > 60)
		return -1;
	if (!rl->tzyear_valid) {
		now = (time_t)(rl->now_ms / 1000);
		localtime_r(&now, &tm);
		rl->tzyear = tm.tm_year;
		rl->tzyear_valid = 1;
	}
	y = rl->tzyear;
	for (i = 0; i < 2; i++, y--) {
		key = ((((long long)y * 12 + (m - months) / 3) * 32 + day) * 24
		    + h);
		if (rl->tzcache_valid[i] && rl->tzcache_key[i] == key)
			t = (time_t)rl->tzcache_val[i];
		else {
			memset(&tm, 0, sizeof(tm));
			tm.tm_year = y;
			tm.tm_mon = (int)(m - months) / 3;
			tm.tm_mday = day;
			tm.tm_hour = h;
			tm.tm_isdst = -1;
			if ((t = mktime(&tm)) == (time_t)-1)
				return -1;
			rl->tzcache_valid[i] = 1;
			rl->tzcache_key[i] = key;
			rl->tzcache_val[i] = (long long)t;
		}
		*ms = ((long long)t + mi * 60 + sec) * 1000;
		if (*ms <= rl->now_ms + 86400 * 1000LL)
			return 0;
	}
	return 0;
}

static enum rline_result
rfc3164(struct rline *rl, const char *p, const char *end, struct rev *ev,
    const char **why)
{
	long long t;

	if (end - p < 16 || bsdtime(rl, p, &t) == -1 || p[15] != ' ') {
		*why = "bad RFC 3164 time";
		return RLINE_BAD;
	}
	return hosttagmsg(rl, p + 16, end, t, ev, why);
}

/* An RFC 3339 stamp up to the next blank, then HOST TAG: MSG. */
static enum rline_result
isoline(struct rline *rl, const char *p, const char *end, struct rev *ev,
    const char **why)
{
	const char *s = p;
	long long t;

	while (p < end && *p != ' ')
		p++;
	if (p == end || report_time(s, (size_t)(p - s), &rl->date, &t) == -1) {
		*why = "bad ISO time in a syslog header";
		return RLINE_BAD;
	}
	return hosttagmsg(rl, p + 1, end, t, ev, why);
}

/* The next SP-separated RFC 5424 header field. */
static const char *
word(const char **p, const char *end, size_t *n)
{
	const char *s = *p;

	while (*p < end && **p != ' ')
		(*p)++;
	if (*p == end)
		return NULL;
	*n = (size_t)(*p - s);
	(*p)++;
	return s;
}

/* <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [BOM]MSG */
static enum rline_result
rfc5424(struct rline *rl, const char *p, const char *end, struct rev *ev,
    const char **why)
{
	const char *ts, *host, *app, *w;
	size_t tn, hn, an, n;
	long long t;

	*why = "bad RFC 5424 header";
	if ((ts = word(&p, end, &tn)) == NULL ||
	    (host = word(&p, end, &hn)) == NULL ||
	    (app = word(&p, end, &an)) == NULL ||
	    word(&p, end, &n) == NULL || word(&p, end, &n) == NULL)
		return RLINE_BAD;
	if (an != 6 || memcmp(app, "rshell", 6) != 0)
		return RLINE_OTHER;
	if (report_time(ts, tn, &rl->date, &t) == -1 ||
	    sethost(rl, host, hn) == -1)
		return RLINE_BAD;
	if (p < end && *p == '-')
		p++;
	else
		while (p < end && *p == '[') {
			for (w = p + 1; w < end && *w != ']'; w++)
				if (*w == '\\' && w + 1 < end)
					w++;
			if (w == end)
				return RLINE_BAD;
			p = w + 1;
		}
	if (p == end || *p != ' ')
		return RLINE_BAD;
	p++;
	if (end - p >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	ev->host = rl->host;
	return message(rl, p, (size_t)(end - p), t, ev, why);
}

/*
 * journalctl -o json: one object per line.  Only string and number
 * members are taken; MESSAGE may also be an array of byte values (how
 * journald shows a message that is not UTF-8).
 */
struct jcur {
	const char	*p, *end;
};

static int
jhex(const char *p, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!isxdigit((unsigned char)p[i]))
			return -1;
		*v = *v << 4 | (unsigned)(isdigit((unsigned char)p[i]) ?
		    p[i] - '0' : (tolower((unsigned char)p[i]) - 'a' + 10));
	}
	return 0;
}

static size_t
utf8put(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	o[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* A JSON string at c->p into out (room for end - p bytes), or -1. */
static int
jstring(struct jcur *c, char *out, size_t *olen)
{
	unsigned cp, lo;
	size_t o = 0;

	if (c->p == c->end || *c->p != '"')
		return -1;
	for (c->p++; c->p < c->end && *c->p != '"'; ) {
		if ((unsigned char)*c->p < 0x20)
			return -1;
		if (*c->p != '\\') {
			if (out != NULL)
				out[o] = *c->p;
			o++;
			c->p++;
			continue;
		}
		if (c->end - c->p < 2)
			return -1;
		c->p++;
		switch (*c->p) {
		case '"': case '\\': case '/':
			cp = (unsigned char)*c->p;
			break;
		case 'b': cp = '\b'; break;
		case 'f': cp = '\f'; break;
		case 'n': cp = '\n'; break;
		case 'r': cp = '\r'; break;
		case 't': cp = '\t'; break;
		case 'u':
			if (c->end - c->p < 5 || jhex(c->p + 1, &cp) == -1)
				return -1;
			c->p += 4;
			if (cp >= 0xd800 && cp < 0xdc00 && c->end - c->p >= 7 &&
			    c->p[1] == '\\' && c->p[2] == 'u' &&
			    jhex(c->p + 3, &lo) == 0 && lo >= 0xdc00 &&
			    lo < 0xe000) {
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
				c->p += 6;
			}
			break;
		default:
			return -1;
		}
		c->p++;
		if (out != NULL)
			o += utf8put(out + o, cp);
		else
			o += 4;
	}
	if (c->p == c->end)
		return -1;
	c->p++;
	*olen = o;
	return 0;
}

static void
jspace(struct jcur *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

/* Skip any value; arrays of numbers decode into out when it is set. */
static int
jvalue(struct jcur *c, char *out, size_t *olen, int depth)
{
	const char *s, *t;
	size_t n;
	long v;

	jspace(c);
	if (c->p == c->end || depth > 16)
		return -1;
	if (*c->p == '"')
		return jstring(c, out, olen);
	if (*c->p == '[' || *c->p == '{') {
		char close = *c->p == '[' ? ']' : '}';

		*olen = 0;
		for (c->p++, jspace(c); c->p < c->end && *c->p != close; ) {
			if (close == '}') {
				if (jstring(c, NULL, &n) == -1)
					return -1;
				jspace(c);
				if (c->p == c->end || *c->p++ != ':')
					return -1;
				if (jvalue(c, NULL, &n, depth + 1) == -1)
					return -1;
			} else {
				jspace(c);
				s = c->p;
				if (jvalue(c, NULL, &n, depth + 1) == -1)
					return -1;
				/* a byte value: 1 to 3 digits, up to 255 */
				for (v = 0, t = s; t < c->p && t - s < 4 &&
				    *t >= '0' && *t <= '9'; t++)
					v = v * 10 + (*t - '0');
				if (out != NULL && (t == s || t != c->p ||
				    v > 255))
					return -1;
				if (out != NULL)
					out[*olen] = (char)v;
				(*olen)++;
			}
			jspace(c);
			if (c->p < c->end && *c->p == ',')
				c->p++;
			else if (c->p < c->end && *c->p != close)
				return -1;
			jspace(c);
		}
		if (c->p == c->end)
			return -1;
		c->p++;
		return 0;
	}
	s = c->p;
	while (c->p < c->end && *c->p != ',' && *c->p != '}' && *c->p != ']' &&
	    *c->p != ' ')
		c->p++;
	if (c->p == s)
		return -1;
	if (out != NULL)
		memcpy(out, s, (size_t)(c->p - s));
	*olen = (size_t)(c->p - s);
	return 0;
}

static enum rline_result
journal(struct rline *rl, const char *line, size_t len, struct rev *ev,
    const char **why)
{
	struct jcur c = { line + 1, line + len };
	char name[64], val[64];
	size_t n, mlen = 0, vn;
	long long us = -1;
	int havemsg = 0, ours = 0, havehost = 0;

	*why = "bad journal JSON";
	for (jspace(&c); c.p < c.end && *c.p != '}'; ) {
		const char *k = c.p;

		if (jstring(&c, NULL, &n) == -1 || n >= sizeof(name))
			return RLINE_BAD;
		c.p = k;
		(void)jstring(&c, name, &n);
		name[n] = '\0';
		jspace(&c);
		if (c.p == c.end || *c.p++ != ':')
			return RLINE_BAD;
		jspace(&c);
		if (strcmp(name, "MESSAGE") == 0) {
			if (jvalue(&c, rl->msg, &mlen, 0) == -1)
				return RLINE_BAD;
			havemsg = 1;
		} else if (strcmp(name, "_HOSTNAME") == 0 ||
		    strcmp(name, "SYSLOG_IDENTIFIER") == 0 ||
		    strcmp(name, "__REALTIME_TIMESTAMP") == 0) {
			const char *s = c.p;

			if (jvalue(&c, NULL, &vn, 0) == -1 || vn >= sizeof(val))
				return RLINE_BAD;
			c.p = s;
			(void)jvalue(&c, val, &vn, 0);
			val[vn] = '\0';
			if (name[0] == '_' && name[1] == 'H') {
				if (sethost(rl, val, vn) == -1)
					return RLINE_BAD;
				havehost = 1;
			} else if (name[0] == 'S')
				ours = strcmp(val, "rshell") == 0;
			else if (num(val, 1LL << 62, &us) == -1)
				return RLINE_BAD;
		} else if (jvalue(&c, NULL, &vn, 0) == -1)
			return RLINE_BAD;
		jspace(&c);
		if (c.p < c.end && *c.p == ',')
			c.p++;
		jspace(&c);
	}
	if (c.p == c.end || c.p + 1 != c.end)
		return RLINE_BAD;
	if (!ours)
		return RLINE_OTHER;
	if (!havemsg || !havehost || us < 0) {
		*why = "a journal entry without MESSAGE, _HOSTNAME or "
		    "__REALTIME_TIMESTAMP";
		return RLINE_BAD;
	}
	ev->host = rl->host;
	return message(rl, rl->msg, mlen, us / 1000, ev, why);
}

enum rline_result
rline_parse(struct rline *rl, const char *line, size_t len, struct rev *ev,
    const char **why)
{
	const char *p = line, *end = line + len;

	memset(ev, 0, sizeof(*ev));
	ev->host = rl->localhost;
	*why = "not a log line";
	if (len > REPORT_MAXLINE) {
		*why = "overlong line";
		return RLINE_BAD;
	}
	if (len >= 5 && memcmp(line, "time=", 5) == 0)
		return plain(rl, line, len, ev, why);
	if (len > 0 && line[0] == '{')
		return journal(rl, line, len, ev, why);
	if (len >= 3 && memcmp(line, "-- ", 3) == 0)
		return RLINE_OTHER;	/* journalctl's "-- Boot ... --" */
	if (len > 0 && line[0] == '<') {
		for (p++; p < end && p - line < 5 && isdigit((unsigned char)*p);
		    p++)
			;
		if (p == line + 1 || p == end || *p != '>')
			return RLINE_BAD;
		p++;
		if (end - p >= 2 && p[0] == '1' && p[1] == ' ')
			return rfc5424(rl, p + 2, end, ev, why);
	}
	if (end - p >= 5 && isdigit((unsigned char)p[0]) && p[4] == '-')
		return isoline(rl, p, end, ev, why);
	return rfc3164(rl, p, end, ev, why);
}
