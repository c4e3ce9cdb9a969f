/*
 * Tests of the strict logfmt reader itself (rshell/logfmt.c), which
 * test_log.c, the harness and rshell-report read every log line with.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "logfmt.h"

Suite	*make_suite_logfmt(void);

/*
 * What is not strict logfmt is refused, with the offset of the first byte
 * at fault and a reason naming the rule.
 */
static const struct {
	const char	*line;
	size_t		 off;
	const char	*why;
} badlines[] = {
	{ "", 0, "empty line" },
	{ "a", 1, "expected '='" },
	{ "a=", 2, "empty bare value" },
	{ "=b", 0, "expected a key" },
	{ " a=b", 0, "expected a key" },
	{ "A=b", 0, "expected a key" },
	{ "a=b ", 4, "a blank at the end" },
	{ "a=b  c=d", 4, "more than one blank" },
	{ "a=b c", 5, "expected '='" },
	{ "a=\"b", 4, "unterminated" },
	{ "a=\"b\"c", 5, "expected a blank" },
	{ "a=b\"c", 3, "in a bare value" },
	{ "a=b=c", 3, "in a bare value" },
	{ "a=\\", 2, "in a bare value" },
	{ "a=\"\\q\"", 3, "unknown escape" },
	{ "a=\"\\", 3, "unknown escape" },
	{ "a=\"\\x4\"", 3, "bad \\x escape" },
	{ "a=\"\\x4a\"", 3, "bad \\x escape" },
	{ "a=\"x\ty\"", 4, "raw control byte" },
	{ "a=b\x7f", 3, "raw control byte" },
	{ "a=\xff", 2, "invalid UTF-8" },
	{ "a=\"\xc2\x85\"", 3, "C1 control" },
	{ "a=\"\xc0\xaf\"", 3, "invalid UTF-8" },
	{ "a=\"\xed\xa0\x80\"", 3, "invalid UTF-8" },
	{ "a=\"\xe6\x97\"", 3, "invalid UTF-8" },
	{ "a=\xf4\x90\x80\x80", 2, "invalid UTF-8" },
};

START_TEST(test_parser_refuses)
{
	struct logfmt_rec lr;
	const char *line = badlines[_i].line, *why = NULL;
	size_t off = 0;

	ck_assert_msg(logfmt_parse(line, strlen(line), &lr, &why, &off) == -1,
	    "took [%s]", line);
	ck_assert_msg(off == badlines[_i].off && why != NULL &&
	    strstr(why, badlines[_i].why) != NULL, "[%s]: at %zu (%s), want "
	    "%zu (%s)", line, off, why, badlines[_i].off, badlines[_i].why);
	ck_assert_uint_eq(lr.n, 0);
	ck_assert_ptr_null(lr.buf);
}
END_TEST

/* What it takes, exactly; and its limits. */
START_TEST(test_parser_takes)
{
	static const char nul[] = "a=b\0c=d";
	struct logfmt_rec lr;
	const char *why, *p;
	char *many, *m;
	size_t off, i;

	p = "a=b c=\"d e\" f=\"\"";
	ck_assert_uint_eq(h_log_parse(p, strlen(p), &lr), 3);
	ck_assert_str_eq(lr.f[1].val, "d e");
	ck_assert_uint_eq(lr.f[2].vlen, 0);
	ck_assert_str_eq(logfmt_get(&lr, "c"), "d e");
	ck_assert_ptr_null(logfmt_get(&lr, "d"));
	logfmt_free(&lr);
	logfmt_free(&lr);		/* twice is harmless */
	p = "k=caf\xc3\xa9 v=\"\\x00\\\"\\\\\\x7F\"";
	ck_assert_uint_eq(h_log_parse(p, strlen(p), &lr), 2);
	ck_assert_str_eq(lr.f[0].val, "caf\xc3\xa9");
	ck_assert_uint_eq(lr.f[1].vlen, 4);
	ck_assert(memcmp(lr.f[1].val, "\0\"\\\x7f", 4) == 0);
	logfmt_free(&lr);
	/* a NUL is a raw control byte like any other */
	ck_assert_int_eq(logfmt_parse(nul, sizeof(nul) - 1, &lr, &why, &off),
	    -1);
	ck_assert_uint_eq(off, 3);
	/* LOGFMT_MAXFIELDS fields, not one more */
	ck_assert_ptr_nonnull(many = malloc(4 * (LOGFMT_MAXFIELDS + 1) + 1));
	for (m = many, i = 0; i <= LOGFMT_MAXFIELDS; i++)
		m = stpcpy(m, "k=v ");
	m[-1] = '\0';
	ck_assert_int_eq(logfmt_parse(many, strlen(many), &lr, &why, &off),
	    -1);
	ck_assert_uint_eq(off, 4 * LOGFMT_MAXFIELDS);
	ck_assert_str_eq(why, "too many fields");
	many[4 * LOGFMT_MAXFIELDS - 1] = '\0';
	ck_assert_uint_eq(h_log_parse(many, strlen(many), &lr),
	    LOGFMT_MAXFIELDS);
	logfmt_free(&lr);
	free(many);
}
END_TEST

Suite *
make_suite_logfmt(void)
{
	Suite *s = suite_create("logfmt");
	TCase *tc;

	tc = tcase_create("reader");
	tcase_add_loop_test(tc, test_parser_refuses, 0, NROWS(badlines));
	tcase_add_test(tc, test_parser_takes);
	suite_add_tcase(s, tc);
	return s;
}
