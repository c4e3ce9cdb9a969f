/*
 * The summary as a person reads it (aligned columns), as JSON, in
 * Prometheus's text format and as a Nagios check.  Every string that
 * came from the log is shown through display(): a client's bytes in a
 * refusal reason cannot move the cursor, start a line or forge a field.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define CELL	640

const char *
report_dirname(enum rdir d)
{
	static const char *const names[] = { "push", "pull", "list", "-" };

	return names[d];
}

void
report_fmttime(long long ms, char *buf, size_t len)
{
	long long secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000, days, doe,
	    yoe, doy, mp, era;
	int y, m, d;

	days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	secs -= days * 86400;
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y = (int)(yoe + era * 400 + (m <= 2));
	snprintf(buf, len, "%04d-%02d-%02dT%02lld:%02lld:%02lld.%03lldZ", y, m,
	    d, secs / 3600, secs / 60 % 60, secs % 60,
	    (ms % 1000 + 1000) % 1000);
}

/* Seconds, without the milliseconds, for the text columns. */
static void
shorttime(long long ms, char *buf, size_t len)
{
	report_fmttime(ms, buf, len);
	if (strlen(buf) == 24)
		memcpy(buf + 19, "Z", 2);
}

/* Valid UTF-8 that may be shown as is (no C0, C1 or DEL); else 0. */
static size_t
u8ok(const unsigned char *p)
{
	unsigned long cp;
	size_t n, i;

	if (*p >= 0x20 && *p < 0x7f)
		return 1;
	if (*p >= 0xc2 && *p < 0xe0)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p < 0xf0)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p < 0xf5)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0xa0)
		return 0;
	/* bidi overrides and isolates reorder what a terminal shows */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
		return 0;
	return n;
}

/*
 * What the report shows for a string from the log: printable text and
 * UTF-8 as they are, a backslash as \\, and any other byte as \xHH
 * (controls, C1 controls, bidi overrides, line separators, invalid
 * UTF-8).
 * Cut at len - 1 bytes, never inside an escape.
 */
static const char *
display(const char *s, char *out, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	for (; *p != '\0'; p += n) {
		if (*p == '\\') {
			if (o + 2 >= len)
				break;
			out[o++] = '\\';
			out[o++] = '\\';
			n = 1;
		} else if ((n = u8ok(p)) == 0) {
			if (o + 4 >= len)
				break;
			snprintf(out + o, 5, "\\x%02X", *p);
			o += 4;
			n = 1;
		} else {
			if (o + n >= len)
				break;
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
	return out;
}

static void
age(long long ms, char *buf, size_t len)
{
	long long s = ms / 1000;

	if (ms < 0)
		snprintf(buf, len, "-");
	else if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

/* A duration: milliseconds below a second, then as an age. */
static void
took(long long ms, char *buf, size_t len)
{
	if (ms >= 0 && ms < 1000)
		snprintf(buf, len, "%lldms", ms);
	else
		age(ms, buf, len);
}

static void
bytes(long long b, char *buf, size_t len)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB",
	    "PiB" };
	double v = (double)b;
	int u = -1;

	if (b < 0) {
		snprintf(buf, len, "-");
		return;
	}
	if (b < 1024) {
		snprintf(buf, len, "%lld B", b);
		return;
	}
	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	snprintf(buf, len, "%.1f %s", v, unit[u]);
}

/* Aligned columns; cells are display()ed already. */
struct table {
	size_t	 ncol, nrow, cap;
	char	**cell;
	size_t	 width[12];
};

static size_t
cols(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void
row(struct table *t, ...)
{
	va_list ap;
	const char *s;
	size_t i;
	void *n;

	if (t->nrow == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		if ((n = reallocarray(t->cell, t->cap * t->ncol,
		    sizeof(char *))) == NULL) {
			t->cap = t->nrow;
			return;
		}
		t->cell = n;
	}
	va_start(ap, t);
	for (i = 0; i < t->ncol; i++) {
		s = va_arg(ap, const char *);
		/* a cell that cannot be kept (NULL) is shown as "?" */
		t->cell[t->nrow * t->ncol + i] = strdup(s);
		if (cols(s) > t->width[i])
			t->width[i] = cols(s);
	}
	va_end(ap);
	t->nrow++;
}

static void
flush(struct table *t, FILE *fp, int colour)
{
	const char *c;
	size_t r, i, pad;

	if (t->nrow == 1) {
		fputs("none\n", fp);
		goto done;
	}
	for (r = 0; r < t->nrow; r++) {
		for (i = 0; i < t->ncol; i++) {
			if ((c = t->cell[r * t->ncol + i]) == NULL)
				c = "?";
			if (r == 0 && colour)
				fputs("\033[1m", fp);
			fputs(c, fp);
			if (r == 0 && colour)
				fputs("\033[0m", fp);
			if (i + 1 == t->ncol)
				break;
			for (pad = cols(c); pad < t->width[i] + 2; pad++)
				putc(' ', fp);
		}
		putc('\n', fp);
	}
done:
	for (r = 0; r < t->nrow * t->ncol; r++)
		free(t->cell[r]);
	free(t->cell);
	memset(t, 0, sizeof(*t));
}

static void
title(FILE *fp, int colour, const char *s)
{
	fprintf(fp, colour ? "\n\033[1;4m%s\033[0m\n" : "\n%s\n", s);
}

static void
status(const struct lastfail *f, char *buf, size_t len)
{
	if (!f->valid)
		snprintf(buf, len, "-");
	else if (f->signal[0] != '\0' && strcmp(f->signal, "error") == 0)
		snprintf(buf, len, "error");
	else if (f->signal[0] != '\0')
		snprintf(buf, len, "signal=%s", f->signal);
	else
		snprintf(buf, len, "status=%d", f->status);
}

static void
text_header(const struct report *r, FILE *fp)
{
	char a[40], b[40], n[40];

	report_fmttime(r->now, n, sizeof(n));
	if (r->since != INT64_MIN)
		report_fmttime(r->since, a, sizeof(a));
	else
		strlcpy(a, "start", sizeof(a));
	if (r->until != INT64_MAX)
		report_fmttime(r->until, b, sizeof(b));
	else
		strlcpy(b, "end", sizeof(b));
	fprintf(fp, "rshell-report at %s, window %s .. %s\n", n, a, b);
	fprintf(fp, "%lu lines in %lu files: %lu events, %lu damaged, %lu cut "
	    "by syslog, %lu not rshell's, %lu outside the window, %lu "
	    "filtered out", r->lines, r->nfiles, r->events, r->bad, r->cut,
	    r->other, r->outside, r->filtered);
	if (r->unreadable)
		fprintf(fp, ", %lu files unreadable", r->unreadable);
	if (r->overflow || r->pending_lost)
		fprintf(fp, ", %lu events past the report's limits",
		    r->overflow + r->pending_lost);
	fputc('\n', fp);
}

static void
text_transfers(const struct report *r, FILE *fp, int colour)
{
	struct table t = { .ncol = 9 };
	char h[CELL], u[CELL], k[CELL], w[40], ag[40], f[CELL], d[40], by[40];
	const struct acct *a;
	const struct xfer *x;
	size_t i;
	int dir;

	title(fp, colour, "Last successful transfers");
	row(&t, "HOST", "USER", "KEY", "DIR", "WHEN", "AGE", "FROM",
	    "DURATION", "WRITTEN");
	for (i = 0; i < r->nacct; i++) {
		a = &r->acct[i];
		for (dir = RDIR_PUSH; dir <= RDIR_PULL; dir++) {
			x = &a->last[dir];
			if (!x->valid && !(dir == RDIR_PUSH && a->pushed))
				continue;
			display(a->host, h, sizeof(h));
			display(a->user, u, sizeof(u));
			display(a->key, k, sizeof(k));
			if (!x->valid) {
				row(&t, h, u, k, report_dirname(dir), "never",
				    "-", "-", "-", "-");
				continue;
			}
			shorttime(x->t_ms, w, sizeof(w));
			age(r->now - x->t_ms, ag, sizeof(ag));
			display(x->from, f, sizeof(f));
			took(x->ms, d, sizeof(d));
			bytes(x->write_bytes, by, sizeof(by));
			row(&t, h, u, k, report_dirname(dir), w, ag, f, d, by);
		}
	}
	flush(&t, fp, colour);
}

static void
text_sessions(const struct report *r, FILE *fp, int colour)
{
	struct table t = { .ncol = 11 };
	char h[CELL], u[CELL], k[CELL], n[5][24], w[40], st[64];
	const struct acct *a;
	size_t i;

	title(fp, colour, "Sessions");
	row(&t, "HOST", "USER", "KEY", "SESSIONS", "FAILED", "REFUSED",
	    "ERRORS", "NO-EXIT", "LAST FAILURE", "DIR", "STATUS");
	for (i = 0; i < r->nacct; i++) {
		a = &r->acct[i];
		snprintf(n[0], sizeof(n[0]), "%lu", a->sessions);
		snprintf(n[1], sizeof(n[1]), "%lu", a->failures);
		snprintf(n[2], sizeof(n[2]), "%lu", a->refusals);
		snprintf(n[3], sizeof(n[3]), "%lu", a->errors);
		snprintf(n[4], sizeof(n[4]), "%lu", a->orphans);
		if (a->fail.valid)
			shorttime(a->fail.t_ms, w, sizeof(w));
		else
			strlcpy(w, "-", sizeof(w));
		status(&a->fail, st, sizeof(st));
		row(&t, display(a->host, h, sizeof(h)),
		    display(a->user, u, sizeof(u)),
		    display(a->key, k, sizeof(k)), n[0], n[1], n[2], n[3],
		    n[4], w, a->fail.valid ? report_dirname(a->fail.dir) : "-",
		    st);
	}
	flush(&t, fp, colour);
}

static void
text_groups(const struct group *g, size_t n, const char *what, FILE *fp,
    int colour)
{
	struct table t = { .ncol = 5 };
	char c[24], a[40], b[40], h[CELL], s[CELL];
	size_t i;

	row(&t, "COUNT", "FIRST", "LAST", "HOST", what);
	for (i = 0; i < n; i++) {
		snprintf(c, sizeof(c), "%lu", g[i].count);
		shorttime(g[i].first, a, sizeof(a));
		shorttime(g[i].last, b, sizeof(b));
		row(&t, c, a, b, display(g[i].host, h, sizeof(h)),
		    display(g[i].name, s, sizeof(s)));
	}
	flush(&t, fp, colour);
}

static void
text_missing(const struct report *r, FILE *fp, int colour)
{
	struct table t = { .ncol = 7 };
	char h[CELL], u[CELL], k[CELL], p[24], w[40], ag[40];
	const struct listed *m;
	const struct acct *a;
	size_t i;

	title(fp, colour, "Sessions without an exit line (killed, or still "
	    "running)");
	row(&t, "HOST", "USER", "KEY", "PID", "DIR", "STARTED", "AGE");
	for (i = 0; i < r->nmiss; i++) {
		m = &r->miss[i];
		a = &r->acct[m->acct];
		snprintf(p, sizeof(p), "%ld", m->pid);
		shorttime(m->t_ms, w, sizeof(w));
		age(r->now - m->t_ms, ag, sizeof(ag));
		row(&t, display(a->host, h, sizeof(h)),
		    display(a->user, u, sizeof(u)),
		    display(a->key, k, sizeof(k)), p, report_dirname(m->dir),
		    w, ag);
	}
	flush(&t, fp, colour);
	if (r->missing > r->nmiss)
		fprintf(fp, "(and %lu more)\n", r->missing - r->nmiss);
}

static void
text_verbose(const struct report *r, FILE *fp, int colour)
{
	char h[CELL], u[CELL], k[CELL], w[40], b1[40], b2[40];
	const struct listed *o;
	const struct acct *a;
	size_t i;

	title(fp, colour, "Damaged lines");
	for (i = 0; i < r->nbadl; i++)
		fprintf(fp, "%s:%lu: %s\n", display(r->badl[i].file, h,
		    sizeof(h)), r->badl[i].lineno, r->badl[i].why);
	if (r->bad > r->nbadl)
		fprintf(fp, "(and %lu more)\n", r->bad - r->nbadl);
	title(fp, colour, "Pushes far from their key's usual amount");
	for (i = 0; i < r->nodd; i++) {
		o = &r->odd[i];
		a = &r->acct[o->acct];
		shorttime(o->t_ms, w, sizeof(w));
		bytes(o->bytes, b1, sizeof(b1));
		bytes(o->usual, b2, sizeof(b2));
		fprintf(fp, "%s %s %s %s pid %ld wrote %s, usually %s\n",
		    w, display(a->host, h, sizeof(h)),
		    display(a->user, u, sizeof(u)),
		    display(a->key, k, sizeof(k)), o->pid, b1, b2);
	}
	if (r->nodd_all > r->nodd)
		fprintf(fp, "(and %lu more)\n", r->nodd_all - r->nodd);
}

void
report_text(const struct report *r, FILE *fp, int colour)
{
	text_header(r, fp);
	text_transfers(r, fp, colour);
	text_sessions(r, fp, colour);
	title(fp, colour, "Refusals by reason");
	text_groups(r->reason, r->nreason, "REASON", fp, colour);
	title(fp, colour, "Refusals by source");
	text_groups(r->source, r->nsource, "SOURCE", fp, colour);
	text_missing(r, fp, colour);
	if (r->verbose)
		text_verbose(r, fp, colour);
}

/* JSON: a string from the log, display()ed, then quoted. */
static void
jstr(FILE *fp, const char *s)
{
	char d[4 * REPORT_MAXREASON + 8];
	const char *p;

	display(s, d, sizeof(d));
	putc('"', fp);
	for (p = d; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			putc('\\', fp);
		putc(*p, fp);
	}
	putc('"', fp);
}

static void
jtime(FILE *fp, long long ms)
{
	char t[40];

	report_fmttime(ms, t, sizeof(t));
	fprintf(fp, "\"%s\"", t);
}

static void
jxfer(FILE *fp, const struct report *r, const struct xfer *x)
{
	if (!x->valid) {
		fputs("null", fp);
		return;
	}
	fputs("{\"time\":", fp);
	jtime(fp, x->t_ms);
	fprintf(fp, ",\"age_seconds\":%lld,\"from\":", (r->now - x->t_ms) /
	    1000);
	jstr(fp, x->from);
	fprintf(fp, ",\"ms\":%lld,\"write_bytes\":", x->ms);
	if (x->write_bytes < 0)
		fputs("null}", fp);
	else
		fprintf(fp, "%lld}", x->write_bytes);
}

static void
jacct(FILE *fp, const struct report *r, const struct acct *a)
{
	fputs("{\"host\":", fp);
	jstr(fp, a->host);
	fputs(",\"user\":", fp);
	jstr(fp, a->user);
	fputs(",\"key\":", fp);
	jstr(fp, a->key);
	fprintf(fp, ",\"sessions\":%lu,\"failures\":%lu,\"refusals\":%lu,"
	    "\"errors\":%lu,\"without_exit\":%lu,\"last_push\":", a->sessions,
	    a->failures, a->refusals, a->errors, a->orphans);
	jxfer(fp, r, &a->last[RDIR_PUSH]);
	fputs(",\"last_pull\":", fp);
	jxfer(fp, r, &a->last[RDIR_PULL]);
	fputs(",\"last_failure\":", fp);
	if (!a->fail.valid)
		fputs("null", fp);
	else {
		fputs("{\"time\":", fp);
		jtime(fp, a->fail.t_ms);
		fprintf(fp, ",\"direction\":\"%s\",", report_dirname(a->fail.dir));
		if (a->fail.signal[0] != '\0') {
			fputs("\"status\":null,\"signal\":", fp);
			jstr(fp, a->fail.signal);
			fputs("}", fp);
		} else
			fprintf(fp, "\"status\":%d,\"signal\":null}",
			    a->fail.status);
	}
	putc('}', fp);
}

static void
jgroups(FILE *fp, const char *name, const char *field, const struct group *g,
    size_t n)
{
	size_t i;

	fprintf(fp, ",\n\"%s\":[", name);
	for (i = 0; i < n; i++) {
		fputs(i ? ",\n {\"host\":" : "\n {\"host\":", fp);
		jstr(fp, g[i].host);
		fprintf(fp, ",\"%s\":", field);
		jstr(fp, g[i].name);
		fprintf(fp, ",\"count\":%lu,\"first\":", g[i].count);
		jtime(fp, g[i].first);
		fputs(",\"last\":", fp);
		jtime(fp, g[i].last);
		putc('}', fp);
	}
	fputs("]", fp);
}

void
report_json(const struct report *r, FILE *fp)
{
	const struct listed *m;
	size_t i;

	fputs("{\"schema\":\"rshell-report/1\",\"now\":", fp);
	jtime(fp, r->now);
	fputs(",\"since\":", fp);
	if (r->since == INT64_MIN)
		fputs("null", fp);
	else
		jtime(fp, r->since);
	fputs(",\"until\":", fp);
	if (r->until == INT64_MAX)
		fputs("null", fp);
	else
		jtime(fp, r->until);
	fprintf(fp, ",\n\"input\":{\"files\":%lu,\"unreadable\":%lu,"
	    "\"lines\":%lu,\"events\":%lu,\"damaged\":%lu,\"cut\":%lu,"
	    "\"other\":%lu,\"outside\":%lu,\"filtered\":%lu,\"overflow\":%lu}",
	    r->nfiles, r->unreadable, r->lines, r->events, r->bad, r->cut,
	    r->other, r->outside, r->filtered, r->overflow + r->pending_lost);
	fputs(",\n\"accounts\":[", fp);
	for (i = 0; i < r->nacct; i++) {
		fputs(i ? ",\n " : "\n ", fp);
		jacct(fp, r, &r->acct[i]);
	}
	fputs("]", fp);
	jgroups(fp, "refusals_by_reason", "reason", r->reason, r->nreason);
	jgroups(fp, "refusals_by_source", "source", r->source, r->nsource);
	fprintf(fp, ",\n\"without_exit\":{\"count\":%lu,\"sessions\":[",
	    r->missing);
	for (i = 0; i < r->nmiss; i++) {
		m = &r->miss[i];
		fputs(i ? ",\n {\"host\":" : "\n {\"host\":", fp);
		jstr(fp, r->acct[m->acct].host);
		fputs(",\"user\":", fp);
		jstr(fp, r->acct[m->acct].user);
		fputs(",\"key\":", fp);
		jstr(fp, r->acct[m->acct].key);
		fprintf(fp, ",\"pid\":%ld,\"direction\":\"%s\",\"time\":",
		    m->pid, report_dirname(m->dir));
		jtime(fp, m->t_ms);
		putc('}', fp);
	}
	fputs("]}}\n", fp);
}

/* A Prometheus label value: display()ed, then \ " escaped. */
static void
plabel(FILE *fp, const char *name, const char *s, int last)
{
	char d[4 * REPORT_MAXREASON + 8];
	const char *p;

	display(s, d, sizeof(d));
	fprintf(fp, "%s=\"", name);
	for (p = d; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			putc('\\', fp);
		putc(*p, fp);
	}
	fputs(last ? "\"}" : "\",", fp);
}

static void
phelp(FILE *fp, const char *name, const char *type, const char *help)
{
	fprintf(fp, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
pacct(FILE *fp, const char *name, const struct acct *a, const char *dir)
{
	fprintf(fp, "%s{", name);
	plabel(fp, "host", a->host, 0);
	plabel(fp, "user", a->user, 0);
	plabel(fp, "key", a->key, dir == NULL);
	if (dir != NULL)
		plabel(fp, "direction", dir, 1);
}

static void
pxfer(FILE *fp, const struct report *r, int what)
{
	static const char *const names[] = {
		"rshell_last_success_timestamp_seconds",
		"rshell_last_success_duration_seconds",
		"rshell_last_success_write_bytes" };
	const struct xfer *x;
	size_t i;
	int d;

	for (i = 0; i < r->nacct; i++)
		for (d = RDIR_PUSH; d <= RDIR_PULL; d++) {
			x = &r->acct[i].last[d];
			if (!x->valid || (what == 2 && x->write_bytes < 0))
				continue;
			pacct(fp, names[what], &r->acct[i], report_dirname(d));
			if (what == 0)
				fprintf(fp, " %lld.%03lld\n", x->t_ms / 1000,
				    x->t_ms % 1000);
			else if (what == 1)
				fprintf(fp, " %lld.%03lld\n", x->ms / 1000,
				    x->ms % 1000);
			else
				fprintf(fp, " %lld\n", x->write_bytes);
		}
}

static void
pcount(FILE *fp, const struct report *r, const char *name, const char *type,
    const char *help, size_t off)
{
	size_t i;

	phelp(fp, name, type, help);
	for (i = 0; i < r->nacct; i++) {
		pacct(fp, name, &r->acct[i], NULL);
		fprintf(fp, " %lu\n", *(const unsigned long *)(const void *)
		    ((const char *)&r->acct[i] + off));
	}
}

void
report_prometheus(const struct report *r, FILE *fp)
{
	size_t i;

	phelp(fp, "rshell_last_success_timestamp_seconds", "gauge",
	    "Time of the last transfer that exited 0 or 24.");
	pxfer(fp, r, 0);
	phelp(fp, "rshell_last_success_duration_seconds", "gauge",
	    "Wall time of the last successful transfer.");
	pxfer(fp, r, 1);
	phelp(fp, "rshell_last_success_write_bytes", "gauge",
	    "Bytes the last successful transfer wrote to storage.");
	pxfer(fp, r, 2);
	pcount(fp, r, "rshell_sessions_total", "counter",
	    "Sessions permitted in the log read.",
	    offsetof(struct acct, sessions));
	pcount(fp, r, "rshell_failures_total", "counter",
	    "Sessions that failed (status other than 0 and 24, a signal, "
	    "or an error).", offsetof(struct acct, failures));
	pcount(fp, r, "rshell_account_refusals_total", "counter",
	    "Requests refused.", offsetof(struct acct, refusals));
	pcount(fp, r, "rshell_sessions_without_exit", "gauge",
	    "Sessions that logged no exit line (killed, or still running).",
	    offsetof(struct acct, orphans));
	phelp(fp, "rshell_refusals_total", "counter",
	    "Requests refused, by reason.");
	for (i = 0; i < r->nreason; i++) {
		fputs("rshell_refusals_total{", fp);
		plabel(fp, "host", r->reason[i].host, 0);
		plabel(fp, "reason", r->reason[i].name, 1);
		fprintf(fp, " %lu\n", r->reason[i].count);
	}
	phelp(fp, "rshell_refusals_by_source_total", "counter",
	    "Requests refused, by client address.");
	for (i = 0; i < r->nsource; i++) {
		fputs("rshell_refusals_by_source_total{", fp);
		plabel(fp, "host", r->source[i].host, 0);
		plabel(fp, "source", r->source[i].name, 1);
		fprintf(fp, " %lu\n", r->source[i].count);
	}
	phelp(fp, "rshell_log_lines_total", "counter", "Lines read.");
	fprintf(fp, "rshell_log_lines_total %lu\n", r->lines);
	phelp(fp, "rshell_log_damaged_lines_total", "counter",
	    "Lines that are not whole log lines (malformed, cut, glued).");
	fprintf(fp, "rshell_log_damaged_lines_total %lu\n", r->bad);
	phelp(fp, "rshell_report_overflow_total", "counter",
	    "Events past the report's limits on accounts, reasons and "
	    "sources.");
	fprintf(fp, "rshell_report_overflow_total %lu\n",
	    r->overflow + r->pending_lost);
	phelp(fp, "rshell_report_timestamp_seconds", "gauge",
	    "When the report was made.");
	fprintf(fp, "rshell_report_timestamp_seconds %lld\n", r->now / 1000);
}

/*
 * The Nagios plugin: every account that pushed in the window is judged
 * by the age of its last successful push; "never" is older than any
 * limit.
 */
int
report_stale(const struct report *r, const struct staleopt *o, FILE *fp)
{
	static const char *const word[] = { "OK", "WARNING", "CRITICAL",
	    "UNKNOWN" };
	char h[CELL], u[CELL], k[CELL], w[40], ag[40], lw[40], lc[40];
	unsigned long judged = 0, nwarn = 0, ncrit = 0;
	const struct acct *a;
	long long t;
	size_t i;
	int level = 0, l;

	for (i = 0; i < r->nacct; i++) {
		a = &r->acct[i];
		if (!a->pushed && !a->last[RDIR_PUSH].valid)
			continue;
		judged++;
		t = a->last[RDIR_PUSH].valid ? r->now - a->last[RDIR_PUSH].t_ms :
		    INT64_MAX;
		l = t > o->crit_ms ? 2 : t > o->warn_ms ? 1 : 0;
		ncrit += l == 2;
		nwarn += l == 1;
		if (l > level)
			level = l;
	}
	if (r->unreadable > 0 || judged == 0)
		level = 3;
	age(o->warn_ms, lw, sizeof(lw));
	age(o->crit_ms, lc, sizeof(lc));
	if (r->unreadable > 0)
		fprintf(fp, "RSHELL UNKNOWN - %lu log files unreadable\n",
		    r->unreadable);
	else if (judged == 0)
		fprintf(fp, "RSHELL UNKNOWN - no pushes in the log\n");
	else if (o->warn_ms == o->crit_ms)
		fprintf(fp, "RSHELL %s - %lu of %lu pushes older than %s | "
		    "stale=%lu;;;0;%lu critical=%lu;;;0;%lu\n", word[level],
		    ncrit, judged, lc, nwarn + ncrit, judged, ncrit, judged);
	else
		fprintf(fp, "RSHELL %s - %lu of %lu pushes older than %s, %lu "
		    "older than %s | stale=%lu;;;0;%lu critical=%lu;;;0;%lu\n",
		    word[level], nwarn + ncrit, judged, lw, ncrit, lc,
		    nwarn + ncrit, judged, ncrit, judged);
	for (i = 0; i < r->nacct; i++) {
		a = &r->acct[i];
		if (!a->pushed && !a->last[RDIR_PUSH].valid)
			continue;
		t = a->last[RDIR_PUSH].valid ? r->now - a->last[RDIR_PUSH].t_ms :
		    INT64_MAX;
		if (t <= o->warn_ms)
			continue;
		display(a->host, h, sizeof(h));
		display(a->user, u, sizeof(u));
		display(a->key, k, sizeof(k));
		if (!a->last[RDIR_PUSH].valid)
			fprintf(fp, "%s %s %s: %s, no successful push\n", h, u,
			    k, t > o->crit_ms ? "CRITICAL" : "WARNING");
		else {
			shorttime(a->last[RDIR_PUSH].t_ms, w, sizeof(w));
			age(t, ag, sizeof(ag));
			fprintf(fp, "%s %s %s: %s, last push %s (%s ago)\n", h, u,
			    k, t > o->crit_ms ? "CRITICAL" : "WARNING", w, ag);
		}
	}
	return level;
}
