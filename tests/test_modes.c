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

#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define CAPS		"-logDtprze.iLsfxCIvu"
#define PUSH		"rsync --server " CAPS " . backup/"
#define PULL		"rsync --server --sender " CAPS " . backup/"

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

/* The usual rule: everything, for root, in fx.d. */
static void
policy_all(void)
{
	h_policy(&fx, "permit push pull list root dir %s\n", fx.d);
}

static void
expect_denied(const char *cmd, char *const env[], const char *why)
{
	struct h_res r;
	size_t before = h_log_count(fx.log);

	h_rshell_c(&r, &fx, cmd, env);
	h_expect_denied(&fx, &r, before, why, cmd);
	h_res_free(&r);
}

/* The field key of log line idx. */
static char *
log_field(size_t idx, const char *key)
{
	struct h_logrec lr;
	const char *v;
	char *copy;

	ck_assert_msg(h_log_get(fx.log, idx, &lr) == 0, "log line %zu", idx);
	v = h_log_val(&lr, key);
	copy = v != NULL ? strdup(v) : NULL;
	h_logrec_free(&lr);
	return copy;
}

static void
expect_field(size_t idx, const char *key, const char *want)
{
	char *v = log_field(idx, key);

	ck_assert_msg(v != NULL && strcmp(v, want) == 0,
	    "log line %zu: %s=%s, want %s", idx, key, v ? v : "(none)", want);
	free(v);
}

/* Interactive logins. */

static const char *const loginnames[] = { "rshell", "-rshell" };

/* Without -f: the compiled-in policy; only the refusal can be seen here. */
START_TEST(test_interactive_plain)
{
	char *argv[] = { (char *)loginnames[_i], NULL };
	struct h_res r;

	h_run(&r, h_rshell(), argv, NULL);
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
	struct h_res r;

	policy_all();
	h_run(&r, h_rshell(), argv, NULL);
	h_expect_denied(&fx, &r, 0, "interactive login is not allowed",
	    loginnames[_i]);
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

START_TEST(test_trust)
{
	static const char *const cmds[] = { "true", PUSH };
	char sub[PATH_MAX], policy[PATH_MAX];
	char *argv[] = { "rshell", "-f", policy, "-c", NULL, NULL };
	char *targv[] = { "rshell", "-t", "-f", policy, NULL };
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
		size_t before = h_log_count(fx.log);

		argv[4] = (char *)cmds[i];
		h_run(&r, h_rshell(), argv, NULL);
		if (trustrows[_i].trusted)
			h_expect_permitted(&fx, &r, before, i == 1, cmds[i]);
		else if (trustrows[_i].how == T_PARENT)
			/* The file was read, so the log line is known. */
			h_expect_denied(&fx, &r, before, "owned by uid 0 and "
			    "not writable by group or others", cmds[i]);
		else {
			/* Not read at all: the refusal goes to syslog. */
			ck_assert_msg(r.status == 1, "%s: exit %d",
			    trustrows[_i].what, r.status);
			ck_assert_msg(strstr(r.err, "rshell: denied: policy "
			    "error: ") != NULL && strstr(r.err, "owned by uid "
			    "0 and not writable by group or others") != NULL,
			    "%s: stderr: %s", trustrows[_i].what, r.err);
			ck_assert_msg(access(fx.record, F_OK) == -1,
			    "%s: the stand-in ran", trustrows[_i].what);
			ck_assert_int_eq(h_log_count(fx.log), 0);
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
	expect_denied("true", NULL, want);
	expect_denied(PUSH, NULL, want);
}
END_TEST

/* What may run besides rsync. */

START_TEST(test_true)
{
	struct h_res r;

	h_policy(&fx, "permit list root dir %s\n", fx.d);
	h_rshell_c(&r, &fx, "true", NULL);
	h_expect_permitted(&fx, &r, 0, 0, "true");
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
	expect_denied("true", NULL, "rule has no \"list\"");
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
	{ "/usr/bin/rsync2 --server " CAPS " . backup/",
	    "command not allowed: /usr/bin/rsync2" },
	{ "bin/rsync --server " CAPS " . backup/",
	    "command not allowed: bin/rsync" },
	{ "/usr/bin/rsync/ --server " CAPS " . backup/",
	    "command not allowed: /usr/bin/rsync/" },
	{ "/bin/ls backup/", "command not allowed: /bin/ls" },
	{ "./rsync --server " CAPS " . backup/", "command not allowed: "
	    "./rsync" },
	{ "FOO=1 rsync --server " CAPS " . backup/", "command not allowed: "
	    "FOO=1" },
	{ "'rsync --server' " CAPS " . backup/", "command not allowed: "
	    "rsync --server" },
	{ "true x", "true takes no arguments" },
	{ "", "empty command" },
	{ "   ", "empty command" },
};

START_TEST(test_bad_command)
{
	policy_all();
	expect_denied(badcmds[_i].cmd, NULL, badcmds[_i].why);
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
	{ PUSH "; id", "unquoted ';'" },
	{ PUSH " | id", "unquoted '|'" },
	{ PUSH " && id", "unquoted '&'" },
	{ PUSH "$(id)", "unquoted '$'" },
	{ PUSH "`id`", "unquoted '`'" },
	{ PUSH "\nid", "control byte 0x0a" },
	{ PUSH " > x", "unquoted '>'" },
	{ PUSH "\"$HOME\"", "'$' inside double quotes" },
	{ "rsync --server " CAPS " . ~root/x", "starting with '~'" },
	{ PUSH "'", "unterminated single quote" },
	{ "rsync --server " CAPS " . back\x1bup/", "control byte 0x1b" },
	{ "rsync --server " CAPS " . 'back\tup/'", "control byte 0x09" },
	{ "rsync --server " CAPS " . back\x7fup/", "control byte 0x7f" },
};

START_TEST(test_split)
{
	policy_all();
	expect_denied(splitrows[_i].cmd, NULL, splitrows[_i].why);
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
	{ PULL "'a\"b=c'", "\\\"b=c", 2 },
	{ PULL "x\xff\xfe", "x\\xFF\\xFE", 2 },
};

START_TEST(test_hostile_log)
{
	const char *cmd = hostile[_i].cmd;
	struct h_logrec lr;
	struct h_res r;
	char *text, *line, *end, *p;
	const char *v;
	size_t before = h_log_count(fx.log), i;

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
	ck_assert_msg(h_log_parse(line, strlen(line), &lr) == 0,
	    "row %d: the line does not parse: %s", _i, line);
	v = h_log_val(&lr, "cmd");
	ck_assert_msg(v != NULL && strcmp(v, cmd) == 0,
	    "row %d: cmd read back differs", _i);
	h_logrec_free(&lr);
	free(text);
	h_res_free(&r);
}
END_TEST

/* Forced commands and keys. */

START_TEST(test_key_rule)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PUSH, NULL };
	char d2[PATH_MAX];
	char *argv[] = { "rshell", "-f", fx.policy, "-c", "key=laptop", NULL };
	struct h_rec rec;
	struct h_res r;

	ck_assert(mkdir(h_path(d2, fx.top, "d2"), 0755) == 0);
	h_policy(&fx, "permit push pull list root dir %s\n"
	    "permit push key laptop root dir %s\n", fx.d, d2);
	h_run(&r, h_rshell(), argv, env);
	h_expect_permitted(&fx, &r, 0, 1, "key=laptop");
	h_rec_read(&fx, &rec);
	ck_assert_str_eq(rec.cwd, d2);
	h_rec_free(&rec);
	expect_field(0, "key", "laptop");
	expect_field(0, "cmd", PUSH);
	ck_assert_msg(log_field(0, "forced") == NULL, "forced= on key=");
	expect_field(1, "key", "laptop");
	h_res_free(&r);

	/* The same request without the key: the key rule does not apply. */
	h_rshell_c(&r, &fx, PUSH, NULL);
	h_expect_permitted(&fx, &r, 2, 2, "no key");
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
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PULL, NULL };
	char *argv[] = { "rshell", "-f", fx.policy, "-c", "key=laptop", NULL };
	struct h_res r;

	h_policy(&fx, "permit push pull list root dir %s\n"
	    "permit push key laptop root dir %s\n", fx.d, fx.d);
	h_run(&r, h_rshell(), argv, env);
	h_expect_denied(&fx, &r, 0, "pull not permitted", "key=laptop pull");
	expect_field(0, "key", "laptop");
	expect_field(0, "cmd", PULL);
	h_res_free(&r);
}
END_TEST

START_TEST(test_key_without_original)
{
	policy_all();
	expect_denied("key=laptop", NULL, "no command given");
	/* Not established: a client can type "key=laptop" itself. */
	expect_field(0, "key", "-");
	expect_field(0, "cmd", "key=laptop");
}
END_TEST

static const char *const badkeys[] = { "key=../x", "key=", "key=a b",
    "key=a/b", "key=$(id)" };

START_TEST(test_key_invalid)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PUSH, NULL };

	policy_all();
	expect_denied(badkeys[_i], env, "invalid key name");
}
END_TEST

/* A pinned forced command is what runs, whatever the client asked. */
START_TEST(test_pinned)
{
	static const char pinned[] = "rsync --server " CAPS " . /home/backup/";
	static const char orig[] = "rsync --server --sender -vlogDtprze."
	    "iLsfxCIvu . /etc/";
	char *env[] = { "SSH_ORIGINAL_COMMAND=rsync --server --sender "
	    "-vlogDtprze.iLsfxCIvu . /etc/", NULL };
	char want[PATH_MAX * 2];
	struct h_rec rec;
	struct h_res r;

	policy_all();
	h_rshell_c(&r, &fx, pinned, env);
	h_expect_permitted(&fx, &r, 0, 1, pinned);
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
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PUSH, NULL };
	struct h_res r;

	policy_all();
	h_rshell_c(&r, &fx, PUSH, env);
	h_expect_permitted(&fx, &r, 0, 1, PUSH);
	ck_assert_msg(log_field(0, "forced") == NULL, "forced= logged");
	h_res_free(&r);
}
END_TEST

/* The pinned command is still checked. */
START_TEST(test_pinned_checked)
{
	char *env[] = { "SSH_ORIGINAL_COMMAND=" PUSH, NULL };

	policy_all();
	expect_denied("rsync --server --rsh=ssh . backup/", env, "--rsh");
	expect_field(0, "cmd", PUSH);
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
	static const char *const cmds[] = { "true", PUSH, "id" };
	char log[PATH_MAX], target[PATH_MAX];
	struct h_res r;
	size_t i;

	if (badlogs[_i].log[0] == '/')
		strlcpy(log, badlogs[_i].log, sizeof(log));
	else
		h_path(log, fx.top, badlogs[_i].log);
	ck_assert(mkdir(h_top(&fx, "logdir"), 0755) == 0);
	ck_assert(symlink(h_path(target, fx.top, "real.log"),
	    h_top(&fx, "loglink")) == 0);
	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull list root "
	    "dir %s\n", fx.rsync, log, fx.d);
	for (i = 0; i < NROWS(cmds); i++) {
		h_rshell_c(&r, &fx, cmds[i], NULL);
		ck_assert_msg(r.status == 1, "%s: exit %d", cmds[i], r.status);
		ck_assert_msg(strstr(r.err, "rshell: denied: cannot open the "
		    "log") != NULL && strstr(r.err, badlogs[_i].why) != NULL,
		    "%s: stderr: %s", cmds[i], r.err);
		ck_assert_msg(access(fx.record, F_OK) == -1,
		    "%s: the stand-in ran", cmds[i]);
		ck_assert_msg(access(target, F_OK) == -1,
		    "%s: the log followed a symlink", cmds[i]);
		ck_assert_str_eq(r.out, "");
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
	{ "SSH_CONNECTION=1.2.3.4\" 5 6 7", "-" },
	{ NULL, "-" },
};

START_TEST(test_from)
{
	char *env[] = { (char *)fromrows[_i].conn, NULL };
	struct h_res r;

	policy_all();
	h_rshell_c(&r, &fx, "true", env);
	h_expect_permitted(&fx, &r, 0, 0, "true");
	expect_field(0, "from", fromrows[_i].from);
	expect_field(1, "from", fromrows[_i].from);
	h_res_free(&r);
	h_rshell_c(&r, &fx, "id", env);
	h_expect_denied(&fx, &r, 2, "command not allowed", "id");
	expect_field(2, "from", fromrows[_i].from);
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

	h_write(fx.policy, "rsync %s/no-such-rsync\nlog %s\n"
	    "permit push pull list root dir %s\n", fx.top, fx.log, fx.d);
	h_rshell_c(&r, &fx, PUSH, NULL);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "cannot run") != NULL &&
	    strstr(r.err, "no-such-rsync") != NULL, "stderr: %s", r.err);
	h_res_free(&r);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(0, "event", "permit");
	expect_field(1, "event", "error");
	v = log_field(1, "reason");
	ck_assert_msg(v != NULL && strstr(v, "No such file") != NULL,
	    "reason: %s", v ? v : "(none)");
	free(v);
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
	char *argv[] = { "rshell", "-f", fx.policy, "-c", PUSH, NULL };
	char sig[16], *v;
	pid_t pid;
	int st, i;

	h_script(fx.rsync, "exec sleep 30\n");
	policy_all();
	if ((pid = fork()) == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(h_rshell(), argv);
		_exit(127);
	}
	ck_assert_int_ne(pid, -1);
	/* Wait for the permit line: rsync is about to run. */
	for (i = 0; i < 100 && h_log_count(fx.log) < 1; i++)
		usleep(20000);
	usleep(200000);
	kill(pid, fwdsigs[_i]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 128 + fwdsigs[_i],
	    "rshell status %d", st);
	ck_assert_uint_eq(h_log_count(fx.log), 2);
	expect_field(1, "event", "exit");
	snprintf(sig, sizeof(sig), "%s", sigabbrev_np(fwdsigs[_i]));
	expect_field(1, "signal", sig);
	v = log_field(1, "status");
	ck_assert_msg(v == NULL, "status=%s beside signal", v);
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

#define T(fn)		do { n++; if (tc) tcase_add_test(tc, fn); \
			} while (0)
#define L(fn, rows)	do { n += (int)NROWS(rows); if (tc) \
			    tcase_add_loop_test(tc, fn, 0, (int)NROWS(rows)); \
			} while (0)

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
	suite_add_tcase(s, tc);

	tc = h_root_tcase(s, "interactive", setup, teardown);
	L(test_interactive_logged, loginnames);

	tc = h_root_tcase(s, "check", setup, teardown);
	T(test_check_errors);
	T(test_check_clean);

	tc = h_root_tcase(s, "trust", setup, teardown);
	L(test_trust, trustrows);
	T(test_malformed);

	tc = h_root_tcase(s, "commands", setup, teardown);
	T(test_true);
	T(test_true_nolist);
	L(test_bad_command, badcmds);
	L(test_split, splitrows);

	tc = h_root_tcase(s, "forced", setup, teardown);
	T(test_key_rule);
	T(test_key_rule_limits);
	T(test_key_without_original);
	L(test_key_invalid, badkeys);
	T(test_pinned);
	T(test_pinned_same);
	T(test_pinned_checked);

	tc = h_root_tcase(s, "log", setup, teardown);
	L(test_hostile_log, hostile);
	L(test_log_fail_closed, badlogs);
	L(test_from, fromrows);
	T(test_log_appends);
	T(test_exec_fails);
	L(test_signal_forwarded, fwdsigs);

	if (!h_root())
		h_skipped("modes", n);
	return s;
}
