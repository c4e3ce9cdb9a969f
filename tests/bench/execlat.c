/*
 * Time from exec of a wrapper (rshell or rrsync) to exec of the rsync it
 * starts: the stand-in rsync (stamp.c) prints its start time on stdout.
 * Prints the median, the 10th and 90th percentiles in microseconds and
 * the peak RSS of the wrapper in KiB.
 *
 *	execlat RUNS ENV=VALUE... -- PROGRAM ARG...
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char *argv[])
{
	char *envp[16], buf[64];
	long long *lat, t0, t1;
	struct rusage ru;
	long maxrss = 0;
	int i, runs, nenv = 0, p[2], st;
	ssize_t r;
	pid_t pid;

	if (argc < 4)
		return 2;
	runs = atoi(argv[1]);
	for (i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (nenv < 15)
			envp[nenv++] = argv[i];
	envp[nenv] = NULL;
	if (++i >= argc || runs < 1 ||
	    (lat = calloc((size_t)runs, sizeof(*lat))) == NULL)
		return 2;
	for (int n = 0; n < runs; n++) {
		if (pipe(p) == -1)
			return 2;
		t0 = now_ns();
		if ((pid = fork()) == 0) {
			dup2(p[1], 1);
			close(p[0]);
			close(p[1]);
			t0 = now_ns();
			execve(argv[i], argv + i, envp);
			_exit(127);
		}
		close(p[1]);
		r = read(p[0], buf, sizeof(buf) - 1);
		close(p[0]);
		wait4(pid, &st, 0, &ru);
		if (r <= 0 || !WIFEXITED(st)) {
			fprintf(stderr, "run %d: no stamp (status %d)\n", n, st);
			return 1;
		}
		buf[r] = '\0';
		t1 = atoll(buf);
		lat[n] = t1 - t0;	/* includes the fork: same for both */
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
	}
	qsort(lat, (size_t)runs, sizeof(*lat), cmp);
	printf("median_us=%.1f p10_us=%.1f p90_us=%.1f maxrss_kib=%ld\n",
	    lat[runs / 2] / 1000.0, lat[runs / 10] / 1000.0,
	    lat[runs * 9 / 10] / 1000.0, maxrss);
	return 0;
}
