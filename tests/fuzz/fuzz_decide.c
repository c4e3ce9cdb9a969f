/*
 * libFuzzer harness for the whole decision: a request as sshd hands it
 * over, split by words_split and judged by policy_decide in process, in a
 * generated tree (tests/pathprop.c: files, directories and symlinks
 * inside, outside, dangling and looping) under a fixed policy of one rule
 * per rule option, all for DIRECTORY top/d.
 *
 * Byte 0 picks the machine (what rsync and the kernel offer, bits 0-2),
 * and the key (bits 3-6); the rest is the -c string, split by
 * words_split.  With bit 7, the -c string ends at the first NUL, and a
 * request that asks for protected arguments (rsync -s) gets the
 * NUL-terminated strings after it, which may hold any other byte, joined
 * as rshell joins them (secluded_join).  Oracles, any failure
 * traps:
 * - a permit's DIRECTORY descriptor is DIRECTORY itself, every pinned
 *   descriptor and every listing operand leads beneath it, every
 *   /proc/self/fd/N in the argv is one of the pinned descriptors, every
 *   other absolute path in the argv lies beneath DIRECTORY, and no path
 *   after "--" or of a pin has a ".." component;
 * - a deny has a one-line reason, and a DIRECTORY that holds the
 *   account's home is always refused (the client could plant ~/.ssh);
 * - after decision_free (or a deny) no descriptor is left open.
 *
 *	make tests/fuzz/fuzz_decide
 *	tests/fuzz/fuzz_decide -max_total_time=60 tests/fuzz/corpus/fuzz_decide
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "pathprop.h"
#include "policy.h"
#include "secluded.h"
#include "words.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct pp_tree tree;
static struct policy *pol;
static char home[PATH_MAX + 8];

static const struct caps machines[] = {
	{ 1, 7 }, { 0, 7 }, { 0, 0 }, { 1, 0 }, { 1, 2 }, { -1, 7 },
	{ 1, 7 }, { 1, 3 },
};
static const char *const keys[] = {
	NULL, "nd", "nov", "ro", "abs", "lk", "ls", "hm", "pu", "none", "top",
};
#define KEY_TOP	10	/* its DIRECTORY holds the home: always refused */
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

static void
cleanup(void)
{
	policy_free(pol);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char fmt[] =
	    "rsync /usr/bin/rsync\n"
	    "log syslog\n"
	    "permit push pull list u dir %1$s\n"
	    "permit push no-delete key nd u dir %1$s\n"
	    "permit push no-overwrite key nov u dir %1$s\n"
	    "permit pull key ro u dir %1$s\n"
	    "permit push pull absolute key abs u dir %1$s\n"
	    "permit push pull lock munge-links fake-super key lk u dir %1$s\n"
	    "permit list key ls u dir %1$s\n"
	    "permit push pull list key hm u dir %%h/d\n"
	    "permit pull list key pu * dir %2$s/%%u\n"
	    "deny key none u\n"
	    "permit push pull list key top u dir %2$s\n";
	char text[4 * PATH_MAX];
	int n;

	(void)argc;
	(void)argv;
	if (pp_tree_make_once(&tree, 1) == -1) {
		fprintf(stderr, "fuzz_decide: cannot make the tree\n");
		exit(1);
	}
	atexit(cleanup);
	/* %h is top, %u is u: top/u is a symlink to d. */
	snprintf(home, sizeof(home), "%s/u", tree.top);
	if (symlink("d", home) == -1) {
		perror("fuzz_decide: symlink");
		exit(1);
	}
	strlcpy(home, tree.top, sizeof(home));
	n = snprintf(text, sizeof(text), fmt, tree.dir, tree.top);
	if (n < 0 || (size_t)n >= sizeof(text) ||
	    (pol = policy_parse("fuzz.policy", text, (size_t)n)) == NULL ||
	    pol->nerrors > 0) {
		fprintf(stderr, "fuzz_decide: the policy does not parse: %s\n",
		    pol && pol->nerrors ? pol->errors[0] : "");
		exit(1);
	}
	return 0;
}

static void
fail(const char *what, const char *word)
{
	fprintf(stderr, "fuzz_decide: %s: \"%s\"\n", what, word);
	__builtin_trap();
}

static int
beneath(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/');
}

/* Where fd leads must be beneath DIRECTORY (as resolved). */
static void
fd_beneath(int fd, const char *what)
{
	char path[64], got[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if ((n = readlink(path, got, sizeof(got) - 1)) == -1)
		fail("unreadable descriptor", what);
	got[n] = '\0';
	if (!beneath(got, tree.real))
		fail("descriptor outside DIRECTORY", got);
}

static int
pinned(const struct decision *d, int fd)
{
	size_t i;

	for (i = 0; i < d->npins; i++)
		if (d->pins[i].fd == fd)
			return 1;
	return 0;
}

/* One word of the argv: where every path it names leads. */
static void
check_word(const struct decision *d, const char *w, int operand)
{
	const char *v = w, *p;
	char *end;
	long fd;

	if (!operand && strncmp(w, "--", 2) == 0 && (p = strchr(w, '=')) !=
	    NULL)
		v = p + 1;
	/* A relative path (rsync -R) is the client's, beneath the working
	   directory, DIRECTORY: only an absolute one names a descriptor. */
	if (strncmp(v, "/proc/self/fd/", 14) == 0) {
		p = v;
		fd = strtol(p + 14, &end, 10);
		if (end == p + 14 || (*end != '\0' && *end != '/') ||
		    !pinned(d, (int)fd))
			fail("a descriptor that is not pinned", w);
		if (pp_has_dotdot(end))
			fail("\"..\" after a descriptor", w);
	} else if (v[0] == '/' && !beneath(v, tree.dir) &&
	    !beneath(v, tree.real))
		fail("an absolute path outside DIRECTORY", w);
	if (operand && pp_has_dotdot(v))
		fail("\"..\" in a path", w);
}

static void
check_permit(const struct decision *d)
{
	char path[64], got[PATH_MAX];
	size_t i;
	ssize_t n;
	int operands = 0;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", d->rootfd);
	if ((n = readlink(path, got, sizeof(got) - 1)) == -1)
		fail("DIRECTORY unreadable", d->dir);
	got[n] = '\0';
	if (strcmp(got, tree.real) != 0 || strcmp(d->real, tree.real) != 0)
		fail("DIRECTORY is not top/d", got);
	for (i = 0; i < d->npins; i++) {
		fd_beneath(d->pins[i].fd, d->pins[i].rel);
		if (pp_has_dotdot(d->pins[i].rel))
			fail("\"..\" in a pin", d->pins[i].rel);
	}
	if (d->kind == DK_RSYNC) {
		if (d->argc < 2 || d->argv[d->argc] != NULL ||
		    strcmp(d->argv[0], "/usr/bin/rsync") != 0)
			fail("argv", d->argc ? d->argv[0] : "");
		for (i = 1; i < d->argc; i++) {
			if (!operands && strcmp(d->argv[i], "--") == 0) {
				operands = 1;
				continue;
			}
			check_word(d, d->argv[i], operands);
		}
		if (!operands)
			fail("no \"--\" before the paths", d->argv[1]);
	}
	if (d->kind == DK_LIST)
		for (i = 0; i < d->list.nops; i++)
			if (d->list.ops[i].fd != -1)
				fd_beneath(d->list.ops[i].fd,
				    d->list.ops[i].name);
}

/* FUZZ_DECIDE_SHOW=1 tests/fuzz/fuzz_decide INPUT: what was decided. */
static void
show(const struct decision *d)
{
	size_t i;

	fprintf(stderr, "permit kind %d:", d->kind);
	for (i = 0; i < d->argc; i++)
		fprintf(stderr, " %s", d->argv[i]);
	for (i = 0; i < d->list.nops; i++)
		fprintf(stderr, " %s", d->list.ops[i].name);
	fprintf(stderr, "\n");
}

/* The len bytes at s (a NUL after them) as NUL-terminated strings. */
static char **
nul_split(char *s, size_t len, size_t *np)
{
	char **v, *p, *end = s + len;
	size_t n = 0;

	if ((v = calloc(len + 2, sizeof(*v))) == NULL)
		abort();
	for (p = s; len > 0 && p < end; p += strlen(p) + 1)
		v[n++] = p;
	v[n] = NULL;
	*np = n;
	return v;
}

/* The words of the request: the -c string's, and maybe rsync -s's. */
static int
request(char *s, size_t len, int prot, struct words *ws, char ***all,
    size_t *nall)
{
	char err[256], **pv;
	size_t cl = strlen(s), np;
	int rv;

	*all = NULL;
	if (words_split(s, ws, err, sizeof(err)) == -1)
		return -1;
	if (!prot || ws->n < 2 || policy_command(ws->v[0]) == NULL ||
	    !secluded_asked(ws->v, ws->n))
		return 0;
	pv = nul_split(s + cl + 1, cl < len ? len - cl - 1 : 0, &np);
	rv = secluded_join(ws->v, ws->n, pv, np, all, nall, err, sizeof(err));
	free(pv);
	if (rv == -1) {
		words_free(ws);
		return -1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const groups[] = { "backup" };
	const struct who w = { "u", home, 1000, groups, 1 };
	struct decision d;
	struct words ws;
	char *s, err[1024], **all, **v;
	size_t before, nall, n, key;

	if (size < 1 || size > 4096)
		return 0;
	if ((s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	if (request(s, size - 1, data[0] & 0x80, &ws, &all, &nall) == -1) {
		free(s);
		return 0;
	}
	v = all != NULL ? all : ws.v;
	n = all != NULL ? nall : ws.n;
	before = pp_open_fds();
	err[0] = '\0';
	key = (data[0] >> 3 & 15) % NKEYS;
	if (policy_decide(pol, &w, keys[key], v, n, &machines[data[0] & 7],
	    &d, err, sizeof(err)) == 0) {
		if (key == KEY_TOP)
			fail("DIRECTORY holds the home", d.dir);
		if (getenv("FUZZ_DECIDE_SHOW") != NULL)
			show(&d);
		check_permit(&d);
		decision_free(&d);
	} else {
		if (getenv("FUZZ_DECIDE_SHOW") != NULL)
			fprintf(stderr, "deny: %s\n", err);
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			fail("a deny without a one-line reason", err);
	}
	if (pp_open_fds() != before)
		fail("a descriptor left open", s);
	free(all);
	words_free(&ws);
	free(s);
	return 0;
}
