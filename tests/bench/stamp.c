/*
 * A stand-in for rsync: prints the CLOCK_MONOTONIC time it was started.
 * It carries the option name rsync 3.5 carries, so that rshell finds it
 * in .rodata as it would in the real binary and adds --confine-root.
 */
#include <stdio.h>
#include <time.h>

static const char options[] = "--confine-root=DIR --drop-D";

int
main(int argc, char *argv[])
{
	struct timespec ts;

	(void)argv;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	if (argc < 0)
		puts(options);
	return 0;
}
