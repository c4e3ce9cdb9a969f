/* The attempt log: logfmt lines, one write(2) each, on O_APPEND files. */
#ifndef RSHELL_LOG_H
#define RSHELL_LOG_H

#include <stddef.h>

#define LOG_MAXFILES	8
#define LOG_MAXVALUE	4096	/* bytes of one value kept; a longer one is
				   cut, and KEY_bytes=N gives its length */
#define LOG_MAXSYSLOG	4096	/* bytes of one syslog message */

/*
 * A line being built.  Fields are appended in order; values are escaped.
 * tail: where the cmd and forced fields are, so that syslog, which cuts
 * long messages, can put them last.
 */
struct logline {
	char	*buf;
	size_t	 len, cap;
	int	 nomem;		/* allocation failed: the line is unusable */
	size_t	 tailoff[2], taillen[2];
	size_t	 ntail;
};

struct logsink {
	int	 fd[LOG_MAXFILES];
	size_t	 nfd;
	int	 use_syslog;
	int	 sysfd;		/* a datagram socket on /dev/log, or -1 */
	int	 ok[LOG_MAXFILES];	/* the last log_write took the line */
};

/* Start a line with time=<RFC 3339 UTC, ms> event=<event>. */
void	logline_init(struct logline *l, const char *event);
/* Append " key=value"; value escaped as logfmt (NULL is written as "-"). */
void	logline_add(struct logline *l, const char *key, const char *value);
void	logline_addf(struct logline *l, const char *key, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	logline_free(struct logline *l);

/*
 * Escape one logfmt value into dst (NUL-terminated).  Returns the length the
 * full result needs (excluding NUL), like strlcpy; pure.
 */
size_t	log_escape(char *dst, size_t dstlen, const char *value);

/*
 * Open every path with O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC|O_NOFOLLOW, mode
 * 0640, and connect to /dev/log when use_syslog.  Returns 0, or -1 with a
 * reason: a log that cannot be opened, or syslog as the only destination
 * with nothing listening on /dev/log.
 */
int	log_open(struct logsink *s, char *const *paths, size_t npaths,
	    int use_syslog, char *err, size_t errlen);
/*
 * Write the line plus '\n' with a single write(2) to every file, and to
 * syslog.  Every file must take the line whole (the space is reserved
 * first, so a full disk or quota refuses the line instead of keeping a
 * fragment; a fragment that still happens is ended with a newline);
 * syslog's failure counts only when no file took the line.  Returns 0, or
 * -1 with a reason; s->ok[] says which files took it.
 */
int	log_write(struct logsink *s, const struct logline *l, char *err,
	    size_t errlen);
/*
 * After a failed log_write: keep only the files that took the line, so
 * that the refusal that follows reaches them (a permit line followed by a
 * deny line of the same pid is a request that never ran).
 */
void	log_keep_good(struct logsink *s);

/*
 * The syslog message for l, into msg (at least LOG_MAXSYSLOG + 64 bytes):
 * "<PRI>TIME rshell[PID]: " then the fields without time=, cmd and forced
 * last, cut at LOG_MAXSYSLOG bytes with a visible " [cut]".  Returns its
 * length (0 when msg is too small).
 */
size_t	log_syslog_msg(const struct logline *l, char *msg, size_t len);

/* Does anything listen on /dev/log (syslog)? */
int	log_syslog_reachable(void);
void	log_close(struct logsink *s);

#endif
