/*
 * Output of the built-in listings: a small buffered writer, the escaping
 * of names, the field formats of GNU coreutils in the C locale, the entry
 * sets and long format of ls, du's set of counted inodes, and df.
 */
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/types.h>

#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "list_fmt.h"

void
list_out_init(struct listout *o, int fd, char *buf, size_t cap)
{
	o->fd = fd;
	o->err = 0;
	o->len = 0;
	o->cap = cap;
	o->buf = buf;
}

int
list_out_flush(struct listout *o)
{
	size_t off = 0;
	ssize_t n;

	while (o->err == 0 && off < o->len) {
		n = write(o->fd, o->buf + off, o->len - off);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			o->err = n == 0 ? EIO : errno;
		else
			off += (size_t)n;
	}
	o->len = 0;
	return o->err == 0 ? 0 : -1;
}

void
list_out_mem(struct listout *o, const void *p, size_t n)
{
	const char *s = p;
	size_t room;

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
	struct group *gr;
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
	if (isgroup && (gr = getgrgid((gid_t)id)) != NULL)
		name = gr->gr_name;
	else if (!isgroup && (pw = getpwuid((uid_t)id)) != NULL)
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

/* --- ls entries and the long format ----------------------------------- */

static void
est_from(struct est *e, const struct stat *st)
{
	e->size = st->st_size;
	e->blocks = st->st_blocks;
	e->mtime = st->st_mtim.tv_sec;
	e->mtime_ns = (uint32_t)st->st_mtim.tv_nsec;
	e->nlink = st->st_nlink;
	e->rdev = st->st_rdev;
	e->mode = st->st_mode;
	e->uid = st->st_uid;
	e->gid = st->st_gid;
}

void
list_set_reset(struct eset *s)
{
	s->alen = s->n = s->stn = 0;
}

/* Add st to the stat array; returns its index or -1. */
long
list_set_stat(struct eset *s, const struct stat *st)
{
	struct est *v;
	size_t cap;

	if (s->stn == s->stcap) {
		cap = s->stcap == 0 ? 64 : s->stcap * 2;
		if ((v = reallocarray(s->st, cap, sizeof(*v))) == NULL)
			return -1;
		s->st = v;
		s->stcap = cap;
	}
	est_from(&s->st[s->stn], st);
	return (long)s->stn++;
}

int
list_set_add(struct eset *s, const char *name, int isdir, long sti)
{
	size_t n = strlen(name) + 1, cap;
	struct ent *v;
	char *a;

	if (s->alen + n > UINT32_MAX || s->n >= UINT32_MAX)
		return -1;
	if (s->alen + n > s->acap) {
		cap = s->acap == 0 ? 4096 : s->acap * 2;
		while (cap < s->alen + n)
			cap *= 2;
		if ((a = realloc(s->arena, cap)) == NULL)
			return -1;
		s->arena = a;
		s->acap = cap;
	}
	if (s->n == s->cap) {
		cap = s->cap == 0 ? 64 : s->cap * 2;
		if ((v = reallocarray(s->v, cap, sizeof(*v))) == NULL)
			return -1;
		s->v = v;
		s->cap = cap;
	}
	memcpy(s->arena + s->alen, name, n);
	s->v[s->n].name = (uint32_t)s->alen;
	s->v[s->n].st = sti < 0 ? 0 : (uint32_t)sti;
	s->v[s->n++].isdir = (unsigned char)isdir;
	s->alen += n;
	return 0;
}

struct sortctx {
	const struct eset	*s;
	unsigned int		 flags;
};

/* C-locale byte order; -t newest first, ties by name; -r reverses all. */
static int
cmp_ent(const void *a, const void *b, void *arg)
{
	const struct sortctx *c = arg;
	const struct ent *x = a, *y = b;
	const struct est *sx, *sy;
	int d = 0;

	if (c->flags & F_TIME) {
		sx = &c->s->st[x->st];
		sy = &c->s->st[y->st];
		if (sx->mtime != sy->mtime)
			d = sx->mtime < sy->mtime ? 1 : -1;
		else if (sx->mtime_ns != sy->mtime_ns)
			d = sx->mtime_ns < sy->mtime_ns ? 1 : -1;
	}
	if (d == 0)
		d = strcmp(c->s->arena + x->name, c->s->arena + y->name);
	d = d < 0 ? -1 : d > 0;
	return (c->flags & F_REV) ? -d : d;
}

void
list_set_sort(struct run *r, struct eset *s)
{
	struct sortctx c;

	if (s->n < 2)
		return;
	c.s = s;
	c.flags = r->flags;
	qsort_r(s->v, s->n, sizeof(*s->v), cmp_ent, &c);
}

struct widths {
	size_t	 nlink, user, group, size, major, minor;
};

static void
size_str(struct run *r, const struct est *e, char *buf, size_t len)
{
	if (r->flags & F_HUMAN)
		list_fmt_human((uint64_t)e->size, buf, len);
	else
		snprintf(buf, len, "%" PRId64, e->size);
}

static void
widen(size_t *w, const char *s)
{
	if (strlen(s) > *w)
		*w = strlen(s);
}

static void
set_widths(struct run *r, const struct eset *s, struct widths *w)
{
	char buf[LIST_NUMLEN];
	const struct est *e;
	size_t i;
	int num;

	/*
	 * Over the whole stat array: for operands that includes the
	 * directories listed later, whose sizes GNU ls counts as well.
	 */
	memset(w, 0, sizeof(*w));
	for (i = 0; i < s->stn; i++) {
		e = &s->st[i];
		snprintf(buf, sizeof(buf), "%" PRIu64, e->nlink);
		widen(&w->nlink, buf);
		widen(&w->user, list_fmt_user(&r->ids, e->uid, &num));
		widen(&w->group, list_fmt_group(&r->ids, e->gid, &num));
		if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
			snprintf(buf, sizeof(buf), "%u", major(e->rdev));
			widen(&w->major, buf);
			snprintf(buf, sizeof(buf), "%u", minor(e->rdev));
			widen(&w->minor, buf);
		} else {
			size_str(r, e, buf, sizeof(buf));
			widen(&w->size, buf);
		}
	}
	if (w->major + w->minor > 0 && w->major + 2 + w->minor > w->size)
		w->size = w->major + 2 + w->minor;
}

static void
put_size(struct run *r, const struct est *e, const struct widths *w)
{
	char buf[LIST_NUMLEN];
	size_t gap;

	if (S_ISCHR(e->mode) || S_ISBLK(e->mode)) {
		gap = w->size - (w->major + 2 + w->minor);
		snprintf(buf, sizeof(buf), "%u", major(e->rdev));
		list_out_pad(&r->out, buf, w->major + gap, 1);
		list_out_str(&r->out, ", ");
		snprintf(buf, sizeof(buf), "%u", minor(e->rdev));
		list_out_pad(&r->out, buf, w->minor, 1);
	} else {
		size_str(r, e, buf, sizeof(buf));
		list_out_pad(&r->out, buf, w->size, 1);
	}
	list_out_str(&r->out, " ");
}

/* " -> target" of a symlink: name beneath dirfd, or fd itself. */
static void
put_target(struct run *r, int fd, const char *name, const char *shown)
{
	char buf[PATH_MAX + 1];
	ssize_t n;

	n = readlinkat(fd, name, buf, sizeof(buf) - 1);
	if (n == -1) {
		list_problem(r, "cannot read symbolic link", shown, errno, 1);
		return;
	}
	buf[n] = '\0';
	list_out_str(&r->out, " -> ");
	list_out_name(&r->out, buf);
}

/*
 * One "ls -l" line.  The target of a symlink is read from dirfd/name, or
 * for an operand (dirfd -1) from its pinned descriptor.
 */
static void
put_long(struct run *r, const struct eset *s, const struct ent *en,
    const struct widths *w, int dirfd)
{
	const struct est *e = &s->st[en->st];
	const char *name = s->arena + en->name, *id;
	char buf[LIST_TIMELEN];
	struct timespec t;
	int num;

	list_fmt_mode(e->mode, buf, sizeof(buf));
	list_out_str(&r->out, buf);
	list_out_str(&r->out, " ");
	snprintf(buf, sizeof(buf), "%" PRIu64, e->nlink);
	list_out_pad(&r->out, buf, w->nlink, 1);
	list_out_str(&r->out, " ");
	id = list_fmt_user(&r->ids, e->uid, &num);
	list_out_pad(&r->out, id, w->user, num);
	list_out_str(&r->out, " ");
	id = list_fmt_group(&r->ids, e->gid, &num);
	list_out_pad(&r->out, id, w->group, num);
	list_out_str(&r->out, " ");
	put_size(r, e, w);
	t.tv_sec = (time_t)e->mtime;
	t.tv_nsec = (long)e->mtime_ns;
	list_fmt_time(&t, &r->now, buf, sizeof(buf));
	list_out_str(&r->out, buf);
	list_out_str(&r->out, " ");
	list_out_name(&r->out, name);
	if (S_ISLNK(e->mode)) {
		if (dirfd == -1)
			put_target(r, r->l->ops[en->st].fd, "", name);
		else
			put_target(r, dirfd, name, name);
	}
	list_out_str(&r->out, "\n");
}

void
list_print_set(struct run *r, const struct eset *s, int dirfd)
{
	struct widths w;
	size_t i;

	if (r->flags & F_LONG)
		set_widths(r, s, &w);
	for (i = 0; i < s->n && !r->out.err; i++) {
		if (r->flags & F_LONG)
			put_long(r, s, &s->v[i], &w, dirfd);
		else {
			list_out_name(&r->out, s->arena + s->v[i].name);
			list_out_str(&r->out, "\n");
		}
	}
}

/* --- du: inodes already counted -------------------------------------- */

static size_t
seen_slot(const struct devino *v, size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino ^ ((uint64_t)dev << 32)) *
	    0x9e3779b97f4a7c15ULL;
	size_t i = (size_t)(h >> 20) & (cap - 1);

	while ((v[i].dev != 0 || v[i].ino != 0) &&
	    (v[i].dev != dev || v[i].ino != ino))
		i = (i + 1) & (cap - 1);
	return i;
}

static int
seen_grow(struct run *r)
{
	struct devino *v, *old = r->seen;
	size_t cap = r->seencap == 0 ? 256 : r->seencap * 2, i, j;

	if ((v = calloc(cap, sizeof(*v))) == NULL)
		return -1;
	for (i = 0; i < r->seencap; i++) {
		if (old[i].dev == 0 && old[i].ino == 0)
			continue;
		j = seen_slot(v, cap, old[i].dev, old[i].ino);
		v[j] = old[i];
	}
	free(old);
	r->seen = v;
	r->seencap = cap;
	return 0;
}

/*
 * Whether du has counted this inode already: hard-linked files count
 * once, as in GNU du, and with several operands every directory too, so
 * that "du a a/b" does not count a/b twice.  After LIST_SEEN_MAX inodes
 * the set stops growing and further links are counted each time: memory
 * stays bounded and the figure errs on the high side.
 */
int
list_seen(struct run *r, const struct stat *st)
{
	size_t i;

	if (r->l->nops < 2 && (S_ISDIR(st->st_mode) || st->st_nlink < 2))
		return 0;
	if (st->st_dev == 0 && st->st_ino == 0)
		return 0;
	if (r->nseen >= r->seencap / 2 && r->nseen < LIST_SEEN_MAX &&
	    seen_grow(r) == -1)
		return 0;
	if (r->seencap == 0)
		return 0;
	i = seen_slot(r->seen, r->seencap, st->st_dev, st->st_ino);
	if (r->seen[i].dev == st->st_dev && r->seen[i].ino == st->st_ino)
		return 1;
	if (r->nseen < LIST_SEEN_MAX) {
		r->seen[i].dev = st->st_dev;
		r->seen[i].ino = st->st_ino;
		r->nseen++;
	}
	return 0;
}

/* --- df ------------------------------------------------------------- */

static uint64_t
mul_sat(uint64_t a, uint64_t b)
{
	uint64_t v;

	return __builtin_mul_overflow(a, b, &v) ? UINT64_MAX : v;
}

/*
 * The file system holding DIRECTORY, in GNU df's columns.  Filesystem is
 * "-" and "Mounted on" is "/": the client sees DIRECTORY as its root and
 * learns nothing of the server's devices or mount points.
 */
void
list_df(struct run *r)
{
	static const char *hk[] = { "1K-blocks", "Used", "Available" };
	static const char *hh[] = { "Size", "Used", "Avail" };
	const char **hdr = (r->flags & F_HUMAN) ? hh : hk;
	char val[3][LIST_NUMLEN], pct[LIST_NUMLEN];
	uint64_t v[3], fr, used, u100;
	struct statvfs sv;
	size_t w[3];
	int i;

	if (fstatvfs(r->l->rootfd, &sv) == -1) {
		list_problem(r, "cannot read file system information for", "/",
		    errno, 1);
		return;
	}
	fr = sv.f_frsize != 0 ? sv.f_frsize : sv.f_bsize;
	used = sv.f_blocks >= sv.f_bfree ? sv.f_blocks - sv.f_bfree : 0;
	v[0] = mul_sat(sv.f_blocks, fr);
	v[1] = mul_sat(used, fr);
	v[2] = mul_sat(sv.f_bavail, fr);
	for (i = 0; i < 3; i++) {
		if (r->flags & F_HUMAN)
			list_fmt_human(v[i], val[i], sizeof(val[i]));
		else
			list_fmt_kib(v[i], val[i], sizeof(val[i]));
		w[i] = 5;
		widen(&w[i], hdr[i]);
		widen(&w[i], val[i]);
	}
	if (used + sv.f_bavail == 0)
		strlcpy(pct, "-", sizeof(pct));
	else {
		u100 = mul_sat(used, 100);
		snprintf(pct, sizeof(pct), "%" PRIu64 "%%",
		    u100 / (used + sv.f_bavail) +
		    (u100 % (used + sv.f_bavail) != 0));
	}
	list_out_pad(&r->out, "Filesystem", 14, 0);
	for (i = 0; i < 3; i++) {
		list_out_str(&r->out, " ");
		list_out_pad(&r->out, hdr[i], w[i], 1);
	}
	list_out_str(&r->out, " Use% Mounted on\n");
	list_out_pad(&r->out, "-", 14, 0);
	for (i = 0; i < 3; i++) {
		list_out_str(&r->out, " ");
		list_out_pad(&r->out, val[i], w[i], 1);
	}
	list_out_str(&r->out, " ");
	list_out_pad(&r->out, pct, 4, 1);
	list_out_str(&r->out, " /\n");
}

