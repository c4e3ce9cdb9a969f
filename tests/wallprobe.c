/*
 * A stand-in for rsync that tries every destructive system call a
 * modified rsync could make, to prove the kernel wall by itself: rshell
 * runs it as the policy's rsync, behind the wall of the rule, with the
 * working directory DIRECTORY.  It prints one line per operation, "NAME
 * ok" or "NAME denied" (EACCES, EXDEV or EPERM: the wall) or "NAME
 * error:ERRNO" (anything else: the fixture is wrong), and exits 0.
 *
 * The fixture (test_wall.c) holds, in DIRECTORY: the files o_write,
 * o_trunc, o_unlink, o_rename, o_over, o_link, o_totmp, o_meta and
 * o_read, the directory d_rmdir, and beside it
 * ../outside/secret.  With --temp-dir=/proc/self/fd/N (the session's
 * directory under no-overwrite) new files are written there first, as
 * rsync does.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmp[64];	/* the scratch directory, with a slash */

static void
report(const char *name, int rv)
{
	if (rv == 0)
		printf("%s ok\n", name);
	else if (errno == EACCES || errno == EXDEV || errno == EPERM)
		printf("%s denied\n", name);
	else
		printf("%s error:%s\n", name, strerrorname_np(errno));
}

/* A new file with content, as rsync writes one: -1 if that failed. */
static int
make_file(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return -1;
	if (write(fd, "new\n", 4) != 4) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static void
in_tmp(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s%s", tmp, name);
}

static void
creating(void)
{
	char t[128];

	report("create_file", make_file("n_file"));
	report("mkdir", mkdir("n_dir", 0755));
	report("symlink", symlink("o_read", "n_link"));
	in_tmp(t, sizeof(t), "t_new");
	report("rename_new_into_place", make_file(t) == -1 ? -1 :
	    rename(t, "n_renamed"));
	report("mkfifo", mkfifo("n_fifo", 0600));
	report("mknod_char", mknod("n_char", S_IFCHR | 0600,
	    makedev(1, 3)));
}

static void
changing(void)
{
	char t[128];
	int fd;

	fd = open("o_write", O_WRONLY);
	report("open_write", fd == -1 ? -1 : 0);
	if (fd != -1)
		close(fd);
	report("truncate", truncate("o_trunc", 0));
	report("unlink", unlink("o_unlink"));
	report("rename_within", rename("o_rename", "n_moved"));
	in_tmp(t, sizeof(t), "t_over");
	report("rename_over", make_file(t) == -1 ? -1 : rename(t, "o_over"));
	in_tmp(t, sizeof(t), "t_link");
	report("link_to_scratch", link("o_link", t));
	in_tmp(t, sizeof(t), "t_moved");
	report("rename_to_scratch", rename("o_totmp", t));
	report("rmdir", rmdir("d_rmdir"));
	report("chmod_directory", chmod(".", 0777));
}

/* Metadata: not the wall's (Landlock does not cover it). */
static void
metadata(void)
{
	report("chmod_file", chmod("o_meta", 0604));
	report("utimes_file", utimensat(AT_FDCWD, "o_meta", NULL, 0));
}

static void
outside(void)
{
	int fd;

	fd = open("o_read", O_RDONLY);
	report("read_inside", fd == -1 ? -1 : 0);
	if (fd != -1)
		close(fd);
	fd = open("../outside/secret", O_RDONLY);
	report("read_outside", fd == -1 ? -1 : 0);
	if (fd != -1)
		close(fd);
	report("write_outside", make_file("../outside/n_file"));
}

int
main(int argc, char *argv[])
{
	int i;

	/* Under no-overwrite the scratch directory is the session's. */
	for (i = 1; i < argc; i++)
		if (strncmp(argv[i], "--temp-dir=", 11) == 0)
			snprintf(tmp, sizeof(tmp), "%s/", argv[i] + 11);
	creating();
	changing();
	metadata();
	outside();
	return 0;
}
