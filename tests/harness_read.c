/*
 * The harness's reading back (harness.h): the client corpus, the stand-in's
 * record, the log, and the checks built on them that every refusal and
 * every permit gets.  Failures are reported with Check's assertions, except
 * by h_corpus_read, which suites call while they are being built.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "logfmt.h"

#define CORPUS		"tests/data/rsync-3.5-client-commands.tsv"
#define MAXPAIRS	16	/* key, value pairs h_log_find matches */

/* One row of the corpus into r, or the reason it is malformed. */
static const char *
corpus_row(char *line, struct h_corpus_row *r)
{
	char *col[4], *p;
	size_t i;

	for (p = line; *p != '\0'; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return "a control byte";
	for (i = 0, p = line; i < 4; i++)
		if ((col[i] = strsep(&p, "\t")) == NULL)
			return "fewer than 4 tab-separated columns";
	if (p != NULL)
		return "more than 4 tab-separated columns";
	if (strcmp(col[0], "push") != 0 && strcmp(col[0], "pull") != 0)
		return "the direction is neither push nor pull";
	if (col[1][0] == '\0' || col[2][0] == '\0')
		return "the options or the request are empty";
	if (strcmp(col[3], "permit") != 0 && strcmp(col[3], "deny") != 0)
		return "the verdict is neither permit nor deny";
	r->pull = strcmp(col[0], "pull") == 0;
	r->permit = strcmp(col[3], "permit") == 0;
	r->opts = strdup(col[1]);
	r->cmd = strdup(col[2]);
	return r->opts == NULL || r->cmd == NULL ? "out of memory" : NULL;
}

/* Line lineno (len bytes at line): why it is malformed, or NULL. */
static const char *
corpus_line(struct h_corpus *c, char *line, ssize_t len, size_t lineno)
{
	struct h_corpus_row *nrow;

	if (line[len - 1] != '\n')
		return "no newline at the end (cut off?)";
	line[len - 1] = '\0';
	if (line[0] == '#')
		return NULL;
	if ((nrow = reallocarray(c->row, c->n + 1, sizeof(*c->row))) == NULL)
		return "out of memory";
	c->row = nrow;
	memset(&c->row[c->n], 0, sizeof(c->row[c->n]));
	c->row[c->n].line = lineno;
	return corpus_row(line, &c->row[c->n++]);
}

int
h_corpus_read(struct h_corpus *c, char *err, size_t errlen)
{
	return h_corpus_read_file(c, CORPUS, err, errlen);
}

int
h_corpus_read_file(struct h_corpus *c, const char *name, char *err,
    size_t errlen)
{
	const char *dir = getenv("srcdir"), *why = NULL;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	FILE *fp;

	memset(c, 0, sizeof(*c));
	snprintf(c->path, sizeof(c->path), "%s/%s", dir != NULL ? dir : ".",
	    name);
	if ((fp = fopen(c->path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s (run from the top of the tree, "
		    "or set srcdir)", c->path, strerror(errno));
		return -1;
	}
	while (why == NULL && (len = getline(&line, &cap, fp)) > 0)
		why = corpus_line(c, line, len, ++lineno);
	if (why == NULL && ferror(fp))
		why = strerror(errno);
	free(line);
	fclose(fp);
	if (why == NULL && c->n == 0)
		why = "no rows";
	if (why == NULL)
		return 0;
	snprintf(err, errlen, "%s:%zu: %s", c->path, lineno, why);
	h_corpus_free(c);
	return -1;
}

void
h_corpus_free(struct h_corpus *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->row[i].opts);
		free(c->row[i].cmd);
	}
	free(c->row);
	c->row = NULL;
	c->n = 0;
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

/* Parse line idx of path, which must be strict logfmt. */
static void
parse_line(const char *path, size_t idx, const char *line, size_t len,
    struct logfmt_rec *lr)
{
	const char *why;
	size_t off;

	if (logfmt_parse(line, len, lr, &why, &off) == -1)
		ck_abort_msg("%s: line %zu is not strict logfmt at byte %zu "
		    "(%s): %.*s", path, idx + 1, off, why, (int)len, line);
}

size_t
h_log_parse(const char *line, size_t len, struct logfmt_rec *lr)
{
	const char *why;
	size_t off;

	if (logfmt_parse(line, len, lr, &why, &off) == -1)
		ck_abort_msg("not strict logfmt at byte %zu (%s): [%.*s]", off,
		    why, (int)len, line);
	return lr->n;
}

int
h_log_get(const char *path, size_t idx, struct logfmt_rec *lr)
{
	const char *line;
	char *text;
	size_t len;

	memset(lr, 0, sizeof(*lr));
	if ((text = h_slurp(path)) == NULL)
		return -1;
	if ((line = nth_line(text, idx, &len)) == NULL) {
		free(text);
		return -1;
	}
	parse_line(path, idx, line, len, lr);
	free(text);
	return 0;
}

static int
matches(const struct logfmt_rec *lr, const char **kv, size_t n)
{
	const char *v;
	size_t i;

	for (i = 0; i < n; i += 2) {
		if ((v = logfmt_get(lr, kv[i])) == NULL)
			return 0;
		if (kv[i + 1][0] == '~' ? strstr(v, kv[i + 1] + 1) == NULL :
		    strcmp(v, kv[i + 1]) != 0)
			return 0;
	}
	return 1;
}

/* Does field key hold exactly want? */
static int
val_is(const struct logfmt_rec *lr, const char *key, const char *want)
{
	const char *v = logfmt_get(lr, key);

	return v != NULL && strcmp(v, want) == 0;
}

int
h_log_find(const char *path, size_t from, ...)
{
	struct logfmt_rec lr;
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
		parse_line(path, idx, line, len, &lr);
		if (matches(&lr, kv, n))
			found = (int)idx;
		logfmt_free(&lr);
	}
	free(text);
	return found;
}

void
h_mark(const struct h_fx *f, struct h_mark *m)
{
	struct h_rec rec;

	h_rec_read(f, &rec);
	m->runs = rec.runs;
	m->log = h_log_count(f->log);
	h_rec_free(&rec);
}

/* Refused, and nothing ran: what every refusal shows the client. */
static void
refused(const struct h_fx *f, const struct h_res *r, const struct h_mark *m,
    const char *why, const char *what)
{
	struct h_rec rec;
	const char *line;

	ck_assert_msg(r->status == 1, "%s: exit status %d, want 1 (stderr: "
	    "%s)", what, r->status, r->err);
	line = strstr(r->err, "rshell: denied: ");
	ck_assert_msg(line != NULL && strstr(line, why) != NULL &&
	    strstr(line, why) < line + strcspn(line, "\n"), "%s: stderr "
	    "\"%s\" lacks \"rshell: denied: ...%s\"", what, r->err, why);
	ck_assert_msg(r->out[0] == '\0', "%s: stdout \"%s\" on a refusal",
	    what, r->out);
	h_rec_read(f, &rec);
	ck_assert_msg(rec.runs == m->runs, "%s: the stand-in ran", what);
	h_rec_free(&rec);
}

void
h_expect_denied(const struct h_fx *f, const struct h_res *r,
    const struct h_mark *m, const char *why, const char *what)
{
	struct logfmt_rec lr;
	const char *reason;
	char *line;
	size_t n;

	refused(f, r, m, why, what);
	n = h_log_count(f->log);
	ck_assert_msg(n == m->log + 1, "%s: %zu new log lines, want 1",
	    what, n - m->log);
	ck_assert_msg(h_log_get(f->log, m->log, &lr) == 0,
	    "%s: no log line", what);
	ck_assert_msg(val_is(&lr, "event", "deny"), "%s: the new log line is "
	    "not event=deny", what);
	reason = logfmt_get(&lr, "reason");
	ck_assert_msg(reason != NULL && strstr(reason, why) != NULL,
	    "%s: log reason \"%s\" lacks \"%s\"", what, reason, why);
	/* The client is told exactly what the log says. */
	ck_assert(asprintf(&line, "rshell: denied: %s\n", reason) != -1);
	ck_assert_msg(strstr(r->err, line) != NULL, "%s: stderr \"%s\" and "
	    "log reason \"%s\" differ", what, r->err, reason);
	free(line);
	logfmt_free(&lr);
}

void
h_expect_denied_unlogged(const struct h_fx *f, const struct h_res *r,
    const struct h_mark *m, const char *why, const char *what)
{
	size_t n;

	refused(f, r, m, why, what);
	n = h_log_count(f->log);
	ck_assert_msg(n == m->log, "%s: %zu new log lines, want none", what,
	    n - m->log);
}

void
h_expect_permitted(const struct h_fx *f, const struct h_res *r,
    const struct h_mark *m, int ran, const char *what)
{
	struct logfmt_rec p, e;
	struct h_rec rec;
	size_t n;

	ck_assert_msg(r->status == 0, "%s: exit status %d, want 0 (stderr: "
	    "%s)", what, r->status, r->err);
	h_rec_read(f, &rec);
	ck_assert_msg(rec.runs == m->runs + ran, "%s: the stand-in ran %d "
	    "times, want %d", what, rec.runs - m->runs, ran);
	h_rec_free(&rec);
	n = h_log_count(f->log);
	ck_assert_msg(n == m->log + 2, "%s: %zu new log lines, want 2",
	    what, n - m->log);
	ck_assert_msg(h_log_get(f->log, m->log, &p) == 0 &&
	    h_log_get(f->log, m->log + 1, &e) == 0,
	    "%s: the log lines are missing", what);
	ck_assert_msg(val_is(&p, "event", "permit") &&
	    logfmt_get(&p, "run") != NULL, "%s: first line is not a permit "
	    "with run=", what);
	ck_assert_msg(val_is(&e, "event", "exit") && val_is(&e, "status", "0")
	    && logfmt_get(&e, "ms") != NULL, "%s: second line is not exit "
	    "status=0", what);
	ck_assert_msg(logfmt_get(&p, "pid") != NULL &&
	    val_is(&e, "pid", logfmt_get(&p, "pid")),
	    "%s: permit and exit lines carry different pids", what);
	logfmt_free(&p);
	logfmt_free(&e);
}

void
h_denied(const struct h_fx *f, const char *cmd, char *const env[],
    const char *why)
{
	struct h_mark m;
	struct h_res r;

	h_mark(f, &m);
	h_rshell_c(&r, f, cmd, env);
	h_expect_denied(f, &r, &m, why, cmd);
	h_res_free(&r);
}

void
h_permitted(const struct h_fx *f, const char *cmd, int ran,
    struct h_rec *rec)
{
	struct h_mark m;
	struct h_res r;

	h_mark(f, &m);
	h_rshell_c(&r, f, cmd, NULL);
	h_expect_permitted(f, &r, &m, ran, cmd);
	ck_assert_msg(h_log_find(f->log, m.log, "event", "permit", "cmd",
	    cmd, NULL) == (int)m.log, "%s: the permit line's cmd= is not "
	    "the request", cmd);
	h_res_free(&r);
	if (rec != NULL)
		h_rec_read(f, rec);
}
