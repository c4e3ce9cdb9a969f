/*
 * Builds a benchmark tree of empty files quickly:
 *
 *	mktree DIR FILES [DIRS [SUBDIRS]]
 *
 * DIR gets FILES files; with DIRS, DIR gets DIRS directories, each with
 * SUBDIRS directories (1 when not given) of FILES files each.  DIR must
 * not exist.
 */
#include <sys/stat.h>

#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
files(int dfd, long n)
{
	char name[32];
	long i;
	int fd;

	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "file%07ld", i);
		if ((fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL |
		    O_CLOEXEC, 0644)) == -1)
			err(1, "%s", name);
		close(fd);
	}
}

static int
subdir(int dfd, const char *fmt, long i)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), fmt, i);
	if (mkdirat(dfd, name, 0755) == -1 ||
	    (fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", name);
	return fd;
}

int
main(int argc, char *argv[])
{
	long nfiles, ndirs = 0, nsub = 1, i, j;
	int top, d, s;

	if (argc < 3 || argc > 5)
		errx(2, "usage: mktree DIR FILES [DIRS [SUBDIRS]]");
	nfiles = atol(argv[2]);
	if (argc > 3)
		ndirs = atol(argv[3]);
	if (argc > 4)
		nsub = atol(argv[4]);
	if (mkdir(argv[1], 0755) == -1 ||
	    (top = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		err(1, "%s", argv[1]);
	if (ndirs == 0)
		files(top, nfiles);
	for (i = 0; i < ndirs; i++) {
		d = subdir(top, "dir%04ld", i);
		for (j = 0; j < nsub; j++) {
			s = subdir(d, "sub%04ld", j);
			files(s, nfiles);
			close(s);
		}
		close(d);
	}
	close(top);
	return 0;
}
