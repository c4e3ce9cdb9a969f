/*
 * From a split request to a decision: the rule that applies, the command
 * table, and what the rule means for how the command runs.  The commands'
 * argument grammars are rsyncargs.c and listargs.c; the rsync request is
 * planned in plan_rsync.c.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "decide.h"
#include "listargs.h"
#include "plan.h"
#include "trust.h"

#define DEFAULT_UMASK	022

static int	plan_list(struct plan *, int, char *const *, size_t);

/*
 * Every command rshell serves: the verb is looked up here and nowhere
 * else.  A built-in is one row and its argument checker.
 *
 * rsync may be named by any absolute path ending in "/rsync" (BackupPC's
 * RsyncClientPath, a client's --rsync-path=/usr/bin/rsync): the path is
 * only what the client believes the server's rsync to be, and the policy's
 * rsync runs all the same, so nothing the client names is executed.  The
 * built-ins are rshell's own and are never named by a path: "/bin/ls"
 * would suggest that the system's ls runs.
 */
static const struct command commands[] = {
	{ "rsync", DK_RSYNC, 0, 0, CMD_ANYPATH },	/* rsyncargs.c */
	{ "ls", DK_LIST, LC_LS, RO_LIST, 0 },
	{ "du", DK_LIST, LC_DU, RO_LIST, 0 },
	{ "df", DK_LIST, LC_DF, RO_LIST, 0 },
	{ "true", DK_TRUE, 0, RO_LIST, 0 },
};

/* verb is name, or (CMD_ANYPATH) "/.../name": absolute, the last
   component exactly the name ("/usr/bin/rsync2", "bin/rsync" and
   "/rsync/" are other names). */
static int
names(const struct command *c, const char *verb)
{
	const char *last;

	if (strcmp(verb, c->name) == 0)
		return 1;
	if (!(c->flags & CMD_ANYPATH) || verb[0] != '/')
		return 0;
	last = strrchr(verb, '/') + 1;
	return strcmp(last, c->name) == 0;
}

const struct command *
policy_command(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (names(&commands[i], verb))
			return &commands[i];
	return NULL;
}

int
plan_fail(struct plan *pl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(pl->err, pl->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
plan_pin(struct plan *pl, int fd, const char *rel)
{
	struct decision *d = pl->d;

	if (d->npins == DECIDE_MAXPINS) {
		close(fd);
		return plan_fail(pl, "too many paths (at most %d)",
		    DECIDE_MAXPINS);
	}
	if ((d->pins[d->npins].rel = strdup(rel)) == NULL) {
		close(fd);
		return plan_fail(pl, "out of memory");
	}
	d->pins[d->npins++].fd = fd;
	return 0;
}

/*
 * A listing's wildcards are expanded inside DIRECTORY, as a pull's are:
 * "du -sh 2026-11-*" reaches rshell as typed when the client's shell
 * found nothing to match.  An operand that matches nothing stays as it is
 * and is reported missing, as a shell without nullglob leaves it.
 */
static int
list_expand(struct plan *pl, struct list_req *req)
{
	struct list_operand *ops;
	char rel[PATH_MAX], why[PATH_MAX + 64], **m;
	size_t i, j, n, k = 0;
	int rv = 0;

	if ((ops = calloc(LIST_MAXOPS, sizeof(*ops))) == NULL)
		return plan_fail(pl, "out of memory");
	for (i = 0; rv == 0 && i < req->nops; i++) {
		m = NULL;
		n = 0;
		if (strpbrk(req->ops[i].name, "*?[") != NULL &&
		    confine_clean_home(req->ops[i].name, rel, sizeof(rel), why,
		    sizeof(why)) == 0 && (rv = plan_expand(pl, rel, &m,
		    &n)) == 0 && n == 1 && strcmp(m[0], rel) == 0) {
			free(m[0]);	/* as written: the client's name */
			n = 0;
		}
		if (rv == 0 && k + (n > 0 ? n : 1) > LIST_MAXOPS)
			rv = plan_fail(pl, "%s: more than %d operands",
			    req->name, LIST_MAXOPS);
		for (j = 0; j < n; j++) {
			if (rv == 0) {
				ops[k].name = m[j];
				ops[k++].fd = -1;
			} else
				free(m[j]);
		}
		free(m);
		if (rv == 0 && n == 0) {
			ops[k] = req->ops[i];
			req->ops[i].name = NULL;
			ops[k++].fd = -1;
		}
	}
	for (i = 0; i < req->nops; i++)
		free(req->ops[i].name);
	free(req->ops);
	req->ops = ops;
	req->nops = k;
	return rv;
}

static int
plan_list(struct plan *pl, int sub, char *const *words, size_t nwords)
{
	struct decision *d = pl->d;

	if (list_parse(sub, words, nwords, &d->list, pl->err,
	    pl->errlen) == -1 || list_expand(pl, &d->list) == -1)
		return -1;
	return list_pin(d->rootfd, &d->list, pl->err, pl->errlen);
}

/* The rule for who and key, and the command it permits. */
static const struct command *
permitted(struct plan *pl, const struct who *w, const char *key,
    char *const *words, size_t nwords)
{
	const struct command *c;

	if (pl->p->nerrors > 0)
		return plan_fail(pl, "policy error: %s", pl->p->errors[0]),
		    NULL;
	if (nwords == 0)
		return plan_fail(pl, "empty command"), NULL;
	if ((pl->rule = policy_match(pl->p, w, key)) == NULL)
		return plan_fail(pl, "no rule permits user %s%s%s", w->user,
		    key ? " with key " : "", key ? key : ""), NULL;
	if (!pl->rule->permit)
		return plan_fail(pl, "denied by %s line %zu", pl->p->file,
		    pl->rule->line), NULL;
	if ((c = policy_command(words[0])) == NULL)
		return plan_fail(pl, "command not allowed: %.100s (only rsync "
		    "--server, ls, du, df and true)", words[0]), NULL;
	if ((c->needs & pl->rule->opts) != c->needs)
		return plan_fail(pl, "%s not permitted by policy (rule has no "
		    "\"list\")", c->name), NULL;
	if (c->kind == DK_TRUE && nwords > 1)
		return plan_fail(pl, "true takes no arguments"), NULL;
	return c;
}

int
policy_decide(const struct policy *p, const struct who *w, const char *key,
    char *const *words, size_t nwords, const struct caps *caps,
    struct decision *d, char *err, size_t errlen)
{
	struct plan pl = { p, NULL, caps, d, err, errlen, 0, 0 };
	const struct command *c;
	int rv = 0;

	memset(d, 0, sizeof(*d));
	d->rootfd = -1;
	d->tmpdir = -1;
	d->incoming = -1;
	d->linkdest = -1;
	if ((c = permitted(&pl, w, key, words, nwords)) == NULL)
		return -1;
	if (policy_expand_dir(pl.rule, w, d->dir, sizeof(d->dir), err,
	    errlen) == -1 ||
	    (d->rootfd = confine_root_real(d->dir, d->real, sizeof(d->real),
	    err, errlen)) == -1)
		return -1;
	d->kind = c->kind;
	d->umask = (mode_t)(p->umask >= 0 ? p->umask : DEFAULT_UMASK);
	if (c->kind == DK_RSYNC)
		rv = plan_rsync(&pl, words, nwords);
	else if (c->kind == DK_LIST)
		rv = plan_list(&pl, c->sub, words, nwords);
	/* After the plan: its reason (rsync unreadable, ...) comes first. */
	if (rv == 0)
		rv = trust_session(p, w, d->real, c->kind == DK_RSYNC, err,
		    errlen);
	if (rv == -1)
		decision_free(d);
	return rv;
}

static unsigned
rules_have(const struct policy *p, unsigned opts)
{
	size_t i;

	for (i = 0; i < p->nrules; i++)
		if (p->rules[i].permit && (p->rules[i].opts & opts) == opts)
			return 1;
	return 0;
}

/* The same conditions as choose_wall() in plan_rsync.c, said once more. */
size_t
policy_refused_here(const struct policy *p, const struct caps *c,
    const char **out, size_t max)
{
	size_t n = 0;

	if (c->confine == -1 && n < max)
		out[n++] = "every rsync request: the accounts cannot read the "
		    "policy's rsync to see whether it has --confine-root";
	if (c->landlock == 0 && c->confine == 0 && n < max)
		out[n++] = "every push, and pulls with -R or a path option: "
		    "this kernel has no Landlock and rsync no --confine-root";
	if (c->landlock < WALL_ABI_CREATE && n < max &&
	    rules_have(p, RO_PUSH | RO_NOOVERWRITE))
		out[n++] = "pushes under no-overwrite: they need Landlock ABI "
		    "3 (Linux 6.2 or later)";
	if (c->landlock < WALL_ABI_CREATE && n < max &&
	    rules_have(p, RO_PUSH | RO_SNAPSHOT))
		out[n++] = "pushes under snapshot: they need Landlock ABI 3 "
		    "(Linux 6.2 or later)";
	if (c->landlock == 0 && n < max &&
	    rules_have(p, RO_PUSH | RO_NODELETE))
		out[n++] = "pushes under no-delete: they need Landlock";
	return n;
}

void
decision_free(struct decision *d)
{
	size_t i;

	for (i = 0; i < d->npins; i++) {
		close(d->pins[i].fd);
		free(d->pins[i].rel);
	}
	for (i = 0; i < d->argc; i++)
		free(d->argv[i]);
	free(d->argv);
	list_req_free(&d->list);
	if (d->rootfd != -1)
		close(d->rootfd);
	memset(d, 0, sizeof(*d));
	d->rootfd = -1;
	d->tmpdir = -1;
	d->incoming = -1;
	d->linkdest = -1;
}
