/* The path-mapping oracle: see pathprop.h. */
#include <sys/stat.h>

#include <dirent.h>

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pathprop.h"

/* Names that may exist as directories or files, or not at all. */
static const char *const shortpool[] = {
	"a", "b", "x", "q", "ab", "t1", "abc", "zz9",
};
#define NSHORT	(sizeof(shortpool) / sizeof(shortpool[0]))
/* Names that are symlinks wherever they exist. */
static const char *const linkpool[] = {
	"in", "up", "out", "abs", "dang", "dout", "loop", "fl",
};
#define NLINK	(sizeof(linkpool) / sizeof(linkpool[0]))

/*
 * realpath(3) of paths in the tree, remembered.  The tree does not change
 * between pp_tree_make() and pp_tree_remove() (nothing the oracle checks
 * writes to it), and the oracle asks for the same few hundred prefixes
 * tens of thousands of times, each costing glibc a readlink(2) per
 * component.  Forgotten whenever a tree is made or removed.
 */
#define MEMO_SLOTS	8192	/* a power of two */
static struct memo {
	char	*path;
	char	*real;		/* NULL: realpath failed */
} memo[MEMO_SLOTS];
static size_t memo_used;

static void
memo_forget(void)
{
	size_t i;

	for (i = 0; i < MEMO_SLOTS; i++) {
		free(memo[i].path);
		free(memo[i].real);
		memo[i].path = memo[i].real = NULL;
	}
	memo_used = 0;
}

/* As realpath(path, out), out PATH_MAX long. */
static char *
memo_realpath(const char *path, char *out)
{
	uint32_t h = 2166136261u;
	const char *p;
	char *r;
	size_t i;

	for (p = path; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 16777619u;
	for (i = h & (MEMO_SLOTS - 1); memo[i].path != NULL;
	    i = (i + 1) & (MEMO_SLOTS - 1))
		if (strcmp(memo[i].path, path) == 0) {
			if (memo[i].real == NULL)
				return NULL;
			strlcpy(out, memo[i].real, PATH_MAX);
			return out;
		}
	r = realpath(path, out);
	/* The caller uses nothing of a failure but the failure. */
	if (memo_used < MEMO_SLOTS / 2 &&
	    (memo[i].path = strdup(path)) != NULL) {
		memo[i].real = r != NULL ? strdup(r) : NULL;
		if (r != NULL && memo[i].real == NULL) {
			free(memo[i].path);
			memo[i].path = NULL;
		} else
			memo_used++;
	}
	if (r == NULL)
		return NULL;
	return out;
}

void
pp_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		abort();
}

uint32_t
pp_rand(struct pp_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)((z ^ (z >> 31)) >> 32);
}

uint32_t
pp_below(struct pp_rng *r, uint32_t n)
{
	return n == 0 ? 0 : pp_rand(r) % n;
}

static void
long_name(char *buf, size_t n, char c)
{
	memset(buf, c, n);
	buf[n] = '\0';
}

/* A symlink of the pool in directory rel (depth levels below d). */
static int
make_link(struct pp_tree *t, struct pp_rng *r, const char *rel, int depth,
    const char *name)
{
	char path[PATH_MAX], target[PATH_MAX], up[64] = "";
	int i;

	for (i = 0; i < depth && i < 20; i++)
		strlcat(up, "../", sizeof(up));
	if (strcmp(name, "in") == 0)
		strlcpy(target, shortpool[pp_below(r, NSHORT)], sizeof(target));
	else if (strcmp(name, "up") == 0)
		strlcpy(target, "..", sizeof(target));
	else if (strcmp(name, "out") == 0)
		pp_fmt(target, sizeof(target), "%s../outside", up);
	else if (strcmp(name, "abs") == 0)
		strlcpy(target, "/etc", sizeof(target));
	else if (strcmp(name, "dang") == 0)
		strlcpy(target, "nowhere", sizeof(target));
	else if (strcmp(name, "dout") == 0)
		pp_fmt(target, sizeof(target), "%s../nowhere", up);
	else if (strcmp(name, "loop") == 0)
		strlcpy(target, "loop", sizeof(target));
	else
		pp_fmt(target, sizeof(target), "%s/%s",
		    shortpool[pp_below(r, NSHORT)],
		    shortpool[pp_below(r, NSHORT)]);
	pp_fmt(path, sizeof(path), "%s/%s%s%s", t->dir, rel, *rel ? "/" : "",
	    name);
	if (symlink(target, path) == -1)
		return -1;
	t->nlinks++;
	return 0;
}

/* Fill directory rel (depth below d) and recurse into what it made. */
static int
fill(struct pp_tree *t, struct pp_rng *r, const char *rel, int depth)
{
	char path[PATH_MAX], sub[PATH_MAX];
	size_t i;
	uint32_t roll;
	int fd;

	for (i = 0; i < NLINK; i++)
		if ((depth == 0 || pp_below(r, 10) < 3) &&
		    make_link(t, r, rel, depth, linkpool[i]) == -1)
			return -1;
	if (depth == 3)
		return 0;
	for (i = 0; i < NSHORT; i++) {
		pp_fmt(sub, sizeof(sub), "%s%s%s", rel, *rel ? "/" : "",
		    shortpool[i]);
		pp_fmt(path, sizeof(path), "%s/%s", t->dir, sub);
		roll = pp_below(r, 100);
		if (roll < 35) {
			if (mkdir(path, 0755) == -1)
				return -1;
			t->ndirs++;
			if (fill(t, r, sub, depth + 1) == -1)
				return -1;
		} else if (roll < 50) {
			if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL,
			    0644)) == -1)
				return -1;
			close(fd);
			t->nfiles++;
		}
	}
	return 0;
}

int
pp_tree_make(struct pp_tree *t, const char *parent, uint64_t seed)
{
	struct pp_rng r = { seed };
	char path[PATH_MAX], name[NAME_MAX + 1];
	size_t i;

	memo_forget();
	memset(t, 0, sizeof(*t));
	pp_fmt(t->top, sizeof(t->top), "%s/pathprop.XXXXXX", parent);
	if (mkdtemp(t->top) == NULL || chmod(t->top, 0755) == -1)
		return -1;
	pp_fmt(t->dir, sizeof(t->dir), "%s/d", t->top);
	pp_fmt(path, sizeof(path), "%s/outside", t->top);
	if (mkdir(t->dir, 0755) == -1 || mkdir(path, 0755) == -1)
		return -1;
	for (i = 0; i < NSHORT; i++) {
		pp_fmt(path, sizeof(path), "%s/outside/%s", t->top,
		    shortpool[i]);
		if (mkdir(path, 0755) == -1)
			return -1;
	}
	/* A long name that exists, one that does not. */
	long_name(name, 200, 'L');
	pp_fmt(path, sizeof(path), "%s/%s", t->dir, name);
	if (mkdir(path, 0755) == -1)
		return -1;
	if (realpath(t->dir, t->real) == NULL)
		return -1;
	return fill(t, &r, "", 0);
}

void
pp_tree_remove(const struct pp_tree *t)
{
	char cmd[PATH_MAX + 16];

	memo_forget();
	if (t->top[0] == '\0')
		return;
	pp_fmt(cmd, sizeof(cmd), "rm -rf '%s'", t->top);
	if (system(cmd) != 0)
		fprintf(stderr, "pathprop: cannot remove %s\n", t->top);
}

static const struct pp_tree *exit_tree;

static void
remove_exit_tree(void)
{
	pp_tree_remove(exit_tree);
}

int
pp_tree_make_once(struct pp_tree *t, uint64_t seed)
{
	if (pp_tree_make(t, "/tmp", seed) == -1)
		return -1;
	exit_tree = t;
	atexit(remove_exit_tree);
	return 0;
}

size_t
pp_open_fds(void)
{
	DIR *d;
	size_t n = 0;

	if ((d = opendir("/proc/self/fd")) == NULL)
		abort();
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

int
pp_has_dotdot(const char *s)
{
	size_t n;

	for (;; s += n + 1) {
		n = strcspn(s, "/");
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 1;
		if (s[n] == '\0')
			return 0;
	}
}

static void
gen_comp(struct pp_rng *r, char *buf, size_t len, int dotdot)
{
	uint32_t roll = pp_below(r, 100);
	char name[NAME_MAX + 2];

	if (dotdot && roll < 5)
		strlcpy(buf, "..", len);
	else if (roll < 62)
		strlcpy(buf, shortpool[pp_below(r, NSHORT)], len);
	else if (roll < 80)
		strlcpy(buf, linkpool[pp_below(r, NLINK)], len);
	else if (roll < 84) {
		long_name(name, 200, 'L');	/* exists at the top */
		strlcpy(buf, name, len);
	} else if (roll < 86) {
		long_name(name, NAME_MAX, 'M');
		strlcpy(buf, name, len);
	} else if (roll < 87) {
		long_name(name, NAME_MAX + 1, 'N');	/* too long */
		strlcpy(buf, name, len);
	} else if (roll < 94)
		strlcpy(buf, ".", len);
	else
		buf[0] = '\0';			/* makes a "//" */
}

void
pp_gen_path(struct pp_rng *r, char *buf, size_t len, int dotdot, int marker)
{
	char comp[NAME_MAX + 2];
	uint32_t n = pp_below(r, 6), i, roll;

	buf[0] = '\0';
	roll = pp_below(r, 100);
	if (roll < 20)
		strlcat(buf, "/", len);
	else if (roll < 30)
		strlcat(buf, "./", len);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(buf, marker && pp_below(r, 5) == 0 ? "/./" :
			    "/", len);
		gen_comp(r, comp, sizeof(comp), dotdot);
		strlcat(buf, comp, len);
	}
	roll = pp_below(r, 100);
	if (roll < 30)
		strlcat(buf, "/", len);
	else if (roll < 35)
		strlcat(buf, "/.", len);
	if (buf[0] == '\0')
		strlcpy(buf, ".", len);
}

void
pp_gen_operand(struct pp_rng *r, char *buf, size_t len, int dotdot,
    int marker)
{
	char path[PATH_MAX];
	uint32_t roll;

	pp_gen_path(r, path, sizeof(path), dotdot, marker);
	roll = pp_below(r, 32);
	if (roll < 4)
		pp_fmt(buf, len, "~%s%s", path[0] == '/' ? "" : "/", path);
	else if (roll == 4)
		strlcpy(buf, "~", len);
	else if (roll == 5)
		pp_fmt(buf, len, "~%s/%s", shortpool[pp_below(r, NSHORT)],
		    path);
	else
		strlcpy(buf, path, len);
}

static int
is_link_name(const char *c)
{
	size_t i;

	for (i = 0; i < NLINK; i++)
		if (strcmp(c, linkpool[i]) == 0)
			return 1;
	return 0;
}

struct comps {
	char	*v[PATH_MAX / 2 + 1];
	size_t	 n;
	char	 buf[2 * PATH_MAX];
	size_t	 used;
};

/*
 * Append the components of s: "" and "." dropped, ".." a step back when
 * stepping back is allowed.  -1: the path must be refused.
 */
static int
split_into(struct comps *c, const char *s, int back)
{
	const char *p = s, *e;
	size_t n;

	while (*p != '\0') {
		e = strchr(p, '/');
		n = e ? (size_t)(e - p) : strlen(p);
		if (n > NAME_MAX)
			return -1;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			if (!back || c->n == 0)
				return -1;
			c->n--;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (c->used + n + 1 > sizeof(c->buf))
				return -1;
			c->v[c->n++] = memcpy(c->buf + c->used, p, n);
			c->buf[c->used + n] = '\0';
			c->used += n + 1;
		}
		p = e ? e + 1 : p + n;
	}
	return 0;
}

static void
join(char *out, size_t len, char *const *v, size_t from, size_t to)
{
	size_t i;

	out[0] = '\0';
	for (i = from; i < to; i++) {
		if (i > from)
			strlcat(out, "/", len);
		strlcat(out, v[i], len);
	}
}

static int
beneath(const char *root, const char *p)
{
	size_t n = strlen(root);

	return strncmp(p, root, n) == 0 && (p[n] == '\0' || p[n] == '/');
}

static int
ends_slash(const char *p)
{
	size_t n = strlen(p);

	return n > 0 && (p[n - 1] == '/' ||
	    (p[n - 1] == '.' && (n == 1 || p[n - 2] == '/')));
}

void
pp_expect(const struct pp_tree *t, const char *path, const char *base,
    int leaf, int absolute, struct pp_want *w)
{
	static struct comps c;
	char probe[2 * PATH_MAX], real[PATH_MAX], dir[PATH_MAX];
	size_t dl = strlen(t->dir), k, kmax, i;
	struct stat st;

	memset(w, 0, sizeof(*w));
	w->verdict = PP_REFUSE;
	if (absolute && strncmp(path, t->dir, dl) == 0 &&
	    (path[dl] == '/' || path[dl] == '\0'))
		path += dl;
	w->slash = ends_slash(path);
	c.n = c.used = 0;
	if ((base != NULL && split_into(&c, base, 0) == -1) ||
	    split_into(&c, path, base != NULL) == -1)
		return;
	join(w->clean, sizeof(w->clean), c.v, 0, c.n);
	if (c.n == 0)
		strlcpy(w->clean, ".", sizeof(w->clean));
	/* Near PATH_MAX, too long to clean, join or pin: may be refused. */
	w->verdict = strlen(w->clean) > PATH_MAX - 64 ||
	    (base ? strlen(base) + 1 : 0) + strlen(path) > PATH_MAX - 64 ?
	    PP_MAYBE : PP_EXACT;
	for (i = 0; i < c.n; i++)
		if (is_link_name(c.v[i]))
			w->verdict = PP_MAYBE;
	/*
	 * The deepest of the first kmax prefixes that is a directory.  A
	 * prefix resolves only through a shorter one that is a directory,
	 * so the first that is not ends the walk down.
	 */
	kmax = leaf && c.n > 0 ? c.n - 1 : c.n;
	for (k = 0; k <= kmax; k++) {
		join(real, sizeof(real), c.v, 0, k);
		pp_fmt(probe, sizeof(probe), "%s/%s", t->dir, real);
		if (memo_realpath(probe, dir) == NULL || stat(dir, &st) != 0 ||
		    !S_ISDIR(st.st_mode))
			break;
		strlcpy(w->dir, dir, sizeof(w->dir));
	}
	if (k == 0) {		/* DIRECTORY itself is gone */
		w->verdict = PP_REFUSE;
		return;
	}
	k--;
	if (!beneath(t->real, w->dir)) {
		w->verdict = PP_REFUSE;
		return;
	}
	join(w->rest, sizeof(w->rest), c.v, k, c.n);
	/* Only the last component may exist without being a directory. */
	if (k + 1 < c.n) {
		pp_fmt(probe, sizeof(probe), "%s/%s", w->dir, c.v[k]);
		if (lstat(probe, &st) == 0)
			w->verdict = PP_REFUSE;
	}
}

void
pp_expect_operand(const struct pp_tree *t, const char *path, int leaf,
    int absolute, struct pp_want *w)
{
	if (path[0] != '~') {
		pp_expect(t, path, NULL, leaf, absolute, w);
		return;
	}
	if (path[1] != '\0' && path[1] != '/') {
		memset(w, 0, sizeof(*w));
		w->verdict = PP_REFUSE;
		return;
	}
	/* What follows "~" is beneath DIRECTORY, as a path from its top. */
	pp_expect(t, path[1] == '\0' ? "." : path + 1, NULL, leaf, 0, w);
	w->slash = ends_slash(path);
}

static char msg[3 * PATH_MAX];

const char *
pp_check(const struct pp_want *w, const char *dir, const char *rest)
{
	char probe[2 * PATH_MAX];
	struct stat st;
	const char *first;

	if (w->verdict == PP_REFUSE) {
		snprintf(msg, sizeof(msg), "permitted as %s + \"%s\", but "
		    "must be refused", dir, rest);
		return msg;
	}
	if (strcmp(dir, w->dir) != 0 || strcmp(rest, w->rest) != 0) {
		snprintf(msg, sizeof(msg), "names %s + \"%s\", want %s + "
		    "\"%s\"", dir, rest, w->dir, w->rest);
		return msg;
	}
	/* The descriptor is the deepest: what follows does not exist. */
	if (rest[0] != '\0' && strchr(rest, '/') != NULL) {
		first = rest;
		pp_fmt(probe, sizeof(probe), "%s/%.*s", dir,
		    (int)(strchr(rest, '/') - first), first);
		if (lstat(probe, &st) == 0) {
			snprintf(msg, sizeof(msg), "%s exists: pinned %s is "
			    "not the deepest directory", probe, dir);
			return msg;
		}
	}
	return NULL;
}

const char *
pp_fd_dir(int fd)
{
	static char dir[PATH_MAX];
	char link[64];
	ssize_t n;

	pp_fmt(link, sizeof(link), "/proc/self/fd/%d", fd);
	if ((n = readlink(link, dir, sizeof(dir) - 1)) == -1)
		return NULL;
	dir[n] = '\0';
	return dir;
}

int
pp_clean(const char *path, char *out, size_t len)
{
	static struct comps c;

	c.n = c.used = 0;
	if (split_into(&c, path, 0) == -1)
		return -1;
	join(out, len, c.v, 0, c.n);
	if (c.n == 0)
		strlcpy(out, ".", len);
	return 0;
}

const char *
pp_check_refused(const struct pp_want *w)
{
	if (w->verdict != PP_EXACT)
		return NULL;
	snprintf(msg, sizeof(msg), "refused, but must map to %s + \"%s\"",
	    w->dir, w->rest);
	return msg;
}

int
pp_parse_pinned(const char *word, int *fd, char *rest, size_t restlen,
    int *slash)
{
	static const char pre[] = "/proc/self/fd/";
	const char *p;
	char *end;
	size_t n;
	long v;

	if (strncmp(word, pre, sizeof(pre) - 1) != 0)
		return -1;
	p = word + sizeof(pre) - 1;
	v = strtol(p, &end, 10);
	if (end == p || v < 0 || v > 65535 || (*end != '/' && *end != '\0'))
		return -1;
	*fd = (int)v;
	p = *end == '/' ? end + 1 : end;
	if (strlcpy(rest, p, restlen) >= restlen)
		return -1;
	n = strlen(rest);
	*slash = n > 0 && rest[n - 1] == '/';
	if (*slash)
		rest[n - 1] = '\0';
	return 0;
}
