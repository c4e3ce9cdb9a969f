/*
 * Runs one built-in listing without the policy and log around it:
 * "list-driver DIRECTORY ls -lR ..." prints what rshell would print for
 * that request under a rule with DIRECTORY.  For benchmarks only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "confine.h"
#include "list.h"

int
main(int argc, char *argv[])
{
	struct listing *l;
	char err[512];
	int rootfd, status;

	if (argc < 3) {
		fprintf(stderr, "usage: list-driver DIRECTORY ls|du|df "
		    "[ARG ...]\n");
		return 2;
	}
	if ((rootfd = confine_root(argv[1], err, sizeof(err))) == -1) {
		fprintf(stderr, "list-driver: %s\n", err);
		return 2;
	}
	l = list_prepare(rootfd, argv + 2, (size_t)(argc - 2), err,
	    sizeof(err));
	if (l == NULL) {
		fprintf(stderr, "rshell: denied: %s\n", err);
		return 1;
	}
	status = list_run(l, STDOUT_FILENO, STDERR_FILENO);
	list_free(l);
	close(rootfd);
	return status;
}
