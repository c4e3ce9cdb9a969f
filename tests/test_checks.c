/*
 * The setups that work but are not safe: rshell -t reports them (exit 1,
 * or a counted warning for sshd's settings), and the safety ones are
 * refused at run time with nothing run and a deny line with the reason.
 * Also DIRECTORY reached through symlinks: an account's is refused, a
 * root-owned one is followed and rsync is told the resolved path.
 */
#include <sys/stat.h>

#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "harness.h"
#include "policy.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define SRV		"rsync --server -logDtprze.iLsfxCIvu "
#define PUSH		SRV ". new/"

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

/* rshell -t on fx.policy: its exit status; want appears in its output. */
static void
expect_check(int status, const char *want)
{
	char *argv[] = { "rshell", "-t", "-f", fx.policy, NULL };
	struct h_res r;

	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_msg(r.status == status, "-t exit %d, want %d: %s%s",
	    r.status, status, r.out, r.err);
	ck_assert_msg(strstr(r.err, want) != NULL || strstr(r.out, want) !=
	    NULL, "-t does not say \"%s\": %s%s", want, r.out, r.err);
	h_res_free(&r);
}

/* cmd (with env) is refused for why, nothing runs, the log says why. */
static void
expect_refused(const char *cmd, char *const env[], const char *why)
{
	struct h_res r;
	struct h_mark m;

	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, cmd, env);
	h_expect_denied(&fx, &r, &m, why, cmd);
	h_res_free(&r);
}

/* DIRECTORY holds the account's home: a push would own ~/.ssh. */
START_TEST(test_home_inside)
{
	h_policy(&fx, "permit push pull list root dir /\n");
	expect_refused(PUSH, NULL, "holds the home directory of root");
	expect_refused("ls", NULL, "holds the home directory of root");
	expect_check(1, "holds the home directory of root");
}
END_TEST

/* An rsync an account could change, or one a push could replace. */
enum { R_GROUPW, R_OWNER, R_PARENT, R_INSIDE, R_NOEXEC, R_MISSING };

static const struct {
	int		 how;
	const char	*why;
} rsyncrows[] = {
	{ R_GROUPW, "must be owned by root and not writable" },
	{ R_OWNER, "must be owned by root and not writable" },
	{ R_PARENT, "must be owned by root and not writable" },
	{ R_INSIDE, "lies inside directory" },
	{ R_NOEXEC, "is not an executable file" },
	{ R_MISSING, "No such file" },
};

START_TEST(test_rsync_trust)
{
	char rsync[PATH_MAX];

	strlcpy(rsync, fx.rsync, sizeof(rsync));
	switch (rsyncrows[_i].how) {
	case R_GROUPW:
		ck_assert(chmod(rsync, 0775) == 0);
		break;
	case R_OWNER:
		ck_assert(chown(rsync, 65534, 65534) == 0);
		break;
	case R_PARENT:
		ck_assert(chmod(h_top(&fx, "bin"), 0777) == 0);
		break;
	case R_INSIDE:
		h_path(rsync, fx.d, "rsync");
		h_standin(&fx, rsync, NULL);
		break;
	case R_NOEXEC:
		ck_assert(chmod(rsync, 0644) == 0);
		break;
	case R_MISSING:
		h_path(rsync, fx.top, "no-such-rsync");
		break;
	}
	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull list root "
	    "dir %s\n", rsync, fx.log, fx.d);
	/* A missing or unreadable rsync is refused by the plan already. */
	if (rsyncrows[_i].how != R_MISSING && rsyncrows[_i].how != R_NOEXEC)
		expect_refused(PUSH, NULL, rsyncrows[_i].why);
	expect_check(1, rsyncrows[_i].why);
}
END_TEST

/* A log inside DIRECTORY: a push would replace it with a forged one. */
START_TEST(test_log_inside)
{
	h_path(fx.log, fx.d, "log");
	h_policy(&fx, "permit push pull list root dir %s\n", fx.d);
	expect_refused(PUSH, NULL, "lies inside directory");
	expect_check(1, "lies inside directory");
}
END_TEST

/*
 * The nested-rule attack: the general rule lets the account plant
 * laptop -> ~ where the laptop key's DIRECTORY is; the laptop key would
 * then write into ~/.ssh.  The account's symlink is not followed.
 */
START_TEST(test_nested_symlink)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PUSH, NULL };

	h_policy(&fx, "permit push pull list root dir %s\n"
	    "permit push key laptop root dir %s/laptop\n", fx.d, fx.d);
	ck_assert(symlink("/root", h_in(&fx, "laptop")) == 0);
	ck_assert(lchown(h_in(&fx, "laptop"), 65534, 65534) == 0);
	expect_refused("key=laptop", env, "symlink not made by root");
	expect_check(1, "symlink not made by root");
}
END_TEST

/*
 * A root-owned /srv -> /data/srv is the administrator's: followed, and
 * --confine-root is the resolved path, so that --link-dest (a pinned
 * /proc/self/fd path, which resolves there) lies beneath it.
 */
START_TEST(test_root_symlink_link_dest)
{
	char real[PATH_MAX], want[PATH_MAX + 32];
	struct h_mark m;
	struct h_res r;
	struct h_rec rec;
	size_t i;
	int found = 0;

	ck_assert(mkdir(h_top(&fx, "data"), 0755) == 0);
	ck_assert(mkdir(h_top(&fx, "data/backup"), 0755) == 0);
	ck_assert(mkdir(h_top(&fx, "data/backup/prev"), 0755) == 0);
	ck_assert(symlink(h_top(&fx, "data"), h_top(&fx, "srv")) == 0);
	h_path(real, fx.top, "data/backup");
	h_standin(&fx, fx.rsync, "# Knows --confine-root=DIR and --drop-D.");
	h_policy(&fx, "permit push pull list root dir %s/srv/backup\n",
	    fx.top);
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, SRV "--link-dest=../prev . new/", NULL);
	h_expect_permitted(&fx, &r, &m, 1, "--link-dest through /srv");
	h_res_free(&r);
	h_rec_read(&fx, &rec);
	snprintf(want, sizeof(want), "--confine-root=%s", real);
	ck_assert_msg(h_rec_find(&rec, want) != -1, "no %s", want);
	for (i = 0; i + 1 < rec.argc; i++)
		if (strcmp(rec.arg[i], "--link-dest") == 0) {
			found = 1;
			ck_assert_msg(rec.res[i + 1] != NULL &&
			    strncmp(rec.res[i + 1], real, strlen(real)) == 0,
			    "--link-dest leads to %s, not under %s",
			    rec.res[i + 1] ? rec.res[i + 1] : "?", real);
		}
	ck_assert_msg(found, "no --link-dest");
	h_rec_free(&rec);
	expect_check(0, "ok, 1 rule");
}
END_TEST

/* Last match wins: an earlier rule that a later one covers is dead. */
START_TEST(test_shadowed)
{
	h_policy(&fx, "permit push key laptop root dir %s\n"
	    "permit pull root dir %s\n", fx.d, fx.d);
	expect_check(1, ":3: rule never applies: line 4");
	h_policy(&fx, "permit pull root dir %s\n"
	    "permit push key laptop root dir %s\n", fx.d, fx.d);
	expect_check(0, "ok, 2 rules");
}
END_TEST

START_TEST(test_too_many_logs)
{
	char text[8192];
	size_t o = 0;
	int i;

	for (i = 0; i < 9; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "log %s/log%d\n", fx.top, i);
	h_write(fx.policy, "rsync %s\n%spermit pull root dir %s\n", fx.rsync,
	    text, fx.d);
	expect_check(1, "9 log files, at most 8");
}
END_TEST

/* An account that cannot read the policy, or write the log, fails. */
START_TEST(test_account_access)
{
	h_policy(&fx, "permit pull nobody dir %s\n", fx.d);
	ck_assert(chmod(fx.policy, 0600) == 0);
	expect_check(1, "nobody cannot read the policy");
	expect_check(1, "nobody cannot append to log");
}
END_TEST

/* A listing of a missing file is an error with an exit line, not a deny. */
START_TEST(test_missing_listing)
{
	struct h_res r;

	h_policy(&fx, "permit list root dir %s\n", fx.d);
	h_rshell_c(&r, &fx, "ls nosuch", NULL);
	ck_assert_msg(r.status == 2, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "ls: cannot access 'nosuch': No such "
	    "file or directory") != NULL, "stderr: %s", r.err);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	ck_assert(h_log_find(fx.log, 0, "event", "permit", NULL) == 0);
	ck_assert(h_log_find(fx.log, 1, "event", "exit", "status", "2",
	    NULL) == 1);
	h_res_free(&r);
}
END_TEST

/* sshd's effective settings, as sshd -T prints them. */
static const struct {
	const char	*text;
	size_t		 warnings;
	const char	*why;
} sshdrows[] = {
	{ "subsystem sftp internal-sftp\ndisableforwarding yes\n", 1,
	    "internal-sftp" },
	{ "subsystem sftp /usr/lib/openssh/sftp-server\n"
	    "disableforwarding yes\n", 0, NULL },
	{ "permituserenvironment yes\ndisableforwarding yes\n", 1, NULL },
	{ "permituserenvironment no\ndisableforwarding yes\n", 0, NULL },
	{ "acceptenv LANG\nacceptenv SSH_*\ndisableforwarding yes\n", 2,
	    NULL },
	{ "acceptenv LANG LC_*\ndisableforwarding yes\n", 0, NULL },
	{ "allowtcpforwarding yes\ndisableforwarding no\n"
	    "x11forwarding no\n", 1, NULL },
	{ "allowtcpforwarding yes\ndisableforwarding yes\n", 0, NULL },
};

START_TEST(test_sshd_text)
{
	struct policy *p = policy_parse("policy", "", 0);
	struct audit c = { p, NULL, 0, 0 };

	audit_sshd_text(&c, "backup", sshdrows[_i].text);
	ck_assert_msg(c.warnings == sshdrows[_i].warnings, "row %d: %zu "
	    "warnings, want %zu", _i, c.warnings, sshdrows[_i].warnings);
	ck_assert_uint_eq(c.errors, 0);
	policy_free(p);
}
END_TEST

/* The real sshd, pointed at a test sshd_config (-s), when it can run. */
START_TEST(test_sshd_internal_sftp)
{
	char *argv[] = { "rshell", "-t", "-f", fx.policy, "-s", NULL, NULL };
	char cfg[PATH_MAX];
	struct h_res r;

	h_path(cfg, fx.top, "sshd_config");
	h_write(cfg, "HostKey /etc/ssh/ssh_host_ed25519_key\n"
	    "Subsystem sftp internal-sftp\nDisableForwarding yes\n");
	argv[5] = cfg;
	h_policy(&fx, "permit pull root dir %s\n", fx.d);
	h_run(&r, h_rshell(), argv, NULL);
	if (strstr(r.out, "sshd -T\" failed") != NULL ||
	    strstr(r.out, "sshd's settings are not checked") != NULL) {
		fprintf(stderr, "checks suite: sshd -T cannot run here: "
		    "skipped its test\n");
		h_res_free(&r);
		return;
	}
	ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
	ck_assert_msg(strstr(r.out, "warning: sshd for root: Subsystem sftp "
	    "internal-sftp") != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "ok, 1 rule, 1 warning\n") != NULL,
	    "stdout: %s", r.out);
	h_res_free(&r);
}
END_TEST

Suite *
make_suite_checks(void)
{
	Suite *s = suite_create("checks");
	TCase *tc = tcase_create("sshd");
	int n = 0;

	tcase_add_loop_test(tc, test_sshd_text, 0, NROWS(sshdrows));
	suite_add_tcase(s, tc);
	if ((tc = h_root_tcase(s, "setups", setup, teardown)) != NULL) {
		tcase_add_test(tc, test_home_inside);
		tcase_add_loop_test(tc, test_rsync_trust, 0, NROWS(rsyncrows));
		tcase_add_test(tc, test_log_inside);
		tcase_add_test(tc, test_nested_symlink);
		tcase_add_test(tc, test_root_symlink_link_dest);
		tcase_add_test(tc, test_shadowed);
		tcase_add_test(tc, test_too_many_logs);
		tcase_add_test(tc, test_account_access);
		tcase_add_test(tc, test_missing_listing);
		tcase_add_test(tc, test_sshd_internal_sftp);
	} else
		n = 16;
	if (n > 0)
		h_skipped("checks", n);
	return s;
}
