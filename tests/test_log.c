/* Tests of the attempt log: logfmt escaping, line building, files. */
#include <sys/types.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <sys/resource.h>
#include <signal.h>
#include <sys/mount.h>
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "log.h"
#include "logfmt.h"

static const char *
escaped(const char *v)
{
	static char buf[4096];
	size_t n;

	n = log_escape(buf, sizeof(buf), v);
	ck_assert_uint_lt(n, sizeof(buf));
	ck_assert_uint_eq(n, strlen(buf));
	return buf;
}

/* ---- log_escape ---- */

static const struct {
	const char *in, *out;
} esc_cases[] = {
	{ "backup", "backup" },
	{ "/srv/backup/alice", "/srv/backup/alice" },
	{ "-", "-" },
	{ "", "\"\"" },
	{ "a b", "\"a b\"" },
	{ " ", "\" \"" },
	{ "say \"hi\"", "\"say \\\"hi\\\"\"" },
	{ "\"", "\"\\\"\"" },
	{ "a=b", "\"a=b\"" },
	{ "=", "\"=\"" },
	{ "a\\b", "\"a\\\\b\"" },
	{ "\\", "\"\\\\\"" },
	{ "a\nb", "\"a\\x0Ab\"" },
	{ "\n", "\"\\x0A\"" },
	{ "\r", "\"\\x0D\"" },
	{ "\x1b[2J", "\"\\x1B[2J\"" },
	{ "a\x7f", "\"a\\x7F\"" },
	{ "a\tb", "\"a\\x09b\"" },
	{ "\x01\x1f", "\"\\x01\\x1F\"" },
	/* invalid UTF-8 */
	{ "\xff", "\"\\xFF\"" },
	{ "\xfe", "\"\\xFE\"" },
	{ "ab\xc3", "\"ab\\xC3\"" },
	{ "\xc3x", "\"\\xC3x\"" },
	{ "\xc0\xaf", "\"\\xC0\\xAF\"" },
	{ "\xc1\xbf", "\"\\xC1\\xBF\"" },
	{ "\xe0\x80\xaf", "\"\\xE0\\x80\\xAF\"" },
	{ "\xf0\x8f\xbf\xbf", "\"\\xF0\\x8F\\xBF\\xBF\"" },
	{ "\xed\xa0\x80", "\"\\xED\\xA0\\x80\"" },
	{ "\xed\xbf\xbf", "\"\\xED\\xBF\\xBF\"" },
	{ "\xf4\x90\x80\x80", "\"\\xF4\\x90\\x80\\x80\"" },
	{ "\xf5\x80\x80\x80", "\"\\xF5\\x80\\x80\\x80\"" },
	{ "\xf8\x88\x80\x80\x80", "\"\\xF8\\x88\\x80\\x80\\x80\"" },
	{ "\x80", "\"\\x80\"" },
	{ "a\xbf" "b", "\"a\\xBFb\"" },
	{ "\xe6\x97", "\"\\xE6\\x97\"" },
	{ "\xe6\x97x", "\"\\xE6\\x97x\"" },
	{ "\xf0\x9f\x98", "\"\\xF0\\x9F\\x98\"" },
	/* C1 controls are controls even when well-formed */
	{ "\xc2\x85", "\"\\xC2\\x85\"" },
	{ "\xc2\x9b" "2J", "\"\\xC2\\x9B2J\"" },
	/* valid UTF-8 is kept, bare */
	{ "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9" },
	{ "\xe6\x97\xa5\xe6\x9c\xac", "\xe6\x97\xa5\xe6\x9c\xac" },
	{ "\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80" },
	{ "\xc2\xa0", "\xc2\xa0" },
	{ "\xed\x9f\xbf", "\xed\x9f\xbf" },
	{ "\xee\x80\x80", "\xee\x80\x80" },
	{ "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" },
	{ "\xc3\xa9\n", "\"\xc3\xa9\\x0A\"" },
	/* forged fields and lines */
	{ "x event=permit", "\"x event=permit\"" },
	{ "x\nTIME=1 event=permit", "\"x\\x0ATIME=1 event=permit\"" },
	{ "x\" event=\"permit", "\"x\\\" event=\\\"permit\"" },
	{ "x\\\" event=permit", "\"x\\\\\\\" event=permit\"" },
	{ "rsync --server -vlogDtpre.iLsfxCIvu . /",
	  "\"rsync --server -vlogDtpre.iLsfxCIvu . /\"" },
};

START_TEST(test_escape_table)
{
	const char *got;

	got = escaped(esc_cases[_i].in);
	ck_assert_msg(strcmp(got, esc_cases[_i].out) == 0,
	    "case %d: got [%s], want [%s]", _i, got, esc_cases[_i].out);
}
END_TEST

START_TEST(test_escape_truncation)
{
	const char *v = "a \"b\"\n";
	const char *full = "\"a \\\"b\\\"\\x0A\"";
	char buf[32];
	size_t want = strlen(full), sz;

	ck_assert_uint_eq(log_escape(NULL, 0, v), want);
	for (sz = 0; sz <= want + 1; sz++) {
		memset(buf, 'Z', sizeof(buf));
		ck_assert_uint_eq(log_escape(buf, sz, v), want);
		ck_assert_int_eq(buf[sz], 'Z');	/* nothing past dstlen */
		if (sz == 0)
			continue;
		ck_assert_uint_eq(strlen(buf), sz - 1);
		ck_assert(strncmp(buf, full, sz - 1) == 0);
	}
}
END_TEST

/* Values no client may use to break the log. */
static const char *const hostile[] = {
	"",
	"plain",
	"a b",
	"x event=permit",
	"x\nevent=permit user=root",
	"x\r\ntime=2020-01-01T00:00:00.000Z event=permit",
	"\x1b[2J\x1b]0;title\x07",
	"quote\" in \"middle",
	"back\\slash\\",
	"\\\"",
	"\\x41",
	"=",
	"==\"\"==",
	"\x7f\x01\x02\x1f",
	"\xff\xfe\xc0\xaf\xed\xa0\x80\x80\xc3",
	"\xc2\x85\xc2\x9b",
	"caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80",
	"-",
	"\"",
	" leading and trailing ",
	"tab\there",
};
#define NHOSTILE (sizeof(hostile) / sizeof(hostile[0]))

static void
assert_roundtrip(const char *v)
{
	static const char *const keys[] = { "time", "event", "cmd", "reason" };
	struct logline l;
	struct logfmt_rec lr;
	int i;

	/* H_ASSERT: test_roundtrip_random makes 20000 of these. */
	logline_init(&l, "deny");
	logline_add(&l, "cmd", v);
	logline_add(&l, "reason", v);
	H_ASSERT(!l.nomem, "out of memory");
	H_ASSERT(memchr(l.buf, '\n', l.len) == NULL, "a newline in [%s]",
	    l.buf);
	/* strict: also no raw control byte, C1 control or bad UTF-8 */
	H_ASSERT(h_log_parse(l.buf, l.len, &lr) == 4, "[%s]: %zu fields", l.buf,
	    lr.n);
	for (i = 0; i < 4; i++)
		H_ASSERT(strcmp(lr.f[i].key, keys[i]) == 0, "[%s]: field %d "
		    "is %s, want %s", l.buf, i, lr.f[i].key, keys[i]);
	for (i = 2; i < 4; i++)
		H_ASSERT(lr.f[i].vlen == strlen(v) &&
		    memcmp(lr.f[i].val, v, lr.f[i].vlen) == 0,
		    "[%s]: %s does not read back", l.buf, keys[i]);
	logfmt_free(&lr);
	logline_free(&l);
}

START_TEST(test_roundtrip_hostile)
{
	assert_roundtrip(hostile[_i]);
}
END_TEST

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random byte strings, biased towards the bytes that matter. */
START_TEST(test_roundtrip_random)
{
	static const unsigned char pick[] = {
		' ', '"', '=', '\\', '\n', '\r', '\t', 0x1b, 0x7f, 'a', 'x',
		0x80, 0x85, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xc3, 0xa9, 0xe0,
		0xed, 0xf0, 0xf4, 0x8f, 0x90, 0xff,
	};
	uint32_t seed = 0x2545f491;
	char v[48];
	size_t i, j, len;
	unsigned c;

	for (i = 0; i < 20000; i++) {
		len = rnd(&seed) % (sizeof(v) - 1);
		for (j = 0; j < len; j++) {
			c = rnd(&seed);
			if (c & 1)
				v[j] = (char)pick[(c >> 1) % sizeof(pick)];
			else
				v[j] = (char)(1 + (c >> 1) % 255);
		}
		v[len] = '\0';
		assert_roundtrip(v);
	}
}
END_TEST

/* ---- logline ---- */

/* YYYY-MM-DDTHH:MM:SS.mmmZ, and within a minute of now. */
static void
assert_time(const char *t, size_t len)
{
	static const char pat[] = "dddd-dd-ddTdd:dd:dd.dddZ";
	struct tm tm;
	char copy[32];
	time_t then;
	size_t i;

	ck_assert_uint_eq(len, 24);
	for (i = 0; i < len; i++) {
		if (pat[i] == 'd')
			ck_assert_msg(t[i] >= '0' && t[i] <= '9', "time %.*s",
			    (int)len, t);
		else
			ck_assert_int_eq(t[i], pat[i]);
	}
	memcpy(copy, t, len);
	copy[len] = '\0';
	memset(&tm, 0, sizeof(tm));
	ck_assert_ptr_nonnull(strptime(copy, "%Y-%m-%dT%H:%M:%S", &tm));
	then = timegm(&tm);
	ck_assert(llabs((long long)(time(NULL) - then)) <= 60);
}

START_TEST(test_logline_shape)
{
	struct logline l;
	struct logfmt_rec lr;
	const char *rest;

	logline_init(&l, "deny");
	logline_add(&l, "user", "bob");
	logline_add(&l, "cmd", "a b");
	ck_assert(!l.nomem);
	ck_assert_uint_eq(l.len, strlen(l.buf));
	ck_assert(strncmp(l.buf, "time=", 5) == 0);
	assert_time(l.buf + 5, strcspn(l.buf + 5, " "));
	rest = l.buf + 5 + 24;
	ck_assert_str_eq(rest, " event=deny user=bob cmd=\"a b\"");
	ck_assert_uint_eq(h_log_parse(l.buf, l.len, &lr), 4);
	logfmt_free(&lr);
	logline_free(&l);
	ck_assert_ptr_null(l.buf);
	logline_free(&l);		/* twice is harmless */

	logline_init(&l, "exit");
	logline_add(&l, "key", NULL);
	logline_add(&l, "forced", "");
	ck_assert_str_eq(l.buf + 5 + 24, " event=exit key=- forced=\"\"");
	logline_free(&l);
}
END_TEST

START_TEST(test_logline_addf)
{
	struct logline l;
	struct logfmt_rec lr;
	char *big;
	size_t n = 3000;	/* above LOGLINE_FMTBUF, under LOG_MAXVALUE */

	logline_init(&l, "exit");
	logline_addf(&l, "status", "%d", 0);
	logline_addf(&l, "ms", "%ld", 1234L);
	logline_addf(&l, "run", "%s %s", "ls", "-l");
	logline_addf(&l, "status", "signal=%s", "TERM");
	ck_assert_str_eq(l.buf + 5 + 24,
	    " event=exit status=0 ms=1234 run=\"ls -l\" status=\"signal=TERM\"");
	/* longer than the stack buffer: not cut, still escaped */
	big = malloc(n + 1);
	ck_assert_ptr_nonnull(big);
	memset(big, 'y', n);
	big[n] = '\0';
	big[10] = '\n';
	logline_addf(&l, "cmd", "<%s>", big);
	ck_assert(!l.nomem);
	ck_assert_uint_eq(h_log_parse(l.buf, l.len, &lr), 7);
	ck_assert_uint_eq(lr.f[6].vlen, n + 2);
	ck_assert_int_eq(lr.f[6].val[0], '<');
	ck_assert_int_eq(lr.f[6].val[11], '\n');
	ck_assert_int_eq(lr.f[6].val[n + 1], '>');
	logfmt_free(&lr);
	free(big);
	logline_free(&l);
}
END_TEST

/*
 * A client's 60 KiB of invalid UTF-8 does not make a 480 KB line: a value
 * is cut at LOG_MAXVALUE bytes and its length follows as KEY_bytes.
 */
START_TEST(test_logline_value_cap)
{
	struct logline l;
	struct logfmt_rec lr;
	char *big;
	size_t n = 60 * 1024;
	char want[32];

	ck_assert_ptr_nonnull(big = malloc(n + 1));
	memset(big, 0xff, n);
	big[n] = '\0';
	logline_init(&l, "deny");
	logline_add(&l, "cmd", big);
	logline_add(&l, "reason", "short");
	ck_assert(!l.nomem);
	ck_assert_msg(l.len < 4 * LOG_MAXVALUE + 256, "line of %zu bytes",
	    l.len);
	ck_assert_uint_eq(h_log_parse(l.buf, l.len, &lr), 5);
	ck_assert_str_eq(lr.f[2].key, "cmd");
	ck_assert_uint_eq(lr.f[2].vlen, LOG_MAXVALUE);
	ck_assert_str_eq(lr.f[3].key, "cmd_bytes");
	snprintf(want, sizeof(want), "%zu", n);
	ck_assert_str_eq(lr.f[3].val, want);
	ck_assert_str_eq(lr.f[4].key, "reason");
	logfmt_free(&lr);
	free(big);
	logline_free(&l);
}
END_TEST

/*
 * Syslog gets at most LOG_MAXSYSLOG bytes, marked where cut, with what
 * matters before the client's command: rsyslog cuts long lines itself.
 */
START_TEST(test_syslog_msg)
{
	char msg[LOG_MAXSYSLOG + 64], *big;
	struct logline l;
	size_t n;

	ck_assert_ptr_nonnull(big = malloc(3000));
	memset(big, 'c', 2999);
	big[2999] = '\0';
	logline_init(&l, "permit");
	logline_add(&l, "user", "bob");
	logline_add(&l, "cmd", big);
	logline_add(&l, "forced", big);
	logline_add(&l, "run", "/usr/bin/rsync --server . x");
	n = log_syslog_msg(&l, msg, sizeof(msg));
	ck_assert_uint_le(n, LOG_MAXSYSLOG);
	ck_assert_uint_eq(strlen(msg), n);
	ck_assert(strncmp(msg, "<85>", 4) == 0);
	ck_assert_ptr_null(strstr(msg, "time="));
	ck_assert_ptr_nonnull(strstr(msg, "event=permit user=bob run="));
	ck_assert(strstr(msg, "run=") < strstr(msg, "cmd="));
	ck_assert_str_eq(msg + n - 6, " [cut]");
	/* a short line is whole */
	logline_free(&l);
	logline_init(&l, "deny");
	logline_add(&l, "cmd", "id");
	logline_add(&l, "reason", "command not allowed");
	n = log_syslog_msg(&l, msg, sizeof(msg));
	ck_assert_ptr_nonnull(strstr(msg, "event=deny reason=\"command not "
	    "allowed\" cmd=id"));
	ck_assert_int_eq(msg[n - 1], 'd');
	logline_free(&l);
	free(big);
}
END_TEST

/* Growth by doubling keeps every field intact. */
START_TEST(test_logline_growth)
{
	struct logline l;
	struct logfmt_rec lr;
	char key[16], val[128];
	int i;

	logline_init(&l, "permit");
	for (i = 0; i < 30; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		snprintf(val, sizeof(val), "v%d %0*d", i, 60, i);
		logline_add(&l, key, val);
	}
	ck_assert(!l.nomem);
	ck_assert_uint_ge(l.cap, l.len + 2);
	ck_assert_uint_eq(h_log_parse(l.buf, l.len, &lr), 32);
	for (i = 0; i < 30; i++) {
		snprintf(val, sizeof(val), "v%d %0*d", i, 60, i);
		ck_assert_str_eq(lr.f[i + 2].val, val);
	}
	logfmt_free(&lr);
	logline_free(&l);
}
END_TEST

START_TEST(test_logline_nomem_sticks)
{
	struct logline l;
	size_t len;

	logline_init(&l, "deny");
	len = l.len;
	l.nomem = 1;
	logline_add(&l, "user", "bob");
	logline_addf(&l, "uid", "%d", 1000);
	ck_assert_uint_eq(l.len, len);
	logline_free(&l);
}
END_TEST

/* ---- files ---- */

static char tmpdir[256];

static void
mktmp(void)
{
	const char *t = getenv("TMPDIR");
	int n;

	n = snprintf(tmpdir, sizeof(tmpdir), "%s/test_log.XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	ck_assert(n > 0 && (size_t)n < sizeof(tmpdir));
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void
tmppath(char *buf, size_t len, const char *name)
{
	int n;

	n = snprintf(buf, len, "%s/%s", tmpdir, name);
	ck_assert(n > 0 && (size_t)n < len);
}

/* Remove what the tests made; the directory holds no subdirectories. */
static void
rmtmp(void)
{
	static const char *const names[] = {
		"log", "log2", "target", "link", "dir", "fifo",
	};
	char p[512];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		tmppath(p, sizeof(p), names[i]);
		if (unlink(p) == -1)
			rmdir(p);
	}
	rmdir(tmpdir);
}

/* Read a whole file into a NUL-terminated buffer. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf;
	ssize_t n;
	size_t off = 0;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	while (off < (size_t)st.st_size) {
		n = read(fd, buf + off, (size_t)st.st_size - off);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*lenp = off;
	return buf;
}

/* Split buf into lines in place; every line must end in '\n'. */
static size_t
splitlines(char *buf, size_t len, char **lines, size_t max)
{
	size_t n = 0;
	char *p = buf, *nl;

	if (len > 0)
		ck_assert_int_eq(buf[len - 1], '\n');
	while (p < buf + len) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		H_ASSERT(nl != NULL, "a line without a newline");
		*nl = '\0';
		if (n < max)
			lines[n] = p;
		n++;
		p = nl + 1;
	}
	return n;
}

START_TEST(test_file_three_lines)
{
	static const char *const vals[] = {
		"plain", "a\nb\nc", "\x1b[31mred\x1b[0m \"q\" k=v \xff\xc0\xaf",
	};
	struct logsink s;
	struct logline l;
	struct stat st;
	struct logfmt_rec lr;
	char path[512], err[256], *paths[1], *buf, *lines[8];
	size_t len, n, i;
	mode_t old;

	tmppath(path, sizeof(path), "log");
	paths[0] = path;
	old = umask(0);
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), 0);
	umask(old);
	ck_assert_uint_eq(s.nfd, 1);
	ck_assert_int_ne(fcntl(s.fd[0], F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_ne(fcntl(s.fd[0], F_GETFL) & O_APPEND, 0);
	ck_assert_int_eq(fcntl(s.fd[0], F_GETFL) & O_NONBLOCK, 0);
	for (i = 0; i < 3; i++) {
		logline_init(&l, "deny");
		logline_addf(&l, "n", "%zu", i);
		logline_add(&l, "cmd", vals[i]);
		ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
		/* the line is left as it was: NUL-terminated, no '\n' */
		ck_assert_uint_eq(strlen(l.buf), l.len);
		logline_free(&l);
	}
	log_close(&s);
	ck_assert_uint_eq(s.nfd, 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	buf = slurp(path, &len);
	n = splitlines(buf, len, lines, 8);
	ck_assert_uint_eq(n, 3);
	for (i = 0; i < 3; i++) {
		ck_assert(strncmp(lines[i], "time=", 5) == 0);
		ck_assert_uint_eq(h_log_parse(lines[i], strlen(lines[i]), &lr),
		    4);
		ck_assert_str_eq(lr.f[1].val, "deny");
		ck_assert_int_eq(lr.f[2].val[0], (char)('0' + i));
		ck_assert_str_eq(lr.f[3].key, "cmd");
		ck_assert_uint_eq(lr.f[3].vlen, strlen(vals[i]));
		ck_assert(memcmp(lr.f[3].val, vals[i], lr.f[3].vlen) == 0);
		logfmt_free(&lr);
	}
	ck_assert_str_eq(strchr(lines[1], ' ') + 1,
	    "event=deny n=1 cmd=\"a\\x0Ab\\x0Ac\"");
	free(buf);
}
END_TEST

/* O_APPEND on an existing file: earlier content stays, lines go after. */
START_TEST(test_file_appends)
{
	static const char old[] = "earlier line\n";
	struct logsink s;
	struct logline l;
	char path[512], err[256], *paths[1], *buf;
	size_t len;
	int fd;

	tmppath(path, sizeof(path), "log");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, old, sizeof(old) - 1), sizeof(old) - 1);
	close(fd);
	paths[0] = path;
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), 0);
	logline_init(&l, "permit");
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
	log_close(&s);

	buf = slurp(path, &len);
	ck_assert(strncmp(buf, old, sizeof(old) - 1) == 0);
	ck_assert_uint_eq(len, sizeof(old) - 1 + l.len + 1);
	ck_assert(memcmp(buf + sizeof(old) - 1, l.buf, l.len) == 0);
	ck_assert_int_eq(buf[len - 1], '\n');
	free(buf);
	logline_free(&l);
}
END_TEST

#define NCHILD		50
#define NPERCHILD	200

static int
child_writes(const char *path, int id)
{
	struct logsink s;
	struct logline l;
	char err[256], pad[256], *paths[1];
	int i;

	paths[0] = (char *)path;
	if (log_open(&s, paths, 1, 0, err, sizeof(err)) == -1)
		return 1;
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	for (i = 0; i < NPERCHILD; i++) {
		logline_init(&l, "permit");
		logline_addf(&l, "pid", "%d", id);
		logline_add(&l, "pad", pad);
		logline_addf(&l, "end", "c%d.%d", id, i);
		if (l.nomem || log_write(&s, &l, err, sizeof(err)) == -1)
			return 1;
		logline_free(&l);
	}
	log_close(&s);
	return 0;
}

START_TEST(test_file_concurrent)
{
	struct logfmt_rec lr;
	char path[512], **lines, *buf, want[64];
	int seen[NCHILD], i, status, id, seq;
	pid_t pid[NCHILD];
	size_t len, n, k, off = 0;
	const char *why = "";

	tmppath(path, sizeof(path), "log");
	for (i = 0; i < NCHILD; i++) {
		pid[i] = fork();
		ck_assert_int_ne(pid[i], -1);
		if (pid[i] == 0)
			_exit(child_writes(path, i));
	}
	for (i = 0; i < NCHILD; i++) {
		ck_assert_int_eq(waitpid(pid[i], &status, 0), pid[i]);
		ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}

	buf = slurp(path, &len);
	lines = calloc(NCHILD * NPERCHILD + 1, sizeof(*lines));
	ck_assert_ptr_nonnull(lines);
	n = splitlines(buf, len, lines, NCHILD * NPERCHILD + 1);
	ck_assert_uint_eq(n, NCHILD * NPERCHILD);
	memset(seen, 0, sizeof(seen));
	/* H_ASSERT: 10000 lines */
	for (k = 0; k < n; k++) {
		H_ASSERT(strlen(lines[k]) > 300 &&
		    strncmp(lines[k], "time=", 5) == 0, "line %zu: %s", k,
		    lines[k]);
		H_ASSERT(logfmt_parse(lines[k], strlen(lines[k]), &lr, &why,
		    &off) == 0 && lr.n == 5, "torn line %zu (byte %zu: %s): "
		    "%s", k, off, why, lines[k]);
		H_ASSERT(strcmp(lr.f[4].key, "end") == 0, "line %zu: %s", k,
		    lines[k]);
		id = atoi(lr.f[2].val);
		H_ASSERT(id >= 0 && id < NCHILD, "line %zu: %s", k, lines[k]);
		/* each child's lines arrive in its own order */
		seq = seen[id]++;
		snprintf(want, sizeof(want), "c%d.%d", id, seq);
		H_ASSERT(strcmp(lr.f[4].val, want) == 0 && lr.f[3].vlen == 255,
		    "line %zu: want end=%s: %s", k, want, lines[k]);
		logfmt_free(&lr);
	}
	for (i = 0; i < NCHILD; i++)
		ck_assert_int_eq(seen[i], NPERCHILD);
	free(lines);
	free(buf);
}
END_TEST

static void
assert_open_fails(const char *path, const char *why)
{
	struct logsink s;
	char err[512], *paths[1];

	paths[0] = (char *)path;
	memset(&s, 0x5a, sizeof(s));
	err[0] = '\0';
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), -1);
	ck_assert_uint_eq(s.nfd, 0);
	ck_assert_msg(strstr(err, path) != NULL, "reason [%s] lacks path",
	    err);
	if (why != NULL)
		ck_assert_msg(strstr(err, why) != NULL, "reason [%s]", err);
	log_close(&s);
}

START_TEST(test_open_symlink)
{
	char target[512], link[512];
	struct stat st;
	int fd;

	tmppath(target, sizeof(target), "target");
	tmppath(link, sizeof(link), "link");
	fd = open(target, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ne(fd, -1);
	close(fd);
	ck_assert_int_eq(symlink(target, link), 0);
	assert_open_fails(link, "symbolic link");
	/* a dangling link must not create its target either */
	ck_assert_int_eq(unlink(target), 0);
	assert_open_fails(link, "symbolic link");
	ck_assert_int_eq(lstat(target, &st), -1);
}
END_TEST

/* Only a regular file will do; nothing may block or be half-opened. */
START_TEST(test_open_refuses)
{
	char path[512];
	int rd;

	tmppath(path, sizeof(path), "nonexistent/log");
	assert_open_fails(path, strerror(ENOENT));
	tmppath(path, sizeof(path), "dir");
	ck_assert_int_eq(mkdir(path, 0700), 0);
	assert_open_fails(path, NULL);
	assert_open_fails("/dev/null", "not a regular file");
	tmppath(path, sizeof(path), "fifo");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* no reader: must fail at once, not block */
	assert_open_fails(path, NULL);
	/* with a reader the open succeeds, and fstat refuses it */
	rd = open(path, O_RDONLY | O_NONBLOCK);
	ck_assert_int_ne(rd, -1);
	assert_open_fails(path, "not a regular file");
	close(rd);
}
END_TEST

START_TEST(test_open_limits)
{
	struct logsink s;
	char path[512], err[256], *paths[LOG_MAXFILES + 1];
	size_t i;

	tmppath(path, sizeof(path), "log");
	for (i = 0; i < LOG_MAXFILES + 1; i++)
		paths[i] = path;
	ck_assert_int_eq(log_open(&s, paths, LOG_MAXFILES + 1, 0, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many"));
	ck_assert_int_eq(log_open(&s, paths, LOG_MAXFILES, 0, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(s.nfd, LOG_MAXFILES);
	log_close(&s);
	/* nowhere to log is an error: attempts must not go unrecorded */
	ck_assert_int_eq(log_open(&s, paths, 0, 0, err, sizeof(err)), -1);
	/* a bad file after good ones: nothing stays open */
	paths[1] = "/dev/null";
	ck_assert_int_eq(log_open(&s, paths, 2, 0, err, sizeof(err)), -1);
	ck_assert_uint_eq(s.nfd, 0);
	log_close(&s);
}
END_TEST

/*
 * A line that does not fit whole (a file-size limit here; a full disk or
 * a quota behaves the same) is refused with nothing left behind: the
 * next line is never glued to a fragment, and SIGXFSZ does not kill.
 */
static int
write_under_limit(const char *path, size_t room)
{
	struct logsink s;
	struct logline l;
	struct rlimit rl;
	struct stat st;
	char err[512], *paths[1], big[300];
	int rv;

	paths[0] = (char *)path;
	signal(SIGXFSZ, SIG_IGN);
	if (log_open(&s, paths, 1, 0, err, sizeof(err)) == -1 ||
	    fstat(s.fd[0], &st) == -1)
		return 2;
	rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + room;
	if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
		return 2;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	logline_init(&l, "permit");
	logline_add(&l, "cmd", big);
	rv = log_write(&s, &l, err, sizeof(err));
	logline_free(&l);
	log_close(&s);
	return rv == -1 ? 0 : 1;
}

START_TEST(test_write_no_fragment)
{
	struct logsink s;
	struct logline l;
	struct logfmt_rec lr;
	char path[512], err[512], *paths[1], *buf, *lines[8];
	size_t len, n, i;
	int st;
	pid_t pid;

	tmppath(path, sizeof(path), "log");
	paths[0] = path;
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), 0);
	logline_init(&l, "exit");
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
	log_close(&s);
	/* room for a part of the line only */
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0)
		_exit(write_under_limit(path, 100));
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %d", st);
	/* the next session's line lands whole after the first */
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), 0);
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
	log_close(&s);
	logline_free(&l);
	buf = slurp(path, &len);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(buf[len - 1], '\n');
	n = splitlines(buf, len, lines, 8);
	ck_assert_uint_eq(n, 2);
	for (i = 0; i < n; i++) {
		ck_assert_msg(logfmt_parse(lines[i], strlen(lines[i]), &lr,
		    NULL, NULL) == 0, "line %zu torn: %s", i, lines[i]);
		logfmt_free(&lr);
	}
	free(buf);
}
END_TEST

/* The same on a file system that is full: a small tmpfs, as root. */
START_TEST(test_write_full_disk)
{
	struct logsink s;
	struct logline l;
	struct logfmt_rec lr;
	char dir[512], path[600], fill[600], err[512], *paths[1], *buf;
	char block[4096], *lines[128];
	size_t len, n;
	int fd;

	tmppath(dir, sizeof(dir), "full");
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=64k") == -1) {
		/* no mount here (a container): the rlimit test stands */
		rmdir(dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/log", dir);
	snprintf(fill, sizeof(fill), "%s/fill", dir);
	paths[0] = path;
	ck_assert_int_eq(log_open(&s, paths, 1, 0, err, sizeof(err)), 0);
	logline_init(&l, "exit");
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
	/* fill it up */
	memset(block, 'f', sizeof(block));
	ck_assert_int_ne(fd = open(fill, O_WRONLY | O_CREAT, 0644), -1);
	while (write(fd, block, sizeof(block)) > 0)
		;
	close(fd);
	/* lines go into the log's last page until it is full too */
	for (n = 0; n < 100 && log_write(&s, &l, err, sizeof(err)) == 0; n++)
		;
	ck_assert_msg(n < 100 && strstr(err, "No space") != NULL,
	    "%zu lines, reason %s", n, err);
	/* room again: the next line lands whole */
	ck_assert_int_eq(unlink(fill), 0);
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), 0);
	log_close(&s);
	logline_free(&l);
	buf = slurp(path, &len);
	ck_assert_int_eq(buf[len - 1], '\n');
	n = splitlines(buf, len, lines, 128);
	while (n-- > 0) {
		ck_assert_msg(logfmt_parse(lines[n], strlen(lines[n]), &lr,
		    NULL, NULL) == 0 && lr.n == 2, "line %zu torn: %s", n,
		    lines[n]);
		logfmt_free(&lr);
	}
	free(buf);
	ck_assert_int_eq(umount(dir), 0);
	rmdir(dir);
}
END_TEST

START_TEST(test_write_fails)
{
	struct logsink s;
	struct logline l;
	char path[512], path2[512], err[512], *paths[2], *buf;
	size_t len;
	int ro;

	tmppath(path, sizeof(path), "log");
	tmppath(path2, sizeof(path2), "log2");
	paths[0] = path;
	paths[1] = path2;
	ck_assert_int_eq(log_open(&s, paths, 2, 0, err, sizeof(err)), 0);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ne(ro, -1);
	ck_assert_int_ne(dup2(ro, s.fd[0]), -1);
	close(ro);

	logline_init(&l, "deny");
	err[0] = '\0';
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, path) != NULL ||
	    strstr(err, "file 1") != NULL, "reason [%s]", err);
	ck_assert_uint_eq(strlen(l.buf), l.len);
	log_close(&s);
	/* the failure did not stop the second file */
	buf = slurp(path2, &len);
	ck_assert_uint_eq(len, l.len + 1);
	free(buf);
	buf = slurp(path, &len);
	ck_assert_uint_eq(len, 0);
	free(buf);

	/* a line that could not be built is never written */
	ck_assert_int_eq(log_open(&s, paths, 2, 0, err, sizeof(err)), 0);
	l.nomem = 1;
	ck_assert_int_eq(log_write(&s, &l, err, sizeof(err)), -1);
	log_close(&s);
	buf = slurp(path2, &len);
	ck_assert_uint_eq(len, l.len + 1);
	free(buf);
	logline_free(&l);
}
END_TEST

Suite	*make_suite_log(void);

Suite *
make_suite_log(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("log");

	tc = tcase_create("escape");
	tcase_add_loop_test(tc, test_escape_table, 0,
	    (int)(sizeof(esc_cases) / sizeof(esc_cases[0])));
	tcase_add_test(tc, test_escape_truncation);
	tcase_add_loop_test(tc, test_roundtrip_hostile, 0, (int)NHOSTILE);
	tcase_add_test(tc, test_roundtrip_random);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);

	tc = tcase_create("logline");
	tcase_add_test(tc, test_logline_shape);
	tcase_add_test(tc, test_logline_addf);
	tcase_add_test(tc, test_logline_value_cap);
	tcase_add_test(tc, test_syslog_msg);
	tcase_add_test(tc, test_logline_growth);
	tcase_add_test(tc, test_logline_nomem_sticks);
	suite_add_tcase(s, tc);

	tc = tcase_create("file");
	tcase_add_checked_fixture(tc, mktmp, rmtmp);
	tcase_add_test(tc, test_file_three_lines);
	tcase_add_test(tc, test_file_appends);
	tcase_add_test(tc, test_open_symlink);
	tcase_add_test(tc, test_open_refuses);
	tcase_add_test(tc, test_open_limits);
	tcase_add_test(tc, test_write_fails);
	tcase_add_test(tc, test_write_no_fragment);
	if (geteuid() == 0)
		tcase_add_test(tc, test_write_full_disk);
	suite_add_tcase(s, tc);

	tc = tcase_create("concurrent");
	tcase_add_checked_fixture(tc, mktmp, rmtmp);
	tcase_add_test(tc, test_file_concurrent);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	return s;
}
