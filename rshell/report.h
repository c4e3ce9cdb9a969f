/*
 * rshell-report: the log review.  Lines (plain log lines, or the same
 * lines as syslog and journald deliver them) become events (report_line.c),
 * events fold into a summary of bounded size (report.c), and the summary
 * is printed for a person, as JSON, for Prometheus or as a Nagios check
 * (report_out.c).  No globals and no output below report_main.c.
 */
#ifndef RSHELL_REPORT_H
#define RSHELL_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "logfmt.h"

#define REPORT_MAXLINE		(256 * 1024)	/* longer lines are damage */
#define REPORT_MAXSTR		256	/* host, user, key, source kept */
#define REPORT_MAXREASON	512	/* bytes of a reason kept */
#define REPORT_MAXACCTS		4096	/* host, user and key triples */
#define REPORT_MAXGROUPS	1024	/* reasons, and source addresses */
#define REPORT_MAXPENDING	16384	/* sessions waiting for their exit */
#define REPORT_MAXLISTED	1000	/* bad lines, missing exits, unusual
					   pushes kept for the listing */

enum rev_type { REV_PERMIT, REV_DENY, REV_EXIT, REV_ERROR };
enum rdir { RDIR_PUSH, RDIR_PULL, RDIR_LIST, RDIR_NONE };

/* One event, as read from one line; strings live in the line context. */
struct rev {
	enum rev_type	 type;
	long long	 t_ms;		/* Unix time, milliseconds */
	const char	*host, *user, *key, *from;
	long		 pid;
	enum rdir	 dir;		/* permit: from its run field */
	const char	*reason;	/* deny, error */
	int		 status;	/* exit: -1 when killed */
	const char	*signal;	/* exit: NULL unless killed */
	long long	 ms;		/* exit: wall time */
	long long	 write_bytes;	/* exit: -1 when not logged */
	int		 cut;		/* syslog cut the message */
};

/* The last date read, YYYY-MM-DD, and its day since 1970-01-01. */
struct rdate {
	int		 valid;
	char		 ymd[10];
	long long	 days;
};

/* What one line parses with: scratch space, and how to read its times. */
struct rline {
	const char	*localhost;	/* host of plain (unprefixed) lines */
	long long	 now_ms;	/* for RFC 3164's missing year */
	char		*buf;		/* LOGFMT_BUFSIZE(REPORT_MAXLINE) */
	char		*msg;		/* REPORT_MAXLINE + 1: a decoded
					   journal MESSAGE */
	char		 host[REPORT_MAXSTR];
	struct logfmt_rec rec;
	/*
	 * RFC 3164 times: the local year of now, and the last hour mktime
	 * gave for each of the two years a stamp may fall in (mktime reads
	 * the zone file each time, and lines of one year keep asking for
	 * the year before as well).
	 */
	int		 tzyear_valid, tzyear;
	int		 tzcache_valid[2];
	long long	 tzcache_key[2], tzcache_val[2];
	struct rdate	 date;		/* of the last RFC 3339 time */
};

enum rline_result { RLINE_BAD = -1, RLINE_OTHER = 0, RLINE_EVENT = 1 };

int	rline_init(struct rline *rl, const char *localhost, long long now_ms);
void	rline_free(struct rline *rl);
/*
 * One line without its newline.  RLINE_EVENT with *ev filled in;
 * RLINE_OTHER for a line that is not rshell's but may stand in a
 * collector's file (another program's syslog line, a journalctl marker);
 * RLINE_BAD with a static reason in *why: damage, never an event.
 */
enum rline_result rline_parse(struct rline *rl, const char *line,
	    size_t len, struct rev *ev, const char **why);

/*
 * Times: RFC 3339 (2026-12-01T07:00:01.042Z, or with +hh:mm), to Unix
 * milliseconds, memo (or NULL) keeping the last date read; and the
 * option forms, a DURATION (90s, 15m, 36h, 7d, 2w, concatenated as
 * 1d12h) or a DATE (YYYY-MM-DD[THH:MM[:SS]][Z], UTC).
 */
int	report_time(const char *s, size_t len, struct rdate *memo,
	    long long *ms);
int	report_duration(const char *s, long long *ms);
int	report_when(const char *s, long long now_ms, long long *ms);
long long report_days_from_civil(int y, int m, int d);

struct xfer {
	int		 valid;
	long long	 t_ms, ms, write_bytes;
	char		 from[REPORT_MAXSTR];
};

struct lastfail {
	int		 valid;
	long long	 t_ms;
	enum rdir	 dir;
	int		 status;
	char		 signal[32];
};

struct acct {
	const char	*host, *user, *key;	/* interned */
	unsigned long	 sessions, failures, refusals, errors, orphans;
	int		 pushed;	/* a push was permitted */
	struct xfer	 last[2];	/* RDIR_PUSH, RDIR_PULL */
	struct lastfail	 fail;
	/* the usual amount of a push: mean of log2(bytes written + 1) */
	double		 lmean;
	unsigned long	 ln;
};

struct group {
	const char	*host, *name;	/* interned */
	unsigned long	 count;
	long long	 first, last;
};

struct pending {
	int		 used;
	const char	*host;
	long		 pid;
	size_t		 acct;
	enum rdir	 dir;
	long long	 t_ms;
	char		 from[80];	/* rshell logs at most 63 + 8 */
};

struct listed {
	const char	*file;
	unsigned long	 lineno;
	const char	*why;
	size_t		 acct;
	long		 pid;
	enum rdir	 dir;
	long long	 t_ms, bytes, usual;
};

struct strtab {
	char		**slot;
	size_t		 cap, n;
};

struct report {
	long long	 since, until, now;	/* ms; since/until inclusive */
	const char	*fhost, *fuser, *fkey;	/* filters, or NULL */
	int		 verbose;
	/* what was read */
	unsigned long	 lines, events, bad, other, cut, outside, filtered;
	unsigned long	 overflow;	/* events of accounts or groups past
					   the caps, counted only here */
	unsigned long	 pending_lost;	/* permits past REPORT_MAXPENDING */
	unsigned long	 missing;	/* sessions without an exit */
	unsigned long	 nfiles, unreadable;
	struct strtab	 strs;
	struct acct	*acct;
	size_t		 nacct;
	size_t		*acctidx;	/* hash of acct, 2 * REPORT_MAXACCTS */
	struct group	*reason, *source;
	size_t		 nreason, nsource;
	size_t		*reasonidx, *sourceidx;	/* hashes of them */
	/*
	 * Sessions waiting for their exit: a dense pool, and a hash of
	 * 2 * REPORT_MAXPENDING slots holding pool index + 1 (0: empty), so
	 * that the probes stay in a small, hot array.
	 */
	struct pending	*pend;
	unsigned	*pidx, *pfree;
	size_t		 npend;
	struct listed	*badl, *miss, *odd;
	size_t		 nbadl, nmiss, nodd;
	unsigned long	 nodd_all;
};

int	report_init(struct report *r);
void	report_free(struct report *r);
/* One parsed event; file and lineno only for the listings. */
void	report_event(struct report *r, const struct rev *ev);
void	report_bad(struct report *r, const char *file, unsigned long lineno,
	    const char *why);
/* After the last line: sessions still waiting become missing exits. */
void	report_finish(struct report *r);
const char *report_intern(struct report *r, const char *s);
/* Sorted views (host, user, key order; groups by count). */
void	report_sort(struct report *r);

/* Output (report_out.c). */
struct staleopt {
	long long	 warn_ms, crit_ms;
};
void	report_text(const struct report *r, FILE *fp, int colour);
void	report_json(const struct report *r, FILE *fp);
void	report_prometheus(const struct report *r, FILE *fp);
int	report_stale(const struct report *r, const struct staleopt *o,
	    FILE *fp);
/* RFC 3339 with milliseconds into buf (at least 32 bytes). */
void	report_fmttime(long long ms, char *buf, size_t len);
const char *report_dirname(enum rdir d);

#endif
