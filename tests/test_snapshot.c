/*
 * Snapshots, run: the lock a snapshot push implies, which exit statuses
 * complete a snapshot, an interrupted push resumed, and real rsync
 * pushes that share unchanged files with the snapshot before and copy
 * a file whose attributes changed, leaving the earlier one as it was.
 * The kernel wall itself is test_wall.c's.
 *
 * Needs root (the policy must be root-owned) and Landlock ABI 3.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "harness.h"
#include "keep.h"
#include "wall.h"

#define PUSH	"rsync --server " H_CLUSTER " . /"

static struct h_fx fx;

static void
setup(void)
{
	h_setup(&fx);
}

static void
teardown(void)
{
	h_teardown(&fx);
}

/* The snapshots in DIRECTORY, in order; how many. */
static size_t
snapshots(char names[][SNAP_NAMELEN + 1], size_t max)
{
	struct dirent *de;
	time_t t;
	size_t n = 0, i, j;
	DIR *dir;

	ck_assert_ptr_nonnull(dir = opendir(fx.d));
	while ((de = readdir(dir)) != NULL)
		if (snap_parse(de->d_name, &t) == 0 && n < max)
			strlcpy(names[n++], de->d_name, SNAP_NAMELEN + 1);
	closedir(dir);
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
			char tmp[SNAP_NAMELEN + 1];

			memcpy(tmp, names[j], sizeof(tmp));
			memcpy(names[j], names[j - 1], sizeof(tmp));
			memcpy(names[j - 1], tmp, sizeof(tmp));
		}
	return n;
}

static void
latest_is(const char *name)
{
	char link[64];
	ssize_t n;

	ck_assert_int_gt(n = readlink(h_in(&fx, "latest"), link,
	    sizeof(link) - 1), 0);
	link[n] = '\0';
	ck_assert_str_eq(link, name);
}

/* SNAP/PATH, for h_in (a static buffer: for immediate use). */
static const char *
rel(const char *snap, const char *path)
{
	static char buf[128];

	ck_assert(snprintf(buf, sizeof(buf), "%s/%s", snap, path) <
	    (int)sizeof(buf));
	return buf;
}

static struct stat
stat_of(const char *snap, const char *path)
{
	const char *p = h_in(&fx, rel(snap, path));
	struct stat st;

	ck_assert_msg(lstat(p, &st) == 0, "%s", p);
	return st;
}

static ino_t
inode(const char *snap, const char *path)
{
	return stat_of(snap, path).st_ino;
}

/* A second push into the DIRECTORY of a running one is refused. */
START_TEST(t_lock)
{
	int fd;

	h_policy(&fx, "permit push pull snapshot root dir %s\n", fx.d);
	fd = open(fx.d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == 0);
	h_denied(&fx, PUSH, NULL, "is locked by another push (one snapshot "
	    "at a time)");
	ck_assert_int_eq(access(h_in(&fx, ".incoming"), F_OK), -1);
	close(fd);
}
END_TEST

/*
 * What would rewrite history or write in place is refused: refused,
 * nothing ran, the deny line says why, and no .incoming was made.
 */
static const struct {
	const char	*opt;
	const char	*why;
} refused[] = {
	{ "--link-dest=../2026-11-01T000000Z", "--link-dest is not allowed by "
	    "the snapshot policy: the server links against the previous "
	    "snapshot by itself" },
	{ "--compare-dest=/2026-11-01T000000Z", "--compare-dest is not "
	    "allowed by the snapshot policy" },
	{ "--copy-dest=/2026-11-01T000000Z", "--copy-dest is not allowed by "
	    "the snapshot policy" },
	{ "--inplace", "--inplace is not allowed by the snapshot policy: "
	    "unchanged files are hard links shared with earlier snapshots" },
	{ "--append", "--append is not allowed by the snapshot policy" },
	{ "-b", "--backup/-b is not allowed by the snapshot policy" },
	{ "--backup-dir=../2026-11-01T000000Z", "--backup-dir is not allowed "
	    "by the snapshot policy" },
	{ "--partial-dir=/2026-11-01T000000Z", "an absolute --partial-dir is "
	    "not allowed by the snapshot policy" },
};

START_TEST(t_refused)
{
	char cmd[256];

	h_file(&fx, "2026-11-01T000000Z/f", "old\n");
	h_policy(&fx, "permit push pull snapshot root dir %s\n", fx.d);
	snprintf(cmd, sizeof(cmd), "rsync --server " H_CLUSTER " %s . /",
	    refused[_i].opt);
	h_denied(&fx, cmd, NULL, refused[_i].why);
	ck_assert_int_eq(access(h_in(&fx, ".incoming"), F_OK), -1);
	ck_assert(h_file_is(h_in(&fx, "2026-11-01T000000Z/f"), "old\n"));
}
END_TEST

/* rsync's exit status: 0 and 24 ("vanished") complete, others do not. */
static const struct {
	int	 status;
	int	 completes;
} exits[] = { { 0, 1 }, { 24, 1 }, { 23, 0 }, { 12, 0 }, { 1, 0 } };

START_TEST(t_exit)
{
	char want[16], *snap;
	char names[4][SNAP_NAMELEN + 1];
	struct h_res r;

	h_script(fx.rsync, "exit %d\n", exits[_i].status);
	h_policy(&fx, "permit push snapshot root dir %s\n", fx.d);
	h_rshell_c(&r, &fx, PUSH, NULL);
	ck_assert_int_eq(r.status, exits[_i].status);
	snprintf(want, sizeof(want), "%d", exits[_i].status);
	ck_assert(h_log_find(fx.log, 0, "event", "exit", "status", want,
	    NULL) == 1);
	snap = h_log_field(fx.log, 1, "snapshot");
	if (exits[_i].completes) {
		ck_assert_ptr_nonnull(snap);
		ck_assert_uint_eq(snapshots(names, 4), 1);
		ck_assert_str_eq(names[0], snap);
		latest_is(snap);
		ck_assert_int_eq(access(h_in(&fx, ".incoming"), F_OK), -1);
	} else {
		ck_assert_ptr_null(snap);
		ck_assert_uint_eq(snapshots(names, 4), 0);
		ck_assert_int_eq(access(h_in(&fx, "latest"), F_OK), -1);
		ck_assert_int_eq(access(h_in(&fx, ".incoming"), F_OK), 0);
	}
	free(snap);
	h_res_free(&r);
}
END_TEST

/*
 * After a completed push, retention removes what keep no longer keeps,
 * one prune line each, and nothing else: not a symlink named like a
 * snapshot (nor what it leads to), not a name that only looks like one.
 */
START_TEST(t_prune)
{
	static const char *const old[] = { "2020-01-01T000000Z",
	    "2020-01-02T000000Z", "2021-06-01T120000Z" };
	char names[8][SNAP_NAMELEN + 1], *snap, target[PATH_MAX];
	struct h_res r;
	size_t i;
	int at;

	for (i = 0; i < NROWS(old); i++)
		h_file(&fx, rel(old[i], "sub/f"), "old\n");
	h_file(&fx, "2020-01-03T000000Z-not/f", "kept\n");
	ck_assert(mkdir(h_top(&fx, "outside"), 0755) == 0);
	h_write(h_top(&fx, "outside/f"), "outside\n");
	ck_assert(symlink(h_path(target, fx.top, "outside"),
	    h_in(&fx, "2019-01-01T000000Z")) == 0);
	h_script(fx.rsync, "exit 0\n");
	h_policy(&fx, "permit push snapshot keep 2d daily root dir %s\n",
	    fx.d);
	h_rshell_c(&r, &fx, PUSH, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(snap = h_log_field(fx.log, 1, "snapshot"));
	/* what is left by those names: the symlink, and the new snapshot */
	ck_assert_uint_eq(snapshots(names, 8), 2);
	ck_assert_str_eq(names[0], "2019-01-01T000000Z");
	ck_assert_str_eq(names[1], snap);
	latest_is(snap);
	for (i = 0; i < NROWS(old); i++) {
		ck_assert_msg(access(h_in(&fx, old[i]), F_OK) == -1,
		    "%s was kept", old[i]);
		at = h_log_find(fx.log, 0, "event", "prune", "snapshot", old[i],
		    NULL);
		ck_assert_msg(at != -1, "no prune line for %s", old[i]);
	}
	ck_assert_int_eq(h_log_find(fx.log, 0, "event", "prune", "snapshot",
	    "2019-01-01T000000Z", NULL), -1);
	ck_assert_int_eq(h_log_find(fx.log, 0, "event", "error", NULL), -1);
	ck_assert(h_file_is(h_in(&fx, "2019-01-01T000000Z/f"), "outside\n"));
	ck_assert(h_file_is(h_in(&fx, "2020-01-03T000000Z-not/f"),
	    "kept\n"));
	free(snap);
	h_res_free(&r);
}
END_TEST

/*
 * An interrupted push leaves .incoming; the next resumes into it, after
 * rshell has unlinked what the first linked from the snapshot before
 * (an honest rsync would otherwise set its mode and times in place, in
 * the earlier snapshot too).
 */
START_TEST(t_resume)
{
	char names[4][SNAP_NAMELEN + 1];
	struct h_res r;
	struct stat st;

	h_file(&fx, "2026-11-01T000000Z/f", "old\n");
	h_script(fx.rsync, "for a; do d=$a; done\n"
	    "mkdir \"$d/sub\" && ln 2026-11-01T000000Z/f \"$d/f\" || exit 99\n"
	    "exit 23\n");
	h_policy(&fx, "permit push snapshot root dir %s\n", fx.d);
	h_rshell_c(&r, &fx, PUSH, NULL);
	ck_assert_int_eq(r.status, 23);
	h_res_free(&r);
	ck_assert_int_eq(stat(h_in(&fx, ".incoming/f"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 2);
	ck_assert_uint_eq(snapshots(names, 4), 1);

	h_script(fx.rsync, "exit 0\n");
	h_rshell_c(&r, &fx, PUSH, NULL);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert(h_log_find(fx.log, 2, "event", "exit", "status", "0",
	    "resumed", "yes", "snapshot", "~2026-", NULL) == 3);
	ck_assert_uint_eq(snapshots(names, 4), 2);
	ck_assert_int_eq(access(h_in(&fx, rel(names[1], "sub")), F_OK), 0);
	ck_assert_int_eq(access(h_in(&fx, rel(names[1], "f")), F_OK), -1);
	ck_assert(h_file_is(h_in(&fx, "2026-11-01T000000Z/f"), "old\n"));
	ck_assert_int_eq(stat(h_in(&fx, "2026-11-01T000000Z/f"), &st), 0);
	ck_assert_uint_eq(st.st_nlink, 1);
	latest_is(names[1]);
	h_res_free(&r);
}
END_TEST

/*
 * Real rsync, three pushes: unchanged files are one inode in every
 * snapshot; a file whose mode or mtime changed on the client is copied,
 * and the earlier snapshot keeps its mode and mtime; --delete of
 * everything leaves the earlier snapshots whole.
 */
START_TEST(t_real)
{
	char names[4][SNAP_NAMELEN + 1], src[PATH_MAX];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat s1;
	struct h_res r;

	h_write(fx.policy, "rsync /usr/bin/rsync\nlog %s\npermit push pull "
	    "list snapshot root dir %s\n", fx.log, fx.d);
	h_path(src, fx.top, "src/");
	h_mkdir(&fx, "../src/sub");
	h_write(h_top(&fx, "src/same"), "same\n");
	h_write(h_top(&fx, "src/mode"), "mode\n");
	h_write(h_top(&fx, "src/sub/time"), "time\n");
	ck_assert_int_eq(chmod(h_top(&fx, "src/mode"), 0644), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, h_top(&fx, "src/sub/time"), old,
	    0), 0);
	h_rsync_client(&fx, "-a", NULL, src, "x:/", &r);
	ck_assert_msg(r.status == 0, "first: %s", r.err);
	h_res_free(&r);

	ck_assert_int_eq(chmod(h_top(&fx, "src/mode"), 0600), 0);
	old[1].tv_sec += 3600;
	ck_assert_int_eq(utimensat(AT_FDCWD, h_top(&fx, "src/sub/time"), old,
	    0), 0);
	h_rsync_client(&fx, "-a", NULL, src, "x:/", &r);
	ck_assert_msg(r.status == 0, "second: %s", r.err);
	h_res_free(&r);
	ck_assert_uint_eq(snapshots(names, 4), 2);
	ck_assert_uint_eq(inode(names[0], "same"), inode(names[1], "same"));
	ck_assert_uint_ne(inode(names[0], "mode"), inode(names[1], "mode"));
	ck_assert_uint_ne(inode(names[0], "sub/time"),
	    inode(names[1], "sub/time"));
	s1 = stat_of(names[0], "mode");
	ck_assert_uint_eq(s1.st_mode & 07777, 0644);
	ck_assert_uint_eq(stat_of(names[1], "mode").st_mode & 07777, 0600);
	s1 = stat_of(names[0], "sub/time");
	ck_assert_int_eq(s1.st_mtim.tv_sec, 1000000000);
	ck_assert_int_eq(stat_of(names[1], "sub/time").st_mtim.tv_sec,
	    1000000000 + 3600);

	/* the client deletes everything: only the new snapshot is empty */
	ck_assert_int_eq(h_rmtree(h_top(&fx, "src")), 0);
	ck_assert_int_eq(mkdir(h_top(&fx, "src"), 0755), 0);
	h_rsync_client(&fx, "-a", "--delete", src, "x:/", &r);
	ck_assert_msg(r.status == 0, "third: %s", r.err);
	h_res_free(&r);
	ck_assert_uint_eq(snapshots(names, 4), 3);
	latest_is(names[2]);
	ck_assert_int_eq(access(h_in(&fx, "latest/same"), F_OK), -1);
	ck_assert_uint_eq(inode(names[0], "same"), inode(names[1], "same"));
	ck_assert(h_file_is(h_in(&fx, rel(names[0], "same")), "same\n"));
	ck_assert(h_file_is(h_in(&fx, rel(names[0], "mode")), "mode\n"));
	ck_assert(h_file_is(h_in(&fx, rel(names[1], "sub/time")), "time\n"));
	ck_assert(h_log_find(fx.log, 0, "event", "exit", "status", "0",
	    "snapshot", names[2], NULL) >= 0);
}
END_TEST

#define NEXITS	(int)NROWS(exits)
#define NREFUSED (int)NROWS(refused)

Suite *
make_suite_snapshot(void)
{
	Suite *s = suite_create("snapshot");
	TCase *tc;

	if (wall_abi() < WALL_ABI_CREATE) {
		h_skipped_for("snapshot", NEXITS + NREFUSED + 3, "no Landlock ABI 3");
		return s;
	}
	if ((tc = h_root_tcase_disk(s, "run", setup, teardown)) == NULL) {
		h_skipped("snapshot", NEXITS + NREFUSED + 3);
		return s;
	}
	tcase_add_test(tc, t_lock);
	tcase_add_loop_test(tc, t_refused, 0, NREFUSED);
	tcase_add_loop_test(tc, t_exit, 0, NEXITS);
	tcase_add_test(tc, t_resume);
	tcase_add_test(tc, t_prune);
	tcase_add_test(tc, t_real);
	return s;
}
