/* Tests for words_split(): sh quoting without expansion. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "words.h"

Suite	*make_suite_words(void);

#define MAXW		8

struct okrow {
	const char	*in;
	size_t		 n;
	const char	*want[MAXW];
};

static const struct okrow okrows[] = {
	/* empty and trivial */
	{ "", 0, { NULL } },
	{ " \t  \t", 0, { NULL } },
	{ "rsync", 1, { "rsync" } },
	{ "a b c", 3, { "a", "b", "c" } },
	/* multiple, leading and trailing blanks; tab separates */
	{ "  a   b\t\tc \t ", 3, { "a", "b", "c" } },
	{ "a\tb", 2, { "a", "b" } },
	/* quoted */
	{ "'a b'", 1, { "a b" } },
	{ "\"a b\"", 1, { "a b" } },
	{ "'a\"b'", 1, { "a\"b" } },
	{ "\"a'b\"", 1, { "a'b" } },
	{ "'a\\b'", 1, { "a\\b" } },
	{ "'a\\'", 1, { "a\\" } },
	{ "'a;b|c&d<e>f(g)'", 1, { "a;b|c&d<e>f(g)" } },
	{ "\"a;b|c&d<e>f(g)\"", 1, { "a;b|c&d<e>f(g)" } },
	/* escaped */
	{ "a\\ b", 1, { "a b" } },
	{ "\\ ", 1, { " " } },
	{ "\\\\", 1, { "\\" } },
	{ "\\'", 1, { "'" } },
	{ "\\\"", 1, { "\"" } },
	{ "\\a", 1, { "a" } },
	{ "a\\;b \\|\\&\\<\\>\\(\\)", 2, { "a;b", "|&<>()" } },
	{ "\\$HOME \\`id\\`", 2, { "$HOME", "`id`" } },
	/* quoted and escaped */
	{ "\"a\\\\b\"", 1, { "a\\b" } },
	{ "\"a\\\"b\"", 1, { "a\"b" } },
	{ "\"\\$HOME\"", 1, { "$HOME" } },
	{ "\"\\`id\\`\"", 1, { "`id`" } },
	{ "\"\\a\\'\\ \"", 1, { "\\a\\'\\ " } },
	{ "\"a\\\\\"", 1, { "a\\" } },
	/* mixed adjacent quoting makes one word */
	{ "a'b'\"c\"", 1, { "abc" } },
	{ "\"a b\"'c d'e\\ f", 1, { "a bc de f" } },
	/* empty words */
	{ "''", 1, { "" } },
	{ "\"\"", 1, { "" } },
	{ "\"\"''", 1, { "" } },
	{ "a '' b", 3, { "a", "", "b" } },
	{ "a \"\" b", 3, { "a", "", "b" } },
	/* $ and ` are literal inside single quotes */
	{ "'$HOME' '`id`' '$(id)'", 3, { "$HOME", "`id`", "$(id)" } },
	/* ~ and # are literal when quoted, escaped or not word-initial */
	{ "\\~ '~' \"~\" a~b", 4, { "~", "~", "~", "a~b" } },
	{ "\\#x '#' a#b", 3, { "#x", "#", "a#b" } },
	{ "''~ ''#", 2, { "~", "#" } },
	/* glob and other characters are kept literally */
	{ "*.txt ? [ab] {x,y} ! a=b ]", 7,
	    { "*.txt", "?", "[ab]", "{x,y}", "!", "a=b", "]" } },
	/* rsync's own escaping */
	{ "rsync --server --sender -logDtprze.iLsfxCIvu . dir\\ with\\ space/",
	    6, { "rsync", "--server", "--sender", "-logDtprze.iLsfxCIvu", ".",
	    "dir with space/" } },
	{ "--usermap=\\*:backup --groupmap=\\*:backup", 2,
	    { "--usermap=*:backup", "--groupmap=*:backup" } },
	/* UTF-8 and other high bytes pass through */
	{ "caf\xc3\xa9 '\xe2\x82\xac' \\\xc3\xa9 \xff", 4,
	    { "caf\xc3\xa9", "\xe2\x82\xac", "\xc3\xa9", "\xff" } },
};

/*
 * An unquoted "~" alone or before '/': sh expands it to the account's
 * home, rshell keeps it for the policy, which maps it to DIRECTORY.
 */
static const struct okrow tilderows[] = {
	{ "~", 1, { "~" } },
	{ "ls ~", 2, { "ls", "~" } },
	{ "ls ~/", 2, { "ls", "~/" } },
	{ "ls ~/x", 2, { "ls", "~/x" } },
	{ "ls\t~\t~/a/b/", 3, { "ls", "~", "~/a/b/" } },
	{ "ls ~/'a b'/~/c", 2, { "ls", "~/a b/~/c" } },
	{ "rsync --server . ~/backup/", 4,
	    { "rsync", "--server", ".", "~/backup/" } },
	{ "ls ~//x", 2, { "ls", "~//x" } },
};

struct badrow {
	const char	*in;
	const char	*what;	/* the reason must mention this */
	int		 off;	/* ... and "offset off" */
};

static const struct badrow badrows[] = {
	/* unquoted metacharacters */
	{ "a;b", ";", 1 },
	{ "a | b", "|", 2 },
	{ "a&", "&", 1 },
	{ "a <b", "<", 2 },
	{ ">b", ">", 0 },
	{ "(a", "(", 0 },
	{ "a)", ")", 1 },
	{ "a $HOME", "$", 2 },
	{ "`id`", "`", 0 },
	/* $ and ` unescaped inside double quotes */
	{ "\"$HOME\"", "$", 1 },
	{ "\"a`id`\"", "`", 2 },
	/* control bytes, quoted or not */
	{ "a\nb", "0x0a", 1 },
	{ "a\rb", "0x0d", 1 },
	{ "a\x1b[31m", "0x1b", 1 },
	{ "a\x7f", "0x7f", 1 },
	{ "\x01", "0x01", 0 },
	{ "a \x1f", "0x1f", 2 },
	{ "'a\tb'", "0x09", 2 },
	{ "\"a\tb\"", "0x09", 2 },
	{ "'a\nb'", "0x0a", 2 },
	{ "\"a\nb\"", "0x0a", 2 },
	{ "a\\\tb", "0x09", 2 },
	{ "a\\\nb", "0x0a", 2 },
	{ "\"a\\\nb\"", "0x0a", 3 },
	/* tilde and a name, and comment, at word start */
	{ "~root", "~", 0 },
	{ "ls ~root/x", "~", 3 },
	{ "ls ~x", "~", 3 },
	{ "ls ~'x'/", "~", 3 },
	{ "ls ~\\/x", "~", 3 },
	{ "ls ~~", "~", 3 },
	{ "ls ~.", "~", 3 },
	{ "ls ~-", "~", 3 },
	{ "ls ~+/x", "~", 3 },
	{ "#", "#", 0 },
	{ "a #comment", "#", 2 },
	/* unterminated quotes, trailing backslash */
	{ "'abc", "single quote", 0 },
	{ "a 'b\"c", "single quote", 2 },
	{ "\"abc", "double quote", 0 },
	{ "a\"b'c", "double quote", 1 },
	{ "\"a\\\"", "double quote", 0 },
	{ "a\\", "backslash", 1 },
};

static void
check_words(const struct words *w, const struct okrow *r)
{
	size_t i;

	ck_assert_msg(w->n == r->n, "\"%s\": %zu words, want %zu", r->in,
	    w->n, r->n);
	ck_assert_ptr_nonnull(w->v);
	for (i = 0; i < r->n; i++)
		ck_assert_msg(w->v[i] != NULL && strcmp(w->v[i], r->want[i])
		    == 0, "\"%s\": word %zu is \"%s\", want \"%s\"", r->in, i,
		    w->v[i] ? w->v[i] : "(null)", r->want[i]);
	ck_assert_ptr_null(w->v[r->n]);
}

START_TEST(test_ok)
{
	const struct okrow *r = &okrows[_i];
	struct words w;
	char err[256] = "";

	ck_assert_msg(words_split(r->in, &w, err, sizeof(err)) == 0,
	    "\"%s\" refused: %s", r->in, err);
	check_words(&w, r);
	words_free(&w);
	ck_assert_ptr_null(w.v);
	ck_assert_uint_eq(w.n, 0);
	words_free(&w);		/* harmless twice */
}
END_TEST

/*
 * The splitter claims to split exactly as sh does: ask sh.  Globbing is
 * off, so what sh prints for each accepted row is its word list.
 */
START_TEST(test_sh_agrees)
{
	const struct okrow *r = &okrows[_i];
	char cmd[512], *argv[] = { "sh", "-c", cmd, NULL };
	const char *p, *end;
	struct h_res res;
	size_t i;
	int n;

	n = snprintf(cmd, sizeof(cmd), "set -f; printf '%%s\\0' X %s", r->in);
	ck_assert(n > 0 && (size_t)n < sizeof(cmd));
	h_run(&res, "/bin/sh", argv, NULL);
	ck_assert_msg(res.status == 0, "sh: exit %d: %s", res.status, res.err);
	end = res.out + res.outlen;
	ck_assert(res.outlen >= 2 && end[-1] == '\0');
	ck_assert_str_eq(res.out, "X");
	p = res.out + 2;
	for (i = 0; i < r->n; i++) {
		ck_assert_msg(p < end, "\"%s\": sh made fewer words", r->in);
		ck_assert_str_eq(p, r->want[i]);
		p += strlen(p) + 1;
	}
	ck_assert_msg(p == end, "\"%s\": sh made more words", r->in);
	h_res_free(&res);
}
END_TEST

START_TEST(test_tilde)
{
	const struct okrow *r = &tilderows[_i];
	struct words w;
	char err[256] = "";

	ck_assert_msg(words_split(r->in, &w, err, sizeof(err)) == 0,
	    "\"%s\" refused: %s", r->in, err);
	check_words(&w, r);
	words_free(&w);
}
END_TEST

/* sh agrees, but for the home it puts where rshell leaves the "~". */
START_TEST(test_sh_tilde)
{
	const struct okrow *r = &tilderows[_i];
	char cmd[512], out[1024], *p;
	size_t len, i;
	FILE *fp;
	int n;

	n = snprintf(cmd, sizeof(cmd), "HOME=@HOME@; set -f; "
	    "printf '%%s\\0' X %s", r->in);
	ck_assert(n > 0 && (size_t)n < sizeof(cmd));
	ck_assert_ptr_nonnull(fp = popen(cmd, "r"));
	len = fread(out, 1, sizeof(out), fp);
	ck_assert_int_eq(pclose(fp), 0);
	ck_assert(len < sizeof(out) && len >= 2 && out[len - 1] == '\0');
	p = out + 2;
	for (i = 0; i < r->n; i++) {
		ck_assert_msg(p < out + len, "\"%s\": sh made fewer words",
		    r->in);
		if (strncmp(p, "@HOME@", 6) == 0) {
			ck_assert_msg(r->want[i][0] == '~', "\"%s\": sh "
			    "expanded word %zu", r->in, i);
			ck_assert_str_eq(p + 6, r->want[i] + 1);
		} else
			ck_assert_str_eq(p, r->want[i]);
		p += strlen(p) + 1;
	}
	ck_assert_msg(p == out + len, "\"%s\": sh made more words", r->in);
}
END_TEST

START_TEST(test_refused)
{
	const struct badrow *r = &badrows[_i];
	struct words w;
	char err[256] = "", off[32];

	ck_assert_msg(words_split(r->in, &w, err, sizeof(err)) == -1,
	    "\"%s\" accepted", r->in);
	ck_assert_ptr_null(w.v);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_msg(err[0] != '\0', "\"%s\": empty reason", r->in);
	ck_assert_ptr_null(strchr(err, '\n'));
	ck_assert_msg(strstr(err, r->what) != NULL,
	    "\"%s\": reason \"%s\" does not mention \"%s\"", r->in, err,
	    r->what);
	snprintf(off, sizeof(off), "offset %d", r->off);
	ck_assert_msg(strstr(err, off) != NULL,
	    "\"%s\": reason \"%s\" does not say \"%s\"", r->in, err, off);
}
END_TEST

/* A string of n words "a a a ...". */
static char *
nwords(size_t n)
{
	char *s;
	size_t i;

	ck_assert_ptr_nonnull(s = malloc(2 * n + 1));
	for (i = 0; i < n; i++) {
		s[2 * i] = 'a';
		s[2 * i + 1] = ' ';
	}
	s[2 * n] = '\0';
	return s;
}

START_TEST(test_maxwords)
{
	struct words w;
	char err[256] = "", *s;

	s = nwords(WORDS_MAXWORDS);
	ck_assert_msg(words_split(s, &w, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(w.n, WORDS_MAXWORDS);
	ck_assert_str_eq(w.v[WORDS_MAXWORDS - 1], "a");
	ck_assert_ptr_null(w.v[WORDS_MAXWORDS]);
	words_free(&w);
	free(s);

	s = nwords(WORDS_MAXWORDS + 1);
	ck_assert_int_eq(words_split(s, &w, err, sizeof(err)), -1);
	ck_assert_ptr_null(w.v);
	ck_assert_ptr_nonnull(strstr(err, "words"));
	free(s);
}
END_TEST

START_TEST(test_maxlen)
{
	struct words w;
	char err[256] = "", *s;

	ck_assert_ptr_nonnull(s = malloc(WORDS_MAXLEN + 2));
	memset(s, 'a', WORDS_MAXLEN);
	s[WORDS_MAXLEN] = '\0';
	ck_assert_msg(words_split(s, &w, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(w.n, 1);
	ck_assert_uint_eq(strlen(w.v[0]), WORDS_MAXLEN);
	ck_assert_ptr_null(w.v[1]);
	words_free(&w);

	s[WORDS_MAXLEN] = 'a';
	s[WORDS_MAXLEN + 1] = '\0';
	ck_assert_int_eq(words_split(s, &w, err, sizeof(err)), -1);
	ck_assert_ptr_null(w.v);
	ck_assert_ptr_nonnull(strstr(err, "longer"));
	free(s);
}
END_TEST

/* The reason is cut to the caller's buffer, and no buffer is fine too. */
START_TEST(test_small_err)
{
	struct words w;
	char err[6];

	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(words_split("a;b", &w, err, 5), -1);
	ck_assert_uint_eq(strlen(err), 4);
	ck_assert_int_eq(err[5], 'x');
	ck_assert_int_eq(words_split("a;b", &w, NULL, 0), -1);
	ck_assert_ptr_null(w.v);
	ck_assert_int_eq(words_split(NULL, &w, err, sizeof(err)), -1);
	ck_assert_ptr_null(w.v);
}
END_TEST

Suite *
make_suite_words(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("words");
	tc = tcase_create("split");
	tcase_add_loop_test(tc, test_ok, 0, NROWS(okrows));
	tcase_add_loop_test(tc, test_tilde, 0, NROWS(tilderows));
	tcase_add_loop_test(tc, test_refused, 0, NROWS(badrows));
	tcase_add_test(tc, test_maxwords);
	tcase_add_test(tc, test_maxlen);
	tcase_add_test(tc, test_small_err);
	suite_add_tcase(s, tc);
	tc = tcase_create("sh");
	tcase_add_loop_test(tc, test_sh_agrees, 0, NROWS(okrows));
	tcase_add_loop_test(tc, test_sh_tilde, 0, NROWS(tilderows));
	suite_add_tcase(s, tc);
	return s;
}
