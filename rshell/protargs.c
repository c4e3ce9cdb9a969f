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
 *    copy, so a byte rshell took is a byte rsync never sees: read one
 *    byte at a time, and stop at the empty string.
 *  - Bounded, in bytes, in strings and in time.  A client that sends no
 *    terminator, or sends forever, or trickles a byte at a time, is
 *    refused within the limits: the time limit runs from the start of
 *    the read, it is not an idle timer that each byte renews.
 */
#include <sys/ioctl.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "protargs.h"

#define WHAT	"protected arguments (-s)"

struct reader {
	int	 fd;
	char	*buf;
	size_t	 used, max;
	size_t	 nwords, maxwords;
	size_t	 avail;		/* bytes that can be read without waiting */
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

/* Read up to and including the empty string. */
static int
scan(struct reader *rd)
{
	size_t start = 0;
	char c;

	for (;;) {
		if (rd->used == rd->max)
			return fail(rd, WHAT ": more than %zu bytes", rd->max);
		if (byte(rd, &c) == -1)
			return -1;
		rd->buf[rd->used++] = c;
		if (c != '\0')
			continue;
		if (rd->used - 1 == start)
			return 0;		/* the empty string: the end */
		if (++rd->nwords > rd->maxwords)
			return fail(rd, WHAT ": more than %zu arguments",
			    rd->maxwords);
		start = rd->used;
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
	free(rd.buf);
	return rv;
}
