/*
 * Tests for protargs_read(): rsync's protected arguments read from a
 * pipe, as sshd hands rshell the client's stdin (and, for the tables,
 * from a socket and a file too: each is read its own way).  Every test
 * also reads what is left: exactly the bytes after the empty string must
 * be there for rsync, and on a refusal nothing beyond the limit is taken.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "protargs.h"
#include "words.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define S(lit)		lit, sizeof(lit) - 1
#define PROTO		" \0\0\0"	/* rsync 3.5's protocol version, 32 */

/* A pipe holding data, its write end closed (n fits the pipe). */
static int
pipe_with(const char *data, size_t n, int keep_open, int *wfd)
{
	int p[2];

	ck_assert(pipe(p) == 0);
	ck_assert(write(p[1], data, n) == (ssize_t)n);
	if (keep_open)
		*wfd = p[1];
	else
		close(p[1]);
	return p[0];
}

/* The three kinds of descriptor the tables run on. */
enum { IN_PIPE, IN_SOCKET, IN_FILE, IN_KINDS };
static const char *const kinds[] = { "pipe", "socket", "file" };

/* A descriptor of that kind holding data, at its start, nothing more to
   come. */
static int
input_with(int kind, const char *data, size_t n)
{
	char path[] = "/tmp/rshell-protargs.XXXXXX";
	int sv[2], fd;

	switch (kind) {
	case IN_PIPE:
		return pipe_with(data, n, 0, NULL);
	case IN_SOCKET:
		ck_assert(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
		ck_assert(write(sv[1], data, n) == (ssize_t)n);
		close(sv[1]);
		return sv[0];
	default:
		ck_assert((fd = mkstemp(path)) != -1);
		unlink(path);
		ck_assert(write(fd, data, n) == (ssize_t)n);
		ck_assert(lseek(fd, 0, SEEK_SET) == 0);
		return fd;
	}
}

/* Everything left in fd, up to its end: n bytes into buf. */
static size_t
rest(int fd, char *buf, size_t len)
{
	size_t n = 0;
	ssize_t r;

	while (n < len && (r = read(fd, buf + n, len - n)) > 0)
		n += (size_t)r;
	return n;
}

static long
ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 +
	    (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Accepted: the strings, and what stays in the pipe for rsync. */
static const struct okrow {
	const char	*in;
	size_t		 len;
	size_t		 n;
	const char	*want[6];
	size_t		 left;		/* bytes left after the empty string */
} okrows[] = {
	/* rsync 3.5 -a -s, push to backup/laptop/, then the protocol */
	{ S("rsync\0.\0backup/laptop/\0\0" PROTO), 3,
	    { "rsync", ".", "backup/laptop/" }, 4 },
	/* a pull of two paths, one with a space */
	{ S("rsync\0.\0dir with space/\0b\0\0" PROTO), 4,
	    { "rsync", ".", "dir with space/", "b" }, 4 },
	/* options and their separate values */
	{ S("rsync\0--delete\0--link-dest\0../prev\0.\0x/\0\0" PROTO), 6,
	    { "rsync", "--delete", "--link-dest", "../prev", ".", "x/" }, 4 },
	/* an empty string inside ends them: the rest is rsync's */
	{ S("rsync\0a\0\0b\0\0"), 2, { "rsync", "a" }, 3 },
	/* nothing at all but the empty string */
	{ S("\0rsync\0"), 0, { NULL }, 6 },
	/* bytes that are not UTF-8, quotes, a newline: kept as sent */
	{ S("rsync\0\xff\xfe\x80\0it's \"q\"\0a\nb\0\0"), 4,
	    { "rsync", "\xff\xfe\x80", "it's \"q\"", "a\nb" }, 0 },
	/* the protocol right after, with NULs and a byte that looks like
	   text: none of it is taken */
	{ S("rsync\0x\0\0\0\0\0\0rsync\0"), 2, { "rsync", "x" }, 10 },
};

START_TEST(test_ok)
{
	const int row = _i / IN_KINDS, kind = _i % IN_KINDS;
	const struct okrow *r = &okrows[row];
	char err[256] = "", left[64];
	struct words w;
	size_t i, n;
	int fd;

	fd = input_with(kind, r->in, r->len);
	ck_assert_msg(protargs_read(fd, 1024, 65536, 1000, &w, err,
	    sizeof(err)) == 0, "row %d, %s: %s", row, kinds[kind], err);
	ck_assert_uint_eq(w.n, r->n);
	for (i = 0; i < r->n; i++)
		ck_assert_str_eq(w.v[i], r->want[i]);
	ck_assert_ptr_null(w.v[r->n]);
	words_free(&w);
	n = rest(fd, left, sizeof(left));
	ck_assert_msg(n == r->left, "row %d, %s: %zu bytes left, want %zu",
	    row, kinds[kind], n, r->left);
	ck_assert(memcmp(left, r->in + r->len - r->left, n) == 0);
	close(fd);
}
END_TEST

/* Refused: the reason, and how many bytes were taken at most. */
static const struct badrow {
	const char	*in;
	size_t		 len;
	size_t		 maxwords, maxbytes;
	const char	*why;
	size_t		 taken;		/* bytes consumed */
} badrows[] = {
	/* no terminator: the input ends first */
	{ S(""), 8, 64, "ended after 0 bytes", 0 },
	{ S("rsync\0.\0x/\0"), 8, 64, "ended after 11 bytes", 11 },
	{ S("rsync\0.\0x/"), 8, 64, "before the empty string", 10 },
	/* the limits, one past the edge */
	{ S("rsync\0a\0b\0\0"), 2, 64, "more than 2 arguments", 10 },
	{ S("rsync\0a\0bb\0\0"), 3, 11, "more than 11 bytes", 11 },
	{ S("rsync\0a\0b\0\0XYZ"), 3, 10, "more than 10 bytes", 10 },
	{ S("\0"), 8, 0, "more than 0 bytes", 0 },
	{ S("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"), 8, 16,
	    "more than 16 bytes", 16 },
};

START_TEST(test_refused)
{
	const int row = _i / IN_KINDS, kind = _i % IN_KINDS;
	const struct badrow *r = &badrows[row];
	char err[256] = "", left[128];
	struct words w;
	size_t n;
	int fd;

	fd = input_with(kind, r->in, r->len);
	ck_assert_int_eq(protargs_read(fd, r->maxwords, r->maxbytes, 1000,
	    &w, err, sizeof(err)), -1);
	ck_assert_ptr_null(w.v);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_msg(strstr(err, r->why) != NULL && strchr(err, '\n') ==
	    NULL, "row %d, %s: reason \"%s\" lacks \"%s\"", row, kinds[kind],
	    err, r->why);
	n = rest(fd, left, sizeof(left));
	ck_assert_msg(n == r->len - r->taken, "row %d, %s: %zu bytes taken, "
	    "want %zu", row, kinds[kind], r->len - n, r->taken);
	close(fd);
}
END_TEST

/* Exactly at the limits is fine. */
START_TEST(test_edges)
{
	static const char in[] = "rsync\0a\0b\0";	/* 11 bytes with the
							   final NUL */
	char err[256], big[70000];
	struct words w;
	size_t i;
	int fd;

	fd = pipe_with(in, sizeof(in), 0, NULL);
	ck_assert_msg(protargs_read(fd, 3, 11, 1000, &w, err, sizeof(err)) ==
	    0, "%s", err);
	ck_assert_uint_eq(w.n, 3);
	words_free(&w);
	close(fd);

	/* 1,024 strings in 64 KiB, the shape of the real limits */
	for (i = 0; i < 1024 * 2; i += 2) {
		big[i] = 'a';
		big[i + 1] = '\0';
	}
	big[i] = '\0';
	memset(big + i + 1, 'z', 16);
	fd = pipe_with(big, i + 1 + 16, 0, NULL);
	ck_assert_msg(protargs_read(fd, 1024, 2049, 1000, &w, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(w.n, 1024);
	words_free(&w);
	ck_assert_uint_eq(rest(fd, big, sizeof(big)), 16);
	close(fd);
}
END_TEST

/*
 * A writer in a child: chunks of data with pauses between them, then it
 * holds its end open for hold_ms (a client that stops sending) or sends
 * forever (forever: a client that floods).
 */
static pid_t
writer(int *rfd, const char *data, size_t n, size_t chunk, int pause_ms,
    int hold_ms, int forever)
{
	int p[2];
	size_t o;
	pid_t pid;

	ck_assert(pipe(p) == 0);
	ck_assert((pid = fork()) != -1);
	if (pid == 0) {
		close(p[0]);
		signal(SIGPIPE, SIG_DFL);
		for (o = 0; o < n; o += chunk) {
			if (write(p[1], data + o, n - o < chunk ? n - o :
			    chunk) == -1)
				_exit(1);
			usleep((useconds_t)pause_ms * 1000);
		}
		while (forever)
			if (write(p[1], "x", 1) == -1)
				_exit(1);
		usleep((useconds_t)hold_ms * 1000);
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

static void
reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Bytes dribbled in over several writes arrive whole. */
START_TEST(test_slow)
{
	static const char in[] = "rsync\0.\0a b/\0\0 \0\0\0";
	char err[256], left[16];
	struct words w;
	pid_t pid;
	int fd;

	pid = writer(&fd, in, sizeof(in) - 1, 3, 20, 0, 0);
	ck_assert_msg(protargs_read(fd, 16, 256, 2000, &w, err,
	    sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(w.n, 3);
	ck_assert_str_eq(w.v[2], "a b/");
	words_free(&w);
	ck_assert_uint_eq(rest(fd, left, sizeof(left)), 4);
	close(fd);
	reap(pid);
}
END_TEST

/*
 * No terminator and the writer keeps its end open: refused when the time
 * is up, not earlier and not much later.  The limit is the whole read:
 * a trickle of one byte every 50 ms does not renew it.
 */
static const struct {
	const char	*in;
	size_t		 len, chunk;
	int		 pause_ms;
} stalls[] = {
	{ S(""), 1, 0 },
	{ S("rsync\0.\0x/\0"), 64, 0 },
	{ S("rsync\0.\0abcdefghijklmnopqrstuvwxyz"), 1, 50 },
};

START_TEST(test_timeout)
{
	struct timespec t0;
	struct words w;
	char err[256];
	long ms;
	pid_t pid;
	int fd;

	pid = writer(&fd, stalls[_i].in, stalls[_i].len, stalls[_i].chunk,
	    stalls[_i].pause_ms, 5000, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(protargs_read(fd, 16, 256, 600, &w, err,
	    sizeof(err)), -1);
	ms = ms_since(&t0);
	/* one deadline for the whole read: a writer that keeps trickling
	   until 5 s does not stretch it (the bound leaves room for a
	   loaded machine, and none for the trickle) */
	ck_assert_msg(ms >= 590 && ms < 4000, "row %d: refused after %ld ms",
	    _i, ms);
	ck_assert_msg(strstr(err, "not complete within 0.6 s") != NULL,
	    "row %d: %s", _i, err);
	ck_assert_ptr_null(w.v);
	close(fd);
	reap(pid);
}
END_TEST

/* A flood is refused at the byte limit, at once, having taken only that. */
START_TEST(test_flood)
{
	struct timespec t0;
	struct words w;
	char err[256];
	pid_t pid;
	int fd;

	pid = writer(&fd, "rsync\0", 6, 6, 0, 0, 1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(protargs_read(fd, 1024, 65536, 5000, &w, err,
	    sizeof(err)), -1);
	ck_assert_msg(ms_since(&t0) < 2500, "a flood took %ld ms",
	    ms_since(&t0));
	ck_assert_msg(strstr(err, "more than 65536 bytes") != NULL, "%s", err);
	close(fd);
	reap(pid);
}
END_TEST

/* Many short strings: the string limit comes before the byte limit. */
START_TEST(test_many)
{
	static char in[2 * 2000];
	struct words w;
	char err[256];
	size_t i;
	int fd;

	for (i = 0; i < sizeof(in); i += 2) {
		in[i] = 'a';
		in[i + 1] = '\0';
	}
	fd = pipe_with(in, sizeof(in), 0, NULL);
	ck_assert_int_eq(protargs_read(fd, 1024, 65536, 1000, &w, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "more than 1024 arguments") != NULL, "%s",
	    err);
	ck_assert_uint_eq(rest(fd, in, sizeof(in)), sizeof(in) - 2 * 1025);
	close(fd);
}
END_TEST

/* A descriptor that is not readable at all is an error, not a hang. */
START_TEST(test_badfd)
{
	struct words w;
	char err[256];
	int fd;

	ck_assert((fd = open("/dev/null", O_WRONLY)) != -1);
	ck_assert_int_eq(protargs_read(fd, 16, 256, 1000, &w, err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, "protected arguments") != NULL, "%s", err);
	close(fd);
}
END_TEST

Suite *
make_suite_protargs(void)
{
	Suite *s = suite_create("protargs");
	TCase *tc = tcase_create("read");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_ok, 0, NROWS(okrows) * IN_KINDS);
	tcase_add_loop_test(tc, test_refused, 0, NROWS(badrows) * IN_KINDS);
	tcase_add_test(tc, test_edges);
	tcase_add_test(tc, test_slow);
	tcase_add_loop_test(tc, test_timeout, 0, NROWS(stalls));
	tcase_add_test(tc, test_flood);
	tcase_add_test(tc, test_many);
	tcase_add_test(tc, test_badfd);
	suite_add_tcase(s, tc);
	return s;
}
