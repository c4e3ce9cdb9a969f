/*
 * The test support shared by the suites: throwaway root-owned fixtures, a
 * stand-in for rsync that records how it was run, running a program with
 * a clean environment and a timeout, reading the log back (logfmt.h), the
 * client corpus, the checks every refusal and every permit gets, and
 * registering tests that need root.
 */
#ifndef RSHELL_TEST_HARNESS_H
#include <check.h>

#define RSHELL_TEST_HARNESS_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include "logfmt.h"

#define H_MAXARGS	256	/* words the stand-in records */
#define H_TIMEOUT	60	/* seconds a program may run */

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * ck_assert_msg for the hottest loops.  Check sends the runner a record of
 * every assertion that passes, one write(2) each; over every byte of a
 * listing or thousands of generated cases that costs more than the test
 * itself.  This one reports only a failure, with the same message.
 */
#define H_ASSERT(expr, ...) \
	do { if (!(expr)) ck_abort_msg(__VA_ARGS__); } while (0)

/*
 * Requests as an rsync 3 client sends them for "rsync -az".  H_CLUSTER is
 * its short-option cluster, ending in the capability string (-e.iLsfxCIvu,
 * never a remote shell in server mode).  A prefix is a request up to and
 * including the cluster and a blank: more options, then ". PATH", follow.
 * The whole requests push into, or pull from, backup/ (test_modes.c) or
 * backup/laptop/ (test_rsync.c).
 */
#define H_CLUSTER	"-logDtprze.iLsfxCIvu"
#define H_PUSH_PREFIX	"rsync --server " H_CLUSTER " "
#define H_PULL_PREFIX	"rsync --server --sender " H_CLUSTER " "
#define H_PUSH_BACKUP	H_PUSH_PREFIX ". backup/"
#define H_PULL_BACKUP	H_PULL_PREFIX ". backup/"
#define H_PUSH_LAPTOP	H_PUSH_PREFIX ". backup/laptop/"
#define H_PULL_LAPTOP	H_PULL_PREFIX ". backup/laptop/"

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

/*
 * How a program ended: exit status, 128 + signal, or -1 on timeout; what
 * it wrote, NUL-terminated (out holds outlen bytes, NULs among them).
 */
struct h_res {
	int	 status;
	char	*out;
	size_t	 outlen;
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

/*
 * The client corpus, tests/data/rsync-3.5-client-commands.tsv: one row per
 * request a real client sends, with the verdict it must get under
 * "permit push pull list USER dir D".
 */
struct h_corpus_row {
	int	 pull;		/* direction: pull (1) or push (0) */
	int	 permit;	/* verdict: permit (1) or deny (0) */
	char	*opts;		/* client options, for messages */
	char	*cmd;		/* the request as sshd passes it */
	size_t	 line;		/* in the file */
};

struct h_corpus {
	char			 path[PATH_MAX];
	struct h_corpus_row	*row;
	size_t			 n;
};

/*
 * Read the corpus from $srcdir (default ".") and check every row: four
 * tab-separated columns, direction push or pull, options and request not
 * empty, verdict permit or deny, no control bytes, a newline at the end.
 * Lines starting with '#' are comments.  -1 with "file:line: what" in err
 * at the first row that is not so (nothing is skipped), or when the file
 * cannot be read.  No Check assertion: suites read it while being built.
 */
int	 h_corpus_read(struct h_corpus *c, char *err, size_t errlen);
/* The same for another corpus of that format (name under $srcdir). */
int	 h_corpus_read_file(struct h_corpus *c, const char *name, char *err,
	    size_t errlen);
void	 h_corpus_free(struct h_corpus *c);

/* Is the effective uid 0?  The policy must be root-owned. */
int	 h_root(void);
/*
 * Count n tests of suite that were left out for want of root; the total is
 * printed once, when the runner exits.
 */
void	 h_skipped(const char *suite, int n);
/* Count n tests left out for another reason, said at once. */
void	 h_skipped_for(const char *suite, int n, const char *why);
/*
 * For make check's summary (tests/summary.sh): write "passed=N failed=N
 * skipped=N" to the file $RSHELL_CHECK_RESULT names, when it is set,
 * with every test h_skipped and h_skipped_for counted.  -1 on an error.
 */
int	 h_result(int passed, int failed);

/*
 * Where the tests make their trees: /dev/shm when it is a tmpfs of mode
 * 1777, else /tmp (the disk's filesystem).  A tmpfs has no user xattrs and counts no block
 * I/O: a test that needs either uses the disk (h_root_tcase_disk).
 */
const char *h_tmpdir(void);

/*
 * The seed of a suite's generated cases: RSHELL_SEED, else one of its
 * own; printed as "SUITE: seed N (RSHELL_SEED=N repeats it)".
 */
uint64_t h_seed(const char *suite);

/*
 * The per-suite directory (an unchecked fixture: runs in the parent),
 * under h_tmpdir(); the _disk one under /tmp.
 */
void	 h_suite_setup(void);
void	 h_suite_setup_disk(void);
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
/*
 * Remove a tree under /tmp or h_tmpdir() without following a symlink
 * (tests plant ones to /etc); -1 if it is elsewhere (left alone) or not
 * all of it went.
 */
int	 h_rmtree(const char *path);

/* The rshell binary: $RSHELL, else ./rshell/rshell, made absolute. */
const char *h_rshell(void);
/*
 * An rshell whose compiled-in policy path never exists ($RSHELL_NOPOLICY,
 * else ./tests/rshell-nopolicy), for running it as sshd runs a login
 * shell, without -f: what a test sees may not depend on the policy
 * installed on this machine, nor write to the log that one names.
 */
const char *h_rshell_nopolicy(void);

/*
 * For a child about to exec: every signal back to SIG_DFL, none blocked.
 * Both survive exec, so under "nohup make check" (SIGHUP ignored) rshell
 * would start with SIGHUP ignored and could not be stopped by it.
 */
void	 h_child_signals(void);

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

/*
 * Log lines: how many; line idx (0-based) parsed into lr, -1 when there
 * is no such line.  A line that is not strict logfmt fails the test, here
 * and in h_log_find.
 */
size_t	 h_log_count(const char *path);
int	 h_log_get(const char *path, size_t idx, struct logfmt_rec *lr);
/* Parse len bytes that must be strict logfmt; the number of fields. */
size_t	 h_log_parse(const char *line, size_t len, struct logfmt_rec *lr);
/*
 * The index of the first line at or after from whose fields match every
 * key, value pair (NULL-terminated).  A value "~text" matches a field that
 * contains text ("~" alone: any value); anything else must be equal.  -1
 * when no line matches.
 */
int	 h_log_find(const char *path, size_t from, ...)
	    __attribute__((sentinel));

/*
 * The expect helpers.  A request is judged against a mark taken before it
 * ran: the log lines and the stand-in's runs so far.
 */
struct h_mark {
	size_t	 log;
	int	 runs;
};

void	 h_mark(const struct h_fx *f, struct h_mark *m);
/*
 * Every refusal is checked for three things: refused (exit status 1,
 * "rshell: denied: " and why on stderr, nothing on stdout), nothing ran
 * (the stand-in's record), and the deny: exactly one new log line,
 * event=deny, whose reason contains why and is what stderr says.
 */
void	 h_expect_denied(const struct h_fx *f, const struct h_res *r,
	    const struct h_mark *m, const char *why, const char *what);
/*
 * A refusal that cannot be logged, because the policy is not trusted or
 * the log cannot be opened (both go to syslog): refused and nothing ran
 * as above, and no new line in the fixture's log.
 */
void	 h_expect_denied_unlogged(const struct h_fx *f,
	    const struct h_res *r, const struct h_mark *m, const char *why,
	    const char *what);
/*
 * Every permitted request: exit status 0, the stand-in ran ran more times
 * (0 for a built-in), and exactly two new log lines, permit with run=,
 * then exit with status=0 and ms=, both with the same pid.
 */
void	 h_expect_permitted(const struct h_fx *f, const struct h_res *r,
	    const struct h_mark *m, int ran, const char *what);
/* rshell -c cmd (env may be NULL), expected to be refused for why. */
void	 h_denied(const struct h_fx *f, const char *cmd, char *const env[],
	    const char *why);
/*
 * rshell -c cmd, expected to be permitted with cmd= the request and the
 * stand-in run ran times; its record in rec (may be NULL; h_rec_free it).
 */
void	 h_permitted(const struct h_fx *f, const char *cmd, int ran,
	    struct h_rec *rec);

/*
 * A test case of tests that need root, with the suite-wide fixture and the
 * per-test setup and teardown; NULL (the tests left out) when not root.
 */
TCase	*h_root_tcase(Suite *s, const char *name, void (*setup)(void),
	    void (*teardown)(void));
/* The same with the suite-wide directory on the disk (/tmp). */
TCase	*h_root_tcase_disk(Suite *s, const char *name, void (*setup)(void),
	    void (*teardown)(void));
/*
 * The same for tests that share one fixture: build makes it once, before
 * the first of them, in the runner (an unchecked fixture), and teardown
 * removes it after the last; reset runs before each test, in the test's
 * own process.  Only for tests that change nothing in the fixture but
 * what h_reset empties: the policy, the log and the stand-in's record.
 * Building a fixture per test cost more than most of these tests.
 */
/*
 * The tag (tcase_set_tags) of a test case that mostly waits: the parallel
 * runner (check_main.c) runs it as a job of its own, beside the others.
 */
#define H_TAG_ALONE	"alone"
TCase	*h_root_tcase_shared(Suite *s, const char *name,
	    void (*build)(void), void (*reset)(void), void (*teardown)(void));
void	 h_reset(const struct h_fx *f);
/*
 * Add test t, or one test per row for rows rows, to tc.  tc may be NULL
 * (h_root_tcase when not root): then nothing is added.  *n counts the
 * tests either way, for h_skipped.
 */
void	 h_add(TCase *tc, const TTest *t, int *n);
void	 h_add_rows(TCase *tc, const TTest *t, size_t rows, int *n);

/*
 * The real rsync client, with rshell -f f->policy as its remote shell (-e,
 * a script that drops the host): rsync FLAGS [MORE] -e SSH SRC DST.
 */
void	 h_rsync_client(const struct h_fx *f, const char *flags,
	    const char *more, const char *src, const char *dst,
	    struct h_res *r);
/* The value of field key of log line idx of the log at path, copied (free
   it), or NULL when the line has no such field. */
char	*h_log_field(const char *path, size_t idx, const char *key);
/* Does the file at path hold exactly content? */
int	 h_file_is(const char *path, const char *content);

#endif
