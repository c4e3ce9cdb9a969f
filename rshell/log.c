/*
 * The attempt log.  Every line is built in memory, escaped as logfmt, and
 * handed to the kernel with one write(2) per file.  The files are opened
 * O_APPEND, so each write lands whole at the end of the file: lines from
 * hundreds of concurrent sessions never interleave.  No stdio here, on
 * purpose: a FILE buffer could split one line over two writes.
 */
#include <sys/types.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define LOGLINE_INITCAP	256	/* a typical line fits without growing */
#define LOGLINE_FMTBUF	256	/* logline_addf's first try */
#define LOG_MODE	0640

static void	seterr(char *, size_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	if (n < 0)
		strlcpy(err, "log: cannot format the error", errlen);
	else if ((size_t)n >= errlen && errlen > 4)
		memcpy(err + errlen - 4, "...", 4);	/* show it was cut */
}

/*
 * Length of the character at p when it may be copied as is: 1 for printable
 * ASCII, 2 to 4 for a well-formed UTF-8 sequence (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF).  0 when the byte at p must be
 * written as \xHH: C0 controls, DEL, C1 controls (U+0080-U+009F, which some
 * terminals obey as escape sequences), and any byte of a malformed sequence.
 * Stops at the first byte that does not fit, so it never reads past a NUL.
 */
static size_t
u8len(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t i, n;

	if (*p >= 0x20 && *p < 0x7f)
		return 1;
	if (*p < 0xc2 || *p > 0xf4)
		return 0;
	n = *p < 0xe0 ? 2 : *p < 0xf0 ? 3 : 4;
	switch (*p) {
	case 0xc2:
		lo = 0xa0;	/* C1 controls */
		break;
	case 0xe0:
		lo = 0xa0;	/* overlong */
		break;
	case 0xed:
		hi = 0x9f;	/* surrogates */
		break;
	case 0xf0:
		lo = 0x90;	/* overlong */
		break;
	case 0xf4:
		hi = 0x8f;	/* above U+10FFFF */
		break;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return n;
}

/*
 * A bare value runs to the next space, so it must hold no space, no quote,
 * no '=' (a reader could take it for a key) and no backslash (a reader could
 * not tell an escape from a literal).
 */
static int
needquotes(const unsigned char *p)
{
	size_t n;

	if (*p == '\0')
		return 1;
	for (; *p != '\0'; p += n) {
		if (*p == ' ' || *p == '"' || *p == '=' || *p == '\\')
			return 1;
		if ((n = u8len(p)) == 0)
			return 1;
	}
	return 0;
}

/* An output cursor that counts everything but stores only what fits. */
struct out {
	char	*dst;
	size_t	 size, len;
};

static void
put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->dst[o->len] = c;
	o->len++;
}

static void
puthex(struct out *o, unsigned char c)
{
	static const char hex[] = "0123456789ABCDEF";

	put(o, '\\');
	put(o, 'x');
	put(o, hex[c >> 4]);
	put(o, hex[c & 0x0f]);
}

size_t
log_escape(char *dst, size_t dstlen, const char *value)
{
	const unsigned char *p = (const unsigned char *)value;
	struct out o = { dst, dstlen, 0 };
	size_t i, n;
	int quote;

	quote = needquotes(p);
	if (quote)
		put(&o, '"');
	for (; *p != '\0'; p += n) {
		if ((n = u8len(p)) == 0) {
			puthex(&o, *p);
			n = 1;
			continue;
		}
		if (*p == '"' || *p == '\\')
			put(&o, '\\');
		for (i = 0; i < n; i++)
			put(&o, (char)p[i]);
	}
	if (quote)
		put(&o, '"');
	if (dstlen > 0)
		dst[o.len < dstlen ? o.len : dstlen - 1] = '\0';
	return o.len;
}

/*
 * Make room for more bytes, plus the '\n' log_write puts after the line and
 * the NUL that ends it.  Failure makes the whole line unusable: a line with
 * a field missing could be read as something it is not.
 */
static int
reserve(struct logline *l, size_t more)
{
	size_t need, ncap;
	char *nbuf;

	if (l->nomem)
		return -1;
	if (more > SIZE_MAX - 2 - l->len)
		goto fail;
	need = l->len + more + 2;
	if (need <= l->cap)
		return 0;
	ncap = l->cap > 0 ? l->cap : LOGLINE_INITCAP;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	if ((nbuf = reallocarray(l->buf, ncap, 1)) == NULL)
		goto fail;
	l->buf = nbuf;
	l->cap = ncap;
	return 0;
fail:
	l->nomem = 1;
	return -1;
}

static void addfield(struct logline *, const char *, const char *);

/*
 * A client can send 64 KiB of invalid UTF-8, which escapes to four times
 * that in each field that holds it: a value is cut at LOG_MAXVALUE bytes,
 * and its length follows as KEY_bytes=N, so the line stays readable and
 * within what syslog and the review tools take.
 */
static void
addcut(struct logline *l, const char *key, const char *value, size_t n)
{
	char *cut, bkey[64], num[32];

	if ((cut = strndup(value, LOG_MAXVALUE)) == NULL) {
		l->nomem = 1;
		return;
	}
	addfield(l, key, cut);
	free(cut);
	snprintf(bkey, sizeof(bkey), "%.50s_bytes", key);
	snprintf(num, sizeof(num), "%zu", n);
	addfield(l, bkey, num);
}

static void
addfield(struct logline *l, const char *key, const char *value)
{
	size_t klen, vlen, sep, start, n;

	if (l->nomem)
		return;
	if (value == NULL)
		value = "-";
	if ((n = strlen(value)) > LOG_MAXVALUE) {
		addcut(l, key, value, n);
		return;
	}
	sep = l->len > 0;
	klen = strlen(key);
	vlen = log_escape(NULL, 0, value);
	if (klen > SIZE_MAX / 2 || vlen > SIZE_MAX / 2 - 2 ||
	    reserve(l, sep + klen + 1 + vlen) == -1) {
		l->nomem = 1;
		return;
	}
	if (sep)
		l->buf[l->len++] = ' ';
	start = l->len;
	memcpy(l->buf + l->len, key, klen);
	l->len += klen;
	l->buf[l->len++] = '=';
	l->len += log_escape(l->buf + l->len, l->cap - l->len, value);
	if ((strcmp(key, "cmd") == 0 || strcmp(key, "forced") == 0) &&
	    l->ntail < 2) {
		l->tailoff[l->ntail] = start;
		l->taillen[l->ntail++] = l->len - start;
	}
}

/*
 * Days since 1970-01-01 to a proleptic Gregorian date.  Done here rather
 * than with gmtime_r(), which loads the time zone file on first use: one
 * open and read of /etc/localtime on every session, for a UTC time.
 */
static void
civil(long long days, int *y, int *m, int *d)
{
	long long era, doe, yoe, doy, mp;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* RFC 3339, UTC, milliseconds: 2026-11-27T09:53:01.042Z.  No locale. */
static int
timestamp(char *buf, size_t len)
{
	struct timespec ts;
	long long secs, days;
	int y, m, d, n;

	if (clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return -1;
	secs = (long long)ts.tv_sec;
	days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
	secs -= days * 86400;
	civil(days, &y, &m, &d);
	n = snprintf(buf, len, "%04d-%02d-%02dT%02lld:%02lld:%02lld.%03ldZ",
	    y, m, d, secs / 3600, secs / 60 % 60, secs % 60,
	    (long)(ts.tv_nsec / 1000000));
	if (n < 0 || (size_t)n >= len)
		return -1;
	return 0;
}

void
logline_init(struct logline *l, const char *event)
{
	char ts[64];

	memset(l, 0, sizeof(*l));
	if (timestamp(ts, sizeof(ts)) == -1) {
		l->nomem = 1;	/* every line carries a time; no guessing */
		return;
	}
	addfield(l, "time", ts);
	addfield(l, "event", event);
}

void
logline_add(struct logline *l, const char *key, const char *value)
{
	addfield(l, key, value);
}

void
logline_addf(struct logline *l, const char *key, const char *fmt, ...)
{
	char tmp[LOGLINE_FMTBUF], *big;
	va_list ap;
	int n;

	if (l->nomem)
		return;
	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		l->nomem = 1;
		return;
	}
	if ((size_t)n < sizeof(tmp)) {
		addfield(l, key, tmp);
		return;
	}
	/* Too long for the stack: format again into an exact allocation. */
	if ((big = malloc((size_t)n + 1)) == NULL) {
		l->nomem = 1;
		return;
	}
	va_start(ap, fmt);
	if (vsnprintf(big, (size_t)n + 1, fmt, ap) != n)
		l->nomem = 1;
	else
		addfield(l, key, big);
	va_end(ap);
	free(big);
}

void
logline_free(struct logline *l)
{
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

static void
closeall(struct logsink *s)
{
	size_t i;

	for (i = 0; i < s->nfd; i++)
		if (s->fd[i] != -1)
			close(s->fd[i]);
	for (i = 0; i < LOG_MAXFILES; i++)
		s->fd[i] = -1;
	s->nfd = 0;
}

/*
 * O_NOFOLLOW: a symlink planted where the log should be cannot redirect the
 * lines (or the O_CREAT) elsewhere.  O_NONBLOCK: opening a FIFO or a device
 * must not hang or act on the device before fstat() has refused it; it is
 * cleared again once the file is known to be a regular file.
 */
static int
openone(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, fl;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC |
	    O_NOFOLLOW | O_NOCTTY | O_NONBLOCK, LOG_MODE);
	if (fd == -1) {
		if (errno == ELOOP)
			seterr(err, errlen, "log %s: is a symbolic link", path);
		else
			seterr(err, errlen, "log %s: %s", path,
			    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		seterr(err, errlen, "log %s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		seterr(err, errlen, "log %s: not a regular file", path);
		goto fail;
	}
	if ((fl = fcntl(fd, F_GETFL)) == -1 ||
	    fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == -1) {
		seterr(err, errlen, "log %s: %s", path, strerror(errno));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return -1;
}

static int
syslog_connect(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy(sun.sun_path, "/dev/log", sizeof(sun.sun_path));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

int
log_syslog_reachable(void)
{
	int fd = syslog_connect();

	if (fd == -1)
		return 0;
	close(fd);
	return 1;
}

int
log_open(struct logsink *s, char *const *paths, size_t npaths,
    int use_syslog, char *err, size_t errlen)
{
	size_t i;

	s->nfd = 0;
	s->use_syslog = 0;
	s->sysfd = -1;
	closeall(s);
	if (npaths > LOG_MAXFILES) {
		seterr(err, errlen, "too many log files: %zu (at most %d)",
		    npaths, LOG_MAXFILES);
		return -1;
	}
	/* Fail closed: an attempt must never go unrecorded. */
	if (npaths == 0 && !use_syslog) {
		seterr(err, errlen, "no log file and no syslog");
		return -1;
	}
	for (i = 0; i < npaths; i++) {
		if ((s->fd[i] = openone(paths[i], err, errlen)) == -1) {
			closeall(s);
			return -1;
		}
		s->nfd++;
	}
	if (use_syslog) {
		s->use_syslog = 1;
		/*
		 * syslog(3) reports nothing: with no syslog daemon (a stock
		 * image without rsyslog), lines would vanish.  rshell talks
		 * to /dev/log itself, and with syslog as the only
		 * destination, nothing listening there is a log failure.
		 */
		if ((s->sysfd = syslog_connect()) == -1 && npaths == 0) {
			seterr(err, errlen, "syslog: nothing listens on "
			    "/dev/log: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* Name an open log file for a message; the sink keeps only descriptors. */
static void
fdname(int fd, size_t idx, char *buf, size_t len)
{
	char proc[64];
	ssize_t n;
	int r;

	r = snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (r > 0 && (size_t)r < sizeof(proc) &&
	    (n = readlink(proc, buf, len - 1)) > 0 && (size_t)n < len - 1) {
		buf[n] = '\0';
		return;
	}
	r = snprintf(buf, len, "file %zu", idx + 1);
	if (r < 0 || (size_t)r >= len)
		strlcpy(buf, "file", len);
}

/*
 * Room for len more bytes at the end of the file, before anything is
 * written: on a full disk, a quota or a file-size limit the line is
 * refused whole, with nothing left behind.  Where the file's blocks
 * already reach past the line (most lines end in the block the last one
 * ended in), nothing new is needed.  Else fallocate() reserves the blocks
 * (and hits quota and RLIMIT_FSIZE as a write would); where the file
 * system cannot, the free space is checked instead.
 */
static int
room(int fd, size_t len)
{
	struct statfs sf;
	struct rlimit rl;
	struct stat st;

	if (fstat(fd, &st) == -1)
		return -1;
	/* fallocate(KEEP_SIZE) does not look at the file-size limit */
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)st.st_size + len > rl.rlim_cur) {
		errno = EFBIG;
		return -1;
	}
	if ((unsigned long long)st.st_blocks * 512 >=
	    (unsigned long long)st.st_size + len)
		return 0;
	if (fallocate(fd, FALLOC_FL_KEEP_SIZE, st.st_size, (off_t)len) == 0)
		return 0;
	if (errno != EOPNOTSUPP && errno != ENOSYS)
		return -1;
	if (fstatfs(fd, &sf) == -1)
		return 0;
	if ((unsigned long long)sf.f_bavail * (unsigned long long)sf.f_bsize <
	    len + 65536) {
		errno = ENOSPC;
		return -1;
	}
	return 0;
}

/*
 * One write(2) of the whole line, or failure.  A write that still comes
 * up short (another session took the reserved room) leaves a fragment
 * that the next line would join: it is ended with a newline, so that it
 * is one malformed line of its own and the next line stays whole.
 */
static int
writeline(int fd, const char *buf, size_t len, int *serrno)
{
	ssize_t n;

	if (room(fd, len) == -1) {
		*serrno = errno;
		return -1;
	}
	do
		n = write(fd, buf, len);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		*serrno = errno;
		return -1;
	}
	if ((size_t)n != len) {
		/* If even the newline does not fit, nothing more can be done. */
		if (n > 0)
			(void)!write(fd, "\n", 1);
		*serrno = 0;
		return -1;
	}
	return 0;
}

/*
 * The line for syslog: without time= (syslog stamps its own), cmd and
 * forced last, and at most LOG_MAXSYSLOG bytes with a visible mark where
 * it was cut: rsyslog cuts long lines itself, and what matters (event,
 * user, key, reason or run) must come through.
 */
size_t
log_syslog_msg(const struct logline *l, char *msg, size_t len)
{
	static const char cutmark[] = " [cut]";
	size_t o, i, start, end, max;
	char ts[32];
	struct tm tm;
	time_t now;

	if (len < LOG_MAXSYSLOG + 64)
		return 0;
	max = LOG_MAXSYSLOG;

	time(&now);
	if (localtime_r(&now, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%b %e %H:%M:%S", &tm) == 0)
		strlcpy(ts, "-", sizeof(ts));
	/* <AUTHPRIV.NOTICE> */
	o = (size_t)snprintf(msg, len, "<%d>%s rshell[%ld]: ",
	    (10 << 3) | 5, ts, (long)getpid());
	start = strcspn(l->buf, " ") + 1;	/* past time=... */
	for (i = start; i < l->len && o < max; i++) {
		for (end = 0; end < l->ntail; end++)
			if (i == l->tailoff[end])
				break;
		if (end < l->ntail) {
			i += l->taillen[end];
			continue;
		}
		msg[o++] = l->buf[i];
	}
	for (end = 0; end < l->ntail && o < max; end++)
		for (i = l->tailoff[end] - 1; i < l->tailoff[end] +
		    l->taillen[end] && o < max; i++)
			msg[o++] = l->buf[i];
	while (o > 0 && msg[o - 1] == ' ')
		o--;
	if (o >= max) {
		o = max - sizeof(cutmark);
		memcpy(msg + o, cutmark, sizeof(cutmark) - 1);
		o += sizeof(cutmark) - 1;
	}
	msg[o] = '\0';
	return o;
}

static int
syslog_send(int fd, const struct logline *l)
{
	char msg[LOG_MAXSYSLOG + 64];
	size_t n = log_syslog_msg(l, msg, sizeof(msg));

	return n > 0 && send(fd, msg, n, MSG_NOSIGNAL) == (ssize_t)n ? 0 : -1;
}

int
log_write(struct logsink *s, const struct logline *l, char *err,
    size_t errlen)
{
	char name[256];
	size_t i, took = 0;
	int rv = 0, serrno;

	if (l->nomem || l->buf == NULL || l->cap < l->len + 2) {
		seterr(err, errlen, "log line could not be built "
		    "(out of memory or no clock)");
		return -1;
	}
	l->buf[l->len] = '\n';		/* reserve() kept room for it */
	for (i = 0; i < s->nfd; i++) {
		if ((s->ok[i] = writeline(s->fd[i], l->buf, l->len + 1,
		    &serrno) == 0)) {
			took++;
			continue;
		}
		/* Report the first failure, but still try every file. */
		if (rv == 0) {
			fdname(s->fd[i], i, name, sizeof(name));
			seterr(err, errlen, "log %s: %s", name, serrno != 0 ?
			    strerror(serrno) : "short write");
		}
		rv = -1;
	}
	l->buf[l->len] = '\0';
	if (s->use_syslog && (s->sysfd == -1 || syslog_send(s->sysfd, l) ==
	    -1) && took == 0 && rv == 0) {
		seterr(err, errlen, "syslog: %s", s->sysfd == -1 ? "nothing "
		    "listens on /dev/log" : strerror(errno));
		rv = -1;
	}
	return rv;
}

void
log_keep_good(struct logsink *s)
{
	size_t i, j = 0;

	for (i = 0; i < s->nfd; i++) {
		if (s->ok[i]) {
			s->ok[j] = 1;
			s->fd[j++] = s->fd[i];
		} else
			close(s->fd[i]);
	}
	for (i = j; i < s->nfd; i++)
		s->fd[i] = -1;
	s->nfd = j;
}

void
log_close(struct logsink *s)
{
	closeall(s);
	if (s->sysfd != -1)
		close(s->sysfd);
	s->sysfd = -1;
	s->use_syslog = 0;
}
