/*
 * The policy file: grammar, trust check, rule matching.
 *
 *	rsync /usr/bin/rsync
 *	log /var/log/rshell/rshell.log | log syslog
 *	umask 077
 *	permit [option ...] identity dir DIRECTORY
 *	deny [key NAME] identity
 *
 * Every error is collected with its line, so "rshell -t" can name them all;
 * a policy with any error is never applied, not even in part.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "policy.h"

#define MAXTOKENS	64
#define KEY_MAX		64

static const struct {
	const char	*name;
	unsigned	 bit;
} ruleopts[] = {
	{ "push",	  RO_PUSH },
	{ "pull",	  RO_PULL },
	{ "list",	  RO_LIST },
	{ "no-delete",	  RO_NODELETE },
	{ "no-overwrite", RO_NOOVERWRITE },
	{ "munge-links",  RO_MUNGELINKS },
	{ "fake-super",	  RO_FAKESUPER },
	{ "absolute",	  RO_ABSOLUTE },
	{ "lock",	  RO_LOCK },
	{ "snapshot",	  RO_SNAPSHOT },
	{ NULL,		  0 }
};

static void adderr(struct policy *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
adderr(struct policy *p, size_t line, const char *fmt, ...)
{
	char msg[512], *s;
	char **v;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0) {
		if (asprintf(&s, "%s:%zu: %s", p->file, line, msg) == -1)
			s = NULL;
	} else if (asprintf(&s, "%s: %s", p->file, msg) == -1)
		s = NULL;
	v = reallocarray(p->errors, p->nerrors + 1, sizeof(*v));
	if (v == NULL || s == NULL) {
		free(s);
		if (v != NULL)
			p->errors = v;
		return;		/* nerrors may stay 0: see policy_parse */
	}
	p->errors = v;
	p->errors[p->nerrors++] = s;
}

/*
 * s is the word lit.  The first byte is compared before strcmp is called:
 * most words of a large policy differ from the keyword there, and a
 * policy of 10,000 rules makes some 100,000 such comparisons.
 */
static inline int
word_is(const char *s, const char *lit)
{
	return s[0] == lit[0] && strcmp(s, lit) == 0;
}

/* A byte of a user, group or key name: [A-Za-z0-9._-]. */
static inline int
namebyte(char c)
{
	return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

static int
valid_name(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '-' || strlen(s) > 64)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!namebyte(s[i]) && !(s[i] == '$' && s[i + 1] == '\0'))
			return 0;
	return 1;
}

int
policy_valid_key(const char *name)
{
	size_t i;

	if (name[0] == '\0' || strlen(name) > KEY_MAX)
		return 0;
	for (i = 0; name[i] != '\0'; i++)
		if (!namebyte(name[i]))
			return 0;
	return 1;
}

/* The bytes that end a run of plain bytes in a word (tokenize). */
static const unsigned char wordstop[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	[' '] = 1, ['"'] = 1, ['#'] = 1, ['\\'] = 1,
};

/*
 * Split one line into tokens in place.  Blanks separate, '#' outside quotes
 * starts a comment, double quotes group (with \" and \\ inside).  Returns
 * the token count, or -1 with *why set.
 */
static int
tokenize(char *line, char **tok, const char **why)
{
	char *r = line, *w, *run;
	int n = 0, quoted, c;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0' || *r == '#')
			return n;
		if (n == MAXTOKENS) {
			*why = "too many words on one line";
			return -1;
		}
		tok[n++] = w = r;
		quoted = 0;
		for (;;) {
			/*
			 * A run of plain bytes, moved only once a quote or an
			 * escape has put the word behind what is read.
			 */
			for (run = r; !wordstop[(unsigned char)*r]; r++)
				;
			c = (unsigned char)*r;
			if (w != run)
				memmove(w, run, (size_t)(r - run));
			w += r - run;
			if (c == '\0')
				break;
			if (c < 0x20 && c != '\t') {
				*why = "control character";
				return -1;
			}
			if (c == '"') {
				quoted = !quoted;
				r++;
				continue;
			}
			if (quoted && c == '\\' && (r[1] == '"' ||
			    r[1] == '\\')) {
				*w++ = *++r;
				r++;
				continue;
			}
			if (!quoted && (c == ' ' || c == '\t' || c == '#'))
				break;
			*w++ = *r++;
		}
		if (quoted) {
			*why = "unterminated quote";
			return -1;
		}
		if (*r == '#') {
			*w = '\0';
			return n;
		}
		if (*r != '\0')
			r++;
		*w = '\0';
	}
}

static int
check_dir(struct policy *p, size_t line, const char *dir)
{
	const char *s;

	/* %h is the home directory, absolute: "%h/backup" is. */
	if (dir[0] != '/' && !(strncmp(dir, "%h", 2) == 0 &&
	    (dir[2] == '/' || dir[2] == '\0'))) {
		adderr(p, line, "directory \"%s\" must be absolute (or start "
		    "with %%h)", dir);
		return -1;
	}
	for (s = dir; (s = strchr(s, '%')) != NULL; s += 2)
		if (s[1] != 'u' && s[1] != 'h' && s[1] != '%') {
			adderr(p, line, "unknown escape \"%%%c\" in directory"
			    " (use %%u, %%h or %%%%)", s[1] ? s[1] : ' ');
			return -1;
		}
	return 0;
}

static int
check_ident(struct policy *p, size_t line, const char *id)
{
	if (word_is(id, "*"))
		return 0;
	if (valid_name(id[0] == ':' ? id + 1 : id))
		return 0;
	adderr(p, line, "invalid identity \"%s\"", id);
	return -1;
}

/* "key NAME" at tok[i]; returns the index of NAME, or -1. */
static int
parse_key(struct policy *p, size_t line, char **tok, int n, int i,
    struct rule *r)
{
	if (r->key != NULL) {
		adderr(p, line, "duplicate option \"key\"");
		return -1;
	}
	if (i + 1 >= n || !policy_valid_key(tok[i + 1])) {
		adderr(p, line, "\"key\" needs a name of 1-%d characters from "
		    "[A-Za-z0-9._-]", KEY_MAX);
		return -1;
	}
	r->key = tok[i + 1];
	return i + 1;
}

/* A word of a keep setting: a span ("14d", "8w") or a bucket unit. */
static int
keep_word(const char *w)
{
	static const char *const units[] = { "hourly", "daily", "weekly",
	    "monthly", "yearly", NULL };
	size_t n = strspn(w, "0123456789"), i;

	if (n > 0 && w[n] != '\0' && strchr("hdwmy", w[n]) != NULL &&
	    w[n + 1] == '\0')
		return 1;
	for (i = 0; units[i] != NULL; i++)
		if (strcmp(w, units[i]) == 0)
			return 1;
	return 0;
}

/*
 * "keep SPAN UNIT ..." at tok[i]: the words that read as a keep setting
 * belong to it (keep.c judges them); returns the index of the last.
 */
static int
parse_keep(struct policy *p, size_t line, char **tok, int n, int i,
    struct rule *r)
{
	struct keep k;
	char why[256];
	int j;

	if (!r->permit) {
		adderr(p, line, "option \"keep\" is not allowed in a deny "
		    "rule");
		return -1;
	}
	if (r->keep != NULL) {
		adderr(p, line, "duplicate option \"keep\"");
		return -1;
	}
	/* The word before "dir" is the identity, whatever it looks like. */
	for (j = i + 1; j < n && keep_word(tok[j]) && !(j + 1 < n &&
	    word_is(tok[j + 1], "dir")); j++)
		;
	if (j == i + 1) {
		adderr(p, line, "\"keep\" needs time buckets, such as \"keep "
		    "14d daily 8w weekly 12m monthly\"");
		return -1;
	}
	if (keep_parse(&k, tok + i + 1, j - i - 1, why, sizeof(why)) == -1) {
		adderr(p, line, "keep: %s", why);
		return -1;
	}
	if (k.n == 0) {
		adderr(p, line, "\"keep\" needs time buckets");
		return -1;
	}
	if ((r->keep = malloc(sizeof(k))) == NULL) {
		adderr(p, line, "out of memory");
		return -1;
	}
	*r->keep = k;
	return j - 1;
}

/*
 * Options that make no sense together.  snapshot puts every push in a
 * fresh tree and leaves earlier snapshots read-only to the kernel: the
 * create-only and keep-directories walls would only stop a push from
 * shaping its own new snapshot (--delete of what the client no longer
 * has, a resumed push updating what it sent before).  "absolute" is
 * fine: the path it strips is placed inside the incoming snapshot like
 * any other.  lock is implied.
 */
static int
check_combination(struct policy *p, size_t line, const struct rule *r)
{
	unsigned o = r->opts;

	if (o & RO_SNAPSHOT && !(o & RO_PUSH)) {
		adderr(p, line, "\"snapshot\" needs \"push\": it makes each "
		    "push a snapshot");
		return -1;
	}
	if (o & RO_SNAPSHOT && o & (RO_NOOVERWRITE | RO_NODELETE)) {
		adderr(p, line, "\"snapshot\" and \"%s\" cannot be combined: "
		    "a push only ever writes its own new snapshot, and earlier "
		    "ones are read-only anyway", o & RO_NOOVERWRITE ?
		    "no-overwrite" : "no-delete");
		return -1;
	}
	if (r->keep != NULL && !(o & RO_SNAPSHOT)) {
		adderr(p, line, "\"keep\" needs \"snapshot\": it prunes "
		    "snapshots");
		return -1;
	}
	return 0;
}

/*
 * A word that is not an option is the identity only where one can stand:
 * in a permit rule, right before "dir".  Otherwise it is named as the
 * unknown option it is ("permit push pul list u dir /d" blames "pul",
 * not "list").  Returns 1 (error recorded) or 0.
 */
static int
unknown_option(struct policy *p, size_t line, char **tok, int n, int i,
    const struct rule *r)
{
	if (word_is(tok[i], "dir")) {
		adderr(p, line, "missing identity");
		return 1;
	}
	if (!r->permit || i + 1 >= n || word_is(tok[i + 1], "dir"))
		return 0;
	adderr(p, line, "unknown option \"%s\"", tok[i]);
	return 1;
}

/* The options from tok[1]; returns the index of the identity, or -1. */
static int
parse_options(struct policy *p, size_t line, char **tok, int n,
    struct rule *r)
{
	int i, j;

	for (i = 1; i < n; i++) {
		if (word_is(tok[i], "key")) {
			if ((i = parse_key(p, line, tok, n, i, r)) == -1)
				return -1;
			continue;
		}
		if (word_is(tok[i], "keep")) {
			if ((i = parse_keep(p, line, tok, n, i, r)) == -1)
				return -1;
			continue;
		}
		for (j = 0; ruleopts[j].name != NULL; j++)
			if (word_is(tok[i], ruleopts[j].name))
				break;
		if (ruleopts[j].name == NULL && unknown_option(p, line, tok, n,
		    i, r))
			return -1;
		if (ruleopts[j].name == NULL)
			break;
		if (!r->permit) {
			adderr(p, line, "option \"%s\" is not allowed in a "
			    "deny rule", tok[i]);
			return -1;
		}
		if (r->opts & ruleopts[j].bit) {
			adderr(p, line, "duplicate option \"%s\"", tok[i]);
			return -1;
		}
		r->opts |= ruleopts[j].bit;
	}
	if (i >= n) {
		adderr(p, line, "missing identity");
		return -1;
	}
	return i;
}

/* "dir DIRECTORY" of a permit rule at tok[i]; returns the next index. */
static int
parse_dir(struct policy *p, size_t line, char **tok, int n, int i,
    struct rule *r)
{
	if (i >= n || !word_is(tok[i], "dir")) {
		adderr(p, line, i < n ? "unknown option or extra word \"%s\" "
		    "(expected \"dir DIRECTORY\")" :
		    "missing \"dir DIRECTORY\"%s", i < n ? tok[i] : "");
		return -1;
	}
	if (++i >= n) {
		adderr(p, line, "missing DIRECTORY after \"dir\"");
		return -1;
	}
	if (check_dir(p, line, tok[i]) == -1)
		return -1;
	r->dir = tok[i];
	if ((r->opts & (RO_PUSH | RO_PULL | RO_LIST)) == 0) {
		adderr(p, line, "rule permits nothing: add push, pull or list");
		return -1;
	}
	return i + 1;
}

/*
 * Whether a rule for ident can apply to user (NULL: anyone).  ":group"
 * rules are kept: the groups are looked up once the policy is read, and
 * only if a rule names one.
 */
static int
for_user(const char *ident, const char *user)
{
	return user == NULL || ident[0] == ':' || word_is(ident, "*") ||
	    word_is(ident, user);
}

/* The rule's words, copied out of the line into one block of its own. */
static int
own_words(struct rule *r)
{
	size_t li = strlen(r->ident) + 1;
	size_t lk = r->key != NULL ? strlen(r->key) + 1 : 0;
	size_t ld = r->dir != NULL ? strlen(r->dir) + 1 : 0;
	char *w;

	if ((w = malloc(li + lk + ld)) == NULL)
		return -1;
	r->words = w;
	r->ident = memcpy(w, r->ident, li);
	if (r->key != NULL)
		r->key = memcpy(w + li, r->key, lk);
	if (r->dir != NULL)
		r->dir = memcpy(w + li + lk, r->dir, ld);
	return 0;
}

static void
parse_rule(struct policy *p, size_t line, char **tok, int n)
{
	struct rule r, *v;
	size_t cap;
	int i;

	memset(&r, 0, sizeof(r));
	r.permit = word_is(tok[0], "permit");
	r.line = line;
	if ((i = parse_options(p, line, tok, n, &r)) == -1 ||
	    check_ident(p, line, tok[i]) == -1)
		goto bad;
	r.ident = tok[i++];
	if (r.permit && ((i = parse_dir(p, line, tok, n, i, &r)) == -1 ||
	    check_combination(p, line, &r) == -1))
		goto bad;
	if (i < n) {
		adderr(p, line, "unexpected \"%s\"", tok[i]);
		goto bad;
	}
	/* Checked whole, kept only if it can apply to the one who asks. */
	if (!for_user(r.ident, p->only))
		goto bad;
	if (own_words(&r) == -1) {
		adderr(p, line, "out of memory");
		goto bad;
	}
	/* Doubling: a policy of 10,000 rules is not copied 10,000 times. */
	if (p->nrules == p->rulecap) {
		cap = p->rulecap ? p->rulecap * 2 : 16;
		if ((v = reallocarray(p->rules, cap, sizeof(*v))) == NULL) {
			adderr(p, line, "out of memory");
			goto bad;
		}
		p->rules = v;
		p->rulecap = cap;
	}
	p->rules[p->nrules++] = r;
	return;
bad:
	free(r.keep);
	free(r.words);
}

static void
parse_global(struct policy *p, size_t line, char **tok, int n)
{
	char **v;

	if (n != 2) {
		adderr(p, line, "\"%s\" takes exactly one value", tok[0]);
		return;
	}
	if (strcmp(tok[0], "rsync") == 0) {
		if (tok[1][0] != '/') {
			adderr(p, line, "rsync path \"%s\" must be absolute",
			    tok[1]);
			return;
		}
		free(p->rsync);
		if ((p->rsync = strdup(tok[1])) == NULL)
			adderr(p, line, "out of memory");
	} else if (strcmp(tok[0], "umask") == 0) {
		if (strlen(tok[1]) > 4 || strspn(tok[1], "01234567") !=
		    strlen(tok[1]) || strtol(tok[1], NULL, 8) > 0777) {
			adderr(p, line, "umask \"%s\" must be octal 0-0777",
			    tok[1]);
			return;
		}
		p->umask = (int)strtol(tok[1], NULL, 8);
	} else if (strcmp(tok[1], "syslog") == 0) {
		p->use_syslog = 1;
	} else if (tok[1][0] != '/') {
		adderr(p, line, "log file \"%s\" must be absolute (or "
		    "\"syslog\")", tok[1]);
	} else {
		v = reallocarray(p->logs, p->nlogs + 1, sizeof(*v));
		if (v == NULL || (v[p->nlogs] = strdup(tok[1])) == NULL) {
			if (v != NULL)
				p->logs = v;
			adderr(p, line, "out of memory");
			return;
		}
		p->logs = v;
		p->nlogs++;
	}
}

static struct policy *
policy_new(const char *file)
{
	struct policy *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->umask = -1;
	if ((p->file = strdup(file)) == NULL ||
	    (p->rsync = strdup(POLICY_DEFAULT_RSYNC)) == NULL) {
		policy_free(p);
		return NULL;
	}
	return p;
}

static void
parse_line(struct policy *p, size_t lineno, char *line)
{
	char *tok[MAXTOKENS];
	const char *why = NULL;
	int n;

	if ((n = tokenize(line, tok, &why)) == -1) {
		adderr(p, lineno, "%s", why);
		return;
	}
	if (n == 0)
		return;
	if (word_is(tok[0], "permit") || word_is(tok[0], "deny"))
		parse_rule(p, lineno, tok, n);
	else if (strcmp(tok[0], "rsync") == 0 || strcmp(tok[0], "log") == 0 ||
	    strcmp(tok[0], "umask") == 0)
		parse_global(p, lineno, tok, n);
	else
		adderr(p, lineno, "unknown keyword \"%s\"", tok[0]);
}

/*
 * The whole lines of buf[0..len), and when final the last one without its
 * newline too; buf has room for one byte more.  Returns the bytes used.
 */
static size_t
parse_lines(struct policy *p, size_t *lineno, char *buf, size_t len,
    int final)
{
	size_t off = 0, end;
	char *nl;

	while (off < len) {
		if ((nl = memchr(buf + off, '\n', len - off)) == NULL && !final)
			break;
		end = nl != NULL ? (size_t)(nl - buf) : len;
		++*lineno;
		if (memchr(buf + off, '\0', end - off) != NULL)
			adderr(p, *lineno, "NUL byte");
		else {
			buf[end] = '\0';
			parse_line(p, *lineno, buf + off);
		}
		/*
		 * A file cut off mid-write ("deny mallory" saved as "deny
		 * mal") must not be applied as what it happens to say: the
		 * last line of a whole policy ends in a newline.
		 */
		if (nl == NULL)
			adderr(p, *lineno, "the last line has no newline: the "
			    "file was cut off (or not saved whole)");
		off = end + 1;
	}
	return off < len ? off : len;
}

struct policy *
policy_parse(const char *file, const char *text, size_t len)
{
	struct policy *p;
	size_t lineno = 0;
	char *copy;

	if ((p = policy_new(file)) == NULL)
		return NULL;
	if (len > POLICY_MAXSIZE) {
		adderr(p, 0, "larger than %d bytes", POLICY_MAXSIZE);
		return p;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		policy_free(p);
		return NULL;
	}
	memcpy(copy, text, len);
	parse_lines(p, &lineno, copy, len, 1);
	free(copy);
	return p;
}

/*
 * Refuse a file or directory that someone other than owner (or root) could
 * change.
 */
static int
trusted(const struct stat *st, uid_t owner, int isdir)
{
	if (st->st_uid != owner && st->st_uid != 0)
		return 0;
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 1;
	return isdir && (st->st_mode & S_ISVTX);
}

static int
check_parents(struct policy *p, const char *path, uid_t owner)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (realpath(path, real) == NULL) {
		adderr(p, 0, "%s", strerror(errno));
		return -1;
	}
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (stat(real, &st) == -1) {
			adderr(p, 0, "%s: %s", real, strerror(errno));
			return -1;
		}
		if (!trusted(&st, owner, 1)) {
			adderr(p, 0, "directory %s must be owned by uid %u and "
			    "not writable by group or others", real,
			    (unsigned)owner);
			return -1;
		}
		if (slash == real)
			break;
	}
	return 0;
}

/*
 * Read and parse fd a buffer at a time, at most POLICY_MAXSIZE bytes: the
 * rules kept are copied out of it, so that a policy of 10,000 rules for
 * other accounts costs a buffer of 64 KiB rather than its size.  -1 with
 * errno when the file cannot be read.
 */
static int
read_lines(struct policy *p, int fd)
{
	size_t cap = 65536, have = 0, used, total = 0, lineno = 0;
	char *buf, *nbuf;
	ssize_t r;
	int rv = -1;

	if ((buf = malloc(cap + 1)) == NULL)
		return -1;
	for (;;) {
		/* a line longer than the buffer */
		if (have == cap) {
			if ((nbuf = realloc(buf, 2 * cap + 1)) == NULL)
				break;
			buf = nbuf;
			cap *= 2;
		}
		if ((r = read(fd, buf + have, cap - have)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if ((total += (size_t)r) > POLICY_MAXSIZE) {
			adderr(p, 0, "larger than %d bytes", POLICY_MAXSIZE);
			rv = 0;
			break;
		}
		have += (size_t)r;
		used = parse_lines(p, &lineno, buf, have, r == 0);
		if (r == 0) {
			rv = 0;
			break;
		}
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	free(buf);
	return rv;
}

struct policy *
policy_load_for(const char *path, uid_t owner, const char *user)
{
	struct policy *p;
	struct stat st;
	int fd;

	if ((p = policy_new(path)) == NULL)
		return NULL;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK |
	    O_CLOEXEC)) == -1) {
		adderr(p, 0, "cannot open: %s", strerror(errno));
		return p;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    !trusted(&st, owner, 0)) {
		close(fd);
		adderr(p, 0, "must be a regular file owned by uid %u and not "
		    "writable by group or others", (unsigned)owner);
		return p;
	}
	if (st.st_size > POLICY_MAXSIZE)
		adderr(p, 0, "larger than %d bytes", POLICY_MAXSIZE);
	else {
		p->only = user;
		if (read_lines(p, fd) == -1)
			adderr(p, 0, "cannot read: %s", strerror(errno));
		p->only = NULL;
	}
	close(fd);
	check_parents(p, path, owner);
	return p;
}

struct policy *
policy_load(const char *path, uid_t owner)
{
	return policy_load_for(path, owner, NULL);
}

void
policy_free(struct policy *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nlogs; i++)
		free(p->logs[i]);
	for (i = 0; i < p->nerrors; i++)
		free(p->errors[i]);
	for (i = 0; i < p->nrules; i++) {
		free(p->rules[i].keep);
		free(p->rules[i].words);
	}
	free(p->rules);
	free(p->logs);
	free(p->errors);
	free(p->rsync);
	free(p->file);
	free(p);
}

int
policy_uses_groups(const struct policy *p)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].ident[0] == ':')
			return 1;
	return 0;
}

static int
ident_matches(const char *ident, const struct who *w)
{
	size_t i;

	if (word_is(ident, "*"))
		return 1;
	if (ident[0] != ':')
		return word_is(ident, w->user);
	for (i = 0; i < w->ngroups; i++)
		if (word_is(ident + 1, w->groups[i]))
			return 1;
	return 0;
}

const struct rule *
policy_match(const struct policy *p, const struct who *w, const char *key)
{
	const struct rule *r, *match = NULL;
	size_t i;

	if (p->nerrors > 0)
		return NULL;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->key != NULL && (key == NULL || !word_is(r->key, key)))
			continue;
		if (ident_matches(r->ident, w))
			match = r;
	}
	return match;
}

static int
append(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
	if (*o + n >= outlen)
		return -1;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

int
policy_expand_dir(const struct rule *r, const struct who *w, char *out,
    size_t outlen, char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	const char *s, *ins;
	size_t o = 0;
	int rv = 0;

	tmp[0] = '\0';
	for (s = r->dir; *s != '\0' && rv == 0; s++) {
		if (*s != '%') {
			rv = append(tmp, sizeof(tmp), &o, s, 1);
			continue;
		}
		s++;
		ins = *s == 'u' ? w->user : *s == 'h' ? w->home : "%";
		if (*s == 'u' && strchr(ins, '/') != NULL) {
			snprintf(err, errlen, "user name contains '/'");
			return -1;
		}
		rv = append(tmp, sizeof(tmp), &o, ins, strlen(ins));
	}
	if (rv == -1) {
		snprintf(err, errlen, "directory of line %zu is too long",
		    r->line);
		return -1;
	}
	/* Normalise: no "." or ".." components, single slashes. */
	return confine_normal_dir(tmp, out, outlen, err, errlen);
}
