/*
 * The test harness (harness.h): fixtures, the recording stand-in for rsync,
 * running programs, counting skipped tests and registering tests; reading
 * back what ran is in harness_read.c.  Failures are reported with Check's
 * assertions, so every helper may be called from a test directly.
 */
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include <linux/magic.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "logfmt.h"

#define DISK_TMPDIR	"/tmp"
#define FAST_TMPDIR	"/dev/shm"
#define MAXOUT		(16 * 1024 * 1024)	/* output kept */
#define MAXENV		64

static char base[PATH_MAX];	/* the per-suite directory, or "" */
static char skipnames[128];	/* suites with tests left out */
static int nskipped;		/* for want of root */
static int nother;		/* for any other reason */
static pid_t runner;		/* the process that prints the note */
static char cur_record[PATH_MAX];	/* the fixture's record file */

int
h_root(void)
{
	return geteuid() == 0;
}

static void
skip_note(void)
{
	/* Forked test processes exit through here too: only the runner. */
	if (getpid() == runner && nskipped > 0)
		fprintf(stderr, "%s suites: skipped %d tests (need root)\n",
		    skipnames, nskipped);
}

void
h_skipped(const char *suite, int n)
{
	if (runner == 0) {
		runner = getpid();
		atexit(skip_note);
	}
	if (skipnames[0] != '\0')
		strlcat(skipnames, "/", sizeof(skipnames));
	strlcat(skipnames, suite, sizeof(skipnames));
	nskipped += n;
}

void
h_skipped_for(const char *suite, int n, const char *why)
{
	fprintf(stderr, "%s suite: skipped %d tests (%s)\n", suite, n, why);
	nother += n;
}

int
h_result(int passed, int failed)
{
	const char *path = getenv("RSHELL_CHECK_RESULT");
	FILE *fp;

	if (path == NULL || *path == '\0')
		return 0;
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(fp, "passed=%d failed=%d skipped=%d\n", passed, failed,
	    nskipped + nother);
	return fclose(fp) == 0 ? 0 : -1;
}

/*
 * Most trees go to /dev/shm when it is a tmpfs that anyone may write, as
 * /tmp (mode 1777: some tests make their trees as nobody): making a file
 * or directory there costs a fraction of what it costs on a disk's
 * filesystem, and the tests make tens of thousands.  Where it is absent,
 * something else, or only root's (the bare devtmpfs directory of a chroot
 * whose /dev is bound without its mounts), /tmp.
 */
const char *
h_tmpdir(void)
{
	static const char *dir;
	struct statfs sf;
	struct stat st;

	if (dir == NULL)
		dir = statfs(FAST_TMPDIR, &sf) == 0 &&
		    sf.f_type == TMPFS_MAGIC &&
		    lstat(FAST_TMPDIR, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (st.st_mode & 01777) == 01777 &&
		    access(FAST_TMPDIR, W_OK | X_OK) == 0 ?
		    FAST_TMPDIR : DISK_TMPDIR;
	return dir;
}

static void
suite_setup_in(const char *parent)
{
	snprintf(base, sizeof(base), "%s/rshell-test.XXXXXX", parent);
	if (mkdtemp(base) == NULL || chmod(base, 0755) == -1) {
		fprintf(stderr, "harness: %s: %s\n", base, strerror(errno));
		base[0] = '\0';
	}
}

uint64_t
h_seed(const char *suite)
{
	const char *env = getenv("RSHELL_SEED");
	uint64_t seed;

	seed = env ? strtoull(env, NULL, 10) :
	    (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	fprintf(stderr, "%s: seed %" PRIu64 " (RSHELL_SEED=%" PRIu64
	    " repeats it)\n", suite, seed, seed);
	return seed;
}

void
h_suite_setup(void)
{
	suite_setup_in(h_tmpdir());
}

void
h_suite_setup_disk(void)
{
	suite_setup_in(DISK_TMPDIR);
}

static int
rm_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if (type == FTW_DP)
		return rmdir(path) == -1 ? -1 : 0;
	return unlink(path) == -1 ? -1 : 0;
}

int
h_rmtree(const char *path)
{
	size_t n = strlen(h_tmpdir());

	if ((strncmp(path, DISK_TMPDIR "/", 5) != 0 &&
	    (strncmp(path, h_tmpdir(), n) != 0 || path[n] != '/')) ||
	    strstr(path, "/..") != NULL)
		return -1;
	return nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

void
h_suite_teardown(void)
{
	if (base[0] != '\0')
		h_rmtree(base);
	base[0] = '\0';
}

static void
join(char *out, const char *a, const char *b)
{
	ck_assert_msg(snprintf(out, PATH_MAX, "%s/%s", a, b) < PATH_MAX,
	    "path too long: %s/%s", a, b);
}

void
h_setup(struct h_fx *f)
{
	char tmp[PATH_MAX], bin[PATH_MAX];

	memset(f, 0, sizeof(*f));
	join(tmp, base[0] != '\0' ? base : h_tmpdir(), "t.XXXXXX");
	ck_assert_msg(mkdtemp(tmp) != NULL, "mkdtemp: %s", strerror(errno));
	ck_assert_msg(chmod(tmp, 0755) == 0, "chmod: %s", strerror(errno));
	ck_assert_msg(realpath(tmp, f->top) != NULL, "realpath: %s",
	    strerror(errno));
	join(f->d, f->top, "d");
	join(f->policy, f->top, "policy");
	join(f->log, f->top, "log");
	join(f->record, f->top, "record");
	strlcpy(cur_record, f->record, sizeof(cur_record));
	join(bin, f->top, "bin");
	join(f->rsync, bin, "rsync");
	ck_assert(mkdir(f->d, 0755) == 0 && chmod(f->d, 0755) == 0);
	ck_assert(mkdir(bin, 0755) == 0 && chmod(bin, 0755) == 0);
	h_standin(f, f->rsync, "");
}

void
h_teardown(struct h_fx *f)
{
	if (f->top[0] != '\0')
		h_rmtree(f->top);
}

static void
write_mode(const char *path, mode_t mode, const char *text)
{
	size_t len = strlen(text);
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, mode);
	ck_assert_msg(fd != -1, "open %s: %s", path, strerror(errno));
	ck_assert_msg(write(fd, text, len) == (ssize_t)len, "write %s", path);
	ck_assert(fchmod(fd, mode) == 0);
	close(fd);
}

void
h_write(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&text, fmt, ap);
	va_end(ap);
	ck_assert(r != -1);
	write_mode(path, 0644, text);
	free(text);
}

void
h_script(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *body, *text;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&body, fmt, ap);
	va_end(ap);
	ck_assert(r != -1);
	ck_assert(asprintf(&text, "#!/bin/sh\n%s", body) != -1);
	write_mode(path, 0755, text);
	free(body);
	free(text);
}

void
h_policy(const struct h_fx *f, const char *fmt, ...)
{
	va_list ap;
	char *rules;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&rules, fmt, ap);
	va_end(ap);
	ck_assert(r != -1);
	h_write(f->policy, "rsync %s\nlog %s\n%s", f->rsync, f->log, rules);
	free(rules);
}

/*
 * The stand-in for rsync (tests/standin.c; $STANDIN) copied to path, with
 * extra (if any) on a line of its own after it: rshell looks in the file
 * for "confine-root", and "standin:stdin" makes it report its stdin.
 */
void
h_standin(const struct h_fx *f, const char *path, const char *extra)
{
	const char *src = getenv("STANDIN");
	char buf[65536];
	ssize_t n;
	int in, out;

	(void)f;
	ck_assert_msg(src != NULL && *src != '\0', "STANDIN is not set");
	in = open(src, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(in != -1, "%s: %s", src, strerror(errno));
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0755);
	ck_assert_msg(out != -1, "open %s: %s", path, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert(write(out, buf, (size_t)n) == n);
	ck_assert(n == 0);
	if (extra != NULL)
		ck_assert(dprintf(out, "\n%s\n", extra) > 0);
	ck_assert(fchmod(out, 0755) == 0);
	close(in);
	ck_assert(close(out) == 0);
}

char *
h_path(char *buf, const char *dir, const char *rel)
{
	join(buf, dir, rel);
	return buf;
}

const char *
h_in(const struct h_fx *f, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	join(buf[i], f->d, rel);
	return buf[i];
}

const char *
h_top(const struct h_fx *f, const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	join(buf[i], f->top, rel);
	return buf[i];
}

/* Make dir/rel and its parents; only those beneath dir, which exists. */
static void
mkdir_under(const char *dir, const char *rel)
{
	char buf[PATH_MAX], *s;

	join(buf, dir, rel);
	for (s = buf + strlen(dir) + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			ck_assert_msg(mkdir(buf, 0755) == 0 || errno == EEXIST,
			    "mkdir %s: %s", buf, strerror(errno));
			*s = c;
		}
		if (*s == '\0')
			break;
	}
}

void
h_mkdir(const struct h_fx *f, const char *rel)
{
	mkdir_under(f->d, rel);
}

void
h_file(const struct h_fx *f, const char *rel, const char *content)
{
	char parent[PATH_MAX], *slash;

	ck_assert(strlcpy(parent, rel, sizeof(parent)) < sizeof(parent));
	if ((slash = strrchr(parent, '/')) != NULL) {
		*slash = '\0';
		mkdir_under(f->d, parent);
	}
	h_write(h_in(f, rel), "%s", content);
}

char *
h_slurp(const char *path)
{
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0;
	ssize_t r;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if ((nbuf = realloc(buf, cap)) == NULL)
				break;
			buf = nbuf;
		}
		if ((r = read(fd, buf + len, cap - len - 1)) <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

/* $var, else dflt, made absolute, into path (PATH_MAX bytes). */
static const char *
program(char *path, const char *var, const char *dflt)
{
	const char *s;

	if (path[0] != '\0')
		return path;
	if ((s = getenv(var)) == NULL || *s == '\0')
		s = dflt;
	if (realpath(s, path) == NULL)
		strlcpy(path, s, PATH_MAX);
	return path;
}

const char *
h_rshell(void)
{
	static char path[PATH_MAX];

	return program(path, "RSHELL", "./rshell/rshell");
}

const char *
h_rshell_nopolicy(void)
{
	static char path[PATH_MAX];

	return program(path, "RSHELL_NOPOLICY", "./tests/rshell-nopolicy");
}

/* Our environment for a child: PATH, sanitizer options, then env. */
static void
make_env(char **envp, char *const env[])
{
	static const char *const keep[] = { "ASAN_OPTIONS", "UBSAN_OPTIONS",
	    "LSAN_OPTIONS", NULL };
	size_t n = 0, i;
	const char *v;

	envp[n++] = strdup("PATH=/usr/bin:/bin");
	for (i = 0; keep[i] != NULL; i++)
		if ((v = getenv(keep[i])) != NULL &&
		    asprintf(&envp[n], "%s=%s", keep[i], v) != -1)
			n++;
	for (i = 0; env != NULL && env[i] != NULL && n < MAXENV - 1; i++)
		envp[n++] = strdup(env[i]);
	envp[n] = NULL;
}

static void
free_env(char **envp)
{
	size_t i;

	for (i = 0; envp[i] != NULL; i++)
		free(envp[i]);
}

struct stream {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

/* Read what is there; 0 at end of stream. */
static int
drain(struct stream *s)
{
	char chunk[8192], *nbuf;
	ssize_t r;

	if ((r = read(s->fd, chunk, sizeof(chunk))) == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : 0;
	if (r == 0)
		return 0;
	if (s->len + (size_t)r + 1 > s->cap && s->len < MAXOUT) {
		s->cap = s->len + (size_t)r + 1 + 8192;
		if ((nbuf = realloc(s->buf, s->cap)) == NULL)
			return 0;
		s->buf = nbuf;
	}
	if (s->len + (size_t)r + 1 <= s->cap) {
		memcpy(s->buf + s->len, chunk, (size_t)r);
		s->len += (size_t)r;
		s->buf[s->len] = '\0';
	}
	return 1;
}

void
h_child_signals(void)
{
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	/* SIGKILL, SIGSTOP and libc's own signals refuse; that is fine. */
	for (sig = 1; sig < NSIG; sig++)
		sigaction(sig, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* in: the descriptor to be stdin, or -1 for /dev/null. */
static void
child(const char *path, char *const argv[], char **envp, int in, int out,
    int err)
{
	h_child_signals();
	setpgid(0, 0);
	if ((in == -1 && (in = open("/dev/null", O_RDONLY)) == -1) ||
	    dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1)
		_exit(126);
	closefrom(3);
	execve(path, argv, envp);
	dprintf(2, "harness: cannot run %s: %s\n", path, strerror(errno));
	_exit(127);
}

/* Read both streams until both end or the deadline passes. */
static int
collect(struct stream *s, time_t deadline)
{
	struct pollfd pfd[2];
	int open_streams = 2, i;

	while (open_streams > 0) {
		if (time(NULL) > deadline)
			return -1;
		for (i = 0; i < 2; i++) {
			pfd[i].fd = s[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, 2, 1000) == -1 && errno != EINTR)
			return -1;
		for (i = 0; i < 2; i++) {
			if (s[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (!drain(&s[i])) {
				close(s[i].fd);
				s[i].fd = -1;
				open_streams--;
			}
		}
	}
	return 0;
}

/* Move the stand-in's "=== run" ... "=== end" blocks from err to the file. */
static void
take_records(char *err)
{
	char *start, *end;
	FILE *fp;

	while ((start = strstr(err, "=== run\n")) != NULL &&
	    (start == err || start[-1] == '\n') &&
	    (end = strstr(start, "=== end\n")) != NULL) {
		end += strlen("=== end\n");
		if (cur_record[0] != '\0' &&
		    (fp = fopen(cur_record, "a")) != NULL) {
			fwrite(start, 1, (size_t)(end - start), fp);
			fclose(fp);
		}
		memmove(start, end, strlen(end) + 1);
	}
}

void
h_run(struct h_res *r, const char *path, char *const argv[],
    char *const env[])
{
	h_run_fd(r, path, argv, env, -1);
}

void
h_run_fd(struct h_res *r, const char *path, char *const argv[],
    char *const env[], int in)
{
	struct stream s[2];
	char *envp[MAXENV];
	int po[2], pe[2], st, timedout, i;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	memset(s, 0, sizeof(s));
	make_env(envp, env);
	ck_assert(pipe2(po, O_CLOEXEC) == 0 && pipe2(pe, O_CLOEXEC) == 0);
	pid = fork();
	ck_assert_msg(pid != -1, "fork: %s", strerror(errno));
	if (pid == 0)
		child(path, argv, envp, in, po[1], pe[1]);
	free_env(envp);
	close(po[1]);
	close(pe[1]);
	s[0].fd = po[0];
	s[1].fd = pe[0];
	timedout = collect(s, time(NULL) + H_TIMEOUT) == -1;
	if (timedout)
		kill(-pid, SIGKILL);
	for (i = 0; i < 2; i++)
		if (s[i].fd != -1)
			close(s[i].fd);
	while (waitpid(pid, &st, 0) == -1)
		ck_assert(errno == EINTR);
	r->out = s[0].buf != NULL ? s[0].buf : strdup("");
	r->outlen = s[0].len;
	r->err = s[1].buf != NULL ? s[1].buf : strdup("");
	take_records(r->err);
	if (timedout)
		r->status = -1;
	else
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) :
		    128 + WTERMSIG(st);
}

void
h_rshell_c(struct h_res *r, const struct h_fx *f, const char *cmd,
    char *const env[])
{
	char *argv[] = { "rshell", "-f", (char *)f->policy, "-c",
	    (char *)cmd, NULL };

	h_run(r, h_rshell(), argv, env);
}

void
h_res_free(struct h_res *r)
{
	free(r->out);
	free(r->err);
	memset(r, 0, sizeof(*r));
}

static TCase *
root_tcase(Suite *s, const char *name, void (*suite_setup)(void))
{
	TCase *tc;

	if (!h_root())
		return NULL;
	tc = tcase_create(name);
	tcase_add_unchecked_fixture(tc, suite_setup, h_suite_teardown);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return tc;
}

TCase *
h_root_tcase(Suite *s, const char *name, void (*setup)(void),
    void (*teardown)(void))
{
	TCase *tc;

	if ((tc = root_tcase(s, name, h_suite_setup)) != NULL)
		tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

TCase *
h_root_tcase_disk(Suite *s, const char *name, void (*setup)(void),
    void (*teardown)(void))
{
	TCase *tc;

	if ((tc = root_tcase(s, name, h_suite_setup_disk)) != NULL)
		tcase_add_checked_fixture(tc, setup, teardown);
	return tc;
}

TCase *
h_root_tcase_shared(Suite *s, const char *name, void (*build)(void),
    void (*reset)(void), void (*teardown)(void))
{
	TCase *tc;

	if ((tc = root_tcase(s, name, h_suite_setup)) != NULL) {
		tcase_add_unchecked_fixture(tc, build, teardown);
		tcase_add_checked_fixture(tc, reset, NULL);
	}
	return tc;
}

void
h_reset(const struct h_fx *f)
{
	const char *const files[] = { f->policy, f->log, f->record };
	size_t i;

	/* Emptied rather than removed: a new inode costs more than a test. */
	for (i = 0; i < NROWS(files); i++)
		ck_assert_msg(truncate(files[i], 0) == 0 || errno == ENOENT,
		    "truncate %s: %s", files[i], strerror(errno));
}

void
h_add(TCase *tc, const TTest *t, int *n)
{
	(*n)++;
	if (tc != NULL)
		tcase_add_test(tc, t);
}

void
h_add_rows(TCase *tc, const TTest *t, size_t rows, int *n)
{
	*n += (int)rows;
	if (tc != NULL)
		tcase_add_loop_test(tc, t, 0, (int)rows);
}

void
h_rsync_client(const struct h_fx *f, const char *flags, const char *more,
    const char *src, const char *dst, struct h_res *r)
{
	char ssh[PATH_MAX];
	char *argv[] = { "rsync", (char *)flags, "-e", ssh, (char *)src,
	    (char *)dst, NULL, NULL };

	h_path(ssh, f->top, "ssh");
	h_script(ssh, "shift\nexec '%s' -f '%s' -c \"$*\"\n", h_rshell(),
	    f->policy);
	if (more != NULL) {
		argv[2] = (char *)more;
		argv[3] = "-e";
		argv[4] = ssh;
		argv[5] = (char *)src;
		argv[6] = (char *)dst;
	}
	h_run(r, "/usr/bin/rsync", argv, NULL);
}

int
h_file_is(const char *path, const char *content)
{
	char *text = h_slurp(path);
	int same = text != NULL && strcmp(text, content) == 0;

	free(text);
	return same;
}

char *
h_log_field(const char *path, size_t idx, const char *key)
{
	struct logfmt_rec lr;
	const char *v;
	char *copy;

	ck_assert_msg(h_log_get(path, idx, &lr) == 0, "log line %zu", idx);
	v = logfmt_get(&lr, key);
	copy = v != NULL ? strdup(v) : NULL;
	logfmt_free(&lr);
	return copy;
}
