/*
 * Tests for the listings' field formats on their own (list_fmt.c): sizes
 * as du -h and -k print them, modes, times as ls -l shows them, and the
 * escaping of names, flushed through a buffer smaller than the names.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "harness.h"
#include "list.h"
#include "list_fmt.h"

Suite	*make_suite_list_fmt(void);

static const struct {
	uint64_t	 v;
	const char	*human, *kib;
} sizes[] = {
	{ 0, "0", "0" },
	{ 1, "1", "1" },
	{ 512, "512", "1" },
	{ 1023, "1023", "1" },
	{ 1024, "1.0K", "1" },
	{ 1025, "1.1K", "2" },
	{ 1536, "1.5K", "2" },
	{ 4096, "4.0K", "4" },
	{ 10239, "10K", "10" },
	{ 10240, "10K", "10" },
	{ 10241, "11K", "11" },
	{ 1047552, "1023K", "1023" },
	{ 1048063, "1.0M", "1024" },
	{ 1048576, "1.0M", "1024" },
	{ 1048577, "1.1M", "1025" },
	{ 1572864, "1.5M", "1536" },
	{ 9437185, "9.1M", "9217" },
	{ 10485759, "10M", "10240" },
	{ 1073741823, "1.0G", "1048576" },
	{ 1099511627776ULL, "1.0T", "1073741824" },
	{ UINT64_MAX, "16E", "18014398509481984" },
};

START_TEST(test_sizes)
{
	char buf[LIST_NUMLEN];

	list_fmt_human(sizes[_i].v, buf, sizeof(buf));
	ck_assert_str_eq(buf, sizes[_i].human);
	list_fmt_kib(sizes[_i].v, buf, sizeof(buf));
	ck_assert_str_eq(buf, sizes[_i].kib);
}
END_TEST

static const struct {
	mode_t		 m;
	const char	*s;
} modes[] = {
	{ S_IFREG | 0644, "-rw-r--r--" },
	{ S_IFDIR | 0755, "drwxr-xr-x" },
	{ S_IFDIR | 01777, "drwxrwxrwt" },
	{ S_IFDIR | 01776, "drwxrwxrwT" },
	{ S_IFREG | 04755, "-rwsr-xr-x" },
	{ S_IFREG | 04644, "-rwSr--r--" },
	{ S_IFREG | 02755, "-rwxr-sr-x" },
	{ S_IFREG | 02745, "-rwxr-Sr-x" },
	{ S_IFLNK | 0777, "lrwxrwxrwx" },
	{ S_IFIFO | 0600, "prw-------" },
	{ S_IFSOCK | 0755, "srwxr-xr-x" },
	{ S_IFCHR | 0620, "crw--w----" },
	{ S_IFBLK | 0660, "brw-rw----" },
	{ 0, "?---------" },
};

START_TEST(test_modes)
{
	char buf[16];

	list_fmt_mode(modes[_i].m, buf, sizeof(buf));
	ck_assert_str_eq(buf, modes[_i].s);
}
END_TEST

static const struct {
	long		 off;	/* from now, seconds */
	int		 recent;
} times[] = {
	{ -60, 1 },
	{ -86400 * 30, 1 },
	{ -15778476 + 2, 1 },	/* just within six months */
	{ -15778476 - 1, 0 },
	{ -86400 * 400, 0 },
	{ 86400, 0 },		/* in the future */
};

START_TEST(test_times)
{
	struct timespec now, t;
	char buf[LIST_TIMELEN], want[64];
	struct tm tm;

	setenv("TZ", "UTC", 1);
	tzset();
	clock_gettime(CLOCK_REALTIME, &now);
	t.tv_sec = now.tv_sec + times[_i].off;
	t.tv_nsec = 0;
	gmtime_r(&t.tv_sec, &tm);
	strftime(want, sizeof(want), times[_i].recent ? "%b %e %H:%M" :
	    "%b %e  %Y", &tm);
	list_fmt_time(&t, &now, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
}
END_TEST

static const struct {
	const char	*in, *out;
} escapes[] = {
	{ "plain", "plain" },
	{ "sp ace", "sp ace" },
	{ "a\nb", "a\\nb" },
	{ "\t\r\a\b\f\v", "\\t\\r\\a\\b\\f\\v" },
	{ "esc\033[0m", "esc\\033[0m" },
	{ "\x01\x1f", "\\001\\037" },
	{ "del\x7f", "del\\177" },
	{ "back\\slash", "back\\\\slash" },
	{ "caf\xc3\xa9", "caf\xc3\xa9" },
	{ "\xe2\x82\xac\xf0\x9f\x98\x80", "\xe2\x82\xac\xf0\x9f\x98\x80" },
	{ "bad\xff", "bad\\377" },
	{ "\xc3", "\\303" },			/* cut short */
	{ "\xc3(", "\\303(" },
	{ "\xc0\xaf", "\\300\\257" },		/* overlong */
	{ "\xe0\x80\xaf", "\\340\\200\\257" },	/* overlong */
	{ "\xed\xa0\x80", "\\355\\240\\200" },	/* surrogate */
	{ "\xf4\x90\x80\x80", "\\364\\220\\200\\200" }, /* > U+10FFFF */
	{ "\xc2\x9b" "31m", "\\302\\23331m" },	/* C1 CSI */
	{ "\xc2\xa0", "\xc2\xa0" },		/* U+00A0 is fine */
};

START_TEST(test_escapes)
{
	struct listout o;
	char buf[3];		/* smaller than most names: flushes midway */
	char got[256];
	FILE *f;
	size_t n;

	ck_assert_ptr_nonnull(f = tmpfile());
	list_out_init(&o, fileno(f), buf, sizeof(buf));
	list_out_name(&o, escapes[_i].in);
	ck_assert_int_eq(list_out_flush(&o), 0);
	rewind(f);
	n = fread(got, 1, sizeof(got), f);
	ck_assert_uint_lt(n, sizeof(got));
	got[n] = '\0';
	ck_assert_str_eq(got, escapes[_i].out);
	fclose(f);
}
END_TEST

Suite *
make_suite_list_fmt(void)
{
	Suite *s = suite_create("list_fmt");
	TCase *tc;

	tc = tcase_create("format");
	tcase_add_loop_test(tc, test_sizes, 0, NROWS(sizes));
	tcase_add_loop_test(tc, test_modes, 0, NROWS(modes));
	tcase_add_loop_test(tc, test_times, 0, NROWS(times));
	tcase_add_loop_test(tc, test_escapes, 0, NROWS(escapes));
	suite_add_tcase(s, tc);
	return s;
}
