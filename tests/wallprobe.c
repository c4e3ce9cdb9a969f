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
 *
 * Under snapshot (rshell adds --link-dest=/proc/self/fd/N/, the newest
 * snapshot) it tries every route to an earlier snapshot instead: the
 * fixture holds the snapshots OLD and NEW (the newest) below, each with
 * the files o_write, o_trunc, o_unlink, o_rename, o_over, o_link, o_meta
 * and the directory d_rmdir, "latest" pointing at NEW, and ../outside;
 * the destination, the last argument, is the incoming directory.
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

/* Open for writing and close: 0, or -1 with errno. */
static int
open_write(const char *path)
{
	int fd;

	if ((fd = open(path, O_WRONLY)) == -1)
		return -1;
	return close(fd);
}

#define OLD	"2026-11-01T000000Z/"
#define NEW	"2026-11-02T000000Z/"

static char in[128];	/* the incoming directory, with a slash */

static void
at(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s%s", dir, name);
}

/* Every way to change what a snapshot holds: refused for OLD and NEW. */
static void
snap_changing(const char *name, const char *s)
{
	char p[160], q[160], t[160], op[64];

#define OP(what) (snprintf(op, sizeof(op), "%s_%s", name, what), op)
	at(p, sizeof(p), s, "o_write");
	report(OP("open_write"), open_write(p));
	at(p, sizeof(p), s, "o_trunc");
	report(OP("truncate"), truncate(p, 0));
	at(p, sizeof(p), s, "o_unlink");
	report(OP("unlink"), unlink(p));
	at(p, sizeof(p), s, "d_rmdir");
	report(OP("rmdir"), rmdir(p));
	at(t, sizeof(t), tmp, "t_over");
	at(p, sizeof(p), s, "o_over");
	report(OP("rename_over"), make_file(t) == -1 ? -1 : rename(t, p));
	unlink(t);
	at(t, sizeof(t), tmp, "t_link");
	at(p, sizeof(p), s, "o_over");
	/* link(2) never replaces a name (EEXIST, wall or not): refused */
	if (make_file(t) == -1 || link(t, p) == -1)
		report(OP("link_over"), errno == EEXIST ? (errno = EPERM, -1) :
		    -1);
	else
		report(OP("link_over"), 0);
	at(p, sizeof(p), s, "n_link");
	report(OP("link_new"), link(t, p));
	unlink(t);
	at(p, sizeof(p), s, "o_rename");
	at(q, sizeof(q), in, "n_moved_out");
	report(OP("rename_out"), rename(p, q));
	at(p, sizeof(p), s, "n_file");
	report(OP("create"), make_file(p));
	at(p, sizeof(p), s, "n_dir");
	report(OP("mkdir"), mkdir(p, 0755));
#undef OP
}

/*
 * Through a hard link in the incoming directory: only the newest
 * snapshot can be linked from, and the link can be neither written nor
 * moved where it could be.
 */
static void
snap_linked(void)
{
	char l[160], t[160];

	at(l, sizeof(l), in, "l_new");
	report("link_new_into_incoming", link(NEW "o_link", l));
	report("linked_open_write", open_write(l));
	report("linked_truncate", truncate(l, 0));
	at(t, sizeof(t), tmp, "t_l");
	report("linked_rename_to_scratch", rename(l, t));
	report("link_new_to_scratch", link(NEW "o_link", t));
	at(t, sizeof(t), in, "l_old");
	report("link_old_into_incoming", link(OLD "o_link", t));
	report("linked_unlink", unlink(l));
	/* metadata of a shared inode: not the wall's (rshell.policy(5)) */
	at(l, sizeof(l), in, "l_meta");
	report("linked_chmod", link(NEW "o_meta", l) == -1 ? -1 :
	    chmod(l, 0604));
}

/* DIRECTORY itself, "latest", and what the push may do in incoming. */
static void
snap_around(void)
{
	char p[160], t[160];
	int fd;

	at(t, sizeof(t), tmp, "t_latest");
	report("latest_replace", symlink(OLD, t) == -1 ? -1 :
	    rename(t, "latest"));
	unlink(t);
	report("latest_unlink", unlink("latest"));
	report("top_mkdir", mkdir("n_top", 0755));
	report("top_create", make_file("n_top_file"));
	report("incoming_complete", rename(".incoming", "2026-11-03T000000Z"));
	at(p, sizeof(p), in, "n_direct");
	report("incoming_create_direct", make_file(p));
	at(t, sizeof(t), tmp, "t_new");
	at(p, sizeof(p), in, "n_renamed");
	report("incoming_rename_new_into_place", make_file(t) == -1 ? -1 :
	    rename(t, p));
	report("incoming_open_write", open_write(p));
	at(p, sizeof(p), in, "n_dir");
	report("incoming_mkdir", mkdir(p, 0755));
	at(p, sizeof(p), in, "n_sym");
	report("incoming_symlink", symlink("n_renamed", p));
	report("incoming_unlink", unlink(p));
	fd = open(OLD "o_write", O_RDONLY);
	report("read_old", fd == -1 ? -1 : 0);
	if (fd != -1)
		close(fd);
	report("write_outside", make_file("../outside/n_file"));
}

static int
snapshot_probe(void)
{
	snap_changing("old", OLD);
	snap_changing("new", NEW);
	snap_linked();
	snap_around();
	return 0;
}

int
main(int argc, char *argv[])
{
	int i, snap = 0;

	/* Under no-overwrite the scratch directory is the session's. */
	for (i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--temp-dir=", 11) == 0)
			snprintf(tmp, sizeof(tmp), "%s/", argv[i] + 11);
		if (strncmp(argv[i], "--link-dest=", 12) == 0)
			snap = 1;
	}
	if (snap) {
		snprintf(in, sizeof(in), "%s", argv[argc - 1]);
		return snapshot_probe();
	}
	creating();
	changing();
	metadata();
	outside();
	return 0;
}
