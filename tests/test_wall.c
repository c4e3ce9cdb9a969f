/*
 * The kernel wall by itself: tests/wallprobe, run by rshell as the
 * policy's rsync under each kind of rule, tries every destructive system
 * call a modified rsync could make.  The test asserts the exact set the
 * kernel allowed for each kind, that nothing that existed changed where
 * the rule promises it, that DIRECTORY's own mode is put back and logged,
 * and that the session's temporary directory is gone.  Then real rsync
 * pushes and pulls under the same rules: what must work works.
 *
 * Needs root (the policy must be root-owned) and Landlock; without
 * either the tests are left out and counted as skipped.
 */
#include <sys/stat.h>

#include <fcntl.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "harness.h"
#include "wall.h"

#define CAPS	"-logDtpre.iLsfxCIvu"

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

/* The probe, built beside the unit tests: $WALLPROBE or tests/wallprobe. */
static const char *
probe(void)
{
	static char path[PATH_MAX];
	const char *env = getenv("WALLPROBE");

	if (path[0] == '\0')
		ck_assert_ptr_nonnull(realpath(env ? env : "tests/wallprobe",
		    path));
	return path;
}

/* What the probe finds in DIRECTORY, and a secret beside it. */
static void
fixture(void)
{
	static const char *const files[] = { "o_write", "o_trunc", "o_unlink",
	    "o_rename", "o_over", "o_link", "o_totmp", "o_meta", "o_read" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		h_file(&fx, files[i], "old\n");
	h_mkdir(&fx, "d_rmdir");
	h_mkdir(&fx, "../outside");
	h_write(h_top(&fx, "outside/secret"), "secret\n");
	ck_assert_int_eq(chmod(fx.d, 0755), 0);
}

enum { OK, NO };

static const char *const ops[] = {
	"create_file", "mkdir", "symlink", "rename_new_into_place", "mkfifo",
	"mknod_char", "open_write", "truncate", "unlink", "rename_within",
	"rename_over", "link_to_scratch", "rename_to_scratch", "rmdir",
	"chmod_directory", "chmod_file", "utimes_file", "read_inside",
	"read_outside", "write_outside",
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))

static const struct kind {
	const char	*name;
	const char	*rule;		/* the permit rule's options */
	int		 pull;
	int		 keeps;		/* existing files keep their content */
	int		 want[NOPS];	/* in the order of ops[] */
} kinds[] = {
	{ "full", "push pull", 0, 0, {
	    OK, OK, OK, OK, OK, NO, OK, OK, OK, OK, OK, OK, OK, OK,
	    OK, OK, OK, OK, NO, NO } },
	{ "no-delete", "push no-delete", 0, 0, {
	    OK, OK, OK, OK, OK, NO, OK, OK, OK, OK, OK, OK, OK, NO,
	    OK, OK, OK, OK, NO, NO } },
	{ "create-only", "push no-overwrite", 0, 1, {
	    NO, OK, OK, OK, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
	    OK, OK, OK, OK, NO, NO } },
	{ "read-only", "pull", 1, 1, {
	    NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO, NO,
	    OK, OK, OK, OK, NO, NO } },
};

static int
result(const char *out, const char *op)
{
	char key[64];
	const char *p;

	snprintf(key, sizeof(key), "%s ", op);
	for (p = out; (p = strstr(p, key)) != NULL; p++)
		if (p == out || p[-1] == '\n') {
			p += strlen(key);
			if (strncmp(p, "ok\n", 3) == 0)
				return OK;
			if (strncmp(p, "denied\n", 7) == 0)
				return NO;
			ck_abort_msg("%s: %.40s", op, p);
		}
	ck_abort_msg("the probe did not report %s:\n%s", op, out);
	return -1;
}

/* Nothing named like the session's temporary directory is left. */
static void
no_tmpdir_left(void)
{
	struct dirent *de;
	DIR *dir;

	ck_assert_ptr_nonnull(dir = opendir(fx.d));
	while ((de = readdir(dir)) != NULL)
		ck_assert_msg(strncmp(de->d_name, DECIDE_TMPDIR,
		    sizeof(DECIDE_TMPDIR) - 1) != 0, "%s was left", de->d_name);
	closedir(dir);
}

START_TEST(t_probe)
{
	const struct kind *k = &kinds[_i];
	char cmd[256], *text;
	struct h_res r;
	struct stat st;
	size_t i;

	h_write(fx.policy, "rsync %s\nlog %s\npermit %s root dir %s\n",
	    probe(), fx.log, k->rule, fx.d);
	fixture();
	snprintf(cmd, sizeof(cmd), "rsync --server %s" CAPS " . %s",
	    k->pull ? "--sender " : "", k->pull ? "o_read" : "x/");
	h_rshell_c(&r, &fx, cmd, NULL);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", k->name, r.status,
	    r.err);
	for (i = 0; i < NOPS; i++)
		ck_assert_msg(result(r.out, ops[i]) == k->want[i], "%s: %s was "
		    "%s by the kernel", k->name, ops[i], k->want[i] == OK ?
		    "refused" : "allowed");
	/* The content of what existed, where the rule promises it. */
	if (k->keeps) {
		ck_assert_str_eq(text = h_slurp(h_in(&fx, "o_write")), "old\n");
		free(text);
		ck_assert_str_eq(text = h_slurp(h_in(&fx, "o_trunc")), "old\n");
		free(text);
		ck_assert_str_eq(text = h_slurp(h_in(&fx, "o_over")), "old\n");
		free(text);
		ck_assert_int_eq(access(h_in(&fx, "o_unlink"), F_OK), 0);
		ck_assert_int_eq(access(h_in(&fx, "d_rmdir"), F_OK), 0);
	}
	/* The probe made DIRECTORY 0777: rshell put it back, and says so. */
	ck_assert_int_eq(stat(fx.d, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	ck_assert_msg(h_log_find(fx.log, 0, "event", "exit", "status", "0",
	    "restored", "mode", NULL) == 1, "%s: no exit line with "
	    "restored=mode", k->name);
	ck_assert_int_eq(access(h_top(&fx, "outside/n_file"), F_OK), -1);
	no_tmpdir_left();
	h_res_free(&r);
}
END_TEST

/*
 * Under snapshot: every route to a file of an earlier snapshot, the
 * newest (the --link-dest) and an older one, is refused by the kernel,
 * and so is every change to DIRECTORY itself ("latest", a snapshot made
 * by rsync); a new file comes into the incoming directory through the
 * session's.  Then rshell completes the push.  The one thing the kernel
 * lets through is the metadata of a file linked from the newest
 * snapshot (rshell.policy(5) says so): the test holds it to that.
 */
static const struct {
	const char	*op;
	int		 want;
} snapops[] = {
	{ "old_open_write", NO }, { "old_truncate", NO }, { "old_unlink", NO },
	{ "old_rmdir", NO }, { "old_rename_over", NO }, { "old_link_over", NO },
	{ "old_link_new", NO }, { "old_rename_out", NO }, { "old_create", NO },
	{ "old_mkdir", NO },
	{ "new_open_write", NO }, { "new_truncate", NO }, { "new_unlink", NO },
	{ "new_rmdir", NO }, { "new_rename_over", NO }, { "new_link_over", NO },
	{ "new_link_new", NO }, { "new_rename_out", NO }, { "new_create", NO },
	{ "new_mkdir", NO },
	{ "link_new_into_incoming", OK }, { "linked_open_write", NO },
	{ "linked_truncate", NO }, { "linked_rename_to_scratch", NO },
	{ "link_new_to_scratch", NO }, { "link_old_into_incoming", NO },
	{ "linked_unlink", OK }, { "linked_chmod", OK },
	{ "latest_replace", NO }, { "latest_unlink", NO }, { "top_mkdir", NO },
	{ "top_create", NO }, { "incoming_complete", NO },
	{ "incoming_create_direct", NO },
	{ "incoming_rename_new_into_place", OK },
	{ "incoming_open_write", NO }, { "incoming_mkdir", OK },
	{ "incoming_symlink", OK }, { "incoming_unlink", OK },
	{ "read_old", OK }, { "write_outside", NO },
};

static const char *const snapfiles[] = { "o_write", "o_trunc", "o_unlink",
    "o_rename", "o_over", "o_link", "o_meta" };

static void
snap_fixture(void)
{
	static const char *const snaps[] = { "2026-11-01T000000Z",
	    "2026-11-02T000000Z" };
	char rel[64];
	size_t i, j;

	for (i = 0; i < 2; i++) {
		for (j = 0; j < NROWS(snapfiles); j++) {
			snprintf(rel, sizeof(rel), "%s/%s", snaps[i],
			    snapfiles[j]);
			h_file(&fx, rel, "old\n");
			ck_assert_int_eq(chmod(h_in(&fx, rel), 0644), 0);
		}
		snprintf(rel, sizeof(rel), "%s/d_rmdir", snaps[i]);
		h_mkdir(&fx, rel);
	}
	ck_assert_int_eq(symlink("2026-11-02T000000Z", h_in(&fx, "latest")),
	    0);
	h_mkdir(&fx, "../outside");
}

/* Each snapshot holds what it held, with its modes but for o_meta's. */
static void
snap_intact(const char *snap, mode_t meta)
{
	char rel[64];
	struct stat st;
	size_t j;

	for (j = 0; j < NROWS(snapfiles); j++) {
		snprintf(rel, sizeof(rel), "%s/%s", snap, snapfiles[j]);
		ck_assert_msg(h_file_is(h_in(&fx, rel), "old\n"), "%s", rel);
		ck_assert_int_eq(stat(h_in(&fx, rel), &st), 0);
		ck_assert_uint_eq(st.st_mode & 07777, strcmp(snapfiles[j],
		    "o_meta") == 0 ? meta : 0644);
	}
	snprintf(rel, sizeof(rel), "%s/d_rmdir", snap);
	ck_assert_int_eq(access(h_in(&fx, rel), F_OK), 0);
	snprintf(rel, sizeof(rel), "%s/n_file", snap);
	ck_assert_int_eq(access(h_in(&fx, rel), F_OK), -1);
	snprintf(rel, sizeof(rel), "%s/n_link", snap);
	ck_assert_int_eq(access(h_in(&fx, rel), F_OK), -1);
}

START_TEST(t_snapshot_probe)
{
	char link[64], rel[64], *name;
	struct h_res r;
	ssize_t n;
	size_t i;

	h_write(fx.policy, "rsync %s\nlog %s\npermit push snapshot root dir "
	    "%s\n", probe(), fx.log, fx.d);
	snap_fixture();
	h_rshell_c(&r, &fx, "rsync --server " CAPS " . /", NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	for (i = 0; i < NROWS(snapops); i++)
		ck_assert_msg(result(r.out, snapops[i].op) == snapops[i].want,
		    "%s was %s by the kernel", snapops[i].op,
		    snapops[i].want == OK ? "refused" : "allowed");
	snap_intact("2026-11-01T000000Z", 0644);
	snap_intact("2026-11-02T000000Z", 0604);
	/* completed: the exit line names the snapshot, latest points at it */
	ck_assert(h_log_find(fx.log, 0, "event", "exit", "status", "0",
	    "snapshot", "~2026-", NULL) == 1);
	ck_assert_ptr_nonnull(name = h_log_field(fx.log, 1, "snapshot"));
	ck_assert_int_eq(access(h_in(&fx, ".incoming"), F_OK), -1);
	ck_assert_int_gt(n = readlink(h_in(&fx, "latest"), link,
	    sizeof(link) - 1), 0);
	link[n] = '\0';
	ck_assert_str_eq(link, name);
	snprintf(rel, sizeof(rel), "%s/n_renamed", name);
	ck_assert(h_file_is(h_in(&fx, rel), "new\n"));
	snprintf(rel, sizeof(rel), "%s/l_new", name);
	ck_assert_int_eq(access(h_in(&fx, rel), F_OK), -1);
	ck_assert_int_eq(access(h_in(&fx, "n_top"), F_OK), -1);
	ck_assert_int_eq(access(h_top(&fx, "outside/n_file"), F_OK), -1);
	no_tmpdir_left();
	free(name);
	h_res_free(&r);
}
END_TEST

/* A temporary directory a killed session left is removed by the next. */
START_TEST(t_stale_tmpdir)
{
	struct h_res r;

	h_write(fx.policy, "rsync %s\nlog %s\npermit push no-overwrite root "
	    "dir %s\n", probe(), fx.log, fx.d);
	fixture();
	/* pid 2^22 + 1 is above pid_max's default: no such process */
	h_file(&fx, DECIDE_TMPDIR "4194305/half-written", "x");
	h_file(&fx, DECIDE_TMPDIR "notapid/keep", "x");
	h_rshell_c(&r, &fx, "rsync --server " CAPS " . x/", NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_int_eq(access(h_in(&fx, DECIDE_TMPDIR "4194305"), F_OK), -1);
	ck_assert_int_eq(access(h_in(&fx, DECIDE_TMPDIR "notapid/keep"),
	    F_OK), 0);
	h_res_free(&r);
}
END_TEST

/*
 * Real pushes and pulls under each kind: a tree with an updated file, a
 * new file, a new directory and a set-uid program.
 */
static const struct real {
	const char	*rule;
	const char	*opts;		/* besides -a */
	int		 push;
	int		 status;	/* the client's exit status */
	int		 updated;	/* the existing file took the new content */
} reals[] = {
	{ "push pull", "-v", 1, 0, 1 },
	{ "push no-delete", "-v", 1, 0, 1 },
	{ "push no-overwrite", "-v", 1, 0, 0 },
	{ "push no-overwrite", "--inplace", 1, 12, 0 },	/* refused */
	{ "push no-delete", "--delete", 1, 12, 0 },	/* refused */
	{ "pull", "-v", 1, 12, 0 },			/* refused */
	{ "pull", "-v", 0, 0, 0 },
};

START_TEST(t_real)
{
	const struct real *t = &reals[_i];
	char src[PATH_MAX], dst[PATH_MAX + 8], back[PATH_MAX];
	struct h_res r;
	struct stat st;

	h_write(fx.policy, "rsync /usr/bin/rsync\nlog %s\npermit %s root dir "
	    "%s\n", fx.log, t->rule, fx.d);
	h_file(&fx, "existing", "old\n");
	h_path(src, fx.top, "src/");
	ck_assert_int_eq(mkdir(h_top(&fx, "src"), 0755), 0);
	ck_assert_int_eq(mkdir(h_top(&fx, "src/newdir"), 0755), 0);
	h_write(h_top(&fx, "src/existing"), "new content\n");
	h_write(h_top(&fx, "src/newdir/newfile"), "fresh\n");
	h_write(h_top(&fx, "src/setuid"), "#!/bin/sh\n");
	ck_assert_int_eq(chmod(h_top(&fx, "src/setuid"), 04755), 0);
	/* the client's file times differ, so an honest rsync would update */
	ck_assert_int_eq(utimensat(AT_FDCWD, h_top(&fx, "src/existing"),
	    (struct timespec[2]){ { 1, 0 }, { 1, 0 } }, 0), 0);
	if (t->push) {
		snprintf(dst, sizeof(dst), "x:/");
		h_rsync_client(&fx, "-a", t->opts, src, dst, &r);
	} else {
		h_path(back, fx.top, "back/");
		snprintf(dst, sizeof(dst), "x:/");
		h_rsync_client(&fx, "-a", t->opts, dst, back, &r);
	}
	ck_assert_msg(r.status == t->status, "%s %s: exit %d: %s", t->rule,
	    t->opts, r.status, r.err);
	if (t->status != 0) {
		ck_assert(h_log_find(fx.log, 0, "event", "deny", NULL) == 0);
		ck_assert(strstr(r.err, "rshell: denied:") != NULL);
		ck_assert(h_file_is(h_in(&fx, "existing"), "old\n"));
		h_res_free(&r);
		return;
	}
	ck_assert(h_log_find(fx.log, 1, "event", "exit", "status", "0",
	    NULL) == 1);
	if (!t->push) {
		ck_assert(h_file_is(h_top(&fx, "back/existing"), "old\n"));
		h_res_free(&r);
		return;
	}
	ck_assert(h_file_is(h_in(&fx, "newdir/newfile"), "fresh\n"));
	ck_assert(h_file_is(h_in(&fx, "existing"), t->updated ?
	    "new content\n" : "old\n"));
	/* no set-id bit lands on disk */
	ck_assert_int_eq(stat(h_in(&fx, "setuid"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	no_tmpdir_left();
	h_res_free(&r);
}
END_TEST

#define NKINDS	(int)(sizeof(kinds) / sizeof(kinds[0]))
#define NREALS	(int)(sizeof(reals) / sizeof(reals[0]))

Suite *
make_suite_wall(void)
{
	Suite *s = suite_create("wall");
	TCase *tc;

	if (wall_abi() < WALL_ABI_CREATE) {
		h_skipped("wall", NKINDS + 2 + NREALS);
		return s;
	}
	if ((tc = h_root_tcase_disk(s, "probe", setup, teardown)) == NULL) {
		h_skipped("wall", NKINDS + 2 + NREALS);
		return s;
	}
	tcase_add_loop_test(tc, t_probe, 0, sizeof(kinds) / sizeof(kinds[0]));
	tcase_add_test(tc, t_stale_tmpdir);
	tcase_add_test(tc, t_snapshot_probe);
	tcase_add_loop_test(tc, t_real, 0, sizeof(reals) / sizeof(reals[0]));
	return s;
}
