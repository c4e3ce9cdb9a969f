/*
 * From a split request to a decision.
 *
 * rsync is never handed a path as the client wrote it.  Each path is
 * resolved beneath DIRECTORY by the kernel (confine.c) and rsync receives
 * /proc/self/fd/N/REST, where N is a descriptor of the deepest directory
 * that exists and REST the components rsync will create.  A symlink that
 * another session swaps in after the check cannot redirect rsync: the
 * descriptor still names the directory that was checked.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "decide.h"
#include "rsyncargs.h"

#define MAXARGV		4096	/* words in the argv handed to rsync */
#define MAXMATCHES	4096	/* paths one wildcard may expand to */

struct strv {
	char	**v;
	size_t	  n;
	int	  fail;
};

static void denyf(struct decision *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void addf(struct strv *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
denyf(struct decision *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	d->permit = 0;
}

static void
add(struct strv *s, const char *word)
{
	char **v;

	if (s->fail)
		return;
	if (s->n + 2 > MAXARGV ||
	    (v = reallocarray(s->v, s->n + 2, sizeof(*v))) == NULL) {
		s->fail = 1;
		return;
	}
	s->v = v;
	if ((s->v[s->n] = strdup(word)) == NULL) {
		s->fail = 1;
		return;
	}
	s->v[++s->n] = NULL;
}

static void
addf(struct strv *s, const char *fmt, ...)
{
	char *word;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&word, fmt, ap);
	va_end(ap);
	if (r == -1) {
		s->fail = 1;
		return;
	}
	add(s, word);
	free(word);
}

static void
strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
pin(struct decision *d, int fd, const char *rel)
{
	if (d->npins == DECIDE_MAXPINS) {
		close(fd);
		denyf(d, "too many paths (at most %d)", DECIDE_MAXPINS);
		return -1;
	}
	d->pins[d->npins].fd = fd;
	if ((d->pins[d->npins].rel = strdup(rel)) == NULL) {
		close(fd);
		denyf(d, "out of memory");
		return -1;
	}
	d->npins++;
	return 0;
}

/*
 * A client path as a clean path relative to DIRECTORY.  Absolute paths are
 * relative to DIRECTORY too, except that with "absolute" a path already
 * under DIRECTORY (the classic pinned ". /home/backup/") is taken as is.
 */
static int
relpath(struct decision *d, const char *path, char *out, size_t outlen)
{
	size_t dl = strlen(d->dir);

	if (d->rule->opts & RO_ABSOLUTE && path[0] == '/' &&
	    strcmp(d->dir, "/") != 0 && strncmp(path, d->dir, dl) == 0 &&
	    (path[dl] == '/' || path[dl] == '\0'))
		path += dl;
	return confine_clean(path, out, outlen, d->reason, sizeof(d->reason));
}

/* "/proc/self/fd/N/tail" for the last pin. */
static void
add_pinned(struct strv *s, struct decision *d, const char *tail, int slash)
{
	const char *sep = (tail[0] != '\0' && slash) ? "/" : "";

	addf(s, "/proc/self/fd/%d/%s%s", d->pins[d->npins - 1].fd, tail, sep);
}

static int
has_slash_end(const char *path)
{
	size_t n = strlen(path);

	return n > 0 && (path[n - 1] == '/' ||
	    (path[n - 1] == '.' && (n == 1 || path[n - 2] == '/')));
}

/*
 * Pin rel by the deepest directory of it that exists, and name the rest
 * after that descriptor.  leaf: the last component is named by itself
 * (a pull of "dir" without a slash sends the directory, not its
 * contents), so even an existing directory is pinned by its parent.
 */
static int
pin_path(struct decision *d, struct strv *s, const char *rel, int leaf,
    int slash)
{
	char covered[PATH_MAX];
	struct pinned pp;

	if (confine_pin(d->rootfd, rel, leaf ? CONFINE_LEAF : 0, &pp,
	    d->reason, sizeof(d->reason)) == -1)
		return -1;
	if (pp.covered == 0)
		strlcpy(covered, ".", sizeof(covered));
	else
		snprintf(covered, sizeof(covered), "%.*s",
		    (int)(pp.rest - rel - (pp.rest[0] != '\0')), rel);
	if (pin(d, pp.fd, covered) == -1)
		return -1;
	add_pinned(s, d, pp.rest, slash);
	return 0;
}

static int
path_option(struct decision *d, struct strv *s, const struct rsync_pathopt *po,
    const char *destdir)
{
	char rel[PATH_MAX];
	struct stat st;
	int fd;

	if (po->kind == RP_CWDREL && strcmp(po->value, "-") == 0) {
		addf(s, "--%s=-", po->name);
		return 0;
	}
	if (po->kind == RP_PARTIAL && po->value[0] != '/') {
		/* A per-directory name, created inside each destination. */
		if (confine_clean(po->value, rel, sizeof(rel), d->reason,
		    sizeof(d->reason)) == -1)
			return -1;
		addf(s, "--%s=%s", po->name, rel);
		return 0;
	}
	if (po->kind == RP_DESTREL && po->value[0] != '/') {
		if (confine_join(destdir, po->value, rel, sizeof(rel),
		    d->reason, sizeof(d->reason)) == -1)
			return -1;
	} else if (relpath(d, po->value, rel, sizeof(rel)) == -1)
		return -1;
	if (po->kind == RP_CWDREL) {
		/* A file rsync reads: open it, refuse anything but a file. */
		fd = confine_open(d->rootfd, rel, O_RDONLY | O_NOCTTY |
		    O_NONBLOCK, d->reason, sizeof(d->reason));
		if (fd == -1)
			return -1;
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
			close(fd);
			denyf(d, "--%s %s is not a regular file", po->name,
			    po->value);
			return -1;
		}
		if (pin(d, fd, rel) == -1)
			return -1;
		addf(s, "--%s=/proc/self/fd/%d", po->name, fd);
		return 0;
	}
	addf(s, "--%s", po->name);
	return pin_path(d, s, rel, 0, 1);
}

static int
has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Expand the wildcards of rel inside DIRECTORY, component by component,
 * reading each directory through a confined descriptor; matches are
 * appended to out.  Hidden names match only a pattern that starts with '.'.
 */
static int
glob_walk(struct decision *d, const char *prefix, const char *rest,
    struct strv *out)
{
	char comp[NAME_MAX + 1], next[PATH_MAX];
	const char *slash = strchr(rest, '/');
	size_t n = slash ? (size_t)(slash - rest) : strlen(rest);
	struct dirent *de;
	DIR *dir;
	int fd, rv = 0;

	memcpy(comp, rest, n);
	comp[n] = '\0';
	if (!has_glob(comp)) {
		if (snprintf(next, sizeof(next), "%s%s%s", prefix,
		    prefix[0] ? "/" : "", comp) >= (int)sizeof(next))
			return 0;
		if (slash == NULL) {
			add(out, next);
			return 0;
		}
		return glob_walk(d, next, slash + 1, out);
	}
	fd = confine_open(d->rootfd, prefix[0] ? prefix : ".",
	    O_RDONLY | O_DIRECTORY, d->reason, sizeof(d->reason));
	if (fd == -1 || (dir = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		return 0;	/* no match; rsync reports the path */
	}
	while (rv == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0 ||
		    fnmatch(comp, de->d_name, FNM_PERIOD) != 0)
			continue;
		if (out->n >= MAXMATCHES) {
			denyf(d, "wildcard matches more than %d paths",
			    MAXMATCHES);
			rv = -1;
			break;
		}
		if (snprintf(next, sizeof(next), "%s%s%s", prefix,
		    prefix[0] ? "/" : "", de->d_name) >= (int)sizeof(next))
			continue;
		if (slash == NULL)
			add(out, next);
		else
			rv = glob_walk(d, next, slash + 1, out);
	}
	closedir(dir);
	return rv;
}

static int
sender_path(struct decision *d, struct strv *s, const char *path,
    unsigned flags)
{
	char rel[PATH_MAX];
	const char *marker;
	struct strv m = { NULL, 0, 0 };
	struct pinned pp;
	size_t i;
	int slash = has_slash_end(path), fd, rv = 0;

	if (relpath(d, path, rel, sizeof(rel)) == -1)
		return -1;
	/*
	 * The splitter has already removed the client's escapes, so a
	 * name such as "photo[1].jpg" (sent as photo\[1\].jpg) would read as
	 * a pattern: a path that exists as written is taken as written.
	 */
	fd = -1;
	if (has_glob(rel) && strcmp(rel, ".") != 0 &&
	    (fd = confine_open(d->rootfd, rel, O_PATH | O_NOFOLLOW, d->reason,
	    sizeof(d->reason))) == -1) {
		if (glob_walk(d, "", rel, &m) == -1 || m.fail) {
			if (m.fail)
				denyf(d, "out of memory");
			strv_free(&m);
			return -1;
		}
		qsort(m.v, m.n, sizeof(*m.v), cmp_str);
	}
	if (fd != -1)
		close(fd);
	if (m.n == 0)
		add(&m, rel);
	for (i = 0; rv == 0 && i < m.n; i++) {
		if (!(flags & RF_RELATIVE)) {
			rv = pin_path(d, s, m.v[i], !slash, slash);
			continue;
		}
		/*
		 * --relative sends the path itself as the file name, so it
		 * cannot be replaced by a descriptor: it is checked beneath
		 * the root as a pin is (every existing step a directory
		 * inside, only the last missing or not a directory) and
		 * passed relative to the pinned working directory.  A
		 * client's "/./" marker is kept.
		 */
		if (confine_pin(d->rootfd, m.v[i], 0, &pp, d->reason,
		    sizeof(d->reason)) == -1) {
			rv = -1;
			break;
		}
		close(pp.fd);
		marker = strstr(path, "/./");
		if (marker != NULL && m.n == 1 && marker != path) {
			char pre[PATH_MAX], post[PATH_MAX], tmp[PATH_MAX];

			snprintf(tmp, sizeof(tmp), "%.*s", (int)(marker - path),
			    path);
			if (relpath(d, tmp, pre, sizeof(pre)) == -1 ||
			    confine_clean(marker + 3, post, sizeof(post),
			    d->reason, sizeof(d->reason)) == -1) {
				rv = -1;
				break;
			}
			addf(s, "%s/./%s%s", pre, post, slash ? "/" : "");
		} else
			addf(s, "%s%s", m.v[i], slash && strcmp(m.v[i], ".") ?
			    "/" : "");
	}
	strv_free(&m);
	return rv;
}

static int
build_rsync(const struct policy *p, struct decision *d, char *const *words,
    size_t nwords, unsigned features)
{
	struct rsync_req req;
	struct strv s = { NULL, 0, 0 };
	char destdir[PATH_MAX];
	unsigned ro = d->rule->opts;
	size_t i;
	int rv = -1;

	if (rsync_check(words, nwords, ro, &req, d->reason,
	    sizeof(d->reason)) == -1)
		return -1;
	d->push = !(req.flags & RF_SENDER);
	add(&s, p->rsync);
	add(&s, "--server");
	if (!d->push)
		add(&s, "--sender");
	for (i = 0; i < req.nopts; i++)
		add(&s, req.opts[i]);
	if (ro & RO_MUNGELINKS && !(req.flags & RF_MUNGE))
		add(&s, "--munge-links");
	if (ro & RO_FAKESUPER && !(req.flags & RF_FAKESUPER))
		add(&s, "--fake-super");
	if (ro & RO_NOOVERWRITE && d->push && !(req.flags & RF_IGNEXIST))
		add(&s, "--ignore-existing");
	if (features & RSF_CONFINE) {
		addf(&s, "--confine-root=%s", d->dir);
		if (d->push)
			add(&s, "--drop-D");
	}
	/*
	 * Options resolved relative to the destination use its clean path.
	 * A sender has no destination (the client forwards --backup-dir and
	 * the like to both ends): its first path stands in for it.
	 */
	strlcpy(destdir, ".", sizeof(destdir));
	if (req.npaths > 0 && relpath(d, req.paths[0], destdir,
	    sizeof(destdir)) == -1)
		goto out;
	for (i = 0; i < req.npopts; i++)
		if (path_option(d, &s, &req.popts[i], destdir) == -1)
			goto out;
	add(&s, "--");
	add(&s, ".");
	/* A push has exactly one path (rsync_check), cleaned just above. */
	if (d->push) {
		if (pin_path(d, &s, destdir, 0,
		    has_slash_end(req.paths[0])) == -1)
			goto out;
	} else
		for (i = 0; i < req.npaths; i++)
			if (sender_path(d, &s, req.paths[i], req.flags) == -1)
				goto out;
	if (s.fail) {
		denyf(d, "out of memory or too many words");
		goto out;
	}
	d->argv = s.v;
	d->argc = s.n;
	s.v = NULL;
	s.n = 0;
	rv = 0;
out:
	strv_free(&s);
	rsync_req_free(&req);
	return rv;
}

int
policy_decide(const struct policy *p, const struct who *w, const char *key,
    char *const *words, size_t nwords, unsigned features, struct decision *d)
{
	const char *cmd;

	memset(d, 0, sizeof(*d));
	d->rootfd = -1;
	if (p->nerrors > 0) {
		denyf(d, "policy error: %s", p->errors[0]);
		return -1;
	}
	if (nwords == 0) {
		denyf(d, "empty command");
		return -1;
	}
	if ((d->rule = policy_match(p, w, key)) == NULL) {
		denyf(d, "no rule permits user %s%s%s", w->user,
		    key ? " with key " : "", key ? key : "");
		return -1;
	}
	if (!d->rule->permit) {
		denyf(d, "denied by %s line %zu", p->file, d->rule->line);
		return -1;
	}
	cmd = words[0];
	if (strcmp(cmd, "rsync") == 0)
		d->kind = DK_RSYNC;
	else if (strcmp(cmd, "ls") == 0 || strcmp(cmd, "du") == 0 ||
	    strcmp(cmd, "df") == 0)
		d->kind = DK_LIST;
	else if (strcmp(cmd, "true") == 0)
		d->kind = DK_TRUE;
	else {
		denyf(d, "command not allowed: %.100s (only rsync --server, "
		    "ls, du, df and true)", cmd);
		return -1;
	}
	if (d->kind != DK_RSYNC && !(d->rule->opts & RO_LIST)) {
		denyf(d, "%s not permitted by policy (rule has no \"list\")",
		    cmd);
		return -1;
	}
	if (d->kind == DK_TRUE && nwords > 1) {
		denyf(d, "true takes no arguments");
		return -1;
	}
	if (policy_expand_dir(d->rule, w, d->dir, sizeof(d->dir), d->reason,
	    sizeof(d->reason)) == -1)
		return -1;
	if ((d->rootfd = confine_root(d->dir, d->reason,
	    sizeof(d->reason))) == -1)
		return -1;
	if (d->kind == DK_RSYNC && build_rsync(p, d, words, nwords,
	    features) == -1)
		return -1;
	d->permit = 1;
	return 0;
}

void
decision_free(struct decision *d)
{
	size_t i;

	for (i = 0; i < d->npins; i++) {
		close(d->pins[i].fd);
		free(d->pins[i].rel);
	}
	d->npins = 0;
	for (i = 0; i < d->argc; i++)
		free(d->argv[i]);
	free(d->argv);
	d->argv = NULL;
	d->argc = 0;
	if (d->rootfd != -1)
		close(d->rootfd);
	d->rootfd = -1;
}
