/*
 * The command lines of clients nobody here wrote, through the rshell
 * binary: rsync named by an absolute path (BackupPC's RsyncClientPath,
 * --rsync-path=/usr/bin/rsync), a leading "~/" for DIRECTORY, openrsync's
 * one-flag-a-word options, and -s with its arguments on stdin.  What
 * runs is checked from the outside by the recording stand-in, and the log
 * line by line.
 *
 * The policy must be owned by root: without root these tests are left out.
 */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "logfmt.h"
#include "seccorpus.h"
#include "words.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define CAPS		"-logDtpre.iLsfxCIvu"
#define OPENRSYNC	"tests/data/openrsync-client-commands.tsv"
#define MAXROWS		256

static struct h_fx fx;

static void
setup(void)
{
	h_setup(&fx);
	h_mkdir(&fx, "backup/laptop");
	h_file(&fx, "backup/laptop/f", "data\n");
	h_policy(&fx, "permit push pull list root dir %s\n", fx.d);
}

static void
teardown(void)
{
	h_teardown(&fx);
}

/*
 * Run cmd: permitted, the stand-in (the policy's rsync, whatever the
 * client named) ran once with args (space-separated, the tree as @D@, a
 * pinned descriptor as @FD@), and the log's cmd is logcmd (NULL: cmd
 * itself) while run= names the policy's rsync.
 */
static void
expect_run(const char *cmd, const char *args, const char *logcmd)
{
	struct h_mark hm;
	char got[8192], word[4096], *p, *v;
	struct h_rec rec;
	struct h_res r;
	size_t i, before = h_log_count(fx.log);

	h_mark(&fx, &hm);
	h_rshell_c(&r, &fx, cmd, NULL);
	h_expect_permitted(&fx, &r, &hm, 1, cmd);
	h_rec_read(&fx, &rec);
	got[0] = '\0';
	for (i = 0; i < rec.argc; i++) {
		strlcpy(word, rec.arg[i], sizeof(word));
		if ((p = strstr(word, "/proc/self/fd/")) != NULL) {
			char *e = p + 14;

			while (*e >= '0' && *e <= '9')
				e++;
			memmove(p + 4, e, strlen(e) + 1);
			memcpy(p, "@FD@", 4);
		}
		if ((p = strstr(word, fx.d)) != NULL) {
			memmove(p + 3, p + strlen(fx.d),
			    strlen(p + strlen(fx.d)) + 1);
			memcpy(p, "@D@", 3);
		}
		if (i > 0)
			strlcat(got, " ", sizeof(got));
		strlcat(got, word, sizeof(got));
	}
	ck_assert_msg(strcmp(got, args) == 0, "%s: rsync ran with\n  %s\n"
	    "want\n  %s", cmd, got, args);
	h_rec_free(&rec);
	v = h_log_field(fx.log, before, "cmd");
	ck_assert_msg(v != NULL && strcmp(v, logcmd ? logcmd : cmd) == 0,
	    "%s: logged cmd=%s", cmd, v ? v : "(none)");
	free(v);
	v = h_log_field(fx.log, before, "run");
	ck_assert_msg(v != NULL && strncmp(v, fx.rsync, strlen(fx.rsync)) == 0
	    && v[strlen(fx.rsync)] == ' ', "%s: logged run=%s", cmd, v);
	free(v);
	h_res_free(&r);
}

static void
expect_denied(const char *cmd, const char *why)
{
	struct h_mark hm;
	struct h_res r;

	h_mark(&fx, &hm);
	h_rshell_c(&r, &fx, cmd, NULL);
	h_expect_denied(&fx, &r, &hm, why, cmd);
	h_res_free(&r);
}

/* --- rsync by any absolute path --------------------------------------- */

static const struct {
	const char	*cmd;
	const char	*args;
} paths[] = {
	{ "/usr/bin/rsync --server " CAPS " . backup/laptop/",
	    "--server " CAPS " --chmod=ugo-s -- . @FD@/" },
	{ "/usr/bin/rsync --server --sender " CAPS " . backup/laptop/f",
	    "--server --sender " CAPS " -- . @FD@/f" },
	{ "/usr/local/bin/rsync --server " CAPS " . backup/new/",
	    "--server " CAPS " --chmod=ugo-s -- . @FD@/new/" },
	{ "'/opt/my tools/rsync' --server --sender " CAPS " . backup",
	    "--server --sender " CAPS " -- . @FD@/backup" },
};

START_TEST(test_rsync_path)
{
	expect_run(paths[_i].cmd, paths[_i].args, NULL);
}
END_TEST

static const char *const notrsync[] = {
	"/usr/bin/rsync2 --server " CAPS " . backup/",
	"rsyncx --server " CAPS " . backup/",
	"bin/rsync --server " CAPS " . backup/",
	"./rsync --server " CAPS " . backup/",
	"/rsync/ --server " CAPS " . backup/",
	"/usr/bin/rsync/ --server " CAPS " . backup/",
	"/bin/true",
	"/bin/ls backup",
};

START_TEST(test_not_rsync)
{
	expect_denied(notrsync[_i], "command not allowed: ");
}
END_TEST

/* --- "~" is DIRECTORY ------------------------------------------------- */

static const struct {
	const char	*cmd;
	const char	*args;
} tildes[] = {
	{ "rsync --server " CAPS " . ~/backup/new/",
	    "--server " CAPS " --chmod=ugo-s -- . @FD@/new/" },
	{ "rsync --server " CAPS " . ~", "--server " CAPS " --chmod=ugo-s -- . "
	    "@FD@/" },
	{ "rsync --server --sender " CAPS " . ~/backup/laptop/f",
	    "--server --sender " CAPS " -- . @FD@/f" },
	{ "rsync --server --sender " CAPS " . ~/", "--server --sender " CAPS
	    " -- . @FD@/" },
	{ "/usr/bin/rsync --server --sender " CAPS " . '~/backup/laptop'",
	    "--server --sender " CAPS " -- . @FD@/laptop" },
};

START_TEST(test_tilde)
{
	expect_run(tildes[_i].cmd, tildes[_i].args, NULL);
}
END_TEST

static const struct {
	const char	*cmd;
	const char	*why;
} tildedeny[] = {
	{ "rsync --server " CAPS " . ~root/x/", "another account's home" },
	{ "rsync --server --sender " CAPS " . '~root/.ssh'", "~root (another "
	    "account's home) is not allowed" },
	{ "rsync --server --sender " CAPS " . ~/../x", "\"..\" is not "
	    "allowed" },
	{ "ls ~root", "another account's home" },
};

START_TEST(test_tilde_denied)
{
	expect_denied(tildedeny[_i].cmd, tildedeny[_i].why);
}
END_TEST

/* A listing of "~/..." lists beneath DIRECTORY. */
START_TEST(test_tilde_ls)
{
	struct h_mark hm;
	struct h_res r;

	h_mark(&fx, &hm);
	h_rshell_c(&r, &fx, "ls ~/backup/laptop", NULL);
	h_expect_permitted(&fx, &r, &hm, 0, "ls ~/backup/laptop");
	ck_assert_msg(strcmp(r.out, "f\n") == 0, "ls printed \"%s\"", r.out);
	h_res_free(&r);
}
END_TEST

/* --- openrsync --------------------------------------------------------- */

struct orow {
	char	 cmd[1024];
	int	 permit;
	int	 line;
};

static struct orow orows[MAXROWS];
static int norows;

static void
load_openrsync(void)
{
	char line[2048], *f[4], *p;
	FILE *fp;
	int lineno = 0, i;

	if ((fp = fopen(OPENRSYNC, "r")) == NULL)
		return;
	while (norows < MAXROWS && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (p = line, i = 0; i < 4 && p != NULL; i++)
			f[i] = strsep(&p, "\t");
		if (i < 4 || f[3] == NULL)
			continue;
		strlcpy(orows[norows].cmd, f[2], sizeof(orows[norows].cmd));
		orows[norows].permit = strcmp(f[3], "permit") == 0;
		orows[norows].line = lineno;
		norows++;
	}
	fclose(fp);
}

/* The options rsync resolves as paths: not passed on as they came. */
static int
path_option(const char *w)
{
	static const char *const names[] = { "--backup-dir", "--link-dest",
	    "--compare-dest", "--copy-dest", "--temp-dir", "--partial-dir" };
	size_t i, n;

	for (i = 0; i < NROWS(names); i++) {
		n = strlen(names[i]);
		if (strncmp(w, names[i], n) == 0 && (w[n] == '\0' ||
		    w[n] == '='))
			return w[n] == '\0' ? 2 : 1;
	}
	return 0;
}

START_TEST(test_openrsync_present)
{
	ck_assert_msg(norows >= 100, "%s: %d requests read (run from the top "
	    "of the tree)", OPENRSYNC, norows);
}
END_TEST

/*
 * Every openrsync command line gets its verdict; a permitted one reaches
 * rsync with each of the client's flags as the word it sent, in order,
 * and its one path pinned.
 */
START_TEST(test_openrsync)
{
	struct h_mark hm;
	const struct orow *o = &orows[_i];
	char what[1200], *w[64], cmd[1024], *save = NULL;
	struct h_rec rec;
	struct h_res r;
	size_t n = 0, i, a;
	int skip;

	snprintf(what, sizeof(what), "%s:%d: %s", OPENRSYNC, o->line, o->cmd);
	h_mark(&fx, &hm);
	h_rshell_c(&r, &fx, o->cmd, NULL);
	if (!o->permit) {
		h_expect_denied(&fx, &r, &hm, "is not allowed", what);
		h_res_free(&r);
		return;
	}
	h_expect_permitted(&fx, &r, &hm, 1, what);
	h_res_free(&r);
	strlcpy(cmd, o->cmd, sizeof(cmd));
	for (w[n] = strtok_r(cmd, " ", &save); w[n] != NULL && n < 63;
	    w[n] = strtok_r(NULL, " ", &save))
		n++;
	h_rec_read(&fx, &rec);
	for (i = 1, a = 0; i < n && strcmp(w[i], ".") != 0; i++) {
		if ((skip = path_option(w[i])) != 0) {
			i += (size_t)skip - 1;
			continue;
		}
		while (a < rec.argc && strcmp(rec.arg[a], w[i]) != 0 &&
		    strcmp(rec.arg[a], "--") != 0)
			a++;
		ck_assert_msg(a < rec.argc && strcmp(rec.arg[a], w[i]) == 0,
		    "%s: %s is not passed on as it came", what, w[i]);
	}
	/* --relative sends the path itself: it stays, plainly relative. */
	ck_assert_msg(rec.argc >= 3 && strcmp(rec.arg[rec.argc - 3], "--") ==
	    0 && (strncmp(rec.arg[rec.argc - 1], "/proc/self/fd/", 14) == 0 ||
	    (h_rec_find(&rec, "--relative") != -1 &&
	    strcmp(rec.arg[rec.argc - 1], w[n - 1]) == 0)),
	    "%s: the path is not pinned after \"-- .\"", what);
	h_rec_free(&rec);
}
END_TEST

/* --- -s: protected arguments on stdin --------------------------------- */

/*
 * The stand-in also reports what is left on its stdin, in hex: the bytes
 * after the empty string, which are rsync's protocol.
 */
#define STDIN_REPORT	"standin:stdin"

static struct sc_row srows[SC_MAXROWS];
static int nsrows;

static void
setup_secluded(void)
{
	char p[PATH_MAX];

	setup();
	h_mkdir(&fx, "dir with space");
	h_file(&fx, "it's \"q\"", "q\n");
	h_file(&fx, "caf\xe9", "e\n");
	h_mkdir(&fx, "backup/prev");
	ck_assert(symlink("/etc", h_path(p, fx.d, "evil")) == 0);
	h_standin(&fx, fx.rsync, STDIN_REPORT);
}

/* Forget the stand-in's runs: the next check counts from none. */
static void
forget_runs(void)
{
	ck_assert(unlink(fx.record) == 0 || errno == ENOENT);
}

/* Between the checks that share a tree: no log, no runs. */
static void
forget_all(void)
{
	ck_assert(truncate(fx.log, 0) == 0 || errno == ENOENT);
	forget_runs();
}

/* The stand-in's words of its last run, joined by newlines. */
static char *
last_args(void)
{
	struct h_rec rec;
	char *all = NULL, *t;
	size_t i;

	h_rec_read(&fx, &rec);
	ck_assert(asprintf(&all, "%s", "") != -1);
	for (i = 0; i < rec.argc; i++) {
		ck_assert(asprintf(&t, "%s%s\n", all, rec.arg[i]) != -1);
		free(all);
		all = t;
	}
	h_rec_free(&rec);
	return all;
}

/* The hex of what the stand-in found on stdin, from its stderr. */
static void
expect_left(const struct h_res *r, const char *in, size_t n,
    const char *what)
{
	char want[256] = "stdin:", hex[4];
	size_t i;

	for (i = 0; i < n && i < 100; i++) {
		snprintf(hex, sizeof(hex), "%02x", (unsigned char)in[i]);
		strlcat(want, hex, sizeof(want));
	}
	strlcat(want, "\n", sizeof(want));
	ck_assert_msg(strstr(r->err, want) != NULL, "%s: rsync's stdin was "
	    "not left as sent: stderr %s, want %s", what, r->err, want);
}

/* The log's cmd splits into the words of the request without -s. */
static void
expect_logged(size_t idx, const char *plain, size_t nsecluded,
    const char *what)
{
	struct words a, b;
	char err[256], *cmd = h_log_field(fx.log, idx, "cmd"), *n;
	char want[32];
	size_t i;

	ck_assert_msg(cmd != NULL && words_split(cmd, &a, err,
	    sizeof(err)) == 0, "%s: cmd=%s: %s", what, cmd, err);
	ck_assert(words_split(plain, &b, err, sizeof(err)) == 0);
	ck_assert_msg(a.n == b.n, "%s: cmd=%s", what, cmd);
	for (i = 0; i < a.n; i++)
		ck_assert_msg(strcmp(a.v[i], b.v[i]) == 0, "%s: cmd=%s", what,
		    cmd);
	snprintf(want, sizeof(want), "%zu", nsecluded);
	n = h_log_field(fx.log, idx, "secluded");
	ck_assert_msg(n != NULL && strcmp(n, want) == 0, "%s: secluded=%s, "
	    "want %s", what, n ? n : "(none)", want);
	words_free(&a);
	words_free(&b);
	free(cmd);
	free(n);
}

START_TEST(test_secluded_present)
{
	ck_assert_msg(nsrows >= 40, "%s: %d rows read (run from the top of "
	    "the tree)", SC_CORPUS, nsrows);
}
END_TEST

/*
 * Every request of the corpus: a permitted one runs exactly what the same
 * request without -s runs, leaves the protocol on rsync's stdin, and is
 * logged as the whole list; a refused one is refused as it would be
 * without -s.
 */
START_TEST(test_secluded)
{
	struct h_mark hm;
	const struct sc_row *c = &srows[_i];
	char what[1300], buf[sizeof(c->in)], *v[256], *with, *without;
	struct h_res r;
	size_t before;
	int n;

	snprintf(what, sizeof(what), "%s:%d (%s %s)", SC_CORPUS, c->line,
	    c->pull ? "pull" : "push", c->opts);
	before = h_log_count(fx.log);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, c->cmd, c->in, c->inlen, 0);
	if (c->verdict != SC_PERMIT) {
		h_expect_denied(&fx, &r, &hm, c->why, what);
		h_res_free(&r);
		if (c->plain[0] == '\0')
			return;
		before = h_log_count(fx.log);
		h_mark(&fx, &hm);
		h_rshell_c(&r, &fx, c->plain, NULL);
		if (c->verdict == SC_DENY)
			h_expect_denied(&fx, &r, &hm, c->why, what);
		else
			h_expect_permitted(&fx, &r, &hm, 1, what);
		h_res_free(&r);
		return;
	}
	h_expect_permitted(&fx, &r, &hm, 1, what);
	ck_assert((n = sc_strings(c, buf, v, 255)) >= 1);
	expect_left(&r, c->in + (v[n - 1] - buf) + strlen(v[n - 1]) + 2,
	    c->inlen - (size_t)(v[n - 1] - buf) - strlen(v[n - 1]) - 2, what);
	expect_logged(before, c->plain, (size_t)n - 1, what);
	h_res_free(&r);
	with = last_args();
	forget_runs();
	h_mark(&fx, &hm);
	h_rshell_c(&r, &fx, c->plain, NULL);
	h_expect_permitted(&fx, &r, &hm, 1, what);
	without = last_args();
	ck_assert_msg(strcmp(with, without) == 0, "%s: with -s rsync ran\n%s"
	    "without\n%s", what, with, without);
	free(with);
	free(without);
	h_res_free(&r);
}
END_TEST

/*
 * A client that sends no empty string and stays connected is refused
 * when the time is up, and nothing ran.
 */
START_TEST(test_secluded_stall)
{
	struct h_mark hm;
	static const char in[] = "rsync\0.\0backup/laptop/\0";
	struct timespec t0, t1;
	struct h_res r;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, "rsync --server -slogDtpre.iLsfxCIvu", in,
	    sizeof(in) - 1, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	h_expect_denied(&fx, &r, &hm, "not complete within 5 s (23 bytes came)",
	    "a stalled client");
	/* not before the limit; the bound above only says it did not hang
	   (a loaded machine may be slow to get there) */
	ck_assert_msg(ms >= 4900 && ms < 30000, "refused after %ld ms", ms);
	h_res_free(&r);
}
END_TEST

/* A flood: refused at the byte limit at once, whatever is still coming. */
START_TEST(test_secluded_flood)
{
	struct h_mark hm;
	static const char cmd[] = "rsync --server -slogDtpre.iLsfxCIvu";
	char *in, why[64];
	struct h_res r;
	size_t n = 4 * 1024 * 1024;

	ck_assert_ptr_nonnull(in = malloc(n));
	memset(in, 'a', n);
	memcpy(in, "rsync", 6);
	snprintf(why, sizeof(why), "more than %zu bytes",
	    (size_t)WORDS_MAXLEN - strlen(cmd));
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, cmd, in, n, 1);
	h_expect_denied(&fx, &r, &hm, why, "a flood");
	h_res_free(&r);
	free(in);
}
END_TEST

/*
 * The limits of -c hold for the whole request: 1,024 words and 64 KiB,
 * the command line and stdin together.  At the edge the reader lets the
 * arguments through (what refuses then is the grammar); one more is too
 * many for the reader itself.
 */
START_TEST(test_secluded_limits)
{
	struct h_mark hm;
	static const char cmd[] = "rsync --server -s";	/* 3 words */
	size_t room = WORDS_MAXLEN - strlen(cmd), n, i;
	char *in, why[64];
	struct h_res r;

	ck_assert_ptr_nonnull(in = malloc(room + 2));
	/* 1,022 strings: arg0, 1,019 x -v, ".", the destination */
	n = (size_t)snprintf(in, room, "rsync%c", 0);
	for (i = 0; i < 1019; i++)
		n += (size_t)snprintf(in + n, room - n, "-v%c", 0);
	n += (size_t)snprintf(in + n, room - n, ".%cx/%c%c", 0, 0, 0);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, cmd, in, n, 0);
	h_expect_permitted(&fx, &r, &hm, 1, "1,024 words in all");
	h_res_free(&r);
	forget_runs();
	memmove(in + 6 + 3, in + 6, n - 6);
	memcpy(in + 6, "-v", 3);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, cmd, in, n + 3, 0);
	h_expect_denied(&fx, &r, &hm, "more than 1022 arguments",
	    "1,025 words in all");
	h_res_free(&r);

	/* exactly the bytes left: through the reader, too long a word */
	memcpy(in, "rsync", 6);
	memset(in + 6, 'x', room - 8);
	memcpy(in + room - 2, "\0", 2);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, cmd, in, room, 0);
	h_expect_denied(&fx, &r, &hm, "is too long", "64 KiB in all");
	h_res_free(&r);
	snprintf(why, sizeof(why), "more than %zu bytes", room);
	memset(in + 6, 'x', room - 7);
	memcpy(in + room - 1, "\0", 2);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, cmd, in, room + 1, 0);
	h_expect_denied(&fx, &r, &hm, why, "64 KiB and a byte");
	h_res_free(&r);
	free(in);
}
END_TEST

/* Without -s nothing is read: the stand-in finds stdin whole, and a
   client that keeps stdin open does not hold a listing up. */
START_TEST(test_secluded_not_asked)
{
	struct h_mark hm;
	static const char in[] = "rsync\0.\0x/\0\0 \0\0\0";
	struct timespec t0, t1;
	struct h_res r;

	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, "rsync --server " CAPS " . backup/laptop/", in,
	    sizeof(in) - 1, 0);
	h_expect_permitted(&fx, &r, &hm, 1, "a push without -s");
	expect_left(&r, in, sizeof(in) - 1, "a push without -s");
	h_res_free(&r);
	forget_runs();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	h_mark(&fx, &hm);
	h_rshell_c_in(&r, &fx, "du -s backup", in, sizeof(in) - 1, 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	h_expect_permitted(&fx, &r, &hm, 0, "du -s");
	/* waiting for stdin would have taken the reader's 5 s */
	ck_assert_msg((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec -
	    t0.tv_nsec) / 1000000 < 4900, "du -s waited for stdin");
	h_res_free(&r);
}
END_TEST

Suite *
make_suite_clients(void)
{
	Suite *s = suite_create("clients");
	TCase *tc;

	load_openrsync();
	nsrows = sc_load(srows, SC_MAXROWS);
	if ((tc = h_root_tcase(s, "commands", setup, teardown)) == NULL) {
		h_skipped("clients", (int)(NROWS(paths) + NROWS(notrsync) +
		    NROWS(tildes) + NROWS(tildedeny) + 2 + norows + 6 +
		    (nsrows > 0 ? nsrows : 0)));
		return s;
	}
	tcase_add_loop_test(tc, test_rsync_path, 0, NROWS(paths));
	tcase_add_loop_test(tc, test_not_rsync, 0, NROWS(notrsync));
	tcase_add_loop_test(tc, test_tilde, 0, NROWS(tildes));
	tcase_add_loop_test(tc, test_tilde_denied, 0, NROWS(tildedeny));
	tcase_add_test(tc, test_tilde_ls);
	/* the tree is made once for these: each check counts from a mark */
	tc = h_root_tcase_shared(s, "openrsync", setup, forget_all, teardown);
	tcase_add_test(tc, test_openrsync_present);
	tcase_add_loop_test(tc, test_openrsync, 0, norows);
	tc = h_root_tcase_shared(s, "secluded", setup_secluded, forget_all,
	    teardown);
	tcase_add_test(tc, test_secluded_present);
	tcase_add_loop_test(tc, test_secluded, 0, nsrows > 0 ? nsrows : 0);
	tcase_add_test(tc, test_secluded_flood);
	tcase_add_test(tc, test_secluded_limits);
	tcase_add_test(tc, test_secluded_not_asked);
	/* waits out the 5 s: beside the other suites (check_main.c) */
	tc = h_root_tcase(s, "stall", setup_secluded, teardown);
	tcase_set_tags(tc, H_TAG_ALONE);
	tcase_add_test(tc, test_secluded_stall);
	return s;
}
