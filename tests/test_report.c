/*
 * rshell-report against a generated log (reportgen.c): 100,000 events
 * across hosts, users and keys, plain and syslog- and journald-prefixed,
 * with refusals, missing exits, damage and hostile bytes.  The oracle's
 * summary, computed from the events as generated, must be exactly what
 * the binary prints as JSON and Prometheus text, and its Sessions table.
 * The seed is printed; RSHELL_SEED=N repeats a run.  Also: the round trip
 * of log.c's writer through the reader, --stale's exit codes under a test
 * clock, and the small cases (a pid seen again, a push far from usual).
 */
#include <sys/stat.h>

#include <dirent.h>

#include <check.h>
#include <stdarg.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "logfmt.h"
#include "pathprop.h"
#include "report.h"
#include "reportgen.h"

Suite	*make_suite_report(void);

static uint64_t seed;
static char dir[64];

static const char *
report_bin(void)
{
	const char *p = getenv("RSHELL_REPORT");

	ck_assert_msg(p != NULL, "RSHELL_REPORT is not set");
	return p;
}

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "%s/rshell-report-test.XXXXXX",
	    h_tmpdir());
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void
rm_tmp(void)
{
	h_rmtree(dir);
}

static const char *
in_dir(const char *name)
{
	static char buf[4][128];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* rshell-report ARGS... with TZ=UTC and the test clock at now (ms). */
static void
report(struct h_res *r, long long now, const char *const *args)
{
	char *argv[32], nowenv[64];
	char *env[] = { nowenv, "TZ=UTC", NULL };
	size_t n = 0;

	snprintf(nowenv, sizeof(nowenv), "RSHELL_REPORT_NOW=%lld", now / 1000);
	argv[n++] = "rshell-report";
	argv[n++] = "--local-host";
	argv[n++] = "alpha";
	for (; *args != NULL && n < 30; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	h_run(r, report_bin(), argv, env);
}

/* The first line where a and b differ, for the failure message. */
static void
same(const char *what, const char *got, const char *want)
{
	size_t line = 1, i;

	for (i = 0; got[i] != '\0' && got[i] == want[i]; i++)
		if (got[i] == '\n')
			line++;
	if (got[i] == want[i])
		return;
	while (i > 0 && got[i - 1] != '\n')
		i--;
	ck_abort_msg("%s (seed %" PRIu64 "): line %zu differs:\n got: %.300s"
	    "\nwant: %.300s", what, seed, line, got + i, want + i);
}

/* Drop the "# HELP" lines: prose, not figures. */
static char *
nohelp(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;
	const char *nl;

	ck_assert_ptr_nonnull(out);
	for (; *s != '\0'; s = nl + 1) {
		if ((nl = strchr(s, '\n')) == NULL)
			nl = s + strlen(s) - 1;
		if (strncmp(s, "# HELP ", 7) != 0) {
			memcpy(o, s, (size_t)(nl - s) + 1);
			o += nl - s + 1;
		}
	}
	*o = '\0';
	return out;
}

/* The rows of the Sessions table, cells joined by one blank. */
static char *
sessions_rows(const char *text)
{
	const char *p = strstr(text, "\nSessions\n"), *end;
	char *out, *o;
	int blank;

	ck_assert_ptr_nonnull(p);
	p = strchr(p + 10, '\n') + 1;		/* past the heading row */
	end = strstr(p, "\n\n");
	ck_assert_ptr_nonnull(end);
	ck_assert_ptr_nonnull(out = o = malloc((size_t)(end - p) + 2));
	for (blank = 0; p <= end; p++) {
		if (*p == ' ') {
			blank = 1;
			continue;
		}
		if (blank && *p != '\n')
			*o++ = ' ';
		blank = 0;
		*o++ = *p;
	}
	*o = '\0';
	return out;
}

static void
check_query(const struct rg *g, const char *log, const struct rg_query *q,
    const char *const *extra)
{
	const char *args[24];
	char *want, *got;
	struct h_res r;
	size_t n, i;
	int mode;

	for (mode = 0; mode < 3; mode++) {
		n = 0;
		if (mode == 0)
			args[n++] = "--json";
		else if (mode == 1)
			args[n++] = "--prometheus";
		for (i = 0; extra[i] != NULL; i++)
			args[n++] = extra[i];
		args[n++] = log;
		args[n] = NULL;
		report(&r, q->now, args);
		ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
		if (mode == 0) {
			want = rg_json(g, q);
			same("--json", r.out, want);
		} else if (mode == 1) {
			want = rg_prometheus(g, q);
			got = nohelp(r.out);
			same("--prometheus", got, want);
			free(got);
		} else {
			want = rg_text_sessions(g, q);
			got = sessions_rows(r.out);
			same("text Sessions table", got, want);
			free(got);
			/* nothing the client sent reaches the terminal raw */
			ck_assert_ptr_null(strchr(r.out, '\x1b'));
			ck_assert_ptr_null(strchr(r.out, '\r'));
			ck_assert_ptr_null(strstr(r.out, "\xc2\x85"));
		}
		free(want);
		h_res_free(&r);
	}
}

START_TEST(t_generated)
{
	struct rg_query q = { LLONG_MIN, LLONG_MAX, NULL, NULL, NULL, 0 };
	static const char *const none[] = { NULL };
	struct rg_counts c;
	struct rg *g;

	mkdir_tmp();
	g = rg_generate(in_dir("log"), seed, 100000);
	ck_assert_ptr_nonnull(g);
	rg_counts(g, &c);
	/* the log has what the test is about */
	ck_assert_uint_gt(c.damaged, 100);
	ck_assert_uint_gt(c.cut, 10);
	ck_assert_uint_gt(c.other, 100);
	q.now = rg_last(g) / 1000 * 1000 + 3600 * 1000;
	check_query(g, in_dir("log"), &q, none);
	rg_free(g);
	rm_tmp();
}
END_TEST

/* --since, --until (a DURATION and a DATE) and each filter. */
START_TEST(t_window)
{
	struct rg_query q = { LLONG_MIN, LLONG_MAX, NULL, NULL, NULL, 0 };
	const char *args[12];
	char since[64], until[64];
	long long span;
	struct rg *g;
	time_t t;
	struct tm tm;

	mkdir_tmp();
	g = rg_generate(in_dir("log"), seed + 1, 20000);
	ck_assert_ptr_nonnull(g);
	q.now = rg_last(g) / 1000 * 1000 + 86400 * 1000LL;
	span = rg_last(g) - rg_first(g);
	/* --since as a duration back from the clock: whole hours */
	q.since = q.now - (span / 2 / 3600000) * 3600000;
	snprintf(since, sizeof(since), "%lldh", (q.now - q.since) / 3600000);
	t = (time_t)((rg_first(g) + span * 3 / 4) / 1000);
	gmtime_r(&t, &tm);
	strftime(until, sizeof(until), "%Y-%m-%dT%H:%M:%SZ", &tm);
	q.until = (long long)t * 1000;
	args[0] = "--since";
	args[1] = since;
	args[2] = "--until";
	args[3] = until;
	args[4] = NULL;
	check_query(g, in_dir("log"), &q, args);
	q.host = "beta";
	q.user = "alice";
	args[4] = "--host";
	args[5] = "beta";
	args[6] = "--user";
	args[7] = "alice";
	args[8] = NULL;
	check_query(g, in_dir("log"), &q, args);
	q.since = LLONG_MIN;
	q.until = LLONG_MAX;
	q.host = q.user = NULL;
	q.key = "nas";
	args[0] = "--key";
	args[1] = "nas";
	args[2] = NULL;
	check_query(g, in_dir("log"), &q, args);
	rg_free(g);
	rm_tmp();
}
END_TEST

/* A rotated, gzip-compressed first half reads as the whole. */
START_TEST(t_gzip)
{
	struct rg_query q = { LLONG_MIN, LLONG_MAX, NULL, NULL, NULL, 0 };
	char *text, *mid, *want, *files;
	struct h_res r, z;
	FILE *fp;
	struct rg *g;
	char *gz[] = { "gzip", "-n", NULL, NULL };

	mkdir_tmp();
	g = rg_generate(in_dir("all"), seed + 2, 5000);
	ck_assert_ptr_nonnull(g);
	q.now = rg_last(g) / 1000 * 1000;
	text = h_slurp(in_dir("all"));
	ck_assert_ptr_nonnull(text);
	mid = strchr(text + strlen(text) / 2, '\n') + 1;
	ck_assert_ptr_nonnull(fp = fopen(in_dir("log.1"), "w"));
	fwrite(text, 1, (size_t)(mid - text), fp);
	fclose(fp);
	h_write(in_dir("log"), "%s", mid);
	gz[2] = (char *)in_dir("log.1");
	h_run(&z, "/bin/gzip", gz, NULL);
	ck_assert_int_eq(z.status, 0);
	h_res_free(&z);
	report(&r, q.now, (const char *const[]){ "--json",
	    in_dir("log.1.gz"), in_dir("log"), NULL });
	ck_assert_int_eq(r.status, 0);
	want = rg_json(g, &q);
	files = strstr(r.out, "\"files\":2,");
	ck_assert_ptr_nonnull(files);
	files[8] = '1';
	same("--json over log.1.gz and log", r.out, want);
	free(want);
	free(text);
	h_res_free(&r);
	rg_free(g);
	rm_tmp();
}
END_TEST

/*
 * Without file arguments the policy's log is read with its rotated
 * copies, oldest first (log.2.gz, log.1, log); -o writes the output
 * whole under its name and leaves no temporary file.  The policy must be
 * root's: as root only.
 */
START_TEST(t_policy_logs)
{
	struct rg_query q = { LLONG_MIN, LLONG_MAX, NULL, NULL, NULL, 0 };
	char *text, *a, *b, *want, *got, *files, pol[160];
	char *gz[] = { "gzip", "-n", NULL, NULL };
	struct h_res r, z;
	struct rg *g;
	FILE *fp;
	DIR *d;
	struct dirent *de;
	int n = 0;

	mkdir_tmp();
	g = rg_generate(in_dir("all"), seed + 3, 6000);
	ck_assert_ptr_nonnull(g);
	q.now = rg_last(g) / 1000 * 1000;
	text = h_slurp(in_dir("all"));
	ck_assert_ptr_nonnull(text);
	a = strchr(text + strlen(text) / 3, '\n') + 1;
	b = strchr(text + 2 * strlen(text) / 3, '\n') + 1;
	ck_assert_ptr_nonnull(fp = fopen(in_dir("log.2"), "w"));
	fwrite(text, 1, (size_t)(a - text), fp);
	fclose(fp);
	ck_assert_ptr_nonnull(fp = fopen(in_dir("log.1"), "w"));
	fwrite(a, 1, (size_t)(b - a), fp);
	fclose(fp);
	h_write(in_dir("log"), "%s", b);
	gz[2] = (char *)in_dir("log.2");
	h_run(&z, "/bin/gzip", gz, NULL);
	ck_assert_int_eq(z.status, 0);
	h_res_free(&z);
	unlink(in_dir("all"));
	snprintf(pol, sizeof(pol), "%s", in_dir("policy"));
	h_write(pol, "log %s\n", in_dir("log"));
	ck_assert_int_eq(chmod(pol, 0644), 0);
	report(&r, q.now, (const char *const[]){ "--json", "-f", pol, "-o",
	    in_dir("out.json"), NULL });
	ck_assert_msg(r.status == 0, "status %d: %s", r.status, r.err);
	ck_assert_uint_eq(r.outlen, 0);
	h_res_free(&r);
	ck_assert_ptr_nonnull(got = h_slurp(in_dir("out.json")));
	files = strstr(got, "\"files\":3,");
	ck_assert_ptr_nonnull(files);
	files[8] = '1';
	want = rg_json(g, &q);
	same("--json -f policy over log.2.gz, log.1, log", got, want);
	/* nothing but what the test made, and out.json */
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	ck_assert_int_eq(n, 5);
	free(want);
	free(got);
	free(text);
	rg_free(g);
	rm_tmp();
}
END_TEST

/* a and b are the same string; NULL is no string. */
static int
streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/*
 * Round trip: values of every kind of byte, written by log.c, read back
 * by the reader, plain and as syslog delivers them, are the same values.
 */
START_TEST(t_roundtrip)
{
	struct pp_rng rng = { seed };
	char val[3][300], msg[LOG_MAXSYSLOG + 64], line[2048];
	const char *why, *m;
	struct logline l;
	struct rline rl;
	struct rev ev;
	size_t i, k, n;
	int form;

	ck_assert_int_eq(rline_init(&rl, "here", 1764547200000LL), 0);
	for (i = 0; i < 20000; i++) {
		for (k = 0; k < 3; k++) {
			n = pp_below(&rng, 40);
			val[k][n] = '\0';
			while (n-- > 0) {
				val[k][n] = (char)(1 + pp_below(&rng, 255));
				if (pp_below(&rng, 3) == 0)
					val[k][n] = " \"=\\ab"[pp_below(&rng,
					    6)];
			}
		}
		logline_init(&l, "deny");
		logline_addf(&l, "pid", "%zu", i + 1);
		logline_add(&l, "user", val[0]);
		logline_add(&l, "uid", "1");
		logline_add(&l, "from", "-");
		logline_add(&l, "key", val[1]);
		logline_add(&l, "cmd", "x y");
		logline_add(&l, "reason", val[2]);
		H_ASSERT(!l.nomem, "case %zu: out of memory", i);
		form = (int)(i % 2);
		if (form == 0) {
			m = l.buf;
			n = l.len;
		} else {
			n = log_syslog_msg(&l, msg, sizeof(msg));
			m = strstr(msg, "]: ") + 3;
			n = (size_t)snprintf(line, sizeof(line), "Dec  1 00:00:00 "
			    "h rshell[1]: %s", m);
			m = line;
		}
		/* H_ASSERT: Check's asserts cost a write each, 140000 here */
		H_ASSERT(rline_parse(&rl, m, n, &ev, &why) == RLINE_EVENT,
		    "seed %" PRIu64 " case %zu: %s: [%.*s]", seed, i, why,
		    (int)n, m);
		H_ASSERT(ev.type == REV_DENY && streq(ev.user, val[0]) &&
		    streq(ev.key, val[1]) && streq(ev.reason, val[2]) &&
		    ev.pid == (long)i + 1,
		    "seed %" PRIu64 " case %zu: [%.*s] read back as type %d "
		    "user [%s] key [%s] reason [%s] pid %ld", seed, i, (int)n,
		    m, (int)ev.type, ev.user, ev.key, ev.reason, (long)ev.pid);
		logline_free(&l);
	}
	rline_free(&rl);
}
END_TEST

/* Hand-made lines for the small cases, at whole seconds from t0. */
static const long long t0 = 1764547200000LL;	/* 2025-12-01T00:00Z */

static void
line(FILE *fp, long long sec, const char *fmt, ...)
{
	char ts[64];
	time_t t = (time_t)(t0 / 1000 + sec);
	struct tm tm;
	va_list ap;

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	fprintf(fp, "time=%s ", ts);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
}

static void
session(FILE *fp, long long sec, long pid, const char *user, int pull,
    int status, long long wbytes)
{
	line(fp, sec, "event=permit pid=%ld user=%s uid=1 from=192.0.2.1:5 "
	    "key=- cmd=x run=\"/usr/bin/rsync --server%s -- . x\"", pid, user,
	    pull ? " --sender" : "");
	line(fp, sec + 60, "event=exit pid=%ld user=%s uid=1 from=192.0.2.1:5 "
	    "key=- status=%d ms=60000 write_bytes=%lld", pid, user, status,
	    wbytes);
}

static int
stale(long long now_sec, const char *const *args, char **out)
{
	struct h_res r;
	int st;

	report(&r, t0 + now_sec * 1000, args);
	st = r.status;
	*out = strdup(r.out);
	h_res_free(&r);
	return st;
}

/*
 * --stale: OK, WARNING and CRITICAL exactly at the limits, by the log's
 * times and the test clock; UNKNOWN for a file it cannot read and for a
 * log without pushes.
 */
START_TEST(t_stale)
{
	const char *log;
	char *out;
	FILE *fp;

	mkdir_tmp();
	log = in_dir("log");
	ck_assert_ptr_nonnull(fp = fopen(log, "w"));
	session(fp, 0, 10, "alice", 0, 0, 1000);	/* push ends at 60 */
	session(fp, 100, 11, "bob", 0, 0, 1000);	/* push ends at 160 */
	session(fp, 200, 12, "carol", 1, 0, 1000);	/* a pull: not judged */
	session(fp, 300, 13, "dave", 0, 23, 1000);	/* never succeeded */
	fclose(fp);
	/* dave's push never succeeded: CRITICAL whatever the clock */
	ck_assert_int_eq(stale(400, (const char *const[]){ "--stale", "1h",
	    log, NULL }, &out), 2);
	ck_assert_msg(strncmp(out, "RSHELL CRITICAL - ", 18) == 0, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, "\nalpha dave -: CRITICAL, no "
	    "successful push\n"));
	ck_assert_ptr_null(strstr(out, "alice"));
	ck_assert_ptr_null(strstr(out, "carol"));
	free(out);
	/* without dave: 1h after alice's push is still OK, a second more
	   WARNING, and past --critical CRITICAL */
	ck_assert_ptr_nonnull(fp = fopen(log, "w"));
	session(fp, 0, 10, "alice", 0, 0, 1000);
	session(fp, 100, 11, "bob", 0, 0, 1000);
	fclose(fp);
	ck_assert_int_eq(stale(60 + 3600, (const char *const[]){ "--stale",
	    "1h", "--critical", "2h", log, NULL }, &out), 0);
	ck_assert_msg(strncmp(out, "RSHELL OK - 0 of 2 ", 19) == 0, "%s", out);
	free(out);
	ck_assert_int_eq(stale(60 + 3601, (const char *const[]){ "--stale",
	    "1h", "--critical", "2h", log, NULL }, &out), 1);
	ck_assert_msg(strncmp(out, "RSHELL WARNING - 1 of 2 ", 24) == 0, "%s",
	    out);
	ck_assert_ptr_nonnull(strstr(out, "\nalpha alice -: WARNING, last "
	    "push 2025-12-01T00:01:00Z (1h00m ago)\n"));
	ck_assert_ptr_null(strstr(out, "bob"));
	free(out);
	ck_assert_int_eq(stale(160 + 7201, (const char *const[]){ "--stale",
	    "1h", "--critical", "2h", log, NULL }, &out), 2);
	ck_assert_msg(strncmp(out, "RSHELL CRITICAL - 2 of 2 ", 25) == 0,
	    "%s", out);
	free(out);
	ck_assert_int_eq(stale(60 + 7200, (const char *const[]){ "--stale",
	    "1h", "--critical", "2h", log, NULL }, &out), 1);
	free(out);
	/* --warning below the --stale limit */
	ck_assert_int_eq(stale(60 + 1801, (const char *const[]){ "--stale",
	    "1h", "--warning", "30m", log, NULL }, &out), 1);
	free(out);
	/* UNKNOWN: unreadable input, no pushes, bad options */
	ck_assert_int_eq(stale(0, (const char *const[]){ "--stale", "1h",
	    in_dir("nonexistent"), NULL }, &out), 3);
	ck_assert_msg(strncmp(out, "RSHELL UNKNOWN - ", 17) == 0, "%s", out);
	free(out);
	h_write(in_dir("empty"), "%s", "");
	ck_assert_int_eq(stale(0, (const char *const[]){ "--stale", "1h",
	    in_dir("empty"), NULL }, &out), 3);
	free(out);
	ck_assert_int_eq(stale(0, (const char *const[]){ "--stale", "1 hour",
	    log, NULL }, &out), 3);
	free(out);
	rm_tmp();
}
END_TEST

/*
 * A pid seen again before its exit: the first session is one without an
 * exit.  -v lists damaged lines by number and flags a push far from the
 * key's usual amount.
 */
START_TEST(t_small)
{
	struct h_res r;
	const char *log;
	FILE *fp;
	int i;

	mkdir_tmp();
	log = in_dir("log");
	ck_assert_ptr_nonnull(fp = fopen(log, "w"));
	line(fp, 0, "event=permit pid=7 user=alice uid=1 from=- key=- cmd=x "
	    "run=builtin:ls");
	line(fp, 5, "event=permit pid=7 user=alice uid=1 from=- key=- cmd=x "
	    "run=builtin:ls");
	line(fp, 6, "event=exit pid=7 user=alice uid=1 from=- key=- status=0 "
	    "ms=3");
	fputs("time=2025-12-01T00:00:07.000Z event=exit pid=8 user=alice "
	    "uid=1 from=- key=- status=0 ms=3time=2025-12-01T00:00:08.000Z "
	    "event=exit\n", fp);
	for (i = 0; i < 8; i++)
		session(fp, 100 + 100 * i, 20 + i, "bob", 0, 0, 1000000 + i);
	session(fp, 1000, 40, "bob", 0, 0, 50);
	fputs("time=2025-12-01T01:00:00.000Z event=exit pid=9", fp);
	fclose(fp);
	report(&r, t0 + 86400 * 1000, (const char *const[]){ "-v", log, NULL });
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "\nalpha  alice  -    7    list  "
	    "2025-12-01T00:00:00Z  1d00h\n") != NULL, "%s", r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "/log:4: '\"', '=' or '\\' in a "
	    "bare value"));
	ck_assert_ptr_nonnull(strstr(r.out, "/log:23: no newline at the end"));
	ck_assert_ptr_nonnull(strstr(r.out, "2025-12-01T00:17:40Z alpha bob - "
	    "pid 40 wrote 50 B, usually 976.6 KiB\n"));
	ck_assert_ptr_nonnull(strstr(r.out, "23 lines in 1 files: 21 events, 2 "
	    "damaged"));
	h_res_free(&r);
	rm_tmp();
}
END_TEST

Suite *
make_suite_report(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	seed = h_seed("report");
	tc = tcase_create("generated");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, t_generated);
	tcase_add_test(tc, t_window);
	tcase_add_test(tc, t_gzip);
	tcase_add_test(tc, t_roundtrip);
	suite_add_tcase(s, tc);
	tc = tcase_create("cases");
	tcase_add_test(tc, t_stale);
	tcase_add_test(tc, t_small);
	suite_add_tcase(s, tc);
	if ((tc = h_root_tcase(s, "policy", NULL, NULL)) != NULL)
		tcase_add_test(tc, t_policy_logs);
	else
		h_skipped("report", 1);
	return s;
}
