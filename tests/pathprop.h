/*
 * The path-mapping property, as an oracle of its own: for every path a
 * client can send, the pinned descriptor plus the rest that rsync receives
 * names exactly the path the client asked for, beneath DIRECTORY, or the
 * request is refused.
 *
 * The oracle shares no code with policy/: it splits the client's path
 * itself and finds the deepest existing directory with realpath(3), one
 * prefix at a time.  It is used by the generated tests (test_pathmap.c)
 * and the fuzzer (fuzz/fuzz_confine.c), so it reports a mismatch as text
 * instead of asserting.
 */
#ifndef RSHELL_TEST_PATHPROP_H
#define RSHELL_TEST_PATHPROP_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#define PP_MAXCOMP	8	/* components of a generated path, joined */

/* A small seeded generator (splitmix64): the same seed, the same cases. */
struct pp_rng {
	uint64_t	s;
};
uint32_t	 pp_rand(struct pp_rng *r);
uint32_t	 pp_below(struct pp_rng *r, uint32_t n);

/*
 * A generated tree: top/d is DIRECTORY, top/outside lies beside it.  Under
 * d, up to three levels of the short names of the pool are directories,
 * files or absent, chosen by the seed, and symlinks of the symlink pool
 * point inside, outside, nowhere and at themselves.
 */
struct pp_tree {
	char	top[PATH_MAX];
	char	dir[PATH_MAX];		/* top/d, as a policy names it */
	char	real[PATH_MAX];		/* realpath(dir) */
	size_t	ndirs, nfiles, nlinks;
};
int		 pp_tree_make(struct pp_tree *t, const char *parent,
		    uint64_t seed);
void		 pp_tree_remove(const struct pp_tree *t);
/* pp_tree_make under /tmp, removed again when the program exits. */
int		 pp_tree_make_once(struct pp_tree *t, uint64_t seed);
/* How many descriptors this process has open (to see one leak). */
size_t		 pp_open_fds(void);
/* Whether the path s has a ".." component. */
int		 pp_has_dotdot(const char *s);

/*
 * A random client path: 0 to 5 components from the pools (names that exist
 * or not, of 1 to 3 characters, symlinks, a few long names), with "./",
 * "//", a leading "/" and a trailing "/" or "/." here and there.  dotdot:
 * ".." components too, one time in twenty.  marker: maybe a "/./".
 */
void		 pp_gen_path(struct pp_rng *r, char *buf, size_t len,
		    int dotdot, int marker);

/*
 * A path as a client names an operand (a transfer path): pp_gen_path, and
 * one time in eight a leading "~" component ("~/" before the path, "~"
 * alone, or "~name/" before it).
 */
void		 pp_gen_operand(struct pp_rng *r, char *buf, size_t len,
		    int dotdot, int marker);

enum pp_verdict {
	PP_REFUSE,	/* must be refused */
	PP_EXACT,	/* must be permitted, and map exactly */
	PP_MAYBE,	/* goes through a symlink: refusing is allowed, but
			   what is permitted must map exactly */
};

struct pp_want {
	int	 verdict;		/* enum pp_verdict */
	char	 dir[PATH_MAX];		/* realpath of the deepest existing
					   directory */
	char	 rest[PATH_MAX];	/* the components after it */
	char	 clean[PATH_MAX];	/* all components, "/"-joined, or "." */
	int	 slash;			/* ends in "/", "/." or is "." */
};

/*
 * What path must map to.  base: NULL for a transfer path (".." refused);
 * for an option path that rsync resolves relative to the destination,
 * the destination's clean path, and ".." steps back within DIRECTORY.
 * leaf: the last component is named by itself (a pull without a slash).
 * absolute: the rule's "absolute" (a path under t->dir is taken as is).
 */
void		 pp_expect(const struct pp_tree *t, const char *path,
		    const char *base, int leaf, int absolute,
		    struct pp_want *w);

/*
 * pp_expect for an operand (base NULL): a leading "~" component names
 * DIRECTORY itself, whatever the rule's "absolute", and "~name" (another
 * account's home) must be refused.
 */
void		 pp_expect_operand(const struct pp_tree *t, const char *path,
		    int leaf, int absolute, struct pp_want *w);

/*
 * Check a pinned result against w: dir is where the descriptor leads
 * (resolved), rest what is named after it.  NULL when it holds, else why
 * not (static text).  pp_fd_dir() is where descriptor fd leads, or NULL.
 */
const char	*pp_check(const struct pp_want *w, const char *dir,
		    const char *rest);
const char	*pp_fd_dir(int fd);
/* path cleaned lexically as pp_expect does ("." when empty), or -1. */
int		 pp_clean(const char *path, char *out, size_t len);
/* Check a refusal against w: NULL when refusing was allowed. */
const char	*pp_check_refused(const struct pp_want *w);

/*
 * "/proc/self/fd/N/REST" into N and REST (without a trailing slash; *slash
 * says whether there was one).  -1 when word is not of that form.
 */
int		 pp_parse_pinned(const char *word, int *fd, char *rest,
		    size_t restlen, int *slash);

/* snprintf that aborts rather than truncate: test paths are bounded. */
void		 pp_fmt(char *buf, size_t len, const char *fmt, ...)
		    __attribute__((format(printf, 3, 4)));

#endif
