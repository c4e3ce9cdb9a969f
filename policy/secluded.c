/*
 * rsync's protected arguments, as grammar.
 *
 * An rsync client with -s runs only
 *
 *	rsync --server [--sender] -s<letters>e.<caps> [--iconv=CHARSET]
 *
 * on the server (server_options() stops the command line there) and
 * sends the rest, starting with a new arg0 "rsync", on stdin.  rsync's
 * server parses the command line first and then the protected arguments
 * as more of the same list, so the list it acts on is the two joined.
 * rshell judges exactly that list, with -s dropped (the arguments have
 * been read: rsync must not wait for them again), and runs rsync with all
 * of it on its command line.
 *
 * What is refused, and why:
 *  - Anything but options on the command line of a -s request.  A client
 *    sends its paths on stdin; a "." or a path on the command line would
 *    make two lists of paths of one request.
 *  - Protected arguments whose arg0 is not "rsync": every client sends
 *    that word, and a list that does not start with it was not made by
 *    one.
 *  - --iconv: with -s the server converts the protected names from the
 *    client's character set, so the names rshell checks are not the
 *    names rsync would use.  Refused rather than converted here.
 * A -s inside the protected arguments is left in the list, where the
 * option table refuses it: only the command line asks for them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rsyncargs.h"
#include "secluded.h"

static int fail(char *, size_t, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
is_long_s(const char *w)
{
	return strcmp(w, "--secluded-args") == 0 ||
	    strcmp(w, "--protect-args") == 0;
}

/*
 * Whether the short cluster w holds -s as an option letter; with out,
 * also copy the cluster there without it.  The walk stops at a letter
 * whose value is the rest of the word: an "s" in "-e.iLsfxCIvu" is a
 * capability and one in "-B8192s" part of a number.
 */
static int
cluster_s(const char *w, char *out)
{
	const char *p;
	int found = 0;

	if (out != NULL)
		*out++ = '-';
	for (p = w + 1; *p != '\0'; p++) {
		if (*p == 's') {
			found = 1;
			continue;
		}
		if (out != NULL)
			*out++ = *p;
		if (rsync_letter(*p) != RL_FLAG) {
			if (out != NULL)
				out = stpcpy(out, p + 1);
			break;
		}
	}
	if (out != NULL)
		*out = '\0';
	return found;
}

int
secluded_asked(char *const *argv, size_t argc)
{
	size_t i;

	if (argc < 3 || strcmp(argv[1], "--server") != 0)
		return 0;
	for (i = 2; i < argc && strcmp(argv[i], ".") != 0; i++) {
		if (is_long_s(argv[i]))
			return 1;
		if (argv[i][0] == '-' && argv[i][1] != '-' &&
		    cluster_s(argv[i], NULL))
			return 1;
	}
	return 0;
}

/* The joined list being built: word pointers, then the bytes. */
struct list {
	char	**v;
	size_t	  n;
	char	 *p;		/* where the next word's bytes go */
};

static void
put(struct list *l, const char *w)
{
	l->v[l->n++] = l->p;
	l->p = stpcpy(l->p, w) + 1;
}

/* The command line's words as they go on, -s dropped; -1: refused. */
static int
visible(struct list *l, char *const *vis, size_t nvis, char *err,
    size_t errlen)
{
	size_t i;

	put(l, vis[0]);
	for (i = 1; i < nvis; i++) {
		if (vis[i][0] != '-' || vis[i][1] == '\0' ||
		    strcmp(vis[i], "--") == 0)
			return fail(err, errlen, "with -s the command line may "
			    "hold only options, not \"%.64s\": the rest comes "
			    "on stdin", vis[i]);
		if (is_long_s(vis[i]))
			continue;
		if (vis[i][1] == '-') {
			put(l, vis[i]);
			continue;
		}
		cluster_s(vis[i], l->p);
		if (strcmp(l->p, "-") != 0) {	/* not -s alone: keep it */
			l->v[l->n++] = l->p;
			l->p += strlen(l->p) + 1;
		}
	}
	return 0;
}

/* --iconv among the options (before the "." that starts the paths). */
static int
has_iconv(const struct list *l)
{
	size_t i;

	for (i = 1; i < l->n && strcmp(l->v[i], ".") != 0; i++)
		if (strcmp(l->v[i], "--iconv") == 0 ||
		    strncmp(l->v[i], "--iconv=", 8) == 0)
			return 1;
	return 0;
}

int
secluded_join(char *const *vis, size_t nvis, char *const *prot,
    size_t nprot, char ***out, size_t *nout, char *err, size_t errlen)
{
	struct list l;
	size_t i, bytes = 0;

	*out = NULL;
	*nout = 0;
	if (nvis < 2 || strcmp(vis[1], "--server") != 0)
		return fail(err, errlen, "-s needs an rsync --server request");
	if (nprot == 0 || strcmp(prot[0], "rsync") != 0)
		return fail(err, errlen, "the protected arguments (-s) do not "
		    "start with \"rsync\", as every rsync client sends them");
	for (i = 0; i < nvis; i++)
		bytes += strlen(vis[i]) + 1;
	for (i = 1; i < nprot; i++)
		bytes += strlen(prot[i]) + 1;
	/* No more words than both lists hold, no more bytes. */
	if ((l.v = malloc((nvis + nprot + 1) * sizeof(char *) + bytes)) ==
	    NULL)
		return fail(err, errlen, "out of memory");
	l.n = 0;
	l.p = (char *)(l.v + nvis + nprot + 1);
	if (visible(&l, vis, nvis, err, errlen) == -1)
		goto refused;
	for (i = 1; i < nprot; i++)
		put(&l, prot[i]);
	l.v[l.n] = NULL;
	if (has_iconv(&l)) {
		fail(err, errlen, "--iconv is not allowed with -s: rsync would "
		    "convert the protected names after rshell checked them "
		    "(use one or the other)");
		goto refused;
	}
	*out = l.v;
	*nout = l.n;
	return 0;
refused:
	free(l.v);
	return -1;
}
