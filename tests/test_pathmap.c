/*
 * Path mapping as a property, on generated cases: for every path a client
 * can send (push destination, pull sources, each option path), what rsync
 * receives names exactly that path beneath DIRECTORY, or the request is
 * refused.  The oracle is pathprop.c; the trees and the paths come from a
 * seed, printed at the start and in every failure: RSHELL_SEED=N repeats
 * a run.
 *
 * Three levels: the resolver (confine.c), the decision (policy_decide, in
 * process, as any user), and the binary (rshell -n, as root).
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "confine.h"
#include "decide.h"
#include "harness.h"
#include "pathprop.h"
#include "policy.h"

#define NTREES		4	/* trees per level, each from its own seed */
#define NRESOLVE	5000	/* resolver cases per tree */
#define NDECIDE		3000	/* decisions per tree */
#define NBINARY		300	/* rshell -n runs, in all */

static uint64_t seed;

/* --- the resolver ------------------------------------------------------ */

struct tally {
	size_t	 cases, permitted, refused, missing, through;
};

/* The tally shows the generator reaches every kind of case. */
static void
tally_check(const struct tally *t, const char *what)
{
	ck_assert_msg(t->permitted > t->cases / 4 && t->refused > t->cases / 20
	    && t->missing > t->cases / 10 && t->through > t->cases / 20,
	    "seed %" PRIu64 ": %s: the generator is lopsided: %zu cases, "
	    "%zu permitted, %zu refused, %zu with missing components, %zu "
	    "through a symlink", seed, what, t->cases, t->permitted,
	    t->refused, t->missing, t->through);
}

static size_t
ncomps(const char *rest)
{
	size_t n = rest[0] != '\0';

	for (; *rest != '\0'; rest++)
		n += *rest == '/';
	return n;
}

/*
 * Operands as a client names them, "~" and all, through the cleaning
 * that transfer paths get (confine_clean_home).
 */
static void
resolve_operands(const struct pp_tree *t, struct pp_rng *r, int rootfd,
    int tree)
{
	struct pp_want w;
	struct pinned pp;
	char path[PATH_MAX], clean[PATH_MAX], err[512];
	const char *why, *dir;
	int i, leaf;

	for (i = 0; i < NRESOLVE / 2; i++) {
		pp_gen_operand(r, path, sizeof(path), 1, 0);
		leaf = pp_below(r, 2);
		pp_expect_operand(t, path, leaf, 0, &w);
		if (confine_clean_home(path, clean, sizeof(clean), err,
		    sizeof(err)) == -1 || confine_pin(rootfd, clean,
		    leaf ? CONFINE_LEAF : 0, &pp, err, sizeof(err)) == -1)
			why = pp_check_refused(&w);
		else {
			dir = pp_fd_dir(pp.fd);
			why = dir ? pp_check(&w, dir, pp.rest) :
			    "descriptor unreadable";
			close(pp.fd);
		}
		H_ASSERT(why == NULL, "seed %" PRIu64 " tree %d operand "
		    "%d: \"%s\"%s: %s (%s)", seed, tree, i, path,
		    leaf ? " as a leaf" : "", why, err);
	}
}

START_TEST(t_resolver)
{
	struct pp_tree t;
	struct pp_rng r = { seed ^ 0x5265736f6c766572ULL };
	struct pp_want w;
	struct pinned pp;
	struct tally tl = { 0, 0, 0, 0, 0 };
	char path[PATH_MAX], clean[PATH_MAX], err[512];
	const char *why, *dir;
	int i, tree, leaf, rootfd;

	for (tree = 0; tree < NTREES; tree++) {
		ck_assert(pp_tree_make(&t, h_tmpdir(),
		    seed + (uint64_t)tree) == 0);
		rootfd = confine_root(t.dir, err, sizeof(err));
		ck_assert_msg(rootfd != -1, "%s", err);
		for (i = 0; i < NRESOLVE; i++) {
			pp_gen_path(&r, path, sizeof(path), 1, 0);
			leaf = pp_below(&r, 2);
			pp_expect(&t, path, NULL, leaf, 0, &w);
			tl.cases++;
			if (confine_clean(path, clean, sizeof(clean), err,
			    sizeof(err)) == -1 || confine_pin(rootfd, clean,
			    leaf ? CONFINE_LEAF : 0, &pp, err,
			    sizeof(err)) == -1) {
				why = pp_check_refused(&w);
				tl.refused++;
			} else {
				dir = pp_fd_dir(pp.fd);
				why = dir ? pp_check(&w, dir, pp.rest) :
				    "descriptor unreadable";
				if (why == NULL && pp.ncomp - pp.covered !=
				    ncomps(pp.rest))
					why = "covered and rest do not add up";
				close(pp.fd);
				tl.permitted++;
				tl.missing += pp.rest[0] != '\0';
			}
			tl.through += w.verdict == PP_MAYBE;
			H_ASSERT(why == NULL, "seed %" PRIu64 " tree %d "
			    "case %d: \"%s\"%s: %s (%s)", seed, tree, i, path,
			    leaf ? " as a leaf" : "", why, err);
		}
		resolve_operands(&t, &r, rootfd, tree);
		close(rootfd);
		pp_tree_remove(&t);
	}
	tally_check(&tl, "resolver");
}
END_TEST

/* --- requests ---------------------------------------------------------- */

enum { K_DEST, K_PARTIAL, K_FILE, K_DROP };

static const struct {
	const char	*name;
	int		 kind;
} optdefs[] = {
	{ "link-dest", K_DEST }, { "compare-dest", K_DEST },
	{ "copy-dest", K_DEST }, { "backup-dir", K_DEST },
	{ "temp-dir", K_DROP }, { "partial-dir", K_PARTIAL },
	{ "files-from", K_FILE },
};
#define NOPTS	(sizeof(optdefs) / sizeof(optdefs[0]))

/* One generated request and what each of its paths must map to. */
struct req {
	int		 push, relative, absolute, confine;
	size_t		 npaths;
	char		 path[3][PATH_MAX];
	struct pp_want	 want[3];
	int		 used[NOPTS], sep[NOPTS];
	char		 value[NOPTS][PATH_MAX];
	struct pp_want	 owant[NOPTS];
	int		 verdict;	/* of the whole request */
	char		*words[32];
	size_t		 nwords;
};

static void
combine(struct req *q, int v)
{
	if (v == PP_REFUSE || q->verdict == PP_REFUSE)
		q->verdict = PP_REFUSE;
	else if (v == PP_MAYBE)
		q->verdict = PP_MAYBE;
}

/* A files-from value: must name a regular file beneath DIRECTORY. */
static void
expect_file(const struct pp_tree *t, struct req *q, size_t o)
{
	char p[2 * PATH_MAX], real[PATH_MAX];
	struct pp_want *w = &q->owant[o];
	struct stat st;

	pp_expect(t, q->value[o], NULL, 1, q->absolute, w);
	if (w->verdict == PP_REFUSE)
		return;
	pp_fmt(p, sizeof(p), "%s/%s", w->dir, w->rest);
	if (w->rest[0] == '\0' || realpath(p, real) == NULL ||
	    stat(real, &st) == -1 || !S_ISREG(st.st_mode) ||
	    strncmp(real, t->real, strlen(t->real)) != 0) {
		w->verdict = PP_REFUSE;
		return;
	}
	/* Where the file is, as its descriptor will show it. */
	strlcpy(w->dir, real, sizeof(w->dir));
	w->rest[0] = '\0';
}

static void
gen_value(struct pp_rng *r, const struct pp_tree *t, struct req *q,
    size_t o)
{
	char v[PATH_MAX];

	pp_gen_path(r, v, sizeof(v), optdefs[o].kind == K_DEST, 0);
	if (optdefs[o].kind == K_FILE && pp_below(r, 8) == 0)
		strlcpy(v, "-", sizeof(v));
	if (q->absolute && v[0] == '/' && pp_below(r, 2))
		pp_fmt(q->value[o], sizeof(q->value[o]), "%s%s", t->dir, v);
	else
		strlcpy(q->value[o], v, sizeof(q->value[o]));
}

static void
expect_options(const struct pp_tree *t, struct req *q)
{
	const char *base = q->want[0].clean;
	struct pp_want *w;
	size_t o;

	for (o = 0; o < NOPTS; o++) {
		if (!q->used[o])
			continue;
		w = &q->owant[o];
		if (optdefs[o].kind == K_DROP) {
			/* rshell drops it: nothing to map, nothing to refuse */
			memset(w, 0, sizeof(*w));
			w->verdict = PP_EXACT;
		} else if (optdefs[o].kind == K_FILE) {
			if (strcmp(q->value[o], "-") == 0)
				w->verdict = PP_EXACT;
			else
				expect_file(t, q, o);
		} else if (optdefs[o].kind == K_PARTIAL &&
		    q->value[o][0] != '/') {
			memset(w, 0, sizeof(*w));
			w->verdict = pp_clean(q->value[o], w->clean,
			    sizeof(w->clean)) == -1 ? PP_REFUSE : PP_EXACT;
		} else
			pp_expect(t, q->value[o], q->value[o][0] == '/' ||
			    optdefs[o].kind != K_DEST ? NULL : base, 0,
			    q->absolute, w);
		combine(q, w->verdict);
	}
}

static void add_word(struct req *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
add_word(struct req *q, const char *fmt, ...)
{
	va_list ap;
	char *w;
	int n;

	H_ASSERT(q->nwords + 1 < sizeof(q->words) / sizeof(q->words[0]),
	    "too many words");
	va_start(ap, fmt);
	n = vasprintf(&w, fmt, ap);
	va_end(ap);
	H_ASSERT(n != -1, "out of memory");
	q->words[q->nwords++] = w;
	q->words[q->nwords] = NULL;
}

static void
gen_request(struct pp_rng *r, const struct pp_tree *t, struct req *q)
{
	char p[PATH_MAX];
	size_t i, o;

	memset(q, 0, sizeof(*q));
	q->push = pp_below(r, 5) < 3;
	q->relative = !q->push && pp_below(r, 4) == 0;
	q->absolute = pp_below(r, 4) == 0;
	q->confine = (int)pp_below(r, 2);
	q->npaths = q->push ? 1 : 1 + pp_below(r, 3);
	q->verdict = PP_EXACT;
	for (i = 0; i < q->npaths; i++) {
		pp_gen_operand(r, p, sizeof(p), 1, q->relative);
		if (q->absolute && p[0] == '/' && pp_below(r, 2))
			pp_fmt(q->path[i], sizeof(q->path[i]), "%s%s",
			    t->dir, p);
		else
			strlcpy(q->path[i], p, sizeof(q->path[i]));
		pp_expect_operand(t, q->path[i], 0, q->absolute, &q->want[i]);
		/* A pull names a directory without a slash by itself. */
		if (!q->push && !q->relative && !q->want[i].slash)
			pp_expect_operand(t, q->path[i], 1, q->absolute,
			    &q->want[i]);
		combine(q, q->want[i].verdict);
	}
	for (o = 0; o < NOPTS; o++)
		if ((q->used[o] = pp_below(r, 7) == 0)) {
			q->sep[o] = pp_below(r, 2);
			gen_value(r, t, q, o);
		}
	if (q->want[0].verdict != PP_REFUSE)
		expect_options(t, q);
	add_word(q, "rsync");
	add_word(q, "--server");
	if (!q->push)
		add_word(q, "--sender");
	add_word(q, "%s", q->relative ? "-logDtpRre.iLsfxCIvu" :
	    "-logDtpre.iLsfxCIvu");
	for (o = 0; o < NOPTS; o++) {
		if (!q->used[o])
			continue;
		if (q->sep[o] && strcmp(q->value[o], "-") != 0) {
			add_word(q, "--%s", optdefs[o].name);
			add_word(q, "%s", q->value[o]);
		} else
			add_word(q, "--%s=%s", optdefs[o].name, q->value[o]);
	}
	add_word(q, ".");
	for (i = 0; i < q->npaths; i++)
		add_word(q, "%s", q->path[i]);
}

static void
req_free(struct req *q)
{
	size_t i;

	for (i = 0; i < q->nwords; i++)
		free(q->words[i]);
	q->nwords = 0;
}

static void
req_text(const struct req *q, char *buf, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < q->nwords; i++) {
		if (i > 0)
			strlcat(buf, " ", len);
		strlcat(buf, q->words[i], len);
	}
}

/* --- judging what would run -------------------------------------------- */

/* Where a pinned descriptor leads: in process, or from rshell -n's lines. */
typedef const char *(*fd_dir_fn)(int fd, void *ctx);

static const char *
judge_pinned(const struct pp_want *w, const char *word, int optslash,
    fd_dir_fn fddir, void *ctx)
{
	static char why[PATH_MAX + 64];
	char rest[PATH_MAX];
	const char *dir;
	int fd, slash;

	if (pp_parse_pinned(word, &fd, rest, sizeof(rest), &slash) == -1) {
		snprintf(why, sizeof(why), "%s is not a pinned path", word);
		return why;
	}
	if ((dir = fddir(fd, ctx)) == NULL) {
		snprintf(why, sizeof(why), "%s: fd %d is not pinned", word, fd);
		return why;
	}
	if (rest[0] != '\0' && slash != (optslash || w->slash)) {
		snprintf(why, sizeof(why), "%s: the trailing slash is %s",
		    word, slash ? "added" : "lost");
		return why;
	}
	return pp_check(w, dir, rest);
}

/* A --relative path is passed relative to the pinned working directory. */
static const char *
judge_relative(const struct pp_want *w, const char *word)
{
	static char why[2 * PATH_MAX];
	char clean[PATH_MAX];

	if (pp_clean(word, clean, sizeof(clean)) == -1 ||
	    strcmp(clean, w->clean) != 0) {
		snprintf(why, sizeof(why), "-R path %s, want %s", word,
		    w->clean);
		return why;
	}
	return w->verdict == PP_REFUSE ? "permitted, but must be refused" :
	    NULL;
}

static int
opt_index(const char *name, size_t len)
{
	size_t o;

	for (o = 0; o < NOPTS; o++)
		if (strlen(optdefs[o].name) == len &&
		    strncmp(optdefs[o].name, name, len) == 0)
			return (int)o;
	return -1;
}

static const char *
judge_option(const struct req *q, char *const *argv, size_t argc, size_t *i,
    fd_dir_fn fddir, void *ctx)
{
	static char why[PATH_MAX + 64];
	const char *word = argv[*i] + 2, *eq = strchr(word, '=');
	int o = opt_index(word, eq ? (size_t)(eq - word) : strlen(word));
	const struct pp_want *w;

	if (o == -1)
		return NULL;		/* rshell's own: --confine-root=... */
	w = &q->owant[o];
	if (!q->used[o] || optdefs[o].kind == K_DROP) {
		snprintf(why, sizeof(why), "--%s appeared", optdefs[o].name);
		return why;
	}
	if (eq == NULL) {
		if (++*i == argc)
			return "an option path without its value";
		return judge_pinned(w, argv[*i], 1, fddir, ctx);
	}
	if (optdefs[o].kind == K_FILE && strcmp(eq + 1, "-") == 0)
		return strcmp(q->value[o], "-") == 0 ? NULL :
		    "--files-from became stdin";
	if (optdefs[o].kind == K_PARTIAL)
		return strcmp(eq + 1, w->clean) == 0 ? NULL :
		    "--partial-dir name changed";
	return judge_pinned(w, eq + 1, 1, fddir, ctx);
}

/* Every path of the argv against the request's expectations. */
static const char *
judge(const struct req *q, char *const *argv, size_t argc, fd_dir_fn fddir,
    void *ctx)
{
	const char *why = NULL;
	size_t i, p;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strncmp(argv[i], "--", 2) == 0 &&
		    (why = judge_option(q, argv, argc, &i, fddir, ctx)) != NULL)
			return why;
	if (i + 2 + q->npaths != argc || strcmp(argv[i + 1], ".") != 0)
		return "the paths after \"-- .\" are not the client's paths";
	for (p = 0; p < q->npaths && why == NULL; p++)
		why = q->relative ? judge_relative(&q->want[p],
		    argv[i + 2 + p]) : judge_pinned(&q->want[p],
		    argv[i + 2 + p], 0, fddir, ctx);
	return why;
}

/* --- the decision, in process ------------------------------------------ */

static const char *
pin_dir(int fd, void *ctx)
{
	const struct decision *d = ctx;
	size_t i;

	for (i = 0; i < d->npins; i++)
		if (d->pins[i].fd == fd)
			return pp_fd_dir(fd);
	return NULL;
}

static struct policy *
tree_policy(const struct pp_tree *t, const char *user)
{
	char text[3 * PATH_MAX];
	struct policy *p;

	snprintf(text, sizeof(text), "rsync /bin/true\nlog syslog\n"
	    "permit push pull list %s dir %s\n"
	    "permit push pull absolute key abs %s dir %s\n", user, t->dir,
	    user, t->dir);
	p = policy_parse("pathmap", text, strlen(text));
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(p->nerrors == 0, "%s", p->nerrors ? p->errors[0] : "");
	return p;
}

START_TEST(t_decide)
{
	struct who who = { "u", "/nonexistent", 0, NULL, 0 };
	struct pp_rng r = { seed ^ 0x4465636964650000ULL };
	struct tally tl = { 0, 0, 0, 0, 0 };
	struct decision d;
	struct pp_tree t;
	struct policy *p;
	struct req q;
	char text[8 * PATH_MAX], reason[1024];
	struct caps caps = { 0, 7 };	/* a kernel with Landlock */
	const char *why;
	int i, tree, rv;

	who.uid = getuid();
	for (tree = 0; tree < NTREES; tree++) {
		ck_assert(pp_tree_make(&t, h_tmpdir(), seed + 100 +
		    (uint64_t)tree) == 0);
		p = tree_policy(&t, "u");
		for (i = 0; i < NDECIDE; i++) {
			gen_request(&r, &t, &q);
			caps.confine = q.confine;
			rv = policy_decide(p, &who, q.absolute ? "abs" : NULL,
			    q.words, q.nwords, &caps, &d, reason,
			    sizeof(reason));
			tl.cases++;
			if (rv == -1) {
				tl.refused++;
				why = q.verdict == PP_EXACT ? "refused" : NULL;
			} else {
				tl.permitted++;
				why = q.verdict == PP_REFUSE ? "permitted, but "
				    "must be refused" : judge(&q, d.argv,
				    d.argc, pin_dir, &d);
				tl.missing += strstr(d.argv[d.argc - 1],
				    "/proc/self/fd/") != NULL &&
				    d.argv[d.argc - 1][strlen(
				    d.argv[d.argc - 1]) - 1] != '/';
			}
			tl.through += q.verdict == PP_MAYBE;
			req_text(&q, text, sizeof(text));
			H_ASSERT(why == NULL, "seed %" PRIu64 " tree %d "
			    "case %d: %s: %s%s%s", seed, tree, i, text, why,
			    rv == -1 ? ": " : "", rv == -1 ? reason : "");
			decision_free(&d);
			req_free(&q);
		}
		policy_free(p);
		pp_tree_remove(&t);
	}
	tally_check(&tl, "decision");
}
END_TEST

/* --- the binary: rshell -n --------------------------------------------- */

struct fdlines {
	int	 fd[64];
	char	 dir[64][PATH_MAX];
	size_t	 n;
};

static const char *
line_dir(int fd, void *ctx)
{
	static char real[PATH_MAX];
	const struct fdlines *l = ctx;
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->fd[i] == fd)
			return realpath(l->dir[i], real);
	return NULL;
}

/* "permit", the argv, then "# fd N: PATH" lines. */
static const char *
judge_output(const struct req *q, char *out)
{
	struct fdlines l;
	char *argv[64], *line, *save = NULL, *word, *wsave = NULL, *argline;
	size_t argc = 0;

	l.n = 0;
	line = strtok_r(out, "\n", &save);
	if (line == NULL || strcmp(line, "permit") != 0)
		return "no permit line";
	if ((argline = strtok_r(NULL, "\n", &save)) == NULL)
		return "no argv line";
	while ((line = strtok_r(NULL, "\n", &save)) != NULL && l.n < 64) {
		if (sscanf(line, "# fd %d: %4095[^\n]", &l.fd[l.n],
		    l.dir[l.n]) != 2)
			return "a line after the argv is not \"# fd N: PATH\"";
		l.n++;
	}
	for (word = strtok_r(argline, " ", &wsave); word != NULL &&
	    argc < 63; word = strtok_r(NULL, " ", &wsave))
		argv[argc++] = word;
	argv[argc] = NULL;
	return judge(q, argv, argc, line_dir, &l);
}

START_TEST(t_binary)
{
	struct pp_rng r = { seed ^ 0x42696e6172790000ULL };
	struct tally tl = { 0, 0, 0, 0, 0 };
	char text[8 * PATH_MAX], policy[PATH_MAX + 16];
	struct pp_tree t;
	struct policy *p;
	struct h_res res;
	struct req q;
	const char *why;
	FILE *fp;
	int i;

	ck_assert(pp_tree_make(&t, h_tmpdir(), seed + 200) == 0);
	p = tree_policy(&t, "root");
	snprintf(policy, sizeof(policy), "%s/policy", t.top);
	ck_assert_ptr_nonnull(fp = fopen(policy, "w"));
	fprintf(fp, "rsync /bin/true\nlog syslog\n"
	    "permit push pull list root dir %s\n"
	    "permit push pull absolute key abs root dir %s\n", t.dir, t.dir);
	ck_assert_int_eq(fclose(fp), 0);
	for (i = 0; i < NBINARY; i++) {
		gen_request(&r, &t, &q);
		req_text(&q, text, sizeof(text));
		char *argv[] = { "rshell", "-n", "-f", policy, "-u", "root",
		    q.absolute ? "-k" : "-c", q.absolute ? "abs" : text,
		    q.absolute ? "-c" : NULL, q.absolute ? text : NULL, NULL };
		h_run(&res, h_rshell(), argv, NULL);
		tl.cases++;
		if (res.status == 1 && strncmp(res.out, "deny: ", 6) == 0) {
			tl.refused++;
			why = q.verdict == PP_EXACT ? "refused" : NULL;
		} else if (res.status != 0)
			why = "neither permit nor deny";
		else {
			tl.permitted++;
			why = q.verdict == PP_REFUSE ? "permitted, but must be "
			    "refused" : judge_output(&q, res.out);
		}
		tl.through += q.verdict == PP_MAYBE;
		H_ASSERT(why == NULL, "seed %" PRIu64 " case %d: %s: %s",
		    seed, i, text, why);
		h_res_free(&res);
		req_free(&q);
	}
	policy_free(p);
	pp_tree_remove(&t);
	ck_assert(tl.permitted > tl.cases / 4 && tl.refused > tl.cases / 20);
}
END_TEST

static void
nothing(void)
{
}

Suite *
make_suite_pathmap(void)
{
	Suite *s = suite_create("pathmap");
	TCase *tc;

	seed = h_seed("pathmap");
	tc = tcase_create("generated");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, t_resolver);
	tcase_add_test(tc, t_decide);
	suite_add_tcase(s, tc);
	if ((tc = h_root_tcase(s, "binary", nothing, nothing)) != NULL)
		tcase_add_test(tc, t_binary);
	else
		h_skipped("pathmap", 1);
	return s;
}
