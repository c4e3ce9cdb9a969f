/*
 * rshell -t: for every rule and every account it can enumerate, what
 * would make requests fail or leak.  The safety checks are the ones the
 * decision also refuses on at run time (policy/trust.c); here they are
 * reported for every account at once.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "confine.h"
#include "lint.h"
#include "log.h"
#include "passwd.h"
#include "trust.h"

#define MAXACCTS	256
#define MAXGIDS		256

/* One account under one rule. */
struct acct {
	struct who	 w;
	gid_t		 gids[MAXGIDS];
	int		 ngids;
	char		 real[PATH_MAX];	/* DIRECTORY, resolved */
};

struct names {
	char	*v[MAXACCTS];
	size_t	 n;
};

void
audit_report(struct audit *c, int error, size_t line, const char *fmt, ...)
{
	FILE *f = error ? stderr : stdout;
	va_list ap;

	if (line > 0)
		fprintf(f, "%s:%zu: %s", c->p->file, line, error ? "" :
		    "warning: ");
	else
		fprintf(f, "%s: %s", c->p->file, error ? "" : "warning: ");
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	if (error)
		c->errors++;
	else
		c->warnings++;
}

/* May the account do what bits (S_IR/W/XUSR) allow, by owner, group, other? */
static int
may(const struct stat *st, const struct acct *a, mode_t bits)
{
	int i;

	if (a->w.uid == 0)
		return 1;
	if (st->st_uid == a->w.uid)
		return (st->st_mode & bits) == bits;
	for (i = 0; i < a->ngids; i++)
		if (st->st_gid == a->gids[i])
			return (st->st_mode & (bits >> 3)) == (bits >> 3);
	return (st->st_mode & (bits >> 6)) == (bits >> 6);
}

/* The account can reach path's directory: search on every parent. */
static int
reach(const char *path, const struct acct *a)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	strlcpy(dir, path, sizeof(dir));
	while ((slash = strrchr(dir, '/')) != NULL) {
		slash[slash == dir] = '\0';
		if (stat(dir, &st) == -1 || !may(&st, a, S_IXUSR))
			return 0;
		if (slash == dir)
			break;
	}
	return 1;
}

/* The account's session can open log for appending (or create it). */
static int
can_append(const char *log, const struct acct *a)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (stat(log, &st) == 0)
		return may(&st, a, S_IWUSR) && reach(log, a);
	if (errno != ENOENT || strlcpy(dir, log, sizeof(dir)) >= sizeof(dir) ||
	    (slash = strrchr(dir, '/')) == NULL)
		return 0;
	slash[slash == dir] = '\0';
	return stat(dir, &st) == 0 && may(&st, a, S_IWUSR | S_IXUSR) &&
	    reach(dir, a);
}

/* DIRECTORY exists, is a directory, reached through root's symlinks only. */
static int
c_dir(struct audit *c, const struct rule *r, struct acct *a)
{
	char dir[PATH_MAX], err[PATH_MAX + 128];
	int fd;

	if (policy_expand_dir(r, &a->w, dir, sizeof(dir), err,
	    sizeof(err)) == -1 || (fd = confine_root_real(dir, a->real,
	    sizeof(a->real), err, sizeof(err))) == -1) {
		audit_report(c, 1, r->line, "%s: %s", a->w.user, err);
		return -1;
	}
	close(fd);
	return 0;
}

/* Home, ~/.ssh, logs and rsync out of DIRECTORY's reach. */
static int
c_trust(struct audit *c, const struct rule *r, struct acct *a)
{
	char err[PATH_MAX + 128];

	if (trust_session(c->p, &a->w, a->real, 0, err, sizeof(err)) == -1) {
		audit_report(c, 1, r->line, "%s: %s", a->w.user, err);
		return -1;
	}
	/* A pushed script would run as the account. */
	if (trust_resolve(c->p->rsync, err, sizeof(err)) == 0 &&
	    trust_under(err, a->real)) {
		audit_report(c, 1, r->line, "%s: rsync %s lies inside "
		    "directory %s", a->w.user, c->p->rsync, a->real);
		return -1;
	}
	return 0;
}

/* Each log can be appended by the account, and the policy read. */
static int
c_access(struct audit *c, const struct rule *r, struct acct *a)
{
	struct stat st;
	size_t i;
	int rv = 0;

	for (i = 0; i < c->p->nlogs; i++) {
		if (can_append(c->p->logs[i], a))
			continue;
		audit_report(c, 1, r->line, "%s cannot append to log %s",
		    a->w.user, c->p->logs[i]);
		rv = -1;
	}
	if (stat(c->p->file, &st) == -1 || !may(&st, a, S_IRUSR) ||
	    !reach(c->p->file, a)) {
		audit_report(c, 1, r->line, "%s cannot read the policy %s",
		    a->w.user, c->p->file);
		rv = -1;
	}
	return rv;
}

/* The checks for one account under one rule, in order; a failure stops. */
static int (*const acct_checks[])(struct audit *, const struct rule *,
    struct acct *) = { c_dir, c_trust, c_access };

static void
check_account(struct audit *c, const struct rule *r, const struct passwd *pw,
    struct names *seen)
{
	struct acct a;
	size_t i, n;

	memset(&a, 0, sizeof(a));
	a.w.user = pw->pw_name;
	a.w.home = pw->pw_dir;
	a.w.uid = pw->pw_uid;
	if (groups_gids(pw->pw_name, pw->pw_gid, a.gids, &n, MAXGIDS) == -1) {
		audit_report(c, 0, r->line, "the groups of %s cannot be "
		    "read: checked with group %u alone", pw->pw_name,
		    (unsigned)pw->pw_gid);
		a.gids[0] = pw->pw_gid;
		n = 1;
	}
	a.ngids = (int)n;
	for (i = 0; i < sizeof(acct_checks) / sizeof(acct_checks[0]); i++)
		if (acct_checks[i](c, r, &a) == -1)
			break;
	for (i = 0; i < seen->n; i++)
		if (strcmp(seen->v[i], pw->pw_name) == 0)
			return;
	if (seen->n < MAXACCTS && (seen->v[seen->n] = strdup(pw->pw_name)))
		seen->n++;
}

/*
 * "*": the accounts cannot be enumerated; a DIRECTORY that names no
 * account is still checked for what does not depend on one.
 */
static void
check_anyone(struct audit *c, const struct rule *r)
{
	struct acct a;

	printf("%s:%zu: \"*\": the accounts cannot be enumerated: %s\n",
	    c->p->file, r->line, strchr(r->dir, '%') ? "checked for no "
	    "account" : "only the directory is checked");
	if (strchr(r->dir, '%') != NULL)
		return;
	memset(&a, 0, sizeof(a));
	a.w.user = "*";
	if (c_dir(c, r, &a) == 0)
		c_trust(c, r, &a);
}

struct members {
	struct audit		*c;
	const struct rule	*r;
	const struct group	*gr;
	struct names		*seen;
};

/* One account of the database: checked if it is in the rule's group. */
static int
check_member(struct passwd *pw, void *arg)
{
	struct members *m = arg;
	char *const *mem;
	int in = pw->pw_gid == m->gr->gr_gid;

	for (mem = m->gr->gr_mem; !in && *mem != NULL; mem++)
		in = strcmp(*mem, pw->pw_name) == 0;
	if (in)
		check_account(m->c, m->r, pw, m->seen);
	return 0;
}

/* Every account of a permit rule: a user, the members of :group. */
static void
check_rule(struct audit *c, const struct rule *r, struct names *seen)
{
	struct members m = { c, r, NULL, seen };
	struct passwd *pw;

	if (strcmp(r->ident, "*") == 0) {
		check_anyone(c, r);
		return;
	}
	if (r->ident[0] != ':') {
		if ((pw = passwd_lookup_name(r->ident)) == NULL)
			audit_report(c, 0, r->line, "no user %s", r->ident);
		else
			check_account(c, r, pw, seen);
		return;
	}
	if ((m.gr = group_lookup(r->ident + 1)) == NULL) {
		audit_report(c, 0, r->line, "no group %s", r->ident + 1);
		return;
	}
	if (passwd_each(check_member, &m) == -1)
		audit_report(c, 0, r->line, "the accounts cannot be listed "
		    "(getent passwd failed): the members of %s are not "
		    "checked", r->ident);
}

/* The policy's rsync: there, executable and root's. */
static void
g_rsync(struct audit *c)
{
	char err[PATH_MAX + 128];

	if (trust_program(c->p->rsync, err, sizeof(err)) == -1)
		audit_report(c, 1, 0, "%s", err);
}

static void
g_logs(struct audit *c)
{
	if (c->p->nlogs > LOG_MAXFILES)
		audit_report(c, 1, 0, "%zu log files, at most %d: every "
		    "request would be refused", c->p->nlogs, LOG_MAXFILES);
}

/* Last match wins: a rule a later one always overrides never decides. */
static void
g_shadowed(struct audit *c)
{
	size_t i;
	long j;

	for (i = 0; i < c->p->nrules; i++)
		if ((j = policy_shadowed(c->p, i)) != -1)
			audit_report(c, 1, c->p->rules[i].line, "rule never "
			    "applies: line %zu matches every session it "
			    "matches, and the last match wins",
			    c->p->rules[j].line);
}

/* Whether anything listens on /dev/log, when syslog is a destination. */
static void
g_syslog(struct audit *c)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX,
	    .sun_path = "/dev/log" };
	int fd, ok;

	if (!c->p->use_syslog && c->p->nlogs > 0)
		return;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		ok = 0;
	else {
		ok = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0;
		close(fd);
	}
	if (!ok)
		audit_report(c, c->p->nlogs == 0, 0, "syslog is a destination "
		    "but nothing listens on /dev/log%s", c->p->nlogs == 0 ?
		    ": no attempt would be recorded" : "");
}

static void (*const global_checks[])(struct audit *) = {
	g_rsync, g_logs, g_shadowed, g_syslog,
};

void
audit_run(struct audit *c)
{
	struct names seen = { { NULL }, 0 };
	size_t i;

	for (i = 0; i < sizeof(global_checks) / sizeof(global_checks[0]); i++)
		global_checks[i](c);
	for (i = 0; i < c->p->nrules; i++)
		if (c->p->rules[i].permit)
			check_rule(c, &c->p->rules[i], &seen);
	if (geteuid() != 0 && seen.n > 0)
		printf("%s: not root: sshd's settings are not checked\n",
		    c->p->file);
	else if (seen.n > 0 && access(AUDIT_SSHD, X_OK) == -1)
		printf("%s: no %s: sshd's settings are not checked\n",
		    c->p->file, AUDIT_SSHD);
	else
		for (i = 0; i < seen.n; i++)
			audit_sshd(c, seen.v[i]);
	for (i = 0; i < seen.n; i++)
		free(seen.v[i]);
}
