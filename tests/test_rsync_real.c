/*
 * rsync through the rshell binary with the real rsync, client and server:
 * no-overwrite keeps what exists, and a symlink swapped in after rshell's
 * check (by a wrapper the policy names as its rsync) cannot redirect
 * rsync, neither for a pull nor for a push; the exit line says what the
 * kernel accounted for the push.
 *
 * The policy must be owned by root: without root these tests are left out.
 */
#include <sys/stat.h>

#include <sys/wait.h>
#include <signal.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "wall.h"

#define REAL_RSYNC	"/usr/bin/rsync"

Suite	*make_suite_rsync_real(void);

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

/* no-overwrite with the real rsync: new files arrive, old ones stay. */
START_TEST(test_real_no_overwrite)
{
	char src[PATH_MAX], dst[] = "x:dest/", srcslash[PATH_MAX + 2];
	struct h_res r;

	h_path(src, fx.top, "src");
	h_write(fx.policy, "rsync " REAL_RSYNC "\nlog %s\npermit push "
	    "no-overwrite root dir %s\n", fx.log, fx.d);
	h_file(&fx, "dest/existing", "old\n");
	ck_assert(mkdir(src, 0755) == 0);
	h_write(h_top(&fx, "src/existing"), "new content\n");
	h_write(h_top(&fx, "src/newfile"), "fresh\n");
	snprintf(srcslash, sizeof(srcslash), "%s/", src);
	h_rsync_client(&fx, "-a", NULL, srcslash, dst, &r);
	ck_assert_msg(r.status == 0, "rsync exit %d: %s", r.status, r.err);
	ck_assert_msg(h_file_is(h_in(&fx, "dest/existing"), "old\n"),
	    "an existing file was changed");
	ck_assert_msg(h_file_is(h_in(&fx, "dest/newfile"), "fresh\n"),
	    "the new file did not arrive");
	ck_assert(h_log_find(fx.log, 0, "event", "permit", "run",
	    "~--ignore-existing", NULL) == 0);
	ck_assert(h_log_find(fx.log, 1, "event", "exit", "status", "0",
	    NULL) == 1);
	h_res_free(&r);
}
END_TEST

static unsigned long long
exit_field(size_t idx, const char *key)
{
	unsigned long long v;
	char *s, *end;

	s = h_log_field(fx.log, idx, key);
	ck_assert_msg(s != NULL, "the exit line has no %s", key);
	v = strtoull(s, &end, 10);
	ck_assert_msg(*s != '\0' && *end == '\0', "%s=%s", key, s);
	free(s);
	return v;
}

/*
 * After a real push of 4 MiB, the exit line carries what the kernel
 * accounted for rsync: at least the file's size written to storage and
 * through write(2), read through read(2), and some CPU time and memory.
 */
START_TEST(test_real_exit_accounting)
{
	char src[PATH_MAX], srcslash[PATH_MAX + 2], *buf;
	const size_t size = 4 << 20;
	struct h_res r;
	FILE *fp;
	size_t i;

	h_path(src, fx.top, "src");
	h_write(fx.policy, "rsync " REAL_RSYNC "\nlog %s\npermit push root "
	    "dir %s\n", fx.log, fx.d);
	ck_assert(mkdir(src, 0755) == 0);
	ck_assert_ptr_nonnull(buf = malloc(size));
	/* not compressible: -z must not shrink what the server reads */
	for (i = 0; i < size; i++)
		buf[i] = (char)(i * 2654435761u >> 13);
	ck_assert_ptr_nonnull(fp = fopen(h_top(&fx, "src/big"), "w"));
	ck_assert_uint_eq(fwrite(buf, 1, size, fp), size);
	fclose(fp);
	free(buf);
	snprintf(srcslash, sizeof(srcslash), "%s/", src);
	h_rsync_client(&fx, "-a", NULL, srcslash, "x:dest/", &r);
	ck_assert_msg(r.status == 0, "rsync exit %d: %s", r.status, r.err);
	ck_assert(h_log_find(fx.log, 1, "event", "exit", "status", "0",
	    NULL) == 1);
	ck_assert_uint_ge(exit_field(1, "write_bytes"), size);
	ck_assert_uint_ge(exit_field(1, "wchar"), size);
	ck_assert_uint_ge(exit_field(1, "rchar"), size);
	(void)exit_field(1, "read_bytes");
	(void)exit_field(1, "cpu_ms");
	ck_assert_uint_gt(exit_field(1, "maxrss_kb"), 100);
	/* the same accounting is not made up: a second push of the same
	   file writes nothing */
	h_res_free(&r);
	h_rsync_client(&fx, "-a", NULL, srcslash, "x:dest/", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert(h_log_find(fx.log, 3, "event", "exit", "status", "0",
	    NULL) == 3);
	ck_assert_uint_lt(exit_field(3, "write_bytes"), size);
	h_res_free(&r);
}
END_TEST

/*
 * A symlink swapped in after the check cannot redirect rsync: the policy's
 * "rsync" is a wrapper that, once rshell has checked the request, has name
 * replaced with a link to a directory outside (the real one, d, moved to
 * d.old), then runs the real rsync.  rsync must still use what was
 * checked.  The swap is done by another process, outside the wall, as
 * another session of the same account could: the wrapper runs behind
 * rsync's wall, which may not let it write (a pull is read-only).
 */
static pid_t swapper = -1;

static void
swapper_run(const char *target, const char *outside, int exists)
{
	char old[PATH_MAX + 8];
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigwait(&set, &sig) != 0)
		_exit(98);
	snprintf(old, sizeof(old), "%s.old", target);
	if ((exists && rename(target, old) == -1) ||
	    symlink(outside, target) == -1)
		_exit(99);
	_exit(0);
}

static void
swap_setup(const char *name, int exists)
{
	char outside[PATH_MAX], wrapper[PATH_MAX], target[PATH_MAX];
	sigset_t set, prev;

	h_path(outside, fx.top, "outside");
	h_path(wrapper, fx.top, "bin/swap");
	h_path(target, fx.d, name);
	h_file(&fx, "d/inside", "inside\n");
	ck_assert(mkdir(outside, 0755) == 0);
	h_write(h_top(&fx, "outside/secret"), "secret\n");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, &prev);
	ck_assert_int_ne(swapper = fork(), -1);
	if (swapper == 0)
		swapper_run(target, outside, exists);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	h_script(wrapper, "# Has %s swapped for a link outside, after the "
	    "check.\nkill -USR1 %ld || exit 99\ni=0\n"
	    "while [ ! -L '%s' ]; do\n\ti=$((i + 1))\n"
	    "\t[ $i -gt 1000 ] && exit 99\n\tsleep 0.01\ndone\n"
	    "exec " REAL_RSYNC " \"$@\"\n", name, (long)swapper, target);
	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull root dir %s\n",
	    wrapper, fx.log, fx.d);
}

static void
expect_swapped(const char *name)
{
	struct stat st;
	int status;

	ck_assert_int_eq(waitpid(swapper, &status, 0), swapper);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "the swapper failed: %d", status);
	ck_assert_msg(lstat(h_in(&fx, name), &st) == 0 &&
	    S_ISLNK(st.st_mode), "the wrapper did not swap %s", name);
}

/* Pull x:d/ (with flags) into top/local/; status -1: any. */
static void
swap_pull(const char *flags, int status)
{
	char local[PATH_MAX], dst[PATH_MAX + 2];
	struct h_res r;

	snprintf(dst, sizeof(dst), "%s/", h_path(local, fx.top, "local"));
	h_rsync_client(&fx, flags, NULL, "x:d/", dst, &r);
	ck_assert_msg(status == -1 || r.status == status, "rsync exit %d: %s",
	    r.status, r.err);
	h_res_free(&r);
}

/* Push top/src/pushed into x:dest. */
static void
swap_push(const char *dest, int status)
{
	char src[PATH_MAX], srcslash[PATH_MAX + 2];
	struct h_res r;

	ck_assert(mkdir(h_path(src, fx.top, "src"), 0755) == 0);
	h_write(h_top(&fx, "src/pushed"), "pushed\n");
	snprintf(srcslash, sizeof(srcslash), "%s/", src);
	h_rsync_client(&fx, "-a", NULL, srcslash, dest, &r);
	ck_assert_msg(status == -1 || r.status == status, "rsync exit %d: %s",
	    r.status, r.err);
	h_res_free(&r);
}

START_TEST(test_swap_pull)
{
	swap_setup("d", 1);
	swap_pull("-a", 0);
	expect_swapped("d");
	ck_assert_msg(access(h_top(&fx, "local/secret"), F_OK) == -1,
	    "a file from outside DIRECTORY was sent");
	ck_assert_msg(access(h_top(&fx, "local/inside"), F_OK) == 0,
	    "the checked directory was not sent");
}
END_TEST

/*
 * The same with --relative, where the client's path is also the name the
 * files get on the client, so rshell passes it relative to DIRECTORY and
 * rsync walks it again.  The Landlock wall is what contains it: rsync is
 * refused the swapped-in directory (exit 23) and sends nothing from it.
 */
START_TEST(test_swap_pull_relative)
{
	swap_setup("d", 1);
	swap_pull("-aR", 23);
	expect_swapped("d");
	ck_assert_msg(access(h_top(&fx, "local/d/secret"), F_OK) == -1,
	    "a file from outside DIRECTORY was sent");
}
END_TEST

START_TEST(test_swap_push)
{
	swap_setup("d", 1);
	swap_push("x:d/", 0);
	expect_swapped("d");
	ck_assert_msg(access(h_top(&fx, "outside/pushed"), F_OK) == -1,
	    "a file was written outside DIRECTORY");
	ck_assert_msg(h_file_is(h_in(&fx, "d.old/pushed"), "pushed\n"),
	    "the file did not land in the checked directory");
}
END_TEST

/*
 * A destination that does not exist yet is pinned by its parent plus the
 * name rsync will create; a link put at that name is followed by rsync,
 * and the Landlock wall refuses the writes beyond it.
 */
START_TEST(test_swap_push_new)
{
	swap_setup("new", 0);
	swap_push("x:new/", -1);
	expect_swapped("new");
	ck_assert_msg(access(h_top(&fx, "outside/pushed"), F_OK) == -1,
	    "a file was written outside DIRECTORY");
}
END_TEST

Suite *
make_suite_rsync_real(void)
{
	Suite *s = suite_create("rsync_real");
	TCase *tc;
	int n = 0;

	if (access(REAL_RSYNC, X_OK) == -1) {
		h_skipped_for("rsync_real", 5, "no " REAL_RSYNC);
		return s;
	}
	tc = h_root_tcase_disk(s, "real", setup, teardown);
	h_add(tc, test_real_no_overwrite, &n);
	h_add(tc, test_real_exit_accounting, &n);
	h_add(tc, test_swap_pull, &n);
	h_add(tc, test_swap_push, &n);
	/* Only the kernel wall contains these two. */
	if (wall_abi() > 0) {
		h_add(tc, test_swap_pull_relative, &n);
		h_add(tc, test_swap_push_new, &n);
	} else
		h_skipped_for("rsync_real", 2, "this kernel has no Landlock");
	if (!h_root())
		h_skipped("rsync_real", n);
	return s;
}
