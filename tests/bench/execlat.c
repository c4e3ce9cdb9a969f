/*
 * Time from exec of a wrapper (rshell or rrsync) to exec of the rsync it
 * starts: the stand-in rsync (stamp.c) prints its start time on stdout.
 * Several commands are run round-robin, so that whatever else the machine
 * is doing weighs on all of them alike.  For each command prints the
 * median, 10th and 90th percentiles in microseconds and the peak RSS of
 * the wrapper in KiB.
 *
 *	execlat RUNS [ENV=VALUE ...] [<FILE] -- PROGRAM ARG ... [---
 *	    [ENV=VALUE ...] [<FILE] -- PROGRAM ARG ...] ...
 *
 * "<FILE" gives that command FILE's bytes on its standard input (an
 * rsync -s request's protected arguments), through a pipe, as sshd gives
 * a session its client's; otherwise it reads /dev/null.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAXCMDS	8
#define MAXENV	16

struct cmd {
	char		*envp[MAXENV];
	const char	*in;
	char	       **argv;
	long long	*lat;
	long		 maxrss;
};

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

/*
 * One run: the child notes the time just before execve and passes it up
 * the pipe ahead of the stamp; the latency, or -1.
 */
static long long
once(struct cmd *c)
{
	char buf[64];
	long long t0;
	struct rusage ru;
	size_t got = 0;
	ssize_t r;
	pid_t pid;
	int p[2], st;

	if (pipe(p) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		int fd = open(c->in ? c->in : "/dev/null", O_RDONLY), in[2];
		char data[60000];	/* fits in a pipe with no reader yet */
		ssize_t n;

		if (fd == -1)
			_exit(126);
		if (c->in != NULL) {
			if ((n = read(fd, data, sizeof(data))) < 0 ||
			    pipe(in) == -1 || write(in[1], data, (size_t)n) != n)
				_exit(126);
			close(fd);
			close(in[1]);
			fd = in[0];
		}
		if (dup2(fd, 0) == -1)
			_exit(126);
		if (fd != 0)
			close(fd);
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		t0 = now_ns();
		if (write(1, &t0, sizeof(t0)) != sizeof(t0))
			_exit(126);
		execve(c->argv[0], c->argv, c->envp);
		_exit(127);
	}
	close(p[1]);
	while (got < sizeof(buf) - 1 &&
	    (r = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	close(p[0]);
	if (wait4(pid, &st, 0, &ru) == -1 || got <= sizeof(t0) ||
	    !WIFEXITED(st))
		return -1;
	buf[got] = '\0';
	memcpy(&t0, buf, sizeof(t0));
	if (ru.ru_maxrss > c->maxrss)
		c->maxrss = ru.ru_maxrss;
	return atoll(buf + sizeof(t0)) - t0;
}

int
main(int argc, char *argv[])
{
	struct cmd cmds[MAXCMDS];
	int i = 2, n, k, runs, ncmds = 0, nenv;

	if (argc < 4 || (runs = atoi(argv[1])) < 1)
		return 2;
	while (i < argc && ncmds < MAXCMDS) {
		struct cmd *c = &cmds[ncmds++];

		memset(c, 0, sizeof(*c));
		for (nenv = 0; i < argc && strcmp(argv[i], "--") != 0; i++)
			if (argv[i][0] == '<')
				c->in = argv[i] + 1;
			else if (nenv < MAXENV - 1)
				c->envp[nenv++] = argv[i];
		if (++i >= argc)
			return 2;
		c->argv = argv + i;
		while (i < argc && strcmp(argv[i], "---") != 0)
			i++;
		if (i < argc)
			argv[i++] = NULL;	/* ends this command's argv */
		if ((c->lat = calloc((size_t)runs, sizeof(long long))) == NULL)
			return 2;
	}
	for (n = 0; n < runs; n++)
		for (k = 0; k < ncmds; k++)
			if ((cmds[k].lat[n] = once(&cmds[k])) < 0) {
				fprintf(stderr, "%s: run %d: no stamp\n",
				    cmds[k].argv[0], n);
				return 1;
			}
	for (k = 0; k < ncmds; k++) {
		long long *l = cmds[k].lat;

		qsort(l, (size_t)runs, sizeof(*l), cmp);
		printf("median_us=%.1f p10_us=%.1f p90_us=%.1f maxrss_kib=%ld\n",
		    l[runs / 2] / 1000.0, l[runs / 10] / 1000.0,
		    l[runs * 9 / 10] / 1000.0, cmds[k].maxrss);
	}
	return 0;
}
