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

/*
 * Every byte value at every place in a value and in a key, across the
 * word boundaries of the reader's scan: taken as it is where the format
 * lets it stand, else refused at that byte with the rule it breaks.
 */
static const char *
bare_fault(int b)
{
	if (b < 0x20 || b == 0x7f)
		return "raw control byte";
	if (b >= 0x80)
		return "invalid UTF-8";
	if (b == '"' || b == '=' || b == '\\')
		return "in a bare value";
	return NULL;
}

static void
expect(const char *line, size_t len, const char *want, size_t at,
    const char *val, size_t vlen)
{
	struct logfmt_rec lr;
	const char *why = NULL;
	size_t off = 0;
	int rc;

	rc = logfmt_parse(line, len, &lr, &why, &off);
	if (want != NULL) {
		ck_assert_msg(rc == -1 && off == at && strstr(why, want) !=
		    NULL, "[%.*s]: %d at %zu (%s), want %zu (%s)", (int)len,
		    line, rc, off, rc == -1 ? why : "-", at, want);
		return;
	}
	ck_assert_msg(rc == 0, "[%.*s] refused at %zu: %s", (int)len, line,
	    off, why);
	ck_assert_uint_eq(lr.n, 1);
	ck_assert_uint_eq(lr.f[0].klen, strlen(lr.f[0].key));
	ck_assert(lr.f[0].vlen == vlen && memcmp(lr.f[0].val, val, vlen) ==
	    0 && lr.f[0].val[vlen] == '\0' && !lr.f[0].nul);
	logfmt_free(&lr);
}

START_TEST(test_parser_each_byte)
{
	const int b = _i;
	char line[64];
	size_t i, n;

	for (i = 1; i <= 24; i++) {
		/* bare: k=vvv<b>vvvvvvvv */
		n = 2 + i + 1 + 8;
		memcpy(line, "k=", 2);
		memset(line + 2, 'v', n - 2);
		line[2 + i] = (char)b;
		if (b == ' ')
			expect(line, n, "expected '='", n, NULL, 0);
		else
			expect(line, n, bare_fault(b), 2 + i, line + 2, n - 2);
		/* quoted: k="vvv<b>vvvvvvvv" */
		n = 3 + i + 1 + 8 + 1;
		memcpy(line, "k=\"", 3);
		memset(line + 3, 'v', n - 4);
		line[3 + i] = (char)b;
		line[n - 1] = '"';
		if (b == '"')
			expect(line, n, "expected a blank", 3 + i + 1, NULL, 0);
		else if (b == '\\')
			expect(line, n, "unknown escape", 3 + i, NULL, 0);
		else
			expect(line, n, b == ' ' || b == '=' ? NULL :
			    bare_fault(b), 3 + i, line + 3, n - 4);
		/* key: kkk<b>kkkkkkkk=v */
		if (b == '=')
			continue;
		n = i + 1 + 8 + 2;
		memset(line, 'k', n - 2);
		line[i] = (char)b;
		memcpy(line + n - 2, "=v", 2);
		if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
		    b == '_')
			expect(line, n, NULL, 0, "v", 1);
		else
			expect(line, n, "expected '='", i, NULL, 0);
	}
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
	tcase_add_loop_test(tc, test_parser_each_byte, 0, 256);
	suite_add_tcase(s, tc);
	return s;
}
