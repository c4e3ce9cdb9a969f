/*
 * libFuzzer harness for rsync_check().  The input is split on NUL bytes into
 * argv and checked under a few rule options, once as given and once behind
 * "rsync --server" so that the fuzzer spends its time past the first two
 * words.  A permitted request must also keep the promises the caller relies
 * on; a broken one traps.
 *
 *	clang -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Ipolicy \
 *	    $(pkg-config --cflags libbsd-overlay) -o fuzz_rsyncargs \
 *	    tests/fuzz/fuzz_rsyncargs.c policy/rsyncargs.c \
 *	    $(pkg-config --libs libbsd-overlay)
 *	./fuzz_rsyncargs -max_total_time=60 CORPUS_DIR
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rsyncargs.h"

#define MAXV	1100	/* a little above what rsync_check accepts */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const unsigned ros[] = {
	RO_PUSH | RO_PULL | RO_LIST,
	RO_PUSH | RO_NODELETE,
	RO_PULL,
	RO_PUSH | RO_PULL | RO_NOOVERWRITE,
};

static void
promises(const struct rsync_req *r, unsigned ro)
{
	size_t i;

	if (r->flags & RF_SENDER ? !(ro & RO_PULL) : !(ro & RO_PUSH))
		__builtin_trap();
	if (r->flags & RF_SENDER ? r->npaths == 0 : r->npaths != 1)
		__builtin_trap();
	if (ro & (RO_NODELETE | RO_NOOVERWRITE) && r->flags & RF_DELETE) {
		/* only --max-delete may set RF_DELETE here */
		for (i = 0; i < r->nopts; i++)
			if (strncmp(r->opts[i], "--del", 5) == 0 ||
			    strncmp(r->opts[i], "--remove", 8) == 0)
				__builtin_trap();
	}
	for (i = 0; i < r->npaths; i++)
		if (r->paths[i][0] == '-' || r->paths[i][0] == '\0')
			__builtin_trap();
	for (i = 0; i < r->nopts; i++)
		if (strncmp(r->opts[i], "--rsh", 5) == 0 ||
		    strcmp(r->opts[i], "--server") == 0 ||
		    strcmp(r->opts[i], "--sender") == 0)
			__builtin_trap();
	for (i = 0; i < r->npopts; i++)
		if (r->popts[i].value == NULL || r->popts[i].name == NULL)
			__builtin_trap();
}

static void
run(char *const *v, size_t n)
{
	struct rsync_req req;
	char err[128];
	size_t i;

	for (i = 0; i < sizeof(ros) / sizeof(ros[0]); i++) {
		if (rsync_check(v, n, ros[i], &req, err, sizeof(err)) == 0) {
			promises(&req, ros[i]);
			rsync_req_free(&req);
		} else if (err[0] == '\0' || req.opts != NULL)
			__builtin_trap();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *v[MAXV + 2];
	char *buf, *p, *end;
	size_t n = 2;

	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	v[0] = "rsync";
	v[1] = "--server";
	for (p = buf, end = buf + size; n < MAXV + 2; p += strlen(p) + 1) {
		v[n++] = p;
		if (p + strlen(p) >= end)
			break;
	}
	run(v + 2, n - 2);
	run(v, n);
	free(buf);
	return 0;
}
