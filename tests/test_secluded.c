/*
 * Tests for secluded_asked() and secluded_join(): which command lines ask
 * for protected arguments, and the argument list they make with them.
 * The property over the corpus of real clients: -s and its protected
 * arguments make exactly the words of the same request sent without -s.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rsyncargs.h"
#include "seccorpus.h"
#include "secluded.h"
#include "words.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define ANY		(RO_PUSH | RO_PULL | RO_LIST)

static struct words
split(const char *cmd)
{
	struct words w;
	char err[256];

	ck_assert_msg(words_split(cmd, &w, err, sizeof(err)) == 0, "%s: %s",
	    cmd, err);
	return w;
}

/* Which command lines ask: -s only where it is an option letter. */
static const struct {
	const char	*cmd;
	int		 asked;
} asks[] = {
	{ "rsync --server -slogDtpre.iLsfxCIvu", 1 },
	{ "rsync --server --sender -slogDtpre.iLsfxCIvu", 1 },
	{ "rsync --server -vlogDtprse.iLsfxCIvu", 1 },
	{ "rsync --server -s", 1 },
	{ "rsync --server -v -s", 1 },
	{ "rsync --server --secluded-args", 1 },
	{ "rsync --server --protect-args -v", 1 },
	{ "/usr/bin/rsync --server -sltre.iLsfxCIvu", 1 },
	/* an "s" of the capability string or of a value is none */
	{ "rsync --server -logDtpre.iLsfxCIvu . x", 0 },
	{ "rsync --server -e.s . x", 0 },
	{ "rsync --server -B8192s . x", 0 },
	{ "rsync --server -@1s . x", 0 },
	{ "rsync --server --suffix=s . x", 0 },
	{ "rsync --server --log-format=%s . x", 0 },
	{ "rsync --server --secluded-argsx . x", 0 },
	{ "rsync --server --no-s . x", 0 },
	/* only options ask, and only after --server */
	{ "rsync --server -v . -s", 0 },
	{ "rsync -s --server", 0 },
	{ "rsync -s", 0 },
	{ "rsync", 0 },
	{ "ls -s", 0 },
};

START_TEST(test_asked)
{
	struct words w = split(asks[_i].cmd);

	ck_assert_msg(secluded_asked(w.v, w.n) == asks[_i].asked, "%s",
	    asks[_i].cmd);
	words_free(&w);
}
END_TEST

/* The joined list, as words joined by single spaces, or the reason. */
static const struct {
	const char	*cmd;
	const char	*prot;		/* strings separated by '|' */
	const char	*want;		/* joined; NULL: refused */
	const char	*why;
} joins[] = {
	{ "rsync --server -slogDtpre.iLsfxCIvu", "rsync|.|x/",
	    "rsync --server -logDtpre.iLsfxCIvu . x/", NULL },
	{ "rsync --server --sender -svlogDtpre.iLsfxCIvu", "rsync|.|a|b",
	    "rsync --server --sender -vlogDtpre.iLsfxCIvu . a b", NULL },
	/* the letters after e are capabilities: the "s" there stays */
	{ "rsync --server -se.iLsfxCIvu", "rsync|.|x",
	    "rsync --server -e.iLsfxCIvu . x", NULL },
	{ "rsync --server -vsB8192s", "rsync|.|x",
	    "rsync --server -vB8192s . x", NULL },
	{ "rsync --server -ss -vs", "rsync|.|x", "rsync --server -v . x",
	    NULL },
	{ "rsync --server -s --secluded-args --protect-args -v", "rsync|.|x",
	    "rsync --server -v . x", NULL },
	{ "/usr/bin/rsync --server -s", "rsync|--delete|.|x",
	    "/usr/bin/rsync --server --delete . x", NULL },
	/* the protected arguments are taken as they are */
	{ "rsync --server -s", "rsync|-s|.|x", "rsync --server -s . x", NULL },
	{ "rsync --server -s", "rsync", "rsync --server", NULL },
	/* refused */
	{ "rsync --server -s . x", "rsync|.|y", NULL, "only options" },
	{ "rsync --server -s x", "rsync|.|y", NULL, "only options" },
	{ "rsync --server -s -", "rsync|.|y", NULL, "only options" },
	{ "rsync --server -s --", "rsync|.|y", NULL, "only options" },
	{ "rsync --server -s --timeout 60", "rsync|.|y", NULL, "only options" },
	{ "rsync --server -s", "sh|-c|id", NULL, "do not start with" },
	{ "rsync --server -s", "", NULL, "do not start with" },
	{ "rsync --server -s --iconv=latin1", "rsync|.|x", NULL, "--iconv" },
	{ "rsync --server -s", "rsync|--iconv=utf8|.|x", NULL, "--iconv" },
	{ "rsync --server -s", "rsync|--iconv|utf8|.|x", NULL, "--iconv" },
	{ "rsync --sender -s", "rsync|.|x", NULL, "--server" },
};

START_TEST(test_join)
{
	struct words w = split(joins[_i].cmd);
	char protbuf[256], *prot[16], *p, **out, got[512], err[256] = "";
	size_t nprot = 0, nout, i;
	int rv;

	strlcpy(protbuf, joins[_i].prot, sizeof(protbuf));
	for (p = protbuf; *protbuf != '\0' && p != NULL && nprot < 16; )
		prot[nprot++] = strsep(&p, "|");
	prot[nprot] = NULL;
	rv = secluded_join(w.v, w.n, prot, nprot, &out, &nout, err,
	    sizeof(err));
	if (joins[_i].want == NULL) {
		ck_assert_msg(rv == -1 && out == NULL, "%s + %s: joined",
		    joins[_i].cmd, joins[_i].prot);
		ck_assert_msg(strstr(err, joins[_i].why) != NULL &&
		    strchr(err, '\n') == NULL, "%s: reason \"%s\" lacks \"%s\"",
		    joins[_i].cmd, err, joins[_i].why);
	} else {
		ck_assert_msg(rv == 0, "%s + %s: %s", joins[_i].cmd,
		    joins[_i].prot, err);
		got[0] = '\0';
		for (i = 0; i < nout; i++) {
			if (i > 0)
				strlcat(got, " ", sizeof(got));
			strlcat(got, out[i], sizeof(got));
		}
		ck_assert_ptr_null(out[nout]);
		ck_assert_str_eq(got, joins[_i].want);
		free(out);
	}
	words_free(&w);
}
END_TEST

/* --- the corpus ------------------------------------------------------- */

static struct sc_row rows[SC_MAXROWS];
static int nrows;

START_TEST(test_corpus_present)
{
	ck_assert_msg(nrows >= 40, "%s: %d rows read (run from the top of "
	    "the tree)", SC_CORPUS, nrows);
}
END_TEST

/* The joined words are the words of the request without -s. */
static void
same_as_plain(const struct sc_row *r, char **out, size_t nout)
{
	struct words p;
	char err[256];
	size_t i;

	if (words_split(r->plain, &p, err, sizeof(err)) == -1) {
		/* Refused by the splitter (a newline): rsync_check refuses
		   the same word with -s. */
		ck_assert_msg(r->verdict == SC_DENY, "line %d: plain: %s",
		    r->line, err);
		return;
	}
	ck_assert_msg(p.n == nout, "line %d: %zu words, %zu without -s",
	    r->line, nout, p.n);
	for (i = 0; i < nout; i++)
		ck_assert_msg(strcmp(out[i], p.v[i]) == 0, "line %d: word %zu "
		    "is \"%s\", \"%s\" without -s", r->line, i, out[i], p.v[i]);
	words_free(&p);
}

START_TEST(test_corpus)
{
	const struct sc_row *r = &rows[_i];
	struct rsync_req req;
	char buf[sizeof(r->in)], *prot[256], **out, err[256] = "";
	struct words w = split(r->cmd);
	size_t nout;
	int nprot, rv;

	ck_assert_msg(secluded_asked(w.v, w.n), "line %d: -s not seen",
	    r->line);
	if ((nprot = sc_strings(r, buf, prot, 255)) == -1) {
		/* No empty string: the reader refuses (test_protargs.c). */
		ck_assert(r->verdict == SC_DENY);
		words_free(&w);
		return;
	}
	prot[nprot] = NULL;
	rv = secluded_join(w.v, w.n, prot, (size_t)nprot, &out, &nout, err,
	    sizeof(err));
	if (rv == 0) {
		if (r->plain[0] != '\0')
			same_as_plain(r, out, nout);
		rv = rsync_check(out, nout, ANY, &req, err, sizeof(err));
		if (rv == 0)
			rsync_req_free(&req);
		free(out);
	}
	if (r->verdict == SC_PERMIT)
		ck_assert_msg(rv == 0, "line %d (%s): %s", r->line, r->opts,
		    err);
	else if (rv == -1)
		ck_assert_msg(strstr(err, r->why) != NULL, "line %d: reason "
		    "\"%s\" lacks \"%s\"", r->line, err, r->why);
	/* else refused by the path module, out of the grammar's sight */
	words_free(&w);
}
END_TEST

Suite *
make_suite_secluded(void)
{
	Suite *s = suite_create("secluded");
	TCase *tc = tcase_create("grammar");

	nrows = sc_load(rows, SC_MAXROWS);
	tcase_add_loop_test(tc, test_asked, 0, NROWS(asks));
	tcase_add_loop_test(tc, test_join, 0, NROWS(joins));
	tcase_add_test(tc, test_corpus_present);
	tcase_add_loop_test(tc, test_corpus, 0, nrows > 0 ? nrows : 0);
	suite_add_tcase(s, tc);
	return s;
}
