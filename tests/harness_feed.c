/*
 * Feeding a program's stdin (harness.h): what a client sends down the
 * session before the rsync protocol, -s's protected arguments.
 */
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "harness.h"

/*
 * The writer: in, then with hold its end stays open until it is killed.
 * A reader that goes away ends it (SIGPIPE).
 */
static pid_t
feeder(const char *in, size_t inlen, int hold, int *rfd)
{
	int p[2];
	size_t o;
	ssize_t n;
	pid_t pid;

	ck_assert(pipe2(p, O_CLOEXEC) == 0);
	ck_assert((pid = fork()) != -1);
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		close(p[0]);
		for (o = 0; o < inlen; o += (size_t)n)
			if ((n = write(p[1], in + o, inlen - o)) <= 0)
				_exit(1);
		while (hold)
			pause();
		_exit(0);
	}
	close(p[1]);
	*rfd = p[0];
	return pid;
}

void
h_run_in(struct h_res *r, const char *path, char *const argv[],
    char *const env[], const char *in, size_t inlen, int hold)
{
	pid_t pid;
	int fd;

	pid = feeder(in, inlen, hold, &fd);
	h_run_fd(r, path, argv, env, fd);
	close(fd);
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) == -1)
		ck_assert(errno == EINTR);
}

void
h_rshell_c_in(struct h_res *r, const struct h_fx *f, const char *cmd,
    const char *in, size_t inlen, int hold)
{
	char *argv[] = { "rshell", "-f", (char *)f->policy, "-c",
	    (char *)cmd, NULL };

	h_run_in(r, h_rshell(), argv, NULL, in, inlen, hold);
}
