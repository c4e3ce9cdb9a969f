/*
 * The command lines of clients nobody here wrote, through the rshell
 * binary: rsync named by an absolute path (BackupPC's RsyncClientPath,
 * --rsync-path=/usr/bin/rsync), a leading "~/" for DIRECTORY, openrsync's
 * one-flag-a-word options.  What runs is checked from the outside by the
 * recording stand-in, and the log line by line.
 *
 * The policy must be owned by root: without root these tests are left out.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define CAPS		"-logDtpre.iLsfxCIvu"
#define OPENRSYNC	"tests/data/openrsync-client-commands.tsv"
#define MAXROWS		256

static struct h_fx fx;

static void
setup(void)
{
	h_setup(&fx);
	h_mkdir(&fx, "backup/laptop");
	h_file(&fx, "backup/laptop/f", "data\n");
	h_policy(&fx, "permit push pull list root dir %s\n", fx.d);
}

static void
teardown(void)
{
	h_teardown(&fx);
}

/* The field key of log line idx, copied. */
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

/*
 * Run cmd: permitted, the stand-in (the policy's rsync, whatever the
 * client named) ran once with args (space-separated, the tree as @D@, a
 * pinned descriptor as @FD@), and the log's cmd is logcmd (NULL: cmd
 * itself) while run= names the policy's rsync.
 */
static void
expect_run(const char *cmd, const char *args, const char *logcmd)
{
	char got[8192], word[4096], *p, *v;
	struct h_rec rec;
	struct h_res r;
	size_t i, before = h_log_count(fx.log);

	h_rshell_c(&r, &fx, cmd, NULL);
	h_expect_permitted(&fx, &r, before, 1, cmd);
	h_rec_read(&fx, &rec);
	got[0] = '\0';
	for (i = 0; i < rec.argc; i++) {
		strlcpy(word, rec.arg[i], sizeof(word));
		if ((p = strstr(word, "/proc/self/fd/")) != NULL) {
			char *e = p + 14;

			while (*e >= '0' && *e <= '9')
				e++;
			memmove(p + 4, e, strlen(e) + 1);
			memcpy(p, "@FD@", 4);
		}
		if ((p = strstr(word, fx.d)) != NULL) {
			memmove(p + 3, p + strlen(fx.d),
			    strlen(p + strlen(fx.d)) + 1);
			memcpy(p, "@D@", 3);
		}
		if (i > 0)
			strlcat(got, " ", sizeof(got));
		strlcat(got, word, sizeof(got));
	}
	ck_assert_msg(strcmp(got, args) == 0, "%s: rsync ran with\n  %s\n"
	    "want\n  %s", cmd, got, args);
	h_rec_free(&rec);
	v = log_field(before, "cmd");
	ck_assert_msg(v != NULL && strcmp(v, logcmd ? logcmd : cmd) == 0,
	    "%s: logged cmd=%s", cmd, v ? v : "(none)");
	free(v);
	v = log_field(before, "run");
	ck_assert_msg(v != NULL && strncmp(v, fx.rsync, strlen(fx.rsync)) == 0
	    && v[strlen(fx.rsync)] == ' ', "%s: logged run=%s", cmd, v);
	free(v);
	h_res_free(&r);
}

static void
expect_denied(const char *cmd, const char *why)
{
	struct h_res r;
	size_t before = h_log_count(fx.log);

	h_rshell_c(&r, &fx, cmd, NULL);
	h_expect_denied(&fx, &r, before, why, cmd);
	h_res_free(&r);
}

/* --- rsync by any absolute path --------------------------------------- */

static const struct {
	const char	*cmd;
	const char	*args;
} paths[] = {
	{ "/usr/bin/rsync --server " CAPS " . backup/laptop/",
	    "--server " CAPS " -- . @FD@/" },
	{ "/usr/bin/rsync --server --sender " CAPS " . backup/laptop/f",
	    "--server --sender " CAPS " -- . @FD@/f" },
	{ "/usr/local/bin/rsync --server " CAPS " . backup/new/",
	    "--server " CAPS " -- . @FD@/new/" },
	{ "'/opt/my tools/rsync' --server --sender " CAPS " . backup",
	    "--server --sender " CAPS " -- . @FD@/backup" },
};

START_TEST(test_rsync_path)
{
	expect_run(paths[_i].cmd, paths[_i].args, NULL);
}
END_TEST

static const char *const notrsync[] = {
	"/usr/bin/rsync2 --server " CAPS " . backup/",
	"rsyncx --server " CAPS " . backup/",
	"bin/rsync --server " CAPS " . backup/",
	"./rsync --server " CAPS " . backup/",
	"/rsync/ --server " CAPS " . backup/",
	"/usr/bin/rsync/ --server " CAPS " . backup/",
	"/bin/true",
	"/bin/ls backup",
};

START_TEST(test_not_rsync)
{
	expect_denied(notrsync[_i], "command not allowed: ");
}
END_TEST

/* --- "~" is DIRECTORY ------------------------------------------------- */

static const struct {
	const char	*cmd;
	const char	*args;
} tildes[] = {
	{ "rsync --server " CAPS " . ~/backup/new/",
	    "--server " CAPS " -- . @FD@/new/" },
	{ "rsync --server " CAPS " . ~", "--server " CAPS " -- . @FD@/" },
	{ "rsync --server --sender " CAPS " . ~/backup/laptop/f",
	    "--server --sender " CAPS " -- . @FD@/f" },
	{ "rsync --server --sender " CAPS " . ~/", "--server --sender " CAPS
	    " -- . @FD@/" },
	{ "/usr/bin/rsync --server --sender " CAPS " . '~/backup/laptop'",
	    "--server --sender " CAPS " -- . @FD@/laptop" },
};

START_TEST(test_tilde)
{
	expect_run(tildes[_i].cmd, tildes[_i].args, NULL);
}
END_TEST

static const struct {
	const char	*cmd;
	const char	*why;
} tildedeny[] = {
	{ "rsync --server " CAPS " . ~root/x/", "another account's home" },
	{ "rsync --server --sender " CAPS " . '~root/.ssh'", "~root (another "
	    "account's home) is not allowed" },
	{ "rsync --server --sender " CAPS " . ~/../x", "\"..\" is not "
	    "allowed" },
	{ "ls ~root", "another account's home" },
};

START_TEST(test_tilde_denied)
{
	expect_denied(tildedeny[_i].cmd, tildedeny[_i].why);
}
END_TEST

/* A listing of "~/..." lists beneath DIRECTORY. */
START_TEST(test_tilde_ls)
{
	struct h_res r;
	size_t before = h_log_count(fx.log);

	h_rshell_c(&r, &fx, "ls ~/backup/laptop", NULL);
	h_expect_permitted(&fx, &r, before, 0, "ls ~/backup/laptop");
	ck_assert_msg(strcmp(r.out, "f\n") == 0, "ls printed \"%s\"", r.out);
	h_res_free(&r);
}
END_TEST

/* --- openrsync --------------------------------------------------------- */

struct orow {
	char	 cmd[1024];
	int	 permit;
	int	 line;
};

static struct orow orows[MAXROWS];
static int norows;

static void
load_openrsync(void)
{
	char line[2048], *f[4], *p;
	FILE *fp;
	int lineno = 0, i;

	if ((fp = fopen(OPENRSYNC, "r")) == NULL)
		return;
	while (norows < MAXROWS && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (p = line, i = 0; i < 4 && p != NULL; i++)
			f[i] = strsep(&p, "\t");
		if (i < 4 || f[3] == NULL)
			continue;
		strlcpy(orows[norows].cmd, f[2], sizeof(orows[norows].cmd));
		orows[norows].permit = strcmp(f[3], "permit") == 0;
		orows[norows].line = lineno;
		norows++;
	}
	fclose(fp);
}

/* The options rsync resolves as paths: not passed on as they came. */
static int
path_option(const char *w)
{
	static const char *const names[] = { "--backup-dir", "--link-dest",
	    "--compare-dest", "--copy-dest", "--temp-dir", "--partial-dir" };
	size_t i, n;

	for (i = 0; i < NROWS(names); i++) {
		n = strlen(names[i]);
		if (strncmp(w, names[i], n) == 0 && (w[n] == '\0' ||
		    w[n] == '='))
			return w[n] == '\0' ? 2 : 1;
	}
	return 0;
}

START_TEST(test_openrsync_present)
{
	ck_assert_msg(norows >= 100, "%s: %d requests read (run from the top "
	    "of the tree)", OPENRSYNC, norows);
}
END_TEST

/*
 * Every openrsync command line gets its verdict; a permitted one reaches
 * rsync with each of the client's flags as the word it sent, in order,
 * and its one path pinned.
 */
START_TEST(test_openrsync)
{
	const struct orow *o = &orows[_i];
	char what[1200], *w[64], cmd[1024], *save = NULL;
	struct h_rec rec;
	struct h_res r;
	size_t n = 0, i, a;
	int skip;

	snprintf(what, sizeof(what), "%s:%d: %s", OPENRSYNC, o->line, o->cmd);
	h_rshell_c(&r, &fx, o->cmd, NULL);
	if (!o->permit) {
		h_expect_denied(&fx, &r, 0, "is not allowed", what);
		h_res_free(&r);
		return;
	}
	h_expect_permitted(&fx, &r, 0, 1, what);
	h_res_free(&r);
	strlcpy(cmd, o->cmd, sizeof(cmd));
	for (w[n] = strtok_r(cmd, " ", &save); w[n] != NULL && n < 63;
	    w[n] = strtok_r(NULL, " ", &save))
		n++;
	h_rec_read(&fx, &rec);
	for (i = 1, a = 0; i < n && strcmp(w[i], ".") != 0; i++) {
		if ((skip = path_option(w[i])) != 0) {
			i += (size_t)skip - 1;
			continue;
		}
		while (a < rec.argc && strcmp(rec.arg[a], w[i]) != 0 &&
		    strcmp(rec.arg[a], "--") != 0)
			a++;
		ck_assert_msg(a < rec.argc && strcmp(rec.arg[a], w[i]) == 0,
		    "%s: %s is not passed on as it came", what, w[i]);
	}
	/* --relative sends the path itself: it stays, plainly relative. */
	ck_assert_msg(rec.argc >= 3 && strcmp(rec.arg[rec.argc - 3], "--") ==
	    0 && (strncmp(rec.arg[rec.argc - 1], "/proc/self/fd/", 14) == 0 ||
	    (h_rec_find(&rec, "--relative") != -1 &&
	    strcmp(rec.arg[rec.argc - 1], w[n - 1]) == 0)),
	    "%s: the path is not pinned after \"-- .\"", what);
	h_rec_free(&rec);
}
END_TEST

Suite *
make_suite_clients(void)
{
	Suite *s = suite_create("clients");
	TCase *tc;

	load_openrsync();
	if ((tc = h_root_tcase(s, "commands", setup, teardown)) == NULL) {
		h_skipped("clients", (int)(NROWS(paths) + NROWS(notrsync) +
		    NROWS(tildes) + NROWS(tildedeny) + 2 + norows));
		return s;
	}
	tcase_add_loop_test(tc, test_rsync_path, 0, NROWS(paths));
	tcase_add_loop_test(tc, test_not_rsync, 0, NROWS(notrsync));
	tcase_add_loop_test(tc, test_tilde, 0, NROWS(tildes));
	tcase_add_loop_test(tc, test_tilde_denied, 0, NROWS(tildedeny));
	tcase_add_test(tc, test_tilde_ls);
	tc = h_root_tcase(s, "openrsync", setup, teardown);
	tcase_add_test(tc, test_openrsync_present);
	tcase_add_loop_test(tc, test_openrsync, 0, norows);
	return s;
}
