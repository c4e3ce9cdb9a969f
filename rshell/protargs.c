/*
 * Reading rsync's protected arguments.
 *
 * With -s an rsync client runs only "rsync --server [--sender] -s..." on
 * the server and writes the rest of its argument list down the same
 * channel that then carries the protocol (rsync's send_protected_args(),
 * read by read_args() in server mode).  rshell reads those bytes itself,
 * so that they are judged like any other words, and hands everything to
 * rsync on its command line.
 *
 * Two things matter here:
 *  - Not one byte too many.  The protocol follows at once (the client's
 *    protocol version is the next four bytes), and rsync must find it
 *    where the client put it.  stdin is rsync's own descriptor, not a
 *    copy, so a byte rshell took is a byte rsync never sees.  So what is
 *    waiting is looked at first without taking it (a pipe's, as sshd
 *    hands it over, through tee(2) into a pipe of rshell's own; a
 *    socket's with MSG_PEEK), and exactly the bytes up to the empty
 *    string are then taken.  Any other descriptor is read one byte at a
 *    time, up to the empty string.
 *  - Bounded, in bytes, in strings and in time.  A client that sends no
 *    terminator, or sends forever, or trickles a byte at a time, is
 *    refused within the limits: the time limit runs from the start of
 *    the read, it is not an idle timer that each byte renews.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "protargs.h"

#define WHAT	"protected arguments (-s)"
#define PEEKMAX	4096

enum kind { K_BYTE, K_PIPE, K_SOCK };

struct reader {
	int	 fd;
	char	*buf;
	size_t	 used, max;
	size_t	 nwords, maxwords;
	size_t	 avail;		/* bytes that can be read without waiting */
	size_t	 start;		/* where the string being read began */
	enum kind kind;		/* how bytes are looked at before taking */
	int	 tee[2];	/* K_PIPE: the pipe tee(2) copies into */
	int	 timeout_ms;
	struct timespec deadline;
	char	*err;
	size_t	 errlen;
};

static int fail(struct reader *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static int
fail(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rd->err, rd->errlen, fmt, ap);	/* cut is fine */
	va_end(ap);
	return -1;
}

/* Milliseconds left before the deadline, 0 when it has passed. */
static int
left_ms(const struct timespec *deadline)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(deadline->tv_sec - now.tv_sec) * 1000 +
	    (deadline->tv_nsec - now.tv_nsec) / 1000000;
	return ms <= 0 ? 0 : ms > 1000000 ? 1000000 : (int)ms;
}

/*
 * Wait until fd is readable, within the time left; how many bytes can be
 * read without blocking (at least 1: the end, or a byte), or -1.
 */
static int
ready(struct reader *rd)
{
	struct pollfd pfd = { rd->fd, POLLIN, 0 };
	int ms, n, avail;

	for (;;) {
		if ((ms = left_ms(&rd->deadline)) == 0)
			return fail(rd, WHAT ": not complete within %g s "
			    "(%zu bytes came)", rd->timeout_ms / 1000.0,
			    rd->used);
		if ((n = poll(&pfd, 1, ms)) == -1 && errno != EINTR)
			return fail(rd, WHAT ": poll: %s", strerror(errno));
		if (n > 0)
			break;
	}
	if (ioctl(rd->fd, FIONREAD, &avail) == -1 || avail < 1)
		avail = 1;
	return avail;
}

/*
 * One byte into *c: 1, or -1 with the reason (end, time, error).  Bytes
 * already waiting are read without another poll: a read of one of them
 * cannot block.
 */
static int
byte(struct reader *rd, char *c)
{
	ssize_t r;
	int n;

	for (;;) {
		if (rd->avail == 0) {
			if ((n = ready(rd)) == -1)
				return -1;
			rd->avail = (size_t)n;
		}
		rd->avail--;
		if ((r = read(rd->fd, c, 1)) == 1)
			return 1;
		rd->avail = 0;
		if (r == 0)
			return fail(rd, WHAT ": the input ended after %zu "
			    "bytes, before the empty string that closes them",
			    rd->used);
		if (errno != EINTR && errno != EAGAIN)
			return fail(rd, WHAT ": read: %s", strerror(errno));
	}
}

/* -1 with the reason when the byte limit is reached, else 0. */
static int
full(struct reader *rd)
{
	return rd->used == rd->max ? fail(rd, WHAT ": more than %zu bytes",
	    rd->max) : 0;
}

/* One byte more: 1 at the empty string, 0 for more, or -1. */
static int
take(struct reader *rd, char c)
{
	if (full(rd) == -1)
		return -1;
	rd->buf[rd->used++] = c;
	if (c != '\0')
		return 0;
	if (rd->used - 1 == rd->start)
		return 1;		/* the empty string: the end */
	if (++rd->nwords > rd->maxwords)
		return fail(rd, WHAT ": more than %zu arguments",
		    rd->maxwords);
	rd->start = rd->used;
	return 0;
}

/*
 * A copy of up to n of the bytes waiting, none of them taken: how many, 0
 * when this descriptor cannot be looked at so (rd->kind is then K_BYTE),
 * or -1.
 */
static ssize_t
peek(struct reader *rd, char *out, size_t n)
{
	ssize_t r;

	if (rd->kind == K_SOCK) {
		if ((r = recv(rd->fd, out, n, MSG_PEEK | MSG_DONTWAIT)) > 0)
			return r;
	} else if (rd->kind == K_PIPE) {
		if (rd->tee[0] == -1 &&
		    pipe2(rd->tee, O_CLOEXEC | O_NONBLOCK) == -1)
			rd->tee[0] = rd->tee[1] = -1;
		else if ((r = tee(rd->fd, rd->tee[1], n, SPLICE_F_NONBLOCK)) >
		    0) {
			/* the copy is read out whole: the pipe is empty
			   again for the next one */
			if (read(rd->tee[0], out, (size_t)r) == r)
				return r;
			return fail(rd, WHAT ": read: %s", strerror(errno));
		}
	}
	rd->kind = K_BYTE;
	return 0;
}

/*
 * Take the bytes of a look ahead up to the empty string (or all of them
 * when it is not among them): 1 at the end, 0 for more, or -1.  As a byte
 * at a time would, a refusal takes the bytes up to the one refused.  The
 * bytes taken must be the bytes seen.
 */
static int
take_seen(struct reader *rd, char *seen, size_t n)
{
	size_t i = 0, from = rd->used, want, got = 0;
	ssize_t r;
	int rv = 0;

	while (i < n && (rv = take(rd, seen[i])) == 0)
		i++;
	want = rd->used - from;
	while (got < want) {
		if ((r = read(rd->fd, seen + got, want - got)) > 0)
			got += (size_t)r;
		else if (r == 0 || (errno != EINTR && errno != EAGAIN))
			return fail(rd, WHAT ": read: %s", r == 0 ?
			    "the input ended" : strerror(errno));
	}
	if (want > 0 && memcmp(seen, rd->buf + from, want) != 0)
		return fail(rd, WHAT ": the input changed while it was read");
	rd->avail = rd->avail > want ? rd->avail - want : 0;
	return rv;
}

/* Read up to and including the empty string. */
static int
scan(struct reader *rd)
{
	char seen[PEEKMAX], c;
	ssize_t k;
	size_t n;
	int rv, r;

	for (;;) {
		if (rd->avail == 0) {
			if ((r = ready(rd)) == -1)
				return -1;
			rd->avail = (size_t)r;
		}
		/* more than one byte waiting: look, then take */
		if (rd->avail > 1 && rd->kind != K_BYTE) {
			n = rd->avail < sizeof(seen) ? rd->avail : sizeof(seen);
			if ((k = peek(rd, seen, n)) == -1)
				return -1;
			if (k > 0) {
				if ((rv = take_seen(rd, seen, (size_t)k)) != 0)
					return rv == 1 ? 0 : -1;
				continue;
			}
		}
		/* the limit first: a byte read is a byte rsync never sees */
		if (full(rd) == -1 || byte(rd, &c) == -1 ||
		    (rv = take(rd, c)) == -1)
			return -1;
		if (rv == 1)
			return 0;
	}
}

/* The strings as a words vector: one allocation, pointers then bytes. */
static int
vector(struct reader *rd, struct words *w)
{
	size_t vlen = (rd->nwords + 1) * sizeof(char *), i, o = 0;
	char **v, *bytes;

	if ((v = malloc(vlen + rd->used)) == NULL)
		return fail(rd, WHAT ": out of memory");
	bytes = (char *)v + vlen;
	memcpy(bytes, rd->buf, rd->used);
	for (i = 0; i < rd->nwords; i++) {
		v[i] = bytes + o;
		o += strlen(bytes + o) + 1;
	}
	v[i] = NULL;
	w->v = v;
	w->n = rd->nwords;
	return 0;
}

int
protargs_read(int fd, size_t maxwords, size_t maxbytes, int timeout_ms,
    struct words *w, char *err, size_t errlen)
{
	struct reader rd;
	struct stat st;
	int rv;

	w->v = NULL;
	w->n = 0;
	memset(&rd, 0, sizeof(rd));
	rd.fd = fd;
	rd.max = maxbytes;
	rd.maxwords = maxwords;
	rd.err = err;
	rd.errlen = errlen;
	rd.timeout_ms = timeout_ms;
	rd.tee[0] = rd.tee[1] = -1;
	rd.kind = K_BYTE;
	if (fstat(fd, &st) == 0)
		rd.kind = S_ISFIFO(st.st_mode) ? K_PIPE : S_ISSOCK(st.st_mode) ?
		    K_SOCK : K_BYTE;
	clock_gettime(CLOCK_MONOTONIC, &rd.deadline);
	rd.deadline.tv_sec += timeout_ms / 1000;
	rd.deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (rd.deadline.tv_nsec >= 1000000000) {
		rd.deadline.tv_sec++;
		rd.deadline.tv_nsec -= 1000000000;
	}
	if (maxbytes > 0 && (rd.buf = malloc(maxbytes)) == NULL)
		return fail(&rd, WHAT ": out of memory");
	rv = scan(&rd);
	if (rv == 0)
		rv = vector(&rd, w);
	if (rd.tee[0] != -1) {
		close(rd.tee[0]);
		close(rd.tee[1]);
	}
	free(rd.buf);
	return rv;
}
