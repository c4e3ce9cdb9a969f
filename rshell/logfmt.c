/*
 * The strict logfmt reader (logfmt.h).  One pass over the line, decoding
 * into one buffer: a decoded field is never longer than its text, so
 * keys, values and their NULs fit in 2 * len + 2 bytes.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "logfmt.h"

struct cur {
	const unsigned char	*s;
	size_t			 len, pos;
	char			*out;
	const char		*why;
	int			 nul;	/* the value so far holds a NUL */
};

static int
fail(struct cur *c, const char *why)
{
	c->why = why;
	return -1;
}

/* Upper case only: the format's \xHH, as the writer spells it. */
static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/*
 * Length of the UTF-8 sequence at p (left bytes there, *p >= 0x80) when it
 * may stand unescaped, else 0: decoded here rather than by lead-byte
 * ranges as the writer does, and refused when overlong, a surrogate,
 * beyond U+10FFFF, cut short, or a C1 control (U+0080-U+009F, which
 * terminals obey as escape sequences).
 */
static size_t
u8seq(const unsigned char *p, size_t left)
{
	static const unsigned long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	unsigned long cp;
	size_t n, i;

	if ((*p & 0xe0) == 0xc0) {
		n = 2;
		cp = *p & 0x1f;
	} else if ((*p & 0xf0) == 0xe0) {
		n = 3;
		cp = *p & 0x0f;
	} else if ((*p & 0xf8) == 0xf0) {
		n = 4;
		cp = *p & 0x07;
	} else
		return 0;
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp <= 0x9f)
		return 0;
	return n;
}

/*
 * Runs of printable ASCII that need no decoding are copied whole: most of
 * a line is such a run, and a reader of a million lines spends its time
 * here.  1 for bytes a bare value may hold as they are, 2 for those only
 * a quoted value may (a blank, '='), 0 for the rest.
 */
static const unsigned char plain[256] = {
	[' '] = 2, ['!'] = 1,		/* '"' is 0 */
	['#' ... '<'] = 1, ['='] = 2,
	['>' ... '['] = 1,		/* '\\' is 0 */
	[']' ... '~'] = 1,
};

/*
 * Which of the eight bytes in x end a run: any byte below 0x20 or from
 * 0x7f up, '"' or '\\', and for a bare value ' ' or '='; each marked by
 * its high bit.  The tests are done on the low seven bits of each byte,
 * where no sum carries into the next byte, so every mark is exact.
 */
#define ONES	0x0101010101010101ULL
#define HIGH	0x8080808080808080ULL
/* high bit set in each byte where y (seven bits) is not c */
#define NOT(y, c)	(((y) ^ (ONES * (c))) + ONES * 0x7f)
static inline uint64_t
stops(uint64_t x, int bare)
{
	uint64_t y = x & ~HIGH, ok;

	/* at or above the lowest byte the run may hold, not 0x7f */
	ok = (y + ONES * (0x80 - (bare ? 0x21 : 0x20))) & ~(y + ONES) &
	    NOT(y, '"') & NOT(y, '\\');
	if (bare)
		ok &= NOT(y, '=');
	return ~(ok & ~x) & HIGH;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define FIRSTSTOP(t)	((size_t)__builtin_ctzll(t) / 8)
#endif

/*
 * Copy the run of bytes at c->pos whose plain[] is in 1..max.  Eight
 * bytes are stored at a time, whatever part of them the run holds: the
 * output never runs ahead of the input (a decoded field is never longer
 * than its text), so while eight input bytes are left there is room for
 * eight in the buffer, and what is stored past the run is written over
 * or lies past the field's NUL.  Inlined into each of its three
 * callers, where max is a constant: a call per value cost more than the
 * scan of most values.
 */
static inline __attribute__((always_inline)) void
run(struct cur *c, int max)
{
	const unsigned char *p = c->s + c->pos, *end = c->s + c->len;
	unsigned char *o = (unsigned char *)c->out;
	uint64_t x, t;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		memcpy(o, &x, 8);
		if ((t = stops(x, max == 1)) != 0) {
#ifdef FIRSTSTOP
			p += FIRSTSTOP(t);
			o += FIRSTSTOP(t);
			goto done;
#else
			break;
#endif
		}
		p += 8;
		o += 8;
	}
	while (p < end && plain[*p] != 0 && plain[*p] <= max)
		*o++ = *p++;
#ifdef FIRSTSTOP
done:
#endif
	c->pos = (size_t)(p - c->s);
	c->out = (char *)o;
}

/* Copy one character that may stand raw: printable ASCII or UTF-8. */
static int
rawchar(struct cur *c)
{
	const unsigned char *p = c->s + c->pos;
	size_t n = 1;

	if (*p < 0x20 || *p == 0x7f)
		return fail(c, "raw control byte (the writer escapes it as "
		    "\\xHH)");
	if (*p >= 0x80 && (n = u8seq(p, c->len - c->pos)) == 0)
		return fail(c, "invalid UTF-8 or a C1 control (the writer "
		    "escapes it as \\xHH)");
	memcpy(c->out, p, n);
	c->out += n;
	c->pos += n;
	return 0;
}

static const unsigned char keych[256] = {
	['0' ... '9'] = 1, ['_'] = 1, ['a' ... 'z'] = 1,
};

#ifdef FIRSTSTOP
/*
 * The bytes of x that may not stand in a key, each marked by its high
 * bit.  Exact for every byte: on seven-bit values the sums stay below
 * 0x100 and carry into no other byte.
 */
static inline uint64_t
notkey(uint64_t x)
{
	uint64_t y = x & ~HIGH, ok;

#define GE(c)	((y + ONES * (0x80 - (c))) & HIGH)
	ok = (GE('0') & ~GE('9' + 1)) | (GE('a') & ~GE('z' + 1)) |
	    (~((y ^ (ONES * '_')) + ONES * 0x7f) & HIGH);
#undef GE
	return ~(ok & ~x) & HIGH;
}
#endif

/* A key and its '=', copied as run() copies a value. */
static int
key(struct cur *c, size_t *klen)
{
	const unsigned char *start = c->s + c->pos, *p = start,
	    *end = c->s + c->len;
	unsigned char *o = (unsigned char *)c->out;
#ifdef FIRSTSTOP
	uint64_t x, t;

	while (end - p >= 8) {
		memcpy(&x, p, 8);
		memcpy(o, &x, 8);
		if ((t = notkey(x)) != 0) {
			p += FIRSTSTOP(t);
			o += FIRSTSTOP(t);
			goto done;
		}
		p += 8;
		o += 8;
	}
#endif
	while (p < end && keych[*p])
		*o++ = *p++;
#ifdef FIRSTSTOP
done:
#endif
	if (p == start)
		return fail(c, "expected a key (a-z, 0-9, _)");
	*klen = (size_t)(p - start);
	c->out = (char *)o;
	c->pos += *klen;
	if (c->pos == c->len || c->s[c->pos] != '=')
		return fail(c, "expected '=' after the key");
	c->pos++;
	return 0;
}

/* A bare value: not empty, nothing that would need quotes. */
static int
bare(struct cur *c)
{
	size_t start = c->pos;
	unsigned char ch;

	while (c->pos < c->len && (run(c, 1), c->pos < c->len) &&
	    (ch = c->s[c->pos]) != ' ') {
		if (ch == '"' || ch == '=' || ch == '\\')
			return fail(c, "'\"', '=' or '\\' in a bare value "
			    "(the writer quotes it)");
		if (rawchar(c) == -1)
			return -1;
	}
	if (c->pos == start)
		return fail(c, "empty bare value (the writer writes \"\")");
	return 0;
}

/* One escape at the backslash: \" \\ or \xHH. */
static int
escape(struct cur *c)
{
	const unsigned char *p = c->s + c->pos;
	size_t left = c->len - c->pos;
	int hi, lo;

	if (left >= 2 && (p[1] == '"' || p[1] == '\\')) {
		*c->out++ = (char)p[1];
		c->pos += 2;
		return 0;
	}
	if (left < 2 || p[1] != 'x')
		return fail(c, "unknown escape (only \\\", \\\\ and \\xHH)");
	if (left < 4 || (hi = hexval(p[2])) == -1 || (lo = hexval(p[3])) == -1)
		return fail(c, "bad \\x escape (two upper-case hex digits)");
	if ((*c->out++ = (char)(hi << 4 | lo)) == '\0')
		c->nul = 1;
	c->pos += 4;
	return 0;
}

/* A quoted value, from its opening quote to past its closing one. */
static int
quoted(struct cur *c)
{
	for (c->pos++; ; ) {
		run(c, 2);
		if (c->pos == c->len)
			return fail(c, "unterminated quoted value");
		if (c->s[c->pos] == '"')
			break;
		if ((c->s[c->pos] == '\\' ? escape(c) : rawchar(c)) == -1)
			return -1;
	}
	c->pos++;
	return 0;
}

/* One key=value at c->pos into the next field of rec. */
static int
field(struct cur *c, struct logfmt_rec *rec)
{
	struct logfmt_field *f = &rec->f[rec->n];
	char *val;

	f->key = c->out;
	if (key(c, &f->klen) == -1)
		return -1;
	*c->out++ = '\0';
	f->val = val = c->out;
	c->nul = 0;
	if ((c->pos < c->len && c->s[c->pos] == '"' ? quoted(c) : bare(c)) ==
	    -1)
		return -1;
	f->vlen = (size_t)(c->out - val);
	f->nul = c->nul;
	*c->out++ = '\0';
	rec->n++;
	return 0;
}

/* After a field: the end of the line, or one blank and another field. */
static int
separator(struct cur *c)
{
	if (c->s[c->pos] != ' ')
		return fail(c, "expected a blank between fields");
	c->pos++;
	if (c->pos == c->len)
		return fail(c, "a blank at the end of the line");
	if (c->s[c->pos] == ' ')
		return fail(c, "more than one blank between fields");
	return 0;
}

/*
 * The line's fields in order.  With faulted set, a fault after at least
 * one whole field is no error: *faulted says so, and rec keeps the whole
 * fields before it.
 */
static int
parse_some(const char *line, size_t len, struct logfmt_rec *rec, char *buf,
    const char **errstr, size_t *erroff, int *faulted)
{
	struct cur c;

	memset(&c, 0, sizeof(c));
	c.s = (const unsigned char *)line;
	c.len = len;
	c.out = buf;
	if (len == 0)
		fail(&c, "empty line");
	else if (buf == NULL)
		fail(&c, "out of memory");
	while (c.why == NULL) {
		if (rec->n == LOGFMT_MAXFIELDS) {
			fail(&c, "too many fields");
			break;
		}
		if (field(&c, rec) == -1 || c.pos == c.len)
			break;
		separator(&c);
	}
	if (c.why == NULL)
		return 0;
	if (errstr != NULL)
		*errstr = c.why;
	if (erroff != NULL)
		*erroff = c.pos;
	if (faulted != NULL && rec->n > 0 && buf != NULL) {
		*faulted = 1;
		return 0;
	}
	return -1;
}

static int
parse(const char *line, size_t len, struct logfmt_rec *rec, char *buf,
    const char **errstr, size_t *erroff)
{
	return parse_some(line, len, rec, buf, errstr, erroff, NULL);
}

/*
 * No fields.  Only the count is reset, not the whole array: a reader of
 * millions of lines would spend its time clearing it.
 */
static void
empty(struct logfmt_rec *rec)
{
	rec->n = 0;
	rec->buf = NULL;
}

int
logfmt_parse_prefix(const char *line, size_t len, struct logfmt_rec *rec,
    char *buf, size_t bufsize, const char **errstr, size_t *erroff)
{
	int faulted = 0;

	empty(rec);
	if (len > (bufsize - 2) / 2 || bufsize < 2)
		buf = NULL;
	if (parse_some(line, len, rec, buf, errstr, erroff, &faulted) == 0)
		return faulted;
	empty(rec);
	return -1;
}

int
logfmt_parse(const char *line, size_t len, struct logfmt_rec *rec,
    const char **errstr, size_t *erroff)
{
	char *buf = NULL;

	memset(rec, 0, sizeof(*rec));
	if (len > 0 && len < ((size_t)-1) / 2 - 1)
		buf = malloc(LOGFMT_BUFSIZE(len));
	rec->buf = buf;
	if (parse(line, len, rec, buf, errstr, erroff) == 0)
		return 0;
	logfmt_free(rec);
	return -1;
}

int
logfmt_parse_into(const char *line, size_t len, struct logfmt_rec *rec,
    char *buf, size_t bufsize, const char **errstr, size_t *erroff)
{
	empty(rec);
	if (len > (bufsize - 2) / 2 || bufsize < 2)
		buf = NULL;
	if (parse(line, len, rec, buf, errstr, erroff) == 0)
		return 0;
	empty(rec);
	return -1;
}

const char *
logfmt_get(const struct logfmt_rec *rec, const char *key)
{
	size_t i;

	for (i = 0; i < rec->n; i++)
		if (strcmp(rec->f[i].key, key) == 0)
			return rec->f[i].val;
	return NULL;
}

void
logfmt_free(struct logfmt_rec *rec)
{
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}
