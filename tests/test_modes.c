/*
 * The rshell binary end to end: its modes (session, interactive, -t, -V),
 * refusals of whatever is not rsync, ls, du, df or true, word splitting,
 * forced commands and keys, the trust check of the policy, and the log
 * (one line per event, hostile bytes escaped, fail closed).
 *
 * The policy must be owned by root, so everything but -V and the plain
 * interactive refusal needs root; without it those tests are left out.
 */
#include <sys/stat.h>

#include <sys/wait.h>

#include <sys/resource.h>
#include <check.h>
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "list_fmt.h"
#include "log.h"


static struct h_fx fx;

static void
setup(void)
{
	h_setup(&fx);
	h_mkdir(&fx, "backup");
}

static void
teardown(void)
{
	h_teardown(&fx);
}

/* Between the tests that share a fixture: no policy, log or record. */
static void
reset(void)
{
	h_reset(&fx);
}

/* For test_log_fail_closed: logs that cannot be opened. */
static void
setup_badlogs(void)
{
	char target[PATH_MAX];

	setup();
	ck_assert(mkdir(h_top(&fx, "logdir"), 0755) == 0);
	ck_assert(symlink(h_path(target, fx.top, "real.log"),
	    h_top(&fx, "loglink")) == 0);
}

/* The usual rule: everything, for root, in fx.d. */
static void
policy_all(void)
{
	h_policy(&fx, "permit push pull list root dir %s\n", fx.d);
}

static void
expect_field(size_t idx, const char *key, const char *want)
{
	char *v = h_log_field(fx.log, idx, key);

	ck_assert_msg(v != NULL && strcmp(v, want) == 0,
	    "log line %zu: %s=%s, want %s", idx, key, v ? v : "(none)", want);
	free(v);
}

/* Interactive logins. */

static const char *const loginnames[] = { "rshell", "-rshell" };

/*
 * Without -f, as sshd runs a login shell: the compiled-in policy, which for
 * this rshell never exists, so the refusal goes to syslog and only what
 * the client sees can be checked here.
 */
START_TEST(test_interactive_plain)
{
	char *argv[] = { (char *)loginnames[_i], NULL };
	struct h_res r;

	h_run(&r, h_rshell_nopolicy(), argv, NULL);
	ck_assert_msg(r.status == 1, "exit %d", r.status);
	ck_assert_msg(strstr(r.err, "rshell: denied: interactive login is not "
	    "allowed") != NULL, "stderr: %s", r.err);
	ck_assert_str_eq(r.out, "");
	h_res_free(&r);
}
END_TEST

START_TEST(test_interactive_logged)
{
	char *argv[] = { (char *)loginnames[_i], "-f", fx.policy, NULL };
	struct h_mark m;
	struct h_res r;

	policy_all();
	h_mark(&fx, &m);
	h_run(&r, h_rshell(), argv, NULL);
	h_expect_denied(&fx, &r, &m, "interactive login is not allowed",
	    loginnames[_i]);
	h_res_free(&r);
}
END_TEST

/*
 * An account the name service does not know: a uid that neither
 * /etc/passwd nor (through getent, which rshell asks when the file has
 * no line for it) any other service has.  Refused, nothing ran, and the
 * deny line says why.  setpriv (util-linux) runs rshell as that uid.
 */
#define UNKNOWN_UID	"4242"

START_TEST(test_unknown_uid)
{
	char *argv[] = { "setpriv", "--reuid=" UNKNOWN_UID,
	    "--regid=" UNKNOWN_UID, "--clear-groups", (char *)h_rshell(), "-f",
	    fx.policy, "-c", H_PUSH_BACKUP, NULL };
	struct h_mark m;
	struct h_res r;
	int fd;

	if (getpwuid((uid_t)atoi(UNKNOWN_UID)) != NULL)
		return;		/* this machine has it */
	policy_all();
	/* the log is one the account may append to, as a backup account's */
	ck_assert((fd = open(fx.log, O_WRONLY | O_CREAT | O_APPEND, 0600)) !=
	    -1);
	ck_assert(fchmod(fd, 0666) == 0);
	close(fd);
	h_mark(&fx, &m);
	h_run(&r, "/usr/bin/setpriv", argv, NULL);
	h_expect_denied(&fx, &r, &m, "unknown user (uid not in the password "
	    "database)", "uid " UNKNOWN_UID);
	expect_field(m.log, "uid", UNKNOWN_UID);
	expect_field(m.log, "user", "-");
	h_res_free(&r);
}
END_TEST

/* -t and -V. */

START_TEST(test_check_errors)
{
	char *argv[] = { "rshell", "-t", "-f", fx.policy, NULL };
	char want[PATH_MAX * 2];
	struct h_res r;
	int line, n = 0;
	const char *p;

	h_write(fx.policy,
	    "log %s\n"				/* 1 */
	    "frobnicate yes\n"			/* 2: unknown keyword */
	    "permit list root dir %s\n"		/* 3 */
	    "permit push root dir relative/dir\n" /* 4: relative */
	    "# a comment\n"			/* 5 */
	    "permit push sideways root dir %s\n", /* 6: bad option */
	    fx.log, fx.d, fx.d);
	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_msg(r.status == 1, "exit %d", r.status);
	for (line = 1; line <= 6; line++) {
		snprintf(want, sizeof(want), "%s:%d: ", fx.policy, line);
		ck_assert_msg((strstr(r.err, want) != NULL) ==
		    (line % 2 == 0), "line %d: stderr: %s", line, r.err);
	}
	for (p = r.err; (p = strstr(p, fx.policy)) != NULL; p++)
		n++;
	ck_assert_msg(n == 3, "%d errors reported, want 3: %s", n, r.err);
	ck_assert_msg(h_log_count(fx.log) == 0, "-t wrote to the log");
	h_res_free(&r);
}
END_TEST

START_TEST(test_check_clean)
{
	char *argv[] = { "rshell", "-t", "-f", fx.policy, NULL };
	struct h_res r;

	/* -t checks that every account's DIRECTORY exists. */
	h_mkdir(&fx, "root");
	h_policy(&fx, "umask 077\n"
	    "permit push pull list root dir %s\n"
	    "permit push no-delete key laptop :root dir %s/%%u\n"
	    "deny nobody\n", fx.d, fx.d);
	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_msg(strstr(r.out, "ok, 3 rules") != NULL, "stdout: %s",
	    r.out);
	ck_assert_msg(strstr(r.out, "lacks --confine-root") != NULL,
	    "stdout does not say the stand-in lacks --confine-root: %s", r.out);
	ck_assert_str_eq(r.err, "");
	h_res_free(&r);

	/* -t says whether the configured rsync can confine itself. */
	h_standin(&fx, fx.rsync, "# Knows --confine-root=DIR and --drop-D.");
	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "supports --confine-root") != NULL,
	    "stdout: %s", r.out);
	h_res_free(&r);
}
END_TEST

START_TEST(test_version)
{
	char *argv[] = { "rshell", "-V", NULL };
	struct h_res r;

	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "rshell " RSHELL_VERSION "\n");
	h_res_free(&r);
}
END_TEST

/* -h, and the usage errors: each invocation has exactly one mode. */

START_TEST(test_help)
{
	char *argv[] = { "rshell", "-h", NULL };
	struct h_res r;

	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.err, "");
	/* Every mode and option is listed, -f among them. */
	ck_assert_msg(strstr(r.out, "usage: rshell [-f file] -c command\n") !=
	    NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "rshell -t [-f file] [-s sshd_config]\n")
	    != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "rshell -n [-f file] [-k key] [-u user] "
	    "-c command\n") != NULL, "stdout: %s", r.out);
	ck_assert_msg(strstr(r.out, "rshell -V\n") != NULL, "stdout: %s",
	    r.out);
	h_res_free(&r);
}
END_TEST

/*
 * Refused with the usage on stderr, before any policy is read: the
 * policy named by -f does not exist, so anything past the usage check
 * would say so.
 */
static const char *const usagerows[][6] = {
	{ "-t", "-V" },
	{ "-V", "-t" },
	{ "-n", "-t", "-c", "true" },
	{ "-t", "-n", "-c", "true" },
	{ "-V", "-n", "-c", "true" },
	{ "-h", "-V" },
	{ "-t", "-h" },
	{ "-V", "-c", "true" },
	{ "-V", "-f", "/nonexistent/rshell-test/policy" },
	{ "-t", "-c", "true" },
	{ "-n" },
	{ "-u", "root", "-c", "true" },
	{ "-s", "/dev/null", "-c", "true" },
	{ "-t", "extra" },
	{ "-x" },
};

START_TEST(test_usage_error)
{
	char *argv[8] = { "rshell" };
	struct h_res r;
	size_t i, n = 1;

	for (i = 0; i < 6 && usagerows[_i][i] != NULL; i++)
		argv[n++] = (char *)usagerows[_i][i];
	if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "-x") == 0) {
		argv[n++] = "-f";
		argv[n++] = "/nonexistent/rshell-test/policy";
	}
	argv[n] = NULL;
	h_run(&r, h_rshell_nopolicy(), argv, NULL);
	ck_assert_msg(r.status == 1, "%s %s: exit %d", argv[1], argv[2],
	    r.status);
	ck_assert_msg(strstr(r.err, "usage: rshell") != NULL,
	    "%s %s: stderr: %s", argv[1], argv[2], r.err);
	ck_assert_msg(strstr(r.err, "policy") == NULL, "%s %s: the policy "
	    "was read: %s", argv[1], argv[2], r.err);
	ck_assert_str_eq(r.out, "");
	h_res_free(&r);
}
END_TEST

/* The trust check of the policy file and the directories above it. */

enum { T_GROUPW, T_OWNER, T_PARENT, T_STICKY };

static const struct {
	const char	*what;
	int		 how;
	int		 trusted;
} trustrows[] = {
	{ "group-writable policy", T_GROUPW, 0 },
	{ "policy owned by uid 65534", T_OWNER, 0 },
	{ "world-writable parent without sticky bit", T_PARENT, 0 },
	{ "world-writable parent with sticky bit", T_STICKY, 1 },
};

#define UNTRUSTED	"owned by uid 0 and not writable by group or others"

START_TEST(test_trust)
{
	static const char *const cmds[] = { "true", H_PUSH_BACKUP };
	char sub[PATH_MAX], policy[PATH_MAX];
	char *argv[] = { "rshell", "-f", policy, "-c", NULL, NULL };
	char *targv[] = { "rshell", "-t", "-f", policy, NULL };
	struct h_mark m;
	struct h_res r;
	size_t i;

	ck_assert(mkdir(h_path(sub, fx.top, "sub"), 0755) == 0);
	h_path(policy, sub, "policy");
	h_write(policy, "rsync %s\nlog %s\npermit push pull list root dir "
	    "%s\n", fx.rsync, fx.log, fx.d);
	switch (trustrows[_i].how) {
	case T_GROUPW:
		ck_assert(chmod(policy, 0664) == 0);
		break;
	case T_OWNER:
		ck_assert(chown(policy, 65534, 65534) == 0);
		break;
	case T_PARENT:
		ck_assert(chmod(sub, 0777) == 0);
		break;
	case T_STICKY:
		ck_assert(chmod(sub, 01777) == 0);
		break;
	}
	for (i = 0; i < NROWS(cmds); i++) {
		argv[4] = (char *)cmds[i];
		h_mark(&fx, &m);
		h_run(&r, h_rshell(), argv, NULL);
		if (trustrows[_i].trusted)
			h_expect_permitted(&fx, &r, &m, i == 1, cmds[i]);
		else if (trustrows[_i].how == T_PARENT)
			/* The file was read, so the log line is known. */
			h_expect_denied(&fx, &r, &m, UNTRUSTED, cmds[i]);
		else {
			/* Not read at all: the refusal goes to syslog. */
			h_expect_denied_unlogged(&fx, &r, &m, UNTRUSTED,
			    trustrows[_i].what);
			ck_assert_msg(strstr(r.err, "rshell: denied: policy "
			    "error: ") != NULL, "%s: stderr: %s",
			    trustrows[_i].what, r.err);
		}
		h_res_free(&r);
	}
	h_run(&r, h_rshell(), targv, NULL);
	ck_assert_msg(r.status == (trustrows[_i].trusted ? 0 : 1),
	    "%s: rshell -t exit %d", trustrows[_i].what, r.status);
	h_res_free(&r);
}
END_TEST

/* A policy with an error is never applied, not even its good lines. */
START_TEST(test_malformed)
{
	char want[PATH_MAX * 2];

	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull list root "
	    "dir %s\nbogus line\n", fx.rsync, fx.log, fx.d);
	snprintf(want, sizeof(want), "policy error: %s:4: ", fx.policy);
	h_denied(&fx, "true", NULL, want);
	h_denied(&fx, H_PUSH_BACKUP, NULL, want);
}
END_TEST

/* What may run besides rsync. */

START_TEST(test_true)
{
	struct h_mark m;
	struct h_res r;

	h_policy(&fx, "permit list root dir %s\n", fx.d);
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, "true", NULL);
	h_expect_permitted(&fx, &r, &m, 0, "true");
	ck_assert_str_eq(r.out, "");
	expect_field(0, "cmd", "true");
	expect_field(0, "run", "builtin:true");
	expect_field(0, "key", "-");
	expect_field(0, "user", "root");
	expect_field(0, "uid", "0");
	h_res_free(&r);
}
END_TEST

START_TEST(test_true_nolist)
{
	h_policy(&fx, "permit push pull root dir %s\n", fx.d);
	h_denied(&fx, "true", NULL, "rule has no \"list\"");
}
END_TEST

static const struct {
	const char	*cmd;
	const char	*why;
} badcmds[] = {
	{ "id", "command not allowed: id" },
	{ "/bin/sh .ssh/rc", "command not allowed: /bin/sh" },
	{ "sh -c id", "command not allowed: sh" },
	{ "bash -i", "command not allowed: bash" },
	{ "scp -t backup/", "command not allowed: scp" },
	{ "/usr/bin/rsync2 --server " H_CLUSTER " . backup/",
	    "command not allowed: /usr/bin/rsync2" },
	{ "bin/rsync --server " H_CLUSTER " . backup/",
	    "command not allowed: bin/rsync" },
	{ "/usr/bin/rsync/ --server " H_CLUSTER " . backup/",
	    "command not allowed: /usr/bin/rsync/" },
	{ "/bin/ls backup/", "command not allowed: /bin/ls" },
	{ "./rsync --server " H_CLUSTER " . backup/", "command not allowed: "
	    "./rsync" },
	{ "FOO=1 rsync --server " H_CLUSTER " . backup/",
	    "command not allowed: FOO=1" },
	{ "'rsync --server' " H_CLUSTER " . backup/", "command not allowed: "
	    "rsync --server" },
	{ "true x", "true takes no arguments" },
	{ "", "empty command" },
	{ "   ", "empty command" },
};

START_TEST(test_bad_command)
{
	policy_all();
	h_denied(&fx, badcmds[_i].cmd, NULL, badcmds[_i].why);
}
END_TEST

/* The -c string is split without a shell: anything a shell would do is
   refused, and an rsync request that carries it never reaches rsync. */
static const struct {
	const char	*cmd;
	const char	*why;
} splitrows[] = {
	{ "true; id", "unquoted ';'" },
	{ "true | id", "unquoted '|'" },
	{ "true && id", "unquoted '&'" },
	{ "true & id", "unquoted '&'" },
	{ "$(id)", "unquoted '$'" },
	{ "`id`", "unquoted '`'" },
	{ "true\nid", "control byte 0x0a" },
	{ "true > x", "unquoted '>'" },
	{ "true < /etc/passwd", "unquoted '<'" },
	{ "(true)", "unquoted '('" },
	{ "ls ~root/x", "starting with '~'" },
	{ "true 'x", "unterminated single quote" },
	{ "true \"x", "unterminated double quote" },
	{ "true \\", "trailing backslash" },
	{ "true\a", "control byte 0x07" },
	{ "true\r", "control byte 0x0d" },
	{ "true # comment", "starting with '#'" },
	{ H_PUSH_BACKUP "; id", "unquoted ';'" },
	{ H_PUSH_BACKUP " | id", "unquoted '|'" },
	{ H_PUSH_BACKUP " && id", "unquoted '&'" },
	{ H_PUSH_BACKUP "$(id)", "unquoted '$'" },
	{ H_PUSH_BACKUP "`id`", "unquoted '`'" },
	{ H_PUSH_BACKUP "\nid", "control byte 0x0a" },
	{ H_PUSH_BACKUP " > x", "unquoted '>'" },
	{ H_PUSH_BACKUP "\"$HOME\"", "'$' inside double quotes" },
	{ "rsync --server " H_CLUSTER " . ~root/x", "starting with '~'" },
	{ H_PUSH_BACKUP "'", "unterminated single quote" },
	{ "rsync --server " H_CLUSTER " . back\x1bup/", "control byte 0x1b" },
	{ "rsync --server " H_CLUSTER " . 'back\tup/'", "control byte 0x09" },
	{ "rsync --server " H_CLUSTER " . back\x7fup/", "control byte 0x7f" },
};

START_TEST(test_split)
{
	policy_all();
	h_denied(&fx, splitrows[_i].cmd, NULL, splitrows[_i].why);
	ck_assert(access(h_in(&fx, "x"), F_OK) == -1);
}
END_TEST

/*
 * Hostile bytes reach the log escaped: the event is one line, the bytes
 * appear as escapes, and reading the line back gives the request exactly.
 */
static const struct {
	const char	*cmd;
	const char	*escaped;	/* in the raw line */
	size_t		 lines;	/* 1: refused, 2: permit, exit */
} hostile[] = {
	{ "id\nid", "\"id\\x0Aid\"", 1 },
	{ "id\r\nevent=permit", "\"id\\x0D\\x0Aevent=permit\"", 1 },
	{ "id \x1b[2J", "\"id \\x1B[2J\"", 1 },
	{ "id \"quoted\"", "\"id \\\"quoted\\\"\"", 1 },
	{ "FOO=1 id", "\"FOO=1 id\"", 1 },
	{ "id \xff", "\"id \\xFF\"", 1 },
	{ "id \\", "\"id \\\\\"", 1 },
	{ "id \x7f", "\"id \\x7F\"", 1 },
	{ "id \xc2\x9b" "31m", "\"id \\xC2\\x9B31m\"", 1 },
	{ H_PULL_BACKUP "'a\"b=c'", "\\\"b=c", 2 },
	{ H_PULL_BACKUP "x\xff\xfe", "x\\xFF\\xFE", 2 },
};

START_TEST(test_hostile_log)
{
	const char *cmd = hostile[_i].cmd;
	struct logfmt_rec lr;
	struct h_res r;
	char *text, *line, *end, *p;
	const char *v, *why = NULL;
	size_t before = h_log_count(fx.log), i, off = 0;

	policy_all();
	h_rshell_c(&r, &fx, cmd, NULL);
	ck_assert_msg(r.status == (hostile[_i].lines == 1 ? 1 : 0),
	    "row %d: exit %d: %s", _i, r.status, r.err);
	ck_assert_msg(h_log_count(fx.log) == before + hostile[_i].lines,
	    "row %d: %zu new lines, want %zu", _i, h_log_count(fx.log) -
	    before, hostile[_i].lines);
	text = h_slurp(fx.log);
	ck_assert(text != NULL);
	for (line = text, i = 0; i < before; i++)
		line = strchr(line, '\n') + 1;
	end = strchr(line, '\n');
	for (p = line; p < end; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 && *p != 0x7f,
		    "row %d: raw byte 0x%02x in the log", _i,
		    (unsigned char)*p);
	*end = '\0';
	ck_assert_msg(strstr(line, hostile[_i].escaped) != NULL,
	    "row %d: %s not in %s", _i, hostile[_i].escaped, line);
	ck_assert_msg(logfmt_parse(line, strlen(line), &lr, &why, &off) == 0,
	    "row %d: not strict logfmt at byte %zu (%s): %s", _i, off, why,
	    line);
	v = logfmt_get(&lr, "cmd");
	ck_assert_msg(v != NULL && strcmp(v, cmd) == 0,
	    "row %d: cmd read back differs", _i);
	logfmt_free(&lr);
	free(text);
	h_res_free(&r);
}
END_TEST

/* Forced commands and keys. */

START_TEST(test_key_rule)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" H_PUSH_BACKUP, NULL };
	char d2[PATH_MAX];
	char *argv[] = { "rshell", "-f", fx.policy, "-c", "key=laptop", NULL };
	struct h_mark m;
	struct h_rec rec;
	struct h_res r;

	h_path(d2, fx.d, "backup");
	h_policy(&fx, "permit push pull list root dir %s\n"
	    "permit push key laptop root dir %s\n", fx.d, d2);
	h_mark(&fx, &m);
	h_run(&r, h_rshell(), argv, env);
	h_expect_permitted(&fx, &r, &m, 1, "key=laptop");
	h_rec_read(&fx, &rec);
	ck_assert_str_eq(rec.cwd, d2);
	h_rec_free(&rec);
	expect_field(0, "key", "laptop");
	expect_field(0, "cmd", H_PUSH_BACKUP);
	ck_assert_msg(h_log_field(fx.log, 0, "forced") == NULL, "forced= on key=");
	expect_field(1, "key", "laptop");
	h_res_free(&r);

	/* The same request without the key: the key rule does not apply. */
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, H_PUSH_BACKUP, NULL);
	h_expect_permitted(&fx, &r, &m, 1, "no key");
	h_rec_read(&fx, &rec);
	ck_assert_str_eq(rec.cwd, fx.d);
	h_rec_free(&rec);
	expect_field(2, "key", "-");
	h_res_free(&r);
}
END_TEST

/* A key rule that does not permit what the key asks for. */
START_TEST(test_key_rule_limits)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" H_PULL_BACKUP, NULL };
	char *argv[] = { "rshell", "-f", fx.policy, "-c", "key=laptop", NULL };
	struct h_mark m;
	struct h_res r;

	h_policy(&fx, "permit push pull list root dir %s\n"
	    "permit push key laptop root dir %s\n", fx.d, fx.d);
	h_mark(&fx, &m);
	h_run(&r, h_rshell(), argv, env);
	h_expect_denied(&fx, &r, &m, "pull not permitted", "key=laptop pull");
	expect_field(0, "key", "laptop");
	expect_field(0, "cmd", H_PULL_BACKUP);
	h_res_free(&r);
}
END_TEST

START_TEST(test_key_without_original)
{
	policy_all();
	h_denied(&fx, "key=laptop", NULL, "no command given");
	/* Not established: a client can type "key=laptop" itself. */
	expect_field(0, "key", "-");
	expect_field(0, "cmd", "key=laptop");
}
END_TEST

static const char *const badkeys[] = { "key=../x", "key=", "key=a b",
    "key=a/b", "key=$(id)" };

START_TEST(test_key_invalid)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" H_PUSH_BACKUP, NULL };

	policy_all();
	h_denied(&fx, badkeys[_i], env, "invalid key name");
}
END_TEST

/* A pinned forced command is what runs, whatever the client asked. */
START_TEST(test_pinned)
{
	static const char pinned[] = "rsync --server " H_CLUSTER
	    " . /home/backup/";
	static const char orig[] = "rsync --server --sender -vlogDtprze."
	    "iLsfxCIvu . /etc/";
	char *env[] = { "SSH_ORIGINAL_COMMAND=rsync --server --sender "
	    "-vlogDtprze.iLsfxCIvu . /etc/", NULL };
	char want[PATH_MAX * 2];
	struct h_mark m;
	struct h_rec rec;
	struct h_res r;

	policy_all();
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, pinned, env);
	h_expect_permitted(&fx, &r, &m, 1, pinned);
	h_rec_read(&fx, &rec);
	ck_assert_msg(h_rec_find(&rec, "--sender") == -1, "ran as a sender");
	ck_assert_msg(h_rec_find(&rec, "-vlogDtprze.iLsfxCIvu") == -1,
	    "the client's options were used");
	snprintf(want, sizeof(want), "%s/home/backup", fx.d);
	ck_assert_msg(rec.argc > 0 && rec.res[rec.argc - 1] != NULL &&
	    strcmp(rec.res[rec.argc - 1], want) == 0, "destination %s, want "
	    "%s", rec.argc ? rec.res[rec.argc - 1] : "-", want);
	h_rec_free(&rec);
	expect_field(0, "cmd", orig);
	expect_field(0, "forced", pinned);
	h_res_free(&r);
}
END_TEST

/* A forced command equal to the request is not logged twice. */
START_TEST(test_pinned_same)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" H_PUSH_BACKUP, NULL };
	struct h_mark m;
	struct h_res r;

	policy_all();
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, H_PUSH_BACKUP, env);
	h_expect_permitted(&fx, &r, &m, 1, H_PUSH_BACKUP);
	ck_assert_msg(h_log_field(fx.log, 0, "forced") == NULL, "forced= logged");
	h_res_free(&r);
}
END_TEST

/* The pinned command is still checked. */
START_TEST(test_pinned_checked)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" H_PUSH_BACKUP, NULL };

	policy_all();
	h_denied(&fx, "rsync --server --rsh=ssh . backup/", env, "--rsh");
	expect_field(0, "cmd", H_PUSH_BACKUP);
	expect_field(0, "forced", "rsync --server --rsh=ssh . backup/");
}
END_TEST

/* The log: fail closed, and where the client came from. */

static const struct {
	const char	*log;	/* under top, or absolute */
	const char	*why;
} badlogs[] = {
	{ "nodir/log", "No such file or directory" },
	{ "logdir", "Is a directory" },
	{ "loglink", "is a symbolic link" },
	{ "/dev/null", "not a regular file" },
};

START_TEST(test_log_fail_closed)
{
	static const char *const cmds[] = { "true", H_PUSH_BACKUP, "id" };
	char log[PATH_MAX], target[PATH_MAX];
	struct h_mark m;
	struct h_res r;
	size_t i;

	if (badlogs[_i].log[0] == '/')
		strlcpy(log, badlogs[_i].log, sizeof(log));
	else
		h_path(log, fx.top, badlogs[_i].log);
	h_path(target, fx.top, "real.log");	/* loglink leads there */
	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull list root "
	    "dir %s\n", fx.rsync, log, fx.d);
	for (i = 0; i < NROWS(cmds); i++) {
		h_mark(&fx, &m);
		h_rshell_c(&r, &fx, cmds[i], NULL);
		h_expect_denied_unlogged(&fx, &r, &m, badlogs[_i].why, cmds[i]);
		ck_assert_msg(strstr(r.err, "rshell: denied: cannot open the "
		    "log") != NULL, "%s: stderr: %s", cmds[i], r.err);
		ck_assert_msg(access(target, F_OK) == -1,
		    "%s: the log followed a symlink", cmds[i]);
		h_res_free(&r);
	}
}
END_TEST

static const struct {
	const char	*conn;
	const char	*from;
} fromrows[] = {
	{ "SSH_CONNECTION=1.2.3.4 5555 10.0.0.1 22", "1.2.3.4:5555" },
	{ "SSH_CONNECTION=2001:db8::1 40000 2001:db8::2 22",
	    "[2001:db8::1]:40000" },
	{ "SSH_CONNECTION=garbage", "-" },
	/* Overlong tokens are refused, not cut into plausible ones. */
	{ "SSH_CONNECTION=1.2.3.4 222222222 5.6.7.8 22", "-" },
	{ "SSH_CONNECTION=1111111111111111111111111111111111111111111111111111"
	    "1111111111111111.2.3.4 5 6 7", "-" },
	{ "SSH_CONNECTION=1.2.3.4\" 5 6 7", "-" },
	/* sshd's own form only: one blank between the first two tokens */
	{ "SSH_CONNECTION= 1.2.3.4 5 6 7", "-" },
	{ "SSH_CONNECTION=1.2.3.4  5 6 7", "-" },
	{ "SSH_CONNECTION=1.2.3.4\t5 6 7", "-" },
	{ "SSH_CONNECTION=1.2.3.4", "-" },
	{ "SSH_CONNECTION=1.2.3.4 ", "-" },
	{ "SSH_CONNECTION=1.2.3.4 5", "1.2.3.4:5" },
	{ NULL, "-" },
};

START_TEST(test_from)
{
	char *env[] = { (char *)fromrows[_i].conn, NULL };
	struct h_mark m;
	struct h_res r;

	policy_all();
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, "true", env);
	h_expect_permitted(&fx, &r, &m, 0, "true");
	expect_field(0, "from", fromrows[_i].from);
	expect_field(1, "from", fromrows[_i].from);
	h_res_free(&r);
	h_denied(&fx, "id", env, "command not allowed");
	expect_field(2, "from", fromrows[_i].from);
}
END_TEST

/*
 * Generated SSH_CONNECTION values against an oracle written apart from
 * rshell's parser: the address is what stands before the first blank,
 * the port what follows up to the next blank or the end; both non-empty
 * and short enough, the address of hex digits, dots and colons, the port
 * of digits.  Anything else is "-".  Seeded by the row: runs repeat.
 */
#define FROM_GEN	120

static void
from_oracle(const char *conn, char *out, size_t len)
{
	const char *sp = strchr(conn, ' '), *end;
	size_t a, b, i;

	snprintf(out, len, "-");
	if (sp == NULL)
		return;
	a = (size_t)(sp - conn);
	end = strchr(sp + 1, ' ');
	b = end != NULL ? (size_t)(end - sp - 1) : strlen(sp + 1);
	if (a == 0 || a > 63 || b == 0 || b > 7)
		return;
	for (i = 0; i < a; i++)
		if (!isxdigit((unsigned char)conn[i]) && conn[i] != '.' &&
		    conn[i] != ':')
			return;
	for (i = 0; i < b; i++)
		if (!isdigit((unsigned char)sp[1 + i]))
			return;
	snprintf(out, len, memchr(conn, ':', a) ? "[%.*s]:%.*s" :
	    "%.*s:%.*s", (int)a, conn, (int)b, sp + 1);
}

START_TEST(test_from_generated)
{
	static const char *const bits[] = { "1", "92", "0.", "192.0.2.7",
	    "2001:db8::", "ff", "g", "-", " ", " ", "\t", "\"", "x",
	    "65535", "123456789", "::1", "%", "1111111111111111" };
	uint64_t g = 0x66726f6d00000000ULL + (uint64_t)_i * 0x9e3779b97f4a7c15ULL;
	char conn[256] = "SSH_CONNECTION=", want[128];
	char *env[] = { conn, NULL };
	size_t o = strlen(conn), k, n;
	struct h_mark m;
	struct h_res r;

	g ^= g >> 29;
	n = 1 + (size_t)(g % 9);
	for (k = 0; k < n; k++) {
		g = g * 6364136223846793005ULL + 1442695040888963407ULL;
		o += (size_t)snprintf(conn + o, sizeof(conn) - o, "%s",
		    bits[(g >> 33) % NROWS(bits)]);
	}
	from_oracle(conn + strlen("SSH_CONNECTION="), want, sizeof(want));
	policy_all();
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, "true", env);
	h_expect_permitted(&fx, &r, &m, 0, "true");
	ck_assert_msg(h_log_count(fx.log) >= 1, "no log line");
	{
		char *v = h_log_field(fx.log, h_log_count(fx.log) - 1, "from");

		ck_assert_msg(v != NULL && strcmp(v, want) == 0,
		    "SSH_CONNECTION \"%s\": from=%s, want %s", conn + 15,
		    v ? v : "(none)", want);
		free(v);
	}
	h_res_free(&r);
}
END_TEST

/* Every request is one log line before anything runs, also when denied. */
/*
 * An rsync that cannot be executed: the request was permitted, so the
 * permit line stays, followed by an error line with the reason; the
 * client sees the reason and exit status 1.
 */
START_TEST(test_exec_fails)
{
	struct h_res r;
	char *v;

	/*
	 * Trusted and executable, so the decision permits it, but its
	 * interpreter is missing: execve fails.  (A non-executable rsync is
	 * refused by the decision: test_checks.c.)
	 */
	h_write(h_top(&fx, "not-exec-rsync"), "#!/nonexistent/sh\n");
	ck_assert(chmod(h_top(&fx, "not-exec-rsync"), 0755) == 0);
	h_write(fx.policy, "rsync %s/not-exec-rsync\nlog %s\n"
	    "permit push pull list root dir %s\n", fx.top, fx.log, fx.d);
	h_rshell_c(&r, &fx, H_PUSH_BACKUP, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "cannot run") != NULL &&
	    strstr(r.err, "not-exec-rsync") != NULL, "stderr: %s", r.err);
	h_res_free(&r);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(0, "event", "permit");
	expect_field(1, "event", "error");
	v = h_log_field(fx.log, 1, "reason");
	ck_assert_msg(v != NULL && strstr(v, "No such file") != NULL,
	    "reason: %s", v ? v : "(none)");
	free(v);
}
END_TEST

/*
 * An rsync that cannot be read cannot be asked whether it has
 * --confine-root: every rsync request is refused, rather than guessed.
 */
START_TEST(test_rsync_unreadable)
{
	struct h_res r;

	struct h_mark m;

	h_write(fx.policy, "rsync %s/no-such-rsync\nlog %s\n"
	    "permit push pull list root dir %s\n", fx.top, fx.log, fx.d);
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, H_PUSH_LAPTOP, NULL);
	h_expect_denied(&fx, &r, &m, "cannot read", H_PUSH_LAPTOP);
	h_res_free(&r);
}
END_TEST

/*
 * rshell stays the parent only to log the exit: a SIGTERM (or SIGHUP,
 * from sshd when the connection goes) is passed on to rsync, and the exit
 * line names the signal.
 */
static const int fwdsigs[] = { SIGTERM, SIGHUP, SIGINT };

START_TEST(test_signal_forwarded)
{
	char *argv[] = { "rshell", "-f", fx.policy, "-c", H_PUSH_BACKUP, NULL };
	char sig[16], *v;
	pid_t pid;
	int st, i;

	/* "started", in DIRECTORY: rshell has forked and waits for it. */
	h_script(fx.rsync, ": > started\nexec sleep 30\n");
	policy_all();
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		h_child_signals();
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(h_rshell(), argv);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	for (i = 0; i < 1000 && access(h_in(&fx, "started"), F_OK) == -1; i++)
		usleep(5000);
	ck_assert_msg(i < 1000, "the stand-in did not start");
	kill(pid, fwdsigs[_i]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + fwdsigs[_i],
	    "rshell status %d", st);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(1, "event", "exit");
	snprintf(sig, sizeof(sig), "%s", sigabbrev_np(fwdsigs[_i]));
	expect_field(1, "signal", sig);
	v = h_log_field(fx.log, 1, "status");
	ck_assert_msg(v == NULL, "status=%s beside signal", v);
}
END_TEST

/*
 * sshd delivers a client's "signal" request to the session's process
 * group: rshell and rsync both.  rshell must not die before its exit line.
 */
static const int groupsigs[] = { SIGUSR1, SIGUSR2, SIGQUIT, SIGTERM,
    SIGHUP, SIGALRM };

static pid_t
start_in_group(char *const argv[])
{
	pid_t pid;

	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(h_rshell(), argv);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	setpgid(pid, pid);
	return pid;
}

START_TEST(test_signal_group)
{
	char *argv[] = { "rshell", "-f", fx.policy, "-c", H_PUSH_LAPTOP, NULL };
	char sig[16];
	pid_t pid;
	int st, i;

	h_script(fx.rsync, "exec sleep 30\n");
	policy_all();
	pid = start_in_group(argv);
	/* from the permit on, whenever it comes, the signal goes to rsync */
	for (i = 0; i < 500 && h_log_count(fx.log) < 1; i++)
		usleep(2000);
	ck_assert_int_eq(kill(-pid, groupsigs[_i]), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "rshell was killed by %d before its exit "
	    "line", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(1, "event", "exit");
	snprintf(sig, sizeof(sig), "%s", sigabbrev_np(groupsigs[_i]));
	expect_field(1, "signal", sig);
}
END_TEST

/* rsync ends with rshell, even when rshell is killed outright. */
START_TEST(test_parent_death)
{
	char *argv[] = { "rshell", "-f", fx.policy, "-c", H_PUSH_LAPTOP, NULL };
	char *text, stat[64], *state;
	pid_t pid;
	long child;
	int st, i;

	h_script(fx.rsync, "echo $$ > '%s'\nexec sleep 30\n",
	    h_in(&fx, "rsync.pid"));
	policy_all();
	pid = start_in_group(argv);
	for (i = 0; i < 200 && (text = h_slurp(h_in(&fx, "rsync.pid"))) ==
	    NULL; i++)
		usleep(20000);
	ck_assert_ptr_nonnull(text);
	child = strtol(text, NULL, 10);
	free(text);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	/* gone, or a zombie waiting for init: not running */
	snprintf(stat, sizeof(stat), "/proc/%ld/stat", child);
	for (i = 0; i < 100; i++) {
		if ((text = h_slurp(stat)) == NULL)
			break;
		state = strrchr(text, ')');
		if (state != NULL && (state[2] == 'Z' || state[2] == 'X')) {
			free(text);
			break;
		}
		free(text);
		usleep(20000);
	}
	ck_assert_msg(i < 100, "rsync still runs after rshell was killed");
}
END_TEST

/*
 * A listing ended by a signal still logs its exit: its output fills a pipe
 * nobody reads, so it is still running when the signal comes.  The pipe is
 * cut to one page, and the names are long, so a few hundred files fill it
 * and rshell's own output buffer; the tree is made once for every row.
 */
static const int listsigs[] = { SIGTERM, SIGHUP, SIGINT };

#define LISTSIG_FILES	400	/* 400 * ~240 bytes: 3 times the buffers */

static void
setup_listsig(void)
{
	char name[NAME_MAX + 1];
	int i;

	setup();
	for (i = 0; i < LISTSIG_FILES; i++) {
		snprintf(name, sizeof(name), "%04d-%0235d", i, 0);
		h_file(&fx, name, "");
	}
}

START_TEST(test_listing_signal)
{
	char *argv[] = { "rshell", "-f", fx.policy, "-c", "ls -1", NULL };
	char sig[16];
	int p[2], i, st;
	pid_t pid;

	ck_assert_int_gt(LISTSIG_FILES * 240, 2 * (LIST_OUTBUF + 4096));
	policy_all();
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_ge(fcntl(p[1], F_SETPIPE_SZ, 4096), 4096);
	ck_assert_int_le(fcntl(p[1], F_GETPIPE_SZ), 4096);
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(p[1], 1);
		dup2(null, 2);
		close(p[0]);
		execv(h_rshell(), argv);
		_exit(127);
	}
	close(p[1]);
	for (i = 0; i < 100 && h_log_count(fx.log) < 1; i++)
		usleep(20000);
	usleep(100000);
	ck_assert_int_eq(kill(pid, listsigs[_i]), 0);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	close(p[0]);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + listsigs[_i],
	    "rshell status %d", st);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(1, "event", "exit");
	snprintf(sig, sizeof(sig), "%s", sigabbrev_np(listsigs[_i]));
	expect_field(1, "signal", sig);
}
END_TEST

/* rshell -c cmd under a file-size limit; its exit status, or 128 + sig. */
static int
run_limited(const char *cmd, rlim_t limit)
{
	char *argv[] = { "rshell", "-f", fx.policy, "-c", (char *)cmd, NULL };
	struct rlimit rl = { limit, limit };
	pid_t pid;
	int st;

	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		signal(SIGXFSZ, SIG_DFL);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(126);
		execv(h_rshell(), argv);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/*
 * With several logs it is all or refused: when the second cannot take the
 * permit line (a file-size limit, and no SIGXFSZ death), the request is
 * refused and the first, which took it, gets the refusal after it.
 */
START_TEST(test_logs_all_or_refused)
{
	char *text;
	size_t i;

	h_write(fx.policy, "rsync %s\nlog %s\nlog %s\npermit list root dir "
	    "%s\n", fx.rsync, fx.log, h_top(&fx, "log2"), fx.d);
	ck_assert_ptr_nonnull(text = malloc(8192));
	for (i = 0; i < 8191; i++)
		text[i] = i % 64 == 63 ? '\n' : 'x';
	text[8191] = '\0';
	h_write(h_top(&fx, "log2"), "%s\n", text);
	free(text);
	ck_assert_int_eq(run_limited("true", 4096), 1);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(0, "event", "permit");
	expect_field(1, "event", "deny");
	ck_assert(h_log_find(fx.log, 1, "event", "deny", "reason",
	    "~cannot write the log", NULL) == 1);
}
END_TEST

/* Syslog as the only destination, and nothing listening: refused. */
START_TEST(test_syslog_unreachable)
{
	struct h_res r;

	if (log_syslog_reachable())
		return;		/* a syslog daemon runs here */
	h_write(fx.policy, "rsync %s\nlog syslog\npermit list root dir %s\n",
	    fx.rsync, fx.d);
	h_rshell_c(&r, &fx, "true", NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "nothing listens on /dev/log") != NULL,
	    "stderr: %s", r.err);
	h_res_free(&r);
}
END_TEST

/* A policy cut off mid-write refuses, with the reason. */
START_TEST(test_policy_truncated)
{
	char *argv[] = { "rshell", "-t", "-f", fx.policy, NULL };
	struct h_mark m;
	struct h_res r;

	h_write(fx.policy, "rsync %s\nlog %s\npermit list root dir %s\n"
	    "deny ro", fx.rsync, fx.log, fx.d);
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, "true", NULL);
	h_expect_denied(&fx, &r, &m, "the last line has no newline", "true");
	h_res_free(&r);
	/* and rshell -t says so */
	h_run(&r, h_rshell(), argv, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert(strstr(r.err, "the last line has no newline") != NULL);
	h_res_free(&r);
}
END_TEST

START_TEST(test_log_appends)
{
	struct h_res r;
	int i;

	policy_all();
	for (i = 0; i < 3; i++) {
		h_rshell_c(&r, &fx, i % 2 ? "id" : "true", NULL);
		h_res_free(&r);
	}
	ck_assert_int_eq(h_log_count(fx.log), 5);
	ck_assert_int_eq(h_log_find(fx.log, 0, "event", "deny", "cmd", "id",
	    NULL), 2);
	ck_assert_int_eq(h_log_find(fx.log, 3, "event", "permit", NULL), 3);
}
END_TEST

Suite *
make_suite_modes(void)
{
	Suite *s = suite_create("modes");
	TCase *tc;
	int n = 0;

	tc = tcase_create("anyone");
	tcase_add_loop_test(tc, test_interactive_plain, 0,
	    (int)NROWS(loginnames));
	tcase_add_test(tc, test_version);
	tcase_add_test(tc, test_help);
	tcase_add_loop_test(tc, test_usage_error, 0, (int)NROWS(usagerows));
	suite_add_tcase(s, tc);

	/* Cases whose tests change only the policy, the log and the record
	   share one fixture; the others get their own for each test. */
	tc = h_root_tcase_shared(s, "interactive", setup, reset, teardown);
	h_add_rows(tc, test_interactive_logged, NROWS(loginnames), &n);
	h_add(tc, test_unknown_uid, &n);

	tc = h_root_tcase(s, "check", setup, teardown);
	h_add(tc, test_check_errors, &n);
	h_add(tc, test_check_clean, &n);

	tc = h_root_tcase(s, "trust", setup, teardown);
	h_add_rows(tc, test_trust, NROWS(trustrows), &n);
	h_add(tc, test_malformed, &n);

	tc = h_root_tcase_shared(s, "commands", setup, reset, teardown);
	h_add(tc, test_true, &n);
	h_add(tc, test_true_nolist, &n);
	h_add_rows(tc, test_bad_command, NROWS(badcmds), &n);
	h_add_rows(tc, test_split, NROWS(splitrows), &n);

	tc = h_root_tcase_shared(s, "forced", setup, reset, teardown);
	h_add(tc, test_key_rule, &n);
	h_add(tc, test_key_rule_limits, &n);
	h_add(tc, test_key_without_original, &n);
	h_add_rows(tc, test_key_invalid, NROWS(badkeys), &n);
	h_add(tc, test_pinned, &n);
	h_add(tc, test_pinned_same, &n);
	h_add(tc, test_pinned_checked, &n);

	tc = h_root_tcase_shared(s, "log", setup_badlogs, reset, teardown);
	h_add_rows(tc, test_hostile_log, NROWS(hostile), &n);
	h_add_rows(tc, test_log_fail_closed, NROWS(badlogs), &n);
	h_add_rows(tc, test_from, NROWS(fromrows), &n);
	h_add_rows(tc, test_from_generated, FROM_GEN, &n);
	h_add(tc, test_log_appends, &n);
	h_add(tc, test_exec_fails, &n);

	tc = h_root_tcase(s, "signals", setup, teardown);
	h_add_rows(tc, test_signal_forwarded, NROWS(fwdsigs), &n);
	h_add_rows(tc, test_signal_group, NROWS(groupsigs), &n);
	h_add(tc, test_parent_death, &n);
	tc = h_root_tcase_shared(s, "listsignal", setup_listsig, reset,
	    teardown);
	h_add_rows(tc, test_listing_signal, NROWS(listsigs), &n);

	tc = h_root_tcase(s, "failclosed", setup, teardown);
	h_add(tc, test_rsync_unreadable, &n);
	h_add(tc, test_logs_all_or_refused, &n);
	h_add(tc, test_syslog_unreachable, &n);
	h_add(tc, test_policy_truncated, &n);

	if (!h_root())
		h_skipped("modes", n);
	return s;
}
