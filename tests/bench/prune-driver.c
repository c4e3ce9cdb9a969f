/*
 * Prunes one DIRECTORY as a snapshot push would, without the push around
 * it: "prune-driver DIRECTORY KEEP... NOW" runs prune_snapshots with the
 * keep words and NOW (a snapshot name) and prints what it removed.  For
 * benchmarks only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "keep.h"
#include "prune.h"

static void
removed(void *arg, const char *name)
{
	(void)arg;
	printf("removed %s\n", name);
}

static void
failed(void *arg, const char *name, int err)
{
	(void)arg;
	printf("failed %s: %s\n", name, strerror(err));
}

int
main(int argc, char *argv[])
{
	struct prune_log log = { removed, failed, NULL };
	struct keep k;
	char err[256];
	time_t now;
	int fd;

	if (argc < 5 || snap_parse(argv[argc - 1], &now) == -1) {
		fprintf(stderr, "usage: prune-driver DIRECTORY SPAN UNIT ... "
		    "NOW\n");
		return 2;
	}
	if (keep_parse(&k, argv + 2, argc - 3, err, sizeof(err)) == -1) {
		fprintf(stderr, "prune-driver: %s\n", err);
		return 2;
	}
	if ((fd = open(argv[1], O_PATH | O_DIRECTORY)) == -1) {
		fprintf(stderr, "prune-driver: %s: %s\n", argv[1],
		    strerror(errno));
		return 2;
	}
	return prune_snapshots(fd, &k, now, &log) == -1 ? 1 : 0;
}
