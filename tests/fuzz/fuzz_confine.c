/*
 * libFuzzer harness for the path resolver, with the path-mapping property
 * as its oracle (tests/pathprop.c): in a generated tree, the descriptor
 * confine_pin() returns plus the rest it names must be exactly the path
 * asked for, beneath DIRECTORY, or the path must be refusable.  A
 * mismatch traps.
 *
 * The input is read as tokens, so that the fuzzer spends its time on
 * names that exist: byte 0 holds the flags (leaf, a destination to join
 * to, a leading "/", a trailing "/", and for a path that is not joined:
 * an operand, whose leading "~" is DIRECTORY, or a path under the rule
 * option "absolute", which DIRECTORY's own path may start), each further
 * byte picks a component from the tree's pools, "." , "..", "", "~", a
 * "~name" or a long name, and a 0xff byte ends the destination part of a
 * joined option path.
 *
 *	make tests/fuzz/fuzz_confine
 *	tests/fuzz/fuzz_confine -max_total_time=60
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confine.h"
#include "pathprop.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const tokens[] = {
	"a", "b", "x", "q", "ab", "t1", "abc", "zz9",
	"in", "up", "out", "abs", "dang", "dout", "loop", "fl",
	".", "..", "", "new", "n", "2", "~", "~u",
};
#define NTOK	(sizeof(tokens) / sizeof(tokens[0]))

static struct pp_tree tree;
static int rootfd = -1;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];

	(void)argc;
	(void)argv;
	if (pp_tree_make_once(&tree, 1) == -1 ||
	    (rootfd = confine_root(tree.dir, err, sizeof(err))) == -1) {
		fprintf(stderr, "fuzz_confine: cannot make the tree\n");
		exit(1);
	}
	return 0;
}

static void
token(char *buf, size_t len, uint8_t b)
{
	char name[NAME_MAX + 2];

	if (b >= 0xf0 && b < 0xf3) {
		memset(name, "LMN"[b - 0xf0], 200 + (b - 0xf0) * 28);
		name[200 + (b - 0xf0) * 28] = '\0';
		strlcat(buf, name, len);
	} else
		strlcat(buf, tokens[b % NTOK], len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char base[PATH_MAX], value[PATH_MAX], clean[PATH_MAX], err[512];
	char *cur = value;
	struct pp_want w;
	struct pinned pp;
	const char *why, *dir;
	size_t i, ntok = 0;
	int leaf, joined, operand, absolute;

	if (size == 0)
		return 0;
	if (size > 40)		/* enough components to pass PATH_MAX */
		size = 40;
	err[0] = '\0';
	leaf = data[0] & 1;
	joined = (data[0] & 2) != 0;
	operand = !joined && (data[0] & 0x10);
	absolute = !joined && (data[0] & 0x20);
	base[0] = value[0] = '\0';
	if (absolute && (data[0] & 0x40))
		strlcat(value, tree.dir, sizeof(value));
	if (!joined && (data[0] & 4))
		strlcat(value, "/", sizeof(value));
	if (joined)
		cur = base;
	for (i = 1; i < size; i++) {
		if (data[i] == 0xff && cur == base) {
			cur = value;
			ntok = 0;
			continue;
		}
		if (ntok++ > 0)
			strlcat(cur, "/", PATH_MAX);
		token(cur, PATH_MAX, data[i]);
	}
	if (data[0] & 8)
		strlcat(value, "/", sizeof(value));
	if (value[0] == '\0')
		strlcpy(value, ".", sizeof(value));
	if (joined) {
		/* The destination is clean already when an option joins it. */
		if (confine_clean(base, clean, sizeof(clean), err,
		    sizeof(err)) == -1)
			return 0;
		strlcpy(base, clean, sizeof(base));
		pp_expect(&tree, value, base, leaf, 0, &w);
		if (confine_join(base, value, clean, sizeof(clean), err,
		    sizeof(err)) == -1) {
			why = pp_check_refused(&w);
			goto out;
		}
	} else {
		if (operand)
			pp_expect_operand(&tree, value, leaf, absolute, &w);
		else
			pp_expect(&tree, value, NULL, leaf, absolute, &w);
		if ((operand ? confine_clean_home : confine_clean)(absolute ?
		    confine_strip(value, tree.dir) : value, clean,
		    sizeof(clean), err, sizeof(err)) == -1) {
			why = pp_check_refused(&w);
			goto out;
		}
	}
	if (confine_pin(rootfd, clean, leaf ? CONFINE_LEAF : 0, &pp, err,
	    sizeof(err)) == -1) {
		why = pp_check_refused(&w);
		goto out;
	}
	dir = pp_fd_dir(pp.fd);
	why = dir ? pp_check(&w, dir, pp.rest) : "descriptor unreadable";
	close(pp.fd);
out:
	if (why != NULL) {
		fprintf(stderr, "fuzz_confine: base \"%s\" path \"%s\"%s: %s "
		    "(%s)\n", joined ? base : "-", value, leaf ? " as a leaf" :
		    "", why, err);
		__builtin_trap();
	}
	return 0;
}
