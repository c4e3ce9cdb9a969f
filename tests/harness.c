/*
 * The end-to-end test harness (harness.h): fixtures, the recording stand-in
 * for rsync, running programs, reading the log.  Failures are reported with
 * Check's assertions, so every helper may be called from a test directly.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
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

#define BASE_TEMPLATE	"/tmp/rshell-test.XXXXXX"
#define MAXOUT		(16 * 1024 * 1024)	/* output kept */
#define MAXENV		64
#define MAXPAIRS	16

static char base[PATH_MAX];	/* the per-suite directory, or "" */
static char skipnames[128];	/* suites with tests left out */
static int nskipped;
static pid_t runner;		/* the process that prints the note */
static char cur_record[PATH_MAX];	/* the fixture's record file */

/*
 * The stand-in: records its words (and, for every word that names a path,
 * where that path really leads), its directory, umask, environment and
 * open descriptors, then exits 0.  readlink runs in a child that inherits
 * the pinned descriptors, so /proc/self/fd/N names the same directory
 * there.  rsync runs inside rshell's Landlock wall, where nothing outside
 * DIRECTORY can be written, so the stand-in writes its record to stderr,
 * which it inherits; h_run() moves every record block it finds there to
 * the fixture's record file.
 */
static const char standin_fmt[] =
    "#!/bin/sh\n"
    "# A stand-in for rsync: records how it was run.\n"
    "%s\n"
    "rec='%s'\n"
    "{\n"
    "echo '=== run'\n"
    "printf 'arg0:%%s\\n' \"$0\"\n"
    "after=0\n"
    "for a in \"$@\"; do\n"
    "\tprintf 'arg:%%s\\n' \"$a\"\n"
    "\tv=$a\n"
    "\tcase $a in --*=*) v=${a#*=} ;; esac\n"
    "\tcase $after$v in\n"
    "\t1?*|0/*) printf 'res:%%s\\n' \"$(readlink -m -- \"$v\")\" ;;\n"
    "\tesac\n"
    "\t[ \"$a\" = . ] && after=1\n"
    "done\n"
    "printf 'cwd:%%s\\n' \"$(pwd -P)\"\n"
    "printf 'umask:%%s\\n' \"$(umask)\"\n"
    "echo '=== env'\n"
    "env\n"
    "echo '=== fds'\n"
    "n=0; while [ $n -lt 64 ]; do\n"
    "\t[ -L /proc/$$/fd/$n ] && echo $n; n=$((n + 1)); done\n"
    "echo '=== end'\n"
    "} >&2\n"
    "exit 0\n";

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
h_suite_setup(void)
{
	strlcpy(base, BASE_TEMPLATE, sizeof(base));
	if (mkdtemp(base) == NULL || chmod(base, 0755) == -1) {
		fprintf(stderr, "harness: %s: %s\n", base, strerror(errno));
		base[0] = '\0';
	}
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

/* Remove a tree without following a symlink: tests plant ones to /etc. */
static void
rm_tree(const char *path)
{
	if (strncmp(path, "/tmp/", 5) != 0 || strstr(path, "/..") != NULL)
		return;
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void
h_suite_teardown(void)
{
	if (base[0] != '\0')
		rm_tree(base);
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
	join(tmp, base[0] != '\0' ? base : "/tmp", "t.XXXXXX");
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
		rm_tree(f->top);
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

void
h_standin(const struct h_fx *f, const char *path, const char *extra)
{
	char *text;

	ck_assert(asprintf(&text, standin_fmt, extra, f->record) != -1);
	write_mode(path, 0755, text);
	free(text);
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

static void
mkdir_p(const char *path)
{
	char buf[PATH_MAX], *s;

	ck_assert(strlcpy(buf, path, sizeof(buf)) < sizeof(buf));
	for (s = buf + 1; ; s++) {
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
	mkdir_p(h_in(f, rel));
}

void
h_file(const struct h_fx *f, const char *rel, const char *content)
{
	char path[PATH_MAX], *slash;

	strlcpy(path, h_in(f, rel), sizeof(path));
	if ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		mkdir_p(path);
		*slash = '/';
	}
	h_write(path, "%s", content);
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

const char *
h_rshell(void)
{
	static char path[PATH_MAX];
	const char *s;

	if (path[0] != '\0')
		return path;
	if ((s = getenv("RSHELL")) == NULL || *s == '\0')
		s = "./rshell/rshell";
	if (realpath(s, path) == NULL)
		strlcpy(path, s, sizeof(path));
	return path;
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

/* in: the descriptor to be stdin, or -1 for /dev/null. */
static void
child(const char *path, char *const argv[], char **envp, int in, int out,
    int err)
{
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

static int
hidden_env(const char *line)
{
	static const char *const sh[] = { "PWD=", "OLDPWD=", "SHLVL=", "_=",
	    NULL };
	size_t i;

	for (i = 0; sh[i] != NULL; i++)
		if (strncmp(line, sh[i], strlen(sh[i])) == 0)
			return 1;
	return 0;
}

static void
rec_line(struct h_rec *rec, int section, char *line)
{
	if (section == 1) {
		if (!hidden_env(line) && rec->nenv < H_MAXARGS)
			rec->env[rec->nenv++] = strdup(line);
	} else if (section == 2) {
		if (rec->nfds < H_MAXARGS)
			rec->fds[rec->nfds++] = atoi(line);
	} else if (strncmp(line, "arg:", 4) == 0) {
		if (rec->argc < H_MAXARGS)
			rec->arg[rec->argc++] = strdup(line + 4);
	} else if (strncmp(line, "res:", 4) == 0) {
		if (rec->argc > 0 && rec->res[rec->argc - 1] == NULL)
			rec->res[rec->argc - 1] = strdup(line + 4);
	} else if (strncmp(line, "cwd:", 4) == 0) {
		free(rec->cwd);
		rec->cwd = strdup(line + 4);
	} else if (strncmp(line, "umask:", 6) == 0) {
		free(rec->umask);
		rec->umask = strdup(line + 6);
	}
}

void
h_rec_read(const struct h_fx *f, struct h_rec *rec)
{
	char *text, *line, *next, *last = NULL;
	int section = 0;

	memset(rec, 0, sizeof(*rec));
	if ((text = h_slurp(f->record)) == NULL)
		return;
	for (line = text; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			next++;
		if (strncmp(line, "=== run\n", 8) == 0) {
			rec->runs++;
			last = line;
		}
	}
	for (line = last; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (strcmp(line, "=== env") == 0)
			section = 1;
		else if (strcmp(line, "=== fds") == 0)
			section = 2;
		else if (strcmp(line, "=== end") == 0)
			break;
		else
			rec_line(rec, section, line);
	}
	free(text);
}

void
h_rec_free(struct h_rec *rec)
{
	size_t i;

	for (i = 0; i < rec->argc; i++) {
		free(rec->arg[i]);
		free(rec->res[i]);
	}
	for (i = 0; i < rec->nenv; i++)
		free(rec->env[i]);
	free(rec->cwd);
	free(rec->umask);
	memset(rec, 0, sizeof(*rec));
}

int
h_rec_find(const struct h_rec *rec, const char *s)
{
	size_t i;

	for (i = 0; i < rec->argc; i++)
		if (strcmp(rec->arg[i], s) == 0)
			return (int)i;
	return -1;
}

size_t
h_log_count(const char *path)
{
	char *text, *p;
	size_t n = 0;

	if ((text = h_slurp(path)) == NULL)
		return 0;
	for (p = text; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	free(text);
	return n;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* A quoted value at *pp (after the quote) into out; -1 if malformed. */
static int
quoted(const char **pp, const char *end, char *out, size_t *olen)
{
	const char *p = *pp;
	size_t o = 0;
	int hi, lo;

	for (;;) {
		if (p == end || (unsigned char)*p < 0x20)
			return -1;
		if (*p == '"')
			break;
		if (*p != '\\') {
			out[o++] = *p++;
			continue;
		}
		if (p + 1 < end && (p[1] == '"' || p[1] == '\\')) {
			out[o++] = p[1];
			p += 2;
		} else if (p + 3 < end && p[1] == 'x' &&
		    (hi = hexval(p[2])) != -1 && (lo = hexval(p[3])) != -1) {
			out[o++] = (char)(hi << 4 | lo);
			p += 4;
		} else
			return -1;
	}
	*pp = p + 1;
	*olen = o;
	return 0;
}

/* A bare value: printable, no quote, '=' or backslash, not empty. */
static int
bare(const char **pp, const char *end, char *out, size_t *olen)
{
	const char *p = *pp;
	size_t o = 0;

	for (; p < end && *p != ' '; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' ||
		    *p == '=' || *p == '\\')
			return -1;
		out[o++] = *p;
	}
	if (o == 0)
		return -1;
	*pp = p;
	*olen = o;
	return 0;
}

int
h_log_parse(const char *line, size_t len, struct h_logrec *lr)
{
	const char *p = line, *end = line + len, *k;
	char *v;
	size_t klen, vlen;
	int r;

	memset(lr, 0, sizeof(*lr));
	while (p < end) {
		for (k = p; p < end && ((*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '_'); p++)
			;
		if (p == k || p == end || *p != '=' || lr->n == H_MAXFIELDS)
			goto bad;
		klen = (size_t)(p - k);
		p++;
		if ((v = malloc(len + 1)) == NULL)
			goto bad;
		if (p < end && *p == '"') {
			p++;
			r = quoted(&p, end, v, &vlen);
		} else
			r = bare(&p, end, v, &vlen);
		if (r == -1) {
			free(v);
			goto bad;
		}
		v[vlen] = '\0';
		lr->key[lr->n] = strndup(k, klen);
		lr->val[lr->n] = v;
		lr->vlen[lr->n++] = vlen;
		if (p < end && (*p != ' ' || p + 1 == end))
			goto bad;
		if (p < end)
			p++;
	}
	return lr->n > 0 ? 0 : -1;
bad:
	h_logrec_free(lr);
	return -1;
}

void
h_logrec_free(struct h_logrec *lr)
{
	size_t i;

	for (i = 0; i < lr->n; i++) {
		free(lr->key[i]);
		free(lr->val[i]);
	}
	memset(lr, 0, sizeof(*lr));
}

const char *
h_log_val(const struct h_logrec *lr, const char *key)
{
	size_t i;

	for (i = 0; i < lr->n; i++)
		if (strcmp(lr->key[i], key) == 0)
			return lr->val[i];
	return NULL;
}

/* Line idx of text: its start and length, or NULL. */
static const char *
nth_line(const char *text, size_t idx, size_t *len)
{
	const char *p = text, *nl;

	for (; idx > 0 && p != NULL; idx--)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	if (p == NULL || *p == '\0' || (nl = strchr(p, '\n')) == NULL)
		return NULL;
	*len = (size_t)(nl - p);
	return p;
}

int
h_log_get(const char *path, size_t idx, struct h_logrec *lr)
{
	const char *line;
	char *text;
	size_t len;
	int r = -1;

	memset(lr, 0, sizeof(*lr));
	if ((text = h_slurp(path)) == NULL)
		return -1;
	if ((line = nth_line(text, idx, &len)) != NULL)
		r = h_log_parse(line, len, lr);
	free(text);
	return r;
}

static int
matches(const struct h_logrec *lr, const char **kv, size_t n)
{
	const char *v;
	size_t i;

	for (i = 0; i < n; i += 2) {
		if ((v = h_log_val(lr, kv[i])) == NULL)
			return 0;
		if (kv[i + 1][0] == '~' ? strstr(v, kv[i + 1] + 1) == NULL :
		    strcmp(v, kv[i + 1]) != 0)
			return 0;
	}
	return 1;
}

/* Does field key hold exactly want? */
static int
val_is(const struct h_logrec *lr, const char *key, const char *want)
{
	const char *v = h_log_val(lr, key);

	return v != NULL && strcmp(v, want) == 0;
}

int
h_log_find(const char *path, size_t from, ...)
{
	struct h_logrec lr;
	const char *kv[MAXPAIRS * 2], *line, *s;
	char *text;
	size_t n = 0, idx, len;
	va_list ap;
	int found = -1;

	va_start(ap, from);
	while (n < MAXPAIRS * 2 && (s = va_arg(ap, const char *)) != NULL) {
		kv[n++] = s;
		kv[n++] = va_arg(ap, const char *);
	}
	va_end(ap);
	if ((text = h_slurp(path)) == NULL)
		return -1;
	for (idx = from; found == -1 &&
	    (line = nth_line(text, idx, &len)) != NULL; idx++) {
		if (h_log_parse(line, len, &lr) == -1)
			continue;
		if (matches(&lr, kv, n))
			found = (int)idx;
		h_logrec_free(&lr);
	}
	free(text);
	return found;
}

void
h_expect_denied(const struct h_fx *f, const struct h_res *r,
    size_t logbefore, const char *why, const char *what)
{
	struct h_logrec lr;
	struct h_rec rec;
	const char *reason;
	char *line;
	size_t n;

	ck_assert_msg(r->status == 1, "%s: exit status %d, want 1 (stderr: "
	    "%s)", what, r->status, r->err);
	ck_assert_msg(strstr(r->err, "rshell: denied: ") != NULL &&
	    strstr(r->err, why) != NULL, "%s: stderr \"%s\" lacks "
	    "\"rshell: denied:\" or \"%s\"", what, r->err, why);
	h_rec_read(f, &rec);
	ck_assert_msg(rec.runs == 0, "%s: the stand-in ran", what);
	h_rec_free(&rec);
	n = h_log_count(f->log);
	ck_assert_msg(n == logbefore + 1, "%s: %zu new log lines, want 1",
	    what, n - logbefore);
	ck_assert_msg(h_log_get(f->log, logbefore, &lr) == 0,
	    "%s: the log line does not parse", what);
	ck_assert_msg(val_is(&lr, "event", "deny"), "%s: the new log line is "
	    "not event=deny", what);
	reason = h_log_val(&lr, "reason");
	ck_assert_msg(reason != NULL && strstr(reason, why) != NULL,
	    "%s: log reason \"%s\" lacks \"%s\"", what, reason, why);
	/* The client is told exactly what the log says. */
	ck_assert(asprintf(&line, "rshell: denied: %s\n", reason) != -1);
	ck_assert_msg(strstr(r->err, line) != NULL, "%s: stderr \"%s\" and "
	    "log reason \"%s\" differ", what, r->err, reason);
	free(line);
	h_logrec_free(&lr);
}

void
h_expect_permitted(const struct h_fx *f, const struct h_res *r,
    size_t logbefore, int ran, const char *what)
{
	struct h_logrec p, e;
	struct h_rec rec;
	size_t n;

	ck_assert_msg(r->status == 0, "%s: exit status %d, want 0 (stderr: "
	    "%s)", what, r->status, r->err);
	h_rec_read(f, &rec);
	ck_assert_msg(rec.runs == ran, "%s: the stand-in ran %d times, want "
	    "%d", what, rec.runs, ran);
	h_rec_free(&rec);
	n = h_log_count(f->log);
	ck_assert_msg(n == logbefore + 2, "%s: %zu new log lines, want 2",
	    what, n - logbefore);
	ck_assert_msg(h_log_get(f->log, logbefore, &p) == 0 &&
	    h_log_get(f->log, logbefore + 1, &e) == 0,
	    "%s: the log lines do not parse", what);
	ck_assert_msg(val_is(&p, "event", "permit") &&
	    h_log_val(&p, "run") != NULL, "%s: first line is not a permit "
	    "with run=", what);
	ck_assert_msg(val_is(&e, "event", "exit") && val_is(&e, "status", "0")
	    && h_log_val(&e, "ms") != NULL, "%s: second line is not exit "
	    "status=0", what);
	ck_assert_msg(h_log_val(&p, "pid") != NULL &&
	    val_is(&e, "pid", h_log_val(&p, "pid")),
	    "%s: permit and exit lines carry different pids", what);
	h_logrec_free(&p);
	h_logrec_free(&e);
}

TCase *
h_root_tcase(Suite *s, const char *name, void (*setup)(void),
    void (*teardown)(void))
{
	TCase *tc;

	if (!h_root())
		return NULL;
	tc = tcase_create(name);
	tcase_add_unchecked_fixture(tc, h_suite_setup, h_suite_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return tc;
}
