/*
 * Output of the built-in listings: a small buffered writer, the escaping
 * of names, the field formats of GNU coreutils in the C locale, the owner
 * and group name cache, and the diagnostics.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "list.h"
#include "list_fmt.h"
#include "passwd.h"

void
list_out_init(struct listout *o, int fd, char *buf, size_t cap)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->cap = cap;
	o->buf = buf;
}

static volatile sig_atomic_t stopsig;
/* What list_stop() puts /dev/null over: the listing's output and errors. */
static volatile sig_atomic_t stopnull = -1, stopout = -1, stoperr = -1;

int
list_out_flush(struct listout *o)
{
	size_t off = 0;
	ssize_t n;

	while (o->err == 0 && off < o->len) {
		n = write(o->fd, o->buf + off, o->len - off);
		/* a reader that stopped reading must not hold off a signal */
		if (n == -1 && errno == EINTR && !stopsig)
			continue;
		if (n <= 0)
			o->err = n == 0 ? EIO : errno;
		else
			off += (size_t)n;
	}
	o->len = 0;
	return o->err == 0 ? 0 : -1;
}

/*
 * A write that a signal interrupts after part of its bytes went out
 * returns that count, and the next write of the rest would block again
 * (as would one that the signal just missed): a reader that stopped
 * reading would then hold the listing for ever.  So the handler also puts
 * /dev/null in place of the output and the errors, where no write blocks;
 * one already blocked returns EINTR (the handler is installed without
 * SA_RESTART).
 */
void
list_stop(int sig)
{
	int saved = errno;

	stopsig = sig;
	if (stopnull != -1) {
		(void)dup2(stopnull, stopout);
		(void)dup2(stopnull, stoperr);
	}
	errno = saved;
}

int
list_stop_arm(int outfd, int errfd)
{
	int fd;

	if ((fd = open("/dev/null", O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	stopout = outfd;
	stoperr = errfd;
	stopnull = fd;
	return 0;
}

void
list_stop_disarm(void)
{
	int fd = stopnull;

	stopnull = -1;
	if (fd != -1)
		close(fd);
}

int
list_stopped(void)
{
	return stopsig;
}

void
list_out_mem(struct listout *o, const void *p, size_t n)
{
	const char *s = p;
	size_t room;

	if (list_stopped() && o->err == 0)
		o->err = EINTR;

	while (n > 0 && o->err == 0) {
		if (o->len == o->cap && list_out_flush(o) == -1)
			return;
		room = o->cap - o->len;
		if (room > n)
			room = n;
		memcpy(o->buf + o->len, s, room);
		o->len += room;
		s += room;
		n -= room;
	}
}

void
list_out_str(struct listout *o, const char *s)
{
	list_out_mem(o, s, strlen(s));
}

/* s padded with blanks to width, on the left when right is set. */
void
list_out_pad(struct listout *o, const char *s, size_t width, int right)
{
	static const char blanks[] = "                                ";
	size_t len = strlen(s), pad, n;

	pad = len < width ? width - len : 0;
	if (!right)
		list_out_mem(o, s, len);
	while (pad > 0) {
		n = pad < sizeof(blanks) - 1 ? pad : sizeof(blanks) - 1;
		list_out_mem(o, blanks, n);
		pad -= n;
	}
	if (right)
		list_out_mem(o, s, len);
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0.  C1
 * controls (U+0080-U+009F) count as invalid: some terminals act on them.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xc2)
		lo = 0xa0;
	else if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static char
c_escape(unsigned char c)
{
	switch (c) {
	case '\a':
		return 'a';
	case '\b':
		return 'b';
	case '\t':
		return 't';
	case '\n':
		return 'n';
	case '\v':
		return 'v';
	case '\f':
		return 'f';
	case '\r':
		return 'r';
	case '\\':
		return '\\';
	default:
		return '\0';
	}
}

static void
out_escape(struct listout *o, unsigned char c)
{
	char buf[4];

	buf[0] = '\\';
	if ((buf[1] = c_escape(c)) != '\0') {
		list_out_mem(o, buf, 2);
		return;
	}
	buf[1] = (char)('0' + ((c >> 6) & 7));
	buf[2] = (char)('0' + ((c >> 3) & 7));
	buf[3] = (char)('0' + (c & 7));
	list_out_mem(o, buf, 4);
}

/*
 * A name as GNU "ls -b" escapes it, except that blanks and valid UTF-8
 * stay literal: backslash is "\\", the C escapes \a \b \t \n \v \f \r
 * are used, and every other control byte, DEL, C1 control or byte that is
 * not part of valid UTF-8 is "\ooo".  A file name therefore can never put
 * a raw newline or terminal control into a monitoring script's input, and
 * the escaping is reversible (a literal backslash is always doubled).
 */
void
list_out_name(struct listout *o, const char *name)
{
	const unsigned char *s = (const unsigned char *)name, *run = s;
	size_t n = strlen(name), k;

	while (n > 0) {
		if (*s >= 0x20 && *s < 0x7f && *s != '\\') {
			s++;
			n--;
			continue;
		}
		if (*s >= 0x80 && (k = utf8_len(s, n)) > 0) {
			s += k;
			n -= k;
			continue;
		}
		list_out_mem(o, run, (size_t)(s - run));
		out_escape(o, *s);
		s++;
		n--;
		run = s;
	}
	list_out_mem(o, run, (size_t)(s - run));
}

/* "PROG: WHAT 'NAME': strerror" on the error stream, one line. */
void
list_warn(struct listout *o, const char *prog, const char *what,
    const char *name, int e)
{
	list_out_str(o, prog);
	list_out_str(o, ": ");
	list_out_str(o, what);
	if (name != NULL) {
		list_out_str(o, " '");
		list_out_name(o, name);
		list_out_str(o, "'");
	}
	if (e != 0) {
		list_out_str(o, ": ");
		list_out_str(o, strerror(e));
	}
	list_out_str(o, "\n");
	list_out_flush(o);
}

/*
 * Human-readable size as GNU -h prints it: powers of 1024, suffixes
 * K M G T P E, always rounded up; one decimal below 10 ("4.0K", "1.5M"),
 * none from 10 ("12K"), and a value that rounds up to 1024 moves to the
 * next unit ("1.0M").  Below 1024 the plain number of bytes.
 */
void
list_fmt_human(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t d = 1, q, r, tenths;
	int e = 0;

	while (e < 6 && v / d >= 1024) {
		d *= 1024;
		e++;
	}
	if (e == 0) {
		snprintf(buf, len, "%" PRIu64, v);
		return;
	}
	q = v / d;
	r = v % d;
	if (q < 10) {
		/* r < d <= 2^60, so r * 10 cannot overflow */
		tenths = (r * 10 + d - 1) / d;
		if (tenths == 10) {
			q++;
			tenths = 0;
		}
		if (q < 10) {
			snprintf(buf, len, "%" PRIu64 ".%" PRIu64 "%c", q,
			    tenths, units[e - 1]);
			return;
		}
	} else if (r > 0)
		q++;
	if (q == 1024 && e < 6)
		snprintf(buf, len, "1.0%c", units[e]);
	else
		snprintf(buf, len, "%" PRIu64 "%c", q, units[e - 1]);
}

/* Bytes as 1024-byte blocks, rounded up as GNU du, ls and df do. */
void
list_fmt_kib(uint64_t v, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu64, v / 1024 + (v % 1024 != 0));
}

static char
type_letter(mode_t m)
{
	if (S_ISREG(m))
		return '-';
	if (S_ISDIR(m))
		return 'd';
	if (S_ISLNK(m))
		return 'l';
	if (S_ISFIFO(m))
		return 'p';
	if (S_ISSOCK(m))
		return 's';
	if (S_ISCHR(m))
		return 'c';
	if (S_ISBLK(m))
		return 'b';
	return '?';
}

/* "drwxr-sr-t": type letter and permissions, 10 characters. */
void
list_fmt_mode(mode_t m, char *buf, size_t len)
{
	static const char rwx[] = "rwxrwxrwx";
	int i;

	if (len < 11)
		return;
	buf[0] = type_letter(m);
	for (i = 0; i < 9; i++)
		buf[i + 1] = (m & (1 << (8 - i))) ? rwx[i] : '-';
	if (m & S_ISUID)
		buf[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID)
		buf[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX)
		buf[9] = (m & S_IXOTH) ? 't' : 'T';
	buf[10] = '\0';
}

/*
 * "Mon dd HH:MM" for a time within the past six months (half of an
 * average Gregorian year, as GNU ls), else "Mon dd  YYYY"; local time in
 * the C locale.  A time in the future refreshes *now first, as GNU does.
 */
void
list_fmt_time(const struct timespec *t, struct timespec *now, char *buf,
    size_t len)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct timespec half;
	struct tm tm;
	time_t sec = t->tv_sec;
	int recent;

	if (t->tv_sec > now->tv_sec ||
	    (t->tv_sec == now->tv_sec && t->tv_nsec > now->tv_nsec))
		clock_gettime(CLOCK_REALTIME, now);
	half.tv_sec = now->tv_sec - 31556952 / 2;
	half.tv_nsec = now->tv_nsec;
	recent = (t->tv_sec > half.tv_sec ||
	    (t->tv_sec == half.tv_sec && t->tv_nsec > half.tv_nsec)) &&
	    (t->tv_sec < now->tv_sec ||
	    (t->tv_sec == now->tv_sec && t->tv_nsec < now->tv_nsec));
	if (localtime_r(&sec, &tm) == NULL || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		snprintf(buf, len, "%jd", (intmax_t)sec);
		return;
	}
	if (recent)
		snprintf(buf, len, "%s %2d %02d:%02d", months[tm.tm_mon],
		    tm.tm_mday, tm.tm_hour, tm.tm_min);
	else
		snprintf(buf, len, "%s %2d  %d", months[tm.tm_mon],
		    tm.tm_mday, tm.tm_year + 1900);
}

/* A cached name for id; the number when it has none (or it is too long). */
static const char *
id_name(struct listid *slots, unsigned int *next, unsigned int id,
    int isgroup, int *numeric)
{
	struct listid *s;
	struct passwd *pw;
	const char *name = NULL;
	unsigned int i;

	for (i = 0; i < LIST_IDSLOTS; i++)
		if (slots[i].used && slots[i].id == id)
			goto found;
	i = *next;
	*next = (*next + 1) % LIST_IDSLOTS;
	s = &slots[i];
	s->used = 1;
	s->id = id;
	/* from the files themselves where glibc reads them first (passwd.c) */
	if (isgroup)
		name = group_lookup_name((gid_t)id);
	else if ((pw = passwd_lookup((uid_t)id)) != NULL)
		name = pw->pw_name;
	s->numeric = name == NULL || strlcpy(s->name, name,
	    sizeof(s->name)) >= sizeof(s->name);
	if (s->numeric)
		snprintf(s->name, sizeof(s->name), "%u", id);
found:
	*numeric = slots[i].numeric;
	return slots[i].name;
}

const char *
list_fmt_user(struct listids *c, uid_t uid, int *numeric)
{
	return id_name(c->user, &c->nextuser, (unsigned int)uid, 0, numeric);
}

const char *
list_fmt_group(struct listids *c, gid_t gid, int *numeric)
{
	return id_name(c->group, &c->nextgroup, (unsigned int)gid, 1,
	    numeric);
}

void
list_widen(size_t *w, const char *s)
{
	if (strlen(s) > *w)
		*w = strlen(s);
}

/* --- diagnostics ---------------------------------------------------- */

void
list_problem(struct run *r, const char *what, const char *name, int e,
    int st)
{
	list_warn(&r->err, r->prog, what, name, e);
	if (r->status < st)
		r->status = st;
}

void
list_nomem(struct run *r)
{
	if (!r->fatal)
		list_problem(r, "memory exhausted", NULL, 0, 2);
	r->fatal = 1;
}
