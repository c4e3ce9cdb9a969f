/*
 * libFuzzer harness for protargs_read(), with its property as the oracle:
 * from a pipe holding the input, it takes exactly the bytes up to and
 * including the first empty string (the first NUL that starts the input
 * or follows another NUL) and leaves every byte after it for rsync; it
 * accepts only when those bytes and the strings in them are within the
 * limits, and returns exactly those strings; when it refuses, it has
 * taken no more than the limit and nothing past the empty string.  Any
 * other outcome traps.
 *
 * Byte 0 of the input is the string limit (0-31), byte 1 the byte limit
 * in fours (0-1020); the rest goes into the pipe, whose write end is then
 * closed, so a missing terminator ends in end of input, not in a wait.
 *
 *	make tests/fuzz/fuzz_protargs
 *	tests/fuzz/fuzz_protargs -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "protargs.h"
#include "words.h"

#define MAXIN	60000	/* fits in a pipe without a reader */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Offset of the first empty string in p, or n when there is none. */
static size_t
terminator(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] == 0 && (i == 0 || p[i - 1] == 0))
			return i;
	return n;
}

/* The strings of p[0..e) are exactly w's, e being the terminator. */
static void
same_strings(const uint8_t *p, size_t e, const struct words *w)
{
	size_t i, o = 0, len;

	for (i = 0; i < w->n; i++) {
		len = strlen(w->v[i]);
		if (o + len >= e || memcmp(p + o, w->v[i], len) != 0 ||
		    p[o + len] != 0)
			__builtin_trap();
		o += len + 1;
	}
	if (o != e || w->v[w->n] != NULL)
		__builtin_trap();
}

static size_t
count_nuls(const uint8_t *p, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		k += p[i] == 0;
	return k;
}

/* What is left in fd: it must be p[taken..n), for some taken. */
static size_t
taken(int fd, const uint8_t *p, size_t n)
{
	static uint8_t left[MAXIN];
	size_t got = 0;
	ssize_t r;

	while ((r = read(fd, left + got, sizeof(left) - got)) > 0)
		got += (size_t)r;
	if (got > n || memcmp(left, p + n - got, got) != 0)
		__builtin_trap();
	return n - got;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t maxwords, maxbytes, n, e, t;
	const uint8_t *p;
	struct words w;
	char err[256];
	int fds[2], rv, within;

	if (size < 2 || size - 2 > MAXIN)
		return 0;
	maxwords = data[0] % 32;
	maxbytes = (size_t)data[1] * 4;
	p = data + 2;
	n = size - 2;
	if (pipe(fds) == -1)
		return 0;
	if (write(fds[1], p, n) != (ssize_t)n)
		__builtin_trap();
	close(fds[1]);
	err[0] = '\0';
	rv = protargs_read(fds[0], maxwords, maxbytes, 1000, &w, err,
	    sizeof(err));
	t = taken(fds[0], p, n);
	close(fds[0]);
	e = terminator(p, n);
	within = e < n && e + 1 <= maxbytes && count_nuls(p, e) <= maxwords;
	if (rv == 0) {
		if (!within || t != e + 1)
			__builtin_trap();
		same_strings(p, e, &w);
		words_free(&w);
	} else {
		if (within || w.v != NULL || w.n != 0 || t > maxbytes ||
		    t > e + 1 || err[0] == '\0' || strchr(err, '\n') != NULL)
			__builtin_trap();
	}
	return 0;
}
