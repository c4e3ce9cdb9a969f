/*
 * libFuzzer harness for the policy engine (policy/policy.c): the parser,
 * the trust check of the file, rule matching and %u/%h expansion.
 *
 * The input is a policy text, optionally followed by a NUL and a session
 * to match: "USER\0HOME\0KEY\0GROUP\0GROUP..." (an empty KEY is none).
 * The whole input is parsed as a policy as it is, too.
 *
 * Oracles, any failure traps:
 * - a parsed policy is consistent: every permit rule has a directory that
 *   is absolute or starts with %h, and an action; errors are one line;
 * - the same text in a file that only its owner can write loads as it
 *   parses; one that its group or others could write is refused;
 * - policy_match returns the last rule that matches (computed here the
 *   plain way), for the session of the input and for a session made from
 *   every rule's own identity and key, which must match that rule or a
 *   later one;
 * - a directory expands to a clean absolute path (no ".", ".." or empty
 *   components, no trailing slash), or is refused with a one-line reason.
 *
 *	make tests/fuzz/fuzz_policy
 *	tests/fuzz/fuzz_policy -max_total_time=60 tests/fuzz/corpus/fuzz_policy
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

#define MAXGROUPS	8

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char tmpdir[64];
static char tmpfile_[96];

static void
cleanup(void)
{
	unlink(tmpfile_);
	rmdir(tmpdir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strlcpy(tmpdir, "/tmp/rshell-fuzzpol.XXXXXX", sizeof(tmpdir));
	if (mkdtemp(tmpdir) == NULL) {
		perror("fuzz_policy: mkdtemp");
		exit(1);
	}
	snprintf(tmpfile_, sizeof(tmpfile_), "%s/policy", tmpdir);
	atexit(cleanup);
	return 0;
}

static void
consistent(const struct policy *p)
{
	size_t i;

	for (i = 0; i < p->nerrors; i++)
		if (strchr(p->errors[i], '\n') != NULL)
			__builtin_trap();
	for (i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if (r->ident == NULL || r->ident[0] == '\0')
			__builtin_trap();
		if (r->permit && (r->dir == NULL || (r->dir[0] != '/' &&
		    strncmp(r->dir, "%h", 2) != 0) ||
		    (r->opts & (RO_PUSH | RO_PULL | RO_LIST)) == 0))
			__builtin_trap();
		if (!r->permit && (r->dir != NULL || r->opts != 0))
			__builtin_trap();
		if (r->key != NULL && !policy_valid_key(r->key))
			__builtin_trap();
	}
	if (p->rsync == NULL || p->rsync[0] != '/')
		__builtin_trap();
}

/* The same policy, loaded from a file of the given mode. */
static void
load(const struct policy *parsed, const uint8_t *text, size_t len,
    mode_t mode)
{
	struct policy *p;
	size_t i;
	int fd;

	unlink(tmpfile_);
	if ((fd = open(tmpfile_, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1 ||
	    write(fd, text, len) != (ssize_t)len || fchmod(fd, mode) == -1 ||
	    close(fd) == -1)
		abort();
	if ((p = policy_load(tmpfile_, geteuid())) == NULL)
		abort();
	if (mode & (S_IWGRP | S_IWOTH)) {
		if (p->nerrors != 1 || p->nrules != 0 ||
		    strstr(p->errors[0], "not writable") == NULL)
			__builtin_trap();
	} else {
		if (p->nerrors != parsed->nerrors ||
		    p->nrules != parsed->nrules || p->nlogs != parsed->nlogs)
			__builtin_trap();
		for (i = 0; i < p->nrules; i++)
			if (strcmp(p->rules[i].ident, parsed->rules[i].ident) ||
			    p->rules[i].opts != parsed->rules[i].opts)
				__builtin_trap();
	}
	policy_free(p);
}

/* The last rule that matches, the plain way. */
static const struct rule *
last_match(const struct policy *p, const struct who *w, const char *key)
{
	const struct rule *r, *m = NULL;
	size_t i, g;
	int id;

	if (p->nerrors > 0)
		return NULL;
	for (i = 0; i < p->nrules; i++) {
		r = &p->rules[i];
		if (r->key != NULL && (key == NULL || strcmp(key, r->key) != 0))
			continue;
		id = strcmp(r->ident, "*") == 0 || strcmp(r->ident, w->user)
		    == 0;
		for (g = 0; !id && r->ident[0] == ':' && g < w->ngroups; g++)
			id = strcmp(r->ident + 1, w->groups[g]) == 0;
		if (id)
			m = r;
	}
	return m;
}

/* Absolute, single slashes, no "." or ".." components, no trailing "/". */
static int
clean_abs(const char *s)
{
	const char *c;
	size_t n;

	if (s[0] != '/')
		return 0;
	if (s[1] == '\0')
		return 1;
	for (c = s + 1;; c += n + 1) {
		n = strcspn(c, "/");
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 &&
		    c[0] == '.' && c[1] == '.'))
			return 0;
		if (c[n] == '\0')
			return 1;
	}
}

static void
expand(const struct rule *r, const struct who *w)
{
	char out[PATH_MAX], err[256];

	err[0] = '\0';
	if (policy_expand_dir(r, w, out, sizeof(out), err, sizeof(err)) == 0) {
		if (!clean_abs(out))
			__builtin_trap();
		if (strstr(r->dir, "%u") != NULL && strchr(w->user, '/') !=
		    NULL)
			__builtin_trap();
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL)
		__builtin_trap();
}

static const struct rule *
match(const struct policy *p, const struct who *w, const char *key)
{
	const struct rule *r;

	r = policy_match(p, w, key);
	if (r != last_match(p, w, key))
		__builtin_trap();
	if (r != NULL && r->permit)
		expand(r, w);
	return r;
}

/* A session that rule r names: it must match r or a later rule. */
static void
from_rule(const struct policy *p, const struct rule *r)
{
	char *groups[1];
	struct who w = { "someone", "/home/someone", 1000, groups, 0 };
	const struct rule *m;

	if (r->ident[0] == ':') {
		groups[0] = r->ident + 1;
		w.ngroups = 1;
	} else if (strcmp(r->ident, "*") != 0)
		w.user = r->ident;
	m = match(p, &w, r->key);
	if (m == NULL || m < r)
		__builtin_trap();
}

/* USER\0HOME\0KEY\0GROUP... from s (n bytes, NUL-terminated). */
static void
from_input(const struct policy *p, char *s, size_t n)
{
	char *f[3 + MAXGROUPS], *e = s + n;
	struct who w;
	size_t k = 0, nf;

	while (k < 3 + MAXGROUPS && s < e) {
		f[k++] = s;
		s += strlen(s) + 1;
	}
	while (k < 3)
		f[k++] = "";
	nf = k;
	/* The password database's fields are root's, never a client's:
	   no control bytes in a reason from them is a promise about
	   clients only. */
	for (k = 0; k < 2; k++)
		for (s = f[k]; *s != '\0'; s++)
			if ((unsigned char)*s < 0x20)
				*s = '?';
	w.user = f[0];
	w.home = f[1];
	w.uid = 1000;
	w.groups = f + 3;
	w.ngroups = nf - 3;
	match(p, &w, f[2][0] != '\0' ? f[2] : NULL);
	match(p, &w, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *const staff[] = { "staff", "backup" };
	const struct who u = { "u", "/home/u", 1000, staff, 2 };
	struct policy *p;
	const uint8_t *nul;
	size_t tlen, i, groups;
	char *rest;

	/* The whole input, NUL bytes and all. */
	if ((p = policy_parse("fuzz", (const char *)data, size)) == NULL)
		return 0;
	consistent(p);
	policy_free(p);

	nul = memchr(data, '\0', size);
	tlen = nul != NULL ? (size_t)(nul - data) : size;
	if ((p = policy_parse("fuzz", (const char *)data, tlen)) == NULL)
		return 0;
	consistent(p);
	groups = 0;
	for (i = 0; i < p->nrules; i++)
		groups |= p->rules[i].ident[0] == ':';
	if ((size_t)policy_uses_groups(p) != groups)
		__builtin_trap();
	if (tlen > 0 && data[0] == '#')
		load(p, data, tlen, tlen % 3 == 0 ? 0620 : tlen % 3 == 1 ?
		    0602 : 0644);
	else if (tlen > 0 && tlen % 8 == 0)
		load(p, data, tlen, 0640);
	match(p, &u, NULL);
	match(p, &u, "laptop");
	for (i = 0; i < p->nrules && p->nerrors == 0; i++)
		from_rule(p, &p->rules[i]);
	if (nul != NULL) {
		if ((rest = malloc(size - tlen)) == NULL)
			abort();
		memcpy(rest, nul + 1, size - tlen - 1);
		rest[size - tlen - 1] = '\0';
		from_input(p, rest, size - tlen - 1);
		free(rest);
	}
	policy_free(p);
	return 0;
}
