/*
 * Shared by the suites that drive the rshell binary end to end
 * (test_modes.c, test_rsync.c): throwaway root-owned fixtures, a stand-in
 * for rsync that records how it was run, running a program with a clean
 * environment and a timeout, and reading the logfmt log back.
 */
#ifndef RSHELL_TEST_HARNESS_H
#include <check.h>

#define RSHELL_TEST_HARNESS_H

#include <limits.h>
#include <stddef.h>

#define H_MAXARGS	256	/* words the stand-in records */
#define H_MAXFIELDS	32	/* fields in one log line */
#define H_TIMEOUT	60	/* seconds a program may run */

/*
 * One test's world, all under top (a fresh directory, mode 0755, under a
 * per-suite directory in /tmp): the policy, the log, the stand-in and its
 * record, and d, the DIRECTORY the rules name.
 */
struct h_fx {
	char	top[PATH_MAX];
	char	d[PATH_MAX];
	char	policy[PATH_MAX];
	char	log[PATH_MAX];
	char	rsync[PATH_MAX];	/* top/bin/rsync, the stand-in */
	char	record[PATH_MAX];	/* what the stand-in appends to */
};

/* How a program ended: exit status, 128 + signal, or -1 on timeout. */
struct h_res {
	int	 status;
	char	*out;
	char	*err;
};

/* The last run of the stand-in, as it recorded it. */
struct h_rec {
	int	 runs;			/* how many times it ran */
	char	*arg[H_MAXARGS];	/* argv[1] ... */
	char	*res[H_MAXARGS];	/* readlink -m of the path in
					   arg[i], or NULL: not a path */
	size_t	 argc;
	char	*cwd;			/* pwd -P */
	char	*umask;			/* umask */
	char	*env[H_MAXARGS];	/* NAME=value; PWD, OLDPWD,
					   SHLVL and _ (sh's own) left
					   out */
	size_t	 nenv;
	int	 fds[H_MAXARGS];	/* open descriptors, from /proc */
	size_t	 nfds;
};

/* One parsed log line; val[i] holds vlen[i] bytes plus a NUL. */
struct h_logrec {
	size_t	 n;
	char	*key[H_MAXFIELDS];
	char	*val[H_MAXFIELDS];
	size_t	 vlen[H_MAXFIELDS];
};

/* Is the effective uid 0?  The policy must be root-owned. */
int	 h_root(void);
/*
 * Count n tests of suite that were left out for want of root; the total is
 * printed once, when the runner exits.
 */
void	 h_skipped(const char *suite, int n);

/* The per-suite directory (an unchecked fixture: runs in the parent). */
void	 h_suite_setup(void);
void	 h_suite_teardown(void);

/* A fresh fixture with d/ and the stand-in; removed by h_teardown. */
void	 h_setup(struct h_fx *f);
void	 h_teardown(struct h_fx *f);

/*
 * The policy: "rsync STAND-IN", "log LOG", then the formatted rules.
 * h_write writes exactly the text to path (root-owned, mode 0644).
 */
void	 h_policy(const struct h_fx *f, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 h_write(const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An executable (mode 0755) /bin/sh script; the text follows "#!/bin/sh". */
void	 h_script(const char *path, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/*
 * The recording stand-in at path, recording to f->record; extra is shell
 * text run first (a comment that names "confine-root", a symlink swap).
 */
void	 h_standin(const struct h_fx *f, const char *path,
	    const char *extra);

/* Under f->d: a directory (and its parents), a file with its parents. */
void	 h_mkdir(const struct h_fx *f, const char *rel);
void	 h_file(const struct h_fx *f, const char *rel, const char *content);
/*
 * dir/rel into buf (PATH_MAX bytes), returned.  h_in and h_top give a
 * path under f->d or f->top in a static buffer, for immediate use only
 * (four are used in rotation).
 */
char	*h_path(char *buf, const char *dir, const char *rel);
const char *h_in(const struct h_fx *f, const char *rel);
const char *h_top(const struct h_fx *f, const char *rel);
/* The whole file, NUL-terminated, or NULL. */
char	*h_slurp(const char *path);

/* The rshell binary: $RSHELL, else ./rshell/rshell, made absolute. */
const char *h_rshell(void);

/*
 * Run path with argv, stdin /dev/null, and an environment of PATH, any
 * sanitizer options of ours, and env (NULL-terminated, may be NULL).
 */
void	 h_run(struct h_res *r, const char *path, char *const argv[],
	    char *const env[]);
/* h_run with stdin the descriptor in (-1: /dev/null). */
void	 h_run_fd(struct h_res *r, const char *path, char *const argv[],
	    char *const env[], int in);
/*
 * h_run with stdin fed inlen bytes of in by a helper process (more than a
 * pipe holds is fine); with hold the helper keeps its end open afterwards,
 * as a client that sends no more but stays connected, until the program
 * has ended (harness_feed.c).
 */
void	 h_run_in(struct h_res *r, const char *path, char *const argv[],
	    char *const env[], const char *in, size_t inlen, int hold);
/* rshell -f f->policy -c cmd; _in: with stdin fed as h_run_in does. */
void	 h_rshell_c(struct h_res *r, const struct h_fx *f, const char *cmd,
	    char *const env[]);
void	 h_rshell_c_in(struct h_res *r, const struct h_fx *f, const char *cmd,
	    const char *in, size_t inlen, int hold);
void	 h_res_free(struct h_res *r);

/* The record of the stand-in: runs is 0 when it never ran. */
void	 h_rec_read(const struct h_fx *f, struct h_rec *rec);
void	 h_rec_free(struct h_rec *rec);
/* Index of the first argument equal to s, or -1. */
int	 h_rec_find(const struct h_rec *rec, const char *s);

/* Log lines: how many, one parsed (0-based), the first match. */
size_t	 h_log_count(const char *path);
int	 h_log_parse(const char *line, size_t len, struct h_logrec *lr);
int	 h_log_get(const char *path, size_t idx, struct h_logrec *lr);
void	 h_logrec_free(struct h_logrec *lr);
const char *h_log_val(const struct h_logrec *lr, const char *key);
/*
 * The index of the first line at or after from whose fields match every
 * key, value pair (NULL-terminated).  A value "~text" matches a field that
 * contains text ("~" alone: any value); anything else must be equal.  -1
 * when no line matches.
 */
int	 h_log_find(const char *path, size_t from, ...)
	    __attribute__((sentinel));

/*
 * The checks every refusal gets: exit status 1, "rshell: denied:" and why
 * on stderr, the stand-in never ran, and exactly one new log line after
 * logbefore lines: event=deny whose reason contains why.
 */
void	 h_expect_denied(const struct h_fx *f, const struct h_res *r,
	    size_t logbefore, const char *why, const char *what);
/*
 * The checks every permitted request gets: exit status 0, the stand-in
 * ran (when ran) and exactly two new log lines, permit then exit status=0.
 */
void	 h_expect_permitted(const struct h_fx *f, const struct h_res *r,
	    size_t logbefore, int ran, const char *what);

/*
 * A test case of tests that need root, with the suite-wide fixture and the
 * per-test setup and teardown; NULL (the tests left out) when not root.
 */
TCase	*h_root_tcase(Suite *s, const char *name, void (*setup)(void),
	    void (*teardown)(void));

#endif
