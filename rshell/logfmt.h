/*
 * A strict reader of rshell's log lines (the format of rshell.8's LOG
 * section), written from the format rather than from log.c, so that the
 * tests that read every line with it catch the writer drifting from the
 * format; rshell-report reads the log with it too.  It refuses anything a report could
 * misread: empty bare values; bare values holding '"', '=', '\' or a
 * blank; unknown escapes and lower-case hex; raw control bytes, DEL, C1
 * controls or invalid UTF-8 anywhere (the writer must have escaped them);
 * unterminated quotes; doubled, leading or trailing blanks.
 *
 * Plain C with no globals and no output: a line that is not strict logfmt is an error
 * with a reason and the offset of the first byte at fault.
 */
#ifndef RSHELL_LOGFMT_H
#define RSHELL_LOGFMT_H

#include <stddef.h>

#define LOGFMT_MAXFIELDS	64

struct logfmt_field {
	const char	*key;	/* klen bytes, a NUL after them */
	size_t		 klen;
	const char	*val;	/* vlen bytes, a NUL after them */
	size_t		 vlen;
	int		 nul;	/* a \x00 among the vlen bytes */
};

/*
 * One line, fields in order; keys and values live in buf.  Only f[0] to
 * f[n - 1] are set.
 */
struct logfmt_rec {
	size_t			 n;
	struct logfmt_field	 f[LOGFMT_MAXFIELDS];
	char			*buf;
};

/*
 * Parse the len bytes at line (no newline).  0 on success; -1 with a
 * static reason in *errstr and the byte offset in *erroff (either may be
 * NULL), and rec left empty.  Free a parsed rec with logfmt_free.
 */
int		 logfmt_parse(const char *line, size_t len,
		    struct logfmt_rec *rec, const char **errstr,
		    size_t *erroff);
/*
 * The same into the caller's buf of bufsize bytes, which must be at least
 * LOGFMT_BUFSIZE(len): no allocation, rec->buf stays NULL, and the fields
 * live in buf (for a reader of millions of lines).
 */
#define LOGFMT_BUFSIZE(len)	(2 * (len) + 2)
int		 logfmt_parse_into(const char *line, size_t len,
		    struct logfmt_rec *rec, char *buf, size_t bufsize,
		    const char **errstr, size_t *erroff);
/*
 * For a line known to be cut short (syslog's " [cut]"): as
 * logfmt_parse_into, but a fault after at least one whole field returns
 * 1, with rec holding the whole fields before the fault.
 */
int		 logfmt_parse_prefix(const char *line, size_t len,
		    struct logfmt_rec *rec, char *buf, size_t bufsize,
		    const char **errstr, size_t *erroff);
/* The value of the first field named key, or NULL. */
const char	*logfmt_get(const struct logfmt_rec *rec, const char *key);
/* Harmless on an empty or already freed rec. */
void		 logfmt_free(struct logfmt_rec *rec);

#endif
