/* The attempt log: logfmt lines, one write(2) each, on O_APPEND files. */
#ifndef RSHELL_LOG_H
#define RSHELL_LOG_H

#include <stddef.h>

#define LOG_MAXFILES	8

/* A line being built.  Fields are appended in order; values are escaped. */
struct logline {
	char	*buf;
	size_t	 len, cap;
	int	 nomem;		/* allocation failed: the line is unusable */
};

struct logsink {
	int	 fd[LOG_MAXFILES];
	size_t	 nfd;
	int	 use_syslog;
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
 * 0640, and openlog() when use_syslog.  Returns 0, or -1 with a reason.
 */
int	log_open(struct logsink *s, char *const *paths, size_t npaths,
	    int use_syslog, char *err, size_t errlen);
/*
 * Write the line plus '\n' with a single write(2) to every file, and to
 * syslog.  Returns 0, or -1 with a reason if any file write failed or was
 * short.
 */
int	log_write(struct logsink *s, const struct logline *l, char *err,
	    size_t errlen);
void	log_close(struct logsink *s);

#endif
