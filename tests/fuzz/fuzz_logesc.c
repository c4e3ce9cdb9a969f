/*
 * libFuzzer harness for the log line writer (rshell/log.c), with the log
 * round trip as its oracle: the input, split on NUL bytes, is a line's
 * values, each under one of the fields rshell writes.  The line built
 * with logline_add must be one line of strict logfmt (tests/logfmt.c,
 * written from the format, not from the writer), hold the fields in
 * order, and give back every value byte for byte, or cut at
 * LOG_MAXVALUE with KEY_bytes=N saying how long it was.  log_escape
 * into a short buffer must return the same length and a prefix of the
 * whole escape, the syslog message must be one line, and log_write
 * must leave exactly the line and a newline in the log file.  Anything
 * else traps.
 *
 * Byte 0 is the size of the short buffer; the rest are the values.
 *
 *	make tests/fuzz/fuzz_logesc
 *	tests/fuzz/fuzz_logesc -max_total_time=60 tests/fuzz/corpus/fuzz_logesc
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "logfmt.h"

#define MAXVALS	16

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char tmpdir[64], logpath[96];
static struct logsink sink;
static int readfd = -1;

static void
cleanup(void)
{
	log_close(&sink);
	unlink(logpath);
	rmdir(tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256], *paths[1] = { logpath };

	(void)argc;
	(void)argv;
	strlcpy(tmpdir, "/tmp/rshell-fuzzlog.XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL) {
		perror("fuzz_logesc: mkdtemp");
		exit(1);
	}
	snprintf(logpath, sizeof(logpath), "%s/log", tmpdir);
	if (log_open(&sink, paths, 1, 0, err, sizeof(err)) == -1 ||
	    (readfd = open(logpath, O_RDONLY | O_CLOEXEC)) == -1) {
		fprintf(stderr, "fuzz_logesc: %s\n", err);
		exit(1);
	}
	atexit(cleanup);
	return 0;
}

/* What log_write left in the file: the line and a newline, nothing else. */
static void
written(const struct logline *l)
{
	char err[256], *got;
	ssize_t n;

	if (ftruncate(sink.fd[0], 0) == -1 || log_write(&sink, l, err,
	    sizeof(err)) == -1 || !sink.ok[0])
		__builtin_trap();
	if ((got = malloc(l->len + 2)) == NULL)
		abort();
	n = pread(readfd, got, l->len + 2, 0);
	if (n != (ssize_t)l->len + 1 || memcmp(got, l->buf, l->len) != 0 ||
	    got[l->len] != '\n')
		__builtin_trap();
	free(got);
}

static const char *const keys[] = {
	"cmd", "user", "forced", "reason", "run", "from", "key", "status",
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

/* log_escape into every buffer size up to small: a prefix, same length. */
static void
short_escape(const char *v, size_t small)
{
	char *whole, *part;
	size_t len, n;

	len = log_escape(NULL, 0, v);
	if ((whole = malloc(len + 1)) == NULL || (part = malloc(small + 1)) ==
	    NULL)
		abort();
	if (log_escape(whole, len + 1, v) != len || strlen(whole) != len ||
	    memchr(whole, '\n', len) != NULL)
		__builtin_trap();
	if (log_escape(part, small, v) != len)
		__builtin_trap();
	if (small > 0) {
		n = len < small ? len : small - 1;
		if (strlen(part) != n || memcmp(part, whole, n) != 0)
			__builtin_trap();
	}
	free(part);
	free(whole);
}

/* The field at *i must be key=v, or v cut with key_bytes=N after it. */
static void
check_field(const struct logfmt_rec *rec, size_t *i, const char *key,
    const char *v)
{
	const struct logfmt_field *f;
	char bkey[64], num[32];
	size_t vlen = strlen(v);

	if (*i >= rec->n)
		__builtin_trap();
	f = &rec->f[(*i)++];
	if (strcmp(f->key, key) != 0)
		__builtin_trap();
	if (vlen <= LOG_MAXVALUE) {
		if (f->vlen != vlen || memcmp(f->val, v, vlen) != 0)
			__builtin_trap();
		return;
	}
	if (f->vlen != LOG_MAXVALUE || memcmp(f->val, v, LOG_MAXVALUE) != 0 ||
	    *i >= rec->n)
		__builtin_trap();
	f = &rec->f[(*i)++];
	snprintf(bkey, sizeof(bkey), "%s_bytes", key);
	snprintf(num, sizeof(num), "%zu", vlen);
	if (strcmp(f->key, bkey) != 0 || strcmp(f->val, num) != 0)
		__builtin_trap();
}

static void
roundtrip(char *const *vals, size_t n)
{
	static char msg[LOG_MAXSYSLOG + 64];
	struct logfmt_rec rec;
	struct logline l;
	const char *why;
	size_t i, f = 2, off, len;

	logline_init(&l, "deny");
	for (i = 0; i < n; i++)
		logline_add(&l, keys[i % NKEYS], vals[i]);
	if (l.nomem)
		abort();
	if (memchr(l.buf, '\n', l.len) != NULL || memchr(l.buf, '\0', l.len)
	    != NULL)
		__builtin_trap();
	if (logfmt_parse(l.buf, l.len, &rec, &why, &off) == -1) {
		fprintf(stderr, "fuzz_logesc: not strict logfmt at %zu: %s\n",
		    off, why);
		__builtin_trap();
	}
	if (rec.n < 2 || strcmp(rec.f[0].key, "time") != 0 ||
	    strcmp(rec.f[1].key, "event") != 0 ||
	    strcmp(rec.f[1].val, "deny") != 0)
		__builtin_trap();
	for (i = 0; i < n; i++)
		check_field(&rec, &f, keys[i % NKEYS], vals[i]);
	if (f != rec.n)
		__builtin_trap();
	logfmt_free(&rec);
	written(&l);

	len = log_syslog_msg(&l, msg, sizeof(msg));
	if (len == 0 || len >= sizeof(msg) || strlen(msg) != len ||
	    memchr(msg, '\n', len) != NULL)
		__builtin_trap();
	logline_free(&l);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *vals[MAXVALS], *buf, *p, *end;
	size_t n = 0, i;

	if (size < 1)
		return 0;
	if ((buf = malloc(size)) == NULL)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	for (p = buf, end = buf + size - 1; n < MAXVALS; p += strlen(p) + 1) {
		vals[n++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	for (i = 0; i < n; i++)
		short_escape(vals[i], data[0]);
	roundtrip(vals, n);
	free(buf);
	return 0;
}
