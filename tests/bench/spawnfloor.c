/*
 * The floor for a wrapper that stays rsync's parent, as rshell does: a
 * dynamically linked program that does nothing but vfork, execute the
 * program named by its first argument with the rest, and wait for it.
 */
#include <sys/wait.h>

#include <unistd.h>

int
main(int argc, char *argv[])
{
	pid_t pid;
	int st;

	if (argc < 2)
		return 2;
	if ((pid = vfork()) == 0) {
		execv(argv[1], argv + 1);
		_exit(127);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1)
		return 1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
