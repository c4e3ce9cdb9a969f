/*
 * rsync through the rshell binary, end to end: every request of the client
 * corpus gets its verdict, and what runs is checked from the outside, by a
 * stand-in rsync that records its words, where each path really leads, its
 * directory, umask, environment and descriptors.  Then the options that
 * are always refused, the policy options, path confinement, symlinks and
 * wildcards.  With the real rsync: test_rsync_real.c.
 *
 * The policy must be owned by root: without root these tests are left out.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pathprop.h"

static struct h_corpus corpus;
static char corpus_err[PATH_MAX + 128];	/* why it could not be read */
static struct h_fx fx;
static char rsync35[PATH_MAX];	/* a stand-in with rsync 3.5's options */

/* What the corpus requests name, under D. */
static void
setup_tree(void)
{
	static const char *const dirs[] = { "backup/laptop", "backup/prev",
	    "backup/base", "snap/prev", "dir with space", "dst", "sub" };
	static const char *const files[] = { "a", "b", "remote-list",
	    "dir/a.txt", "dir/b.txt", "dir/c.log", "backup/laptop/f" };
	size_t i;

	h_setup(&fx);
	for (i = 0; i < NROWS(dirs); i++)
		h_mkdir(&fx, dirs[i]);
	for (i = 0; i < NROWS(files); i++)
		h_file(&fx, files[i], "data\n");
	h_standin(&fx, h_path(rsync35, fx.top, "bin/rsync-3.5"),
	    "# Knows --confine-root=DIR and --drop-D.");
}

/*
 * The paths case's tree, with what its tests look for: links that lead
 * out (evil, evilfile, up) and in (inlink), and a name with wildcard
 * characters beside one its pattern matches.
 */
static void
setup_paths(void)
{
	setup_tree();
	ck_assert(symlink("/etc", h_in(&fx, "evil")) == 0);
	ck_assert(symlink("/etc/passwd", h_in(&fx, "evilfile")) == 0);
	ck_assert(symlink("../..", h_in(&fx, "up")) == 0);
	ck_assert(symlink("backup/laptop", h_in(&fx, "inlink")) == 0);
	h_file(&fx, "dir/photo[1].jpg", "literal\n");
	h_file(&fx, "dir/photo1.jpg", "matched by the pattern\n");
}

static void
teardown(void)
{
	h_teardown(&fx);
}

/* Between the tests that share a tree: no policy, log or record left. */
static void
reset(void)
{
	h_reset(&fx);
}

static void
policy(const char *opts)
{
	h_policy(&fx, "permit %s root dir %s\n", opts, fx.d);
}

static int
under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return path != NULL && strncmp(path, dir, n) == 0 &&
	    (path[n] == '\0' || path[n] == '/');
}

/* The descriptor N of a word holding /proc/self/fd/N, or -1. */
static int
pinned_fd(const char *word)
{
	const char *p = strstr(word, "/proc/self/fd/");

	return p != NULL ? atoi(p + 14) : -1;
}

/*
 * The fresh environment: exactly PATH, HOME, USER, LOGNAME and SHELL, so
 * nothing the client's session carried (LD_PRELOAD, RSYNC_RSH) is left.
 */
static void
check_env(const struct h_rec *rec, const char *what)
{
	struct passwd *pw = getpwuid(0);
	char want[5][PATH_MAX + 16];
	size_t i, j;

	ck_assert(pw != NULL);
	snprintf(want[0], sizeof(want[0]), "PATH=/usr/bin:/bin");
	snprintf(want[1], sizeof(want[1]), "HOME=%s", pw->pw_dir);
	snprintf(want[2], sizeof(want[2]), "USER=%s", pw->pw_name);
	snprintf(want[3], sizeof(want[3]), "LOGNAME=%s", pw->pw_name);
	snprintf(want[4], sizeof(want[4]), "SHELL=%s", pw->pw_shell);
	ck_assert_msg(rec->nenv == 5, "%s: %zu variables, want 5 (first: %s)",
	    what, rec->nenv, rec->nenv ? rec->env[0] : "-");
	for (i = 0; i < 5; i++) {
		for (j = 0; j < rec->nenv; j++)
			if (strcmp(rec->env[j], want[i]) == 0)
				break;
		ck_assert_msg(j < rec->nenv, "%s: %s missing", what, want[i]);
	}
}

/*
 * Descriptors: every one a word names is open, and nothing else below 10
 * is (sh keeps the script and saved descriptors at 10 and above).
 */
static void
check_fds(const struct h_rec *rec, const char *what)
{
	size_t i, j;
	int fd;

	for (i = 0; i < rec->argc; i++) {
		if ((fd = pinned_fd(rec->arg[i])) == -1)
			continue;
		for (j = 0; j < rec->nfds && rec->fds[j] != fd; j++)
			;
		ck_assert_msg(j < rec->nfds, "%s: fd %d of %s is not open",
		    what, fd, rec->arg[i]);
	}
	for (j = 0; j < rec->nfds; j++) {
		if (rec->fds[j] < 3 || rec->fds[j] >= 10)
			continue;
		for (i = 0; i < rec->argc; i++)
			if (pinned_fd(rec->arg[i]) == rec->fds[j])
				break;
		ck_assert_msg(i < rec->argc, "%s: fd %d is open but not named",
		    what, rec->fds[j]);
	}
}

/* What every permitted rsync run must look like. */
static void
check_confined(const struct h_rec *rec, int pull, const char *what)
{
	int dd = h_rec_find(rec, "--");
	size_t i;

	ck_assert_msg(rec->argc >= 4 && strcmp(rec->arg[0], "--server") == 0,
	    "%s: argv[1] is not --server", what);
	ck_assert_msg((strcmp(rec->arg[1], "--sender") == 0) == pull,
	    "%s: --sender %s", what, pull ? "missing" : "on a push");
	for (i = 1; i < rec->argc; i++)
		ck_assert_msg(strcmp(rec->arg[i], "--server") != 0 &&
		    (i == 1 || strcmp(rec->arg[i], "--sender") != 0),
		    "%s: a second --server or --sender", what);
	ck_assert_msg(dd > 0 && (size_t)dd + 2 < rec->argc &&
	    strcmp(rec->arg[dd + 1], ".") == 0, "%s: no \"-- .\" before the "
	    "paths", what);
	for (i = (size_t)dd + 2; i < rec->argc; i++) {
		const char *a = rec->arg[i];

		ck_assert_msg(strncmp(a, "/proc/self/fd/", 14) == 0 ||
		    (a[0] != '/' && a[0] != '-' && !pp_has_dotdot(a)),
		    "%s: path %s is neither pinned nor plainly relative", what,
		    a);
	}
	for (i = 0; i < rec->argc; i++)
		ck_assert_msg(rec->res[i] == NULL || under(rec->res[i], fx.d),
		    "%s: %s leads to %s, outside %s", what, rec->arg[i],
		    rec->res[i], fx.d);
	ck_assert_msg(rec->cwd != NULL && strcmp(rec->cwd, fx.d) == 0,
	    "%s: cwd %s, want %s", what, rec->cwd, fx.d);
	check_env(rec, what);
	check_fds(rec, what);
}

/* h_permitted, and what every permitted rsync run must look like. */
static void
permitted_confined(const char *cmd, struct h_rec *rec)
{
	h_permitted(&fx, cmd, 1, rec);
	check_confined(rec, strstr(cmd, " --sender ") != NULL, cmd);
}

/* How often word occurs before "--". */
static int
count_opt(const struct h_rec *rec, const char *word)
{
	size_t i;
	int n = 0;

	for (i = 0; i < rec->argc && strcmp(rec->arg[i], "--") != 0; i++)
		if (strcmp(rec->arg[i], word) == 0)
			n++;
	return n;
}

/* The corpus. */

/* A corpus that cannot be read, or has a malformed row, fails here. */
START_TEST(test_corpus_present)
{
	ck_assert_msg(corpus_err[0] == '\0', "%s", corpus_err);
	ck_assert_msg(corpus.n > 100, "%s: %zu requests read", corpus.path,
	    corpus.n);
}
END_TEST

/*
 * Every request of the corpus, with an environment the client could have
 * sent or an attacker preloaded; none of it may reach rsync.
 */
START_TEST(test_corpus)
{
	const struct h_corpus_row *c = &corpus.row[_i];
	char *env[] = { "LD_PRELOAD=/nonexistent", "LD_LIBRARY_PATH=/x",
	    "RSYNC_RSH=x", "RSYNC_CONNECT_PROG=x", "HOME=/nonexistent",
	    "SHELL=/bin/evil", NULL };
	char what[PATH_MAX + 256], cluster[256], *run;
	struct logfmt_rec lr;
	struct h_mark m;
	struct h_rec rec;
	struct h_res r;

	snprintf(what, sizeof(what), "%s:%zu (%s %s)", corpus.path, c->line,
	    c->pull ? "pull" : "push", c->opts);
	policy("push pull list");
	h_mark(&fx, &m);
	h_rshell_c(&r, &fx, c->cmd, env);
	if (!c->permit) {
		h_expect_denied(&fx, &r, &m, "is not allowed", what);
		h_res_free(&r);
		return;
	}
	h_expect_permitted(&fx, &r, &m, 1, what);
	h_rec_read(&fx, &rec);
	check_confined(&rec, c->pull, what);
	ck_assert_msg(h_rec_find(&rec, "--drop-D") == -1, "%s: --drop-D",
	    what);
	/* The client's option cluster is passed on as it came. */
	ck_assert(sscanf(c->cmd, c->pull ? "%*s %*s %*s %255s" :
	    "%*s %*s %255s", cluster) == 1);
	ck_assert_msg(h_rec_find(&rec, cluster) == (c->pull ? 2 : 1),
	    "%s: %s not passed on", what, cluster);
	h_rec_free(&rec);
	ck_assert(h_log_get(fx.log, 0, &lr) == 0);
	ck_assert_msg(strcmp(logfmt_get(&lr, "cmd"), c->cmd) == 0, "%s: cmd=",
	    what);
	ck_assert(asprintf(&run, "%s --server ", fx.rsync) != -1);
	ck_assert_msg(strncmp(logfmt_get(&lr, "run"), run, strlen(run)) == 0,
	    "%s: run=%s", what, logfmt_get(&lr, "run"));
	ck_assert_msg(strstr(logfmt_get(&lr, "run"), "confine-root") == NULL,
	    "%s: --confine-root for an rsync without it", what);
	free(run);
	logfmt_free(&lr);
	h_res_free(&r);
}
END_TEST

/* Refused whatever the policy says. */
static const struct {
	const char	*cmd;
	const char	*why;
} refused[] = {
	{ H_PUSH_PREFIX "-e ssh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -essh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -vessh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -e.iLsfxCIvu\\;id . backup/", "-e/--rsh" },
	{ H_PUSH_PREFIX "--rsh=ssh . backup/", "--rsh is not allowed" },
	{ H_PUSH_PREFIX "--rsh ssh . backup/", "--rsh is not allowed" },
	{ H_PUSH_PREFIX "--rsync-path=/tmp/x . backup/",
	    "--rsync-path is not allowed" },
	{ H_PUSH_PREFIX "--daemon . backup/", "--daemon is not allowed" },
	{ H_PUSH_PREFIX "--config=/etc/rsyncd.conf . backup/",
	    "--config is not allowed" },
	{ H_PUSH_PREFIX "--dparam=path=/ . backup/",
	    "--dparam is not allowed" },
	{ H_PUSH_PREFIX "-M--log-file=/tmp/x . backup/",
	    "--remote-option/-M is not" },
	{ H_PUSH_PREFIX "--remote-option=--fake-super . backup/",
	    "--remote-option" },
	{ H_PUSH_PREFIX "--log-file=/tmp/x . backup/",
	    "--log-file is not allowed" },
	{ H_PUSH_PREFIX "--log-file-format=%n . backup/",
	    "--log-file-format is not" },
	{ H_PUSH_PREFIX "--write-batch=x . backup/",
	    "--write-batch is not allowed" },
	{ H_PUSH_PREFIX "--read-batch=x . backup/",
	    "--read-batch is not allowed" },
	{ H_PUSH_PREFIX "--only-write-batch=x . backup/",
	    "--only-write-batch is not" },
	{ H_PUSH_PREFIX "--copy-devices . backup/",
	    "--copy-devices is not allowed" },
	{ H_PUSH_PREFIX "--write-devices . backup/",
	    "--write-devices is not allowed" },
	{ H_PUSH_PREFIX "--no-munge-links . backup/",
	    "--no-munge-links is not allowed" },
	/* -s with nothing on stdin (more in test_clients.c) */
	{ "rsync --server -slogDtpre.iLsfxCIvu . backup/", "(-s): the input "
	    "ended after 0 bytes" },
	{ "rsync --server --sender -slogDtpre.iLsfxCIvu", "(-s): the input" },
	{ H_PUSH_PREFIX "--protect-args . backup/", "(-s): the input" },
	{ H_PUSH_PREFIX "--secluded-args . backup/", "(-s): the input" },
	{ H_PUSH_PREFIX "--debug=ALL . backup/", "--debug is not allowed" },
	{ "rsync --server --sender -Llogtpre.iLsfxCIvu . backup/",
	    "--copy-links/-L is not allowed" },
	{ H_PULL_PREFIX "--copy-links . backup/",
	    "--copy-links/-L is not allowed" },
	{ "rsync --server -klogtpre.iLsfxCIvu . backup/",
	    "--copy-dirlinks/-k is not allowed" },
	{ "rsync --server -Klogtpre.iLsfxCIvu . backup/",
	    "--keep-dirlinks/-K is not allowed" },
	{ H_PULL_PREFIX "--copy-unsafe-links . backup/",
	    "--copy-unsafe-links is not" },
	{ H_PUSH_PREFIX "--confine-root=/ . backup/",
	    "--confine-root is not allowed" },
	{ H_PUSH_PREFIX "--copy-as=root . backup/",
	    "--copy-as is not allowed" },
	{ "rsync --server --server " H_CLUSTER " . backup/",
	    "--server may only" },
	{ H_PUSH_PREFIX "--server . backup/", "--server may only come first" },
	{ H_PUSH_PREFIX "--sender . backup/",
	    "--sender must come right after" },
	{ "rsync " H_CLUSTER " --server . backup/",
	    "--server must be the first" },
	{ "rsync --sender --server " H_CLUSTER " . backup/",
	    "--server must be" },
	{ H_PUSH_PREFIX ". --delete", "options after '.' are not allowed" },
	{ H_PULL_PREFIX ". backup/ -e", "options after '.' are not allowed" },
	{ H_PULL_PREFIX ". backup/ --rsh=ssh",
	    "options after '.' are not allowed" },
	{ H_PUSH_PREFIX "-- . backup/", "'--' before '.' is not allowed" },
	{ H_PUSH_PREFIX "backup/", "unexpected argument before '.'" },
	{ "rsync --server " H_CLUSTER, "missing '.'" },
	{ H_PUSH_PREFIX ". a/ b/", "exactly one destination" },
	{ H_PULL_PREFIX ".", "no source path" },
	{ H_PUSH_PREFIX "--unknown-option . backup/",
	    "unknown option --unknown-option" },
	{ "rsync --server -logDtprze.iLsfxCIvu? . backup/", "-e/--rsh" },
	{ "rsync --server -Z . backup/", "unknown option -Z" },
	{ H_PUSH_PREFIX "--timeout=abc . backup/", "bad value for --timeout" },
	{ H_PUSH_PREFIX "--temp-dir -x . backup/", "may not start with '-'" },
	{ "rsync2 --server " H_CLUSTER " . backup/",
	    "command not allowed: rsync2" },
	{ "rsync.sh --server " H_CLUSTER " . backup/", "command not allowed" },
	{ "openrsync --server " H_CLUSTER " . backup/", "command not allowed" },
	{ "rsync", "not an rsync server command" },
};

START_TEST(test_refused)
{
	policy("push pull list");
	h_denied(&fx, refused[_i].cmd, NULL, refused[_i].why);
}
END_TEST

/* Policy options that refuse. */
static const struct {
	const char	*opts;
	const char	*cmd;
	const char	*why;
} optrefused[] = {
	{ "pull", H_PUSH_LAPTOP, "push not permitted by policy" },
	{ "pull list", H_PUSH_PREFIX ". .", "push not permitted by policy" },
	{ "push", H_PULL_LAPTOP, "pull not permitted by policy" },
	{ "push", H_PULL_PREFIX "--list-only . backup/",
	    "pull not permitted by policy" },
	{ "list", H_PUSH_LAPTOP, "push not permitted by policy" },
	{ "list", H_PULL_LAPTOP, "pull not permitted by policy" },
	{ "push pull no-delete", H_PUSH_PREFIX "--delete . backup/laptop/",
	    "--delete is not allowed by the no-delete policy" },
	{ "push pull no-delete", H_PUSH_PREFIX
	    "--delete-after . backup/laptop/",
	    "--delete-after is not allowed by the no-delete policy" },
	{ "push pull no-delete", H_PUSH_PREFIX "--del . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete",
	    H_PUSH_PREFIX "--delete-excluded . backup/laptop/", "no-delete" },
	{ "push pull no-delete", H_PUSH_PREFIX
	    "--delete-missing-args . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete", H_PULL_PREFIX
	    "--remove-source-files . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete", H_PUSH_PREFIX "--force . backup/laptop/",
	    "no-delete" },
	{ "pull", H_PULL_PREFIX "--remove-source-files . backup/laptop/",
	    "needs the push permission" },
	{ "push pull no-overwrite", H_PUSH_PREFIX "--inplace . backup/laptop/",
	    "--inplace is not allowed by the no-overwrite policy" },
	{ "push pull no-overwrite", H_PUSH_PREFIX "--append . backup/laptop/",
	    "--append is not allowed by the no-overwrite policy" },
	{ "push pull no-overwrite", "rsync --server -blogDtprze.iLsfxCIvu . "
	    "backup/laptop/",
	    "--backup/-b is not allowed by the no-overwrite" },
	{ "push pull no-overwrite", H_PUSH_PREFIX "--backup . backup/laptop/",
	    "--backup/-b is not allowed by the no-overwrite" },
	{ "push pull no-overwrite", H_PUSH_PREFIX
	    "--backup-dir ../old . backup/laptop/",
	    "--backup-dir is not allowed by the no-overwrite" },
	{ "push pull no-overwrite",
	    H_PUSH_PREFIX "--delay-updates . backup/laptop/", "no-overwrite" },
	{ "push pull no-overwrite",
	    H_PUSH_PREFIX "--partial-dir .p . backup/laptop/", "no-overwrite" },
	{ "push pull no-overwrite", H_PUSH_PREFIX "--delete . backup/laptop/",
	    "no-overwrite" },
};

START_TEST(test_option_refused)
{
	policy(optrefused[_i].opts);
	h_denied(&fx, optrefused[_i].cmd, NULL, optrefused[_i].why);
}
END_TEST

/*
 * Policy options that add to the command line, after the client's options
 * (so rsync's last setting is the rule's) and before "--": even when the
 * client sent the same option.
 */
static const struct {
	const char	*opts;
	const char	*cmd;
	const char	*word;
	int		 count;
} optadded[] = {
	{ "push pull no-overwrite", H_PUSH_LAPTOP, "--ignore-existing", 1 },
	{ "push pull no-overwrite", H_PUSH_PREFIX
	    "--ignore-existing . backup/laptop/",
	    "--ignore-existing", 2 },
	{ "push pull no-overwrite", H_PULL_LAPTOP, "--ignore-existing", 0 },
	{ "push pull no-overwrite", H_PUSH_PREFIX
	    "--link-dest ../prev . backup/laptop/",
	    "--ignore-existing", 1 },
	{ "push pull", H_PUSH_LAPTOP, "--ignore-existing", 0 },
	{ "push pull munge-links", H_PUSH_LAPTOP, "--munge-links", 1 },
	{ "push pull munge-links", H_PULL_LAPTOP, "--munge-links", 1 },
	{ "push pull munge-links", H_PUSH_PREFIX
	    "--munge-links . backup/laptop/",
	    "--munge-links", 2 },
	{ "push pull", H_PUSH_LAPTOP, "--munge-links", 0 },
	{ "push pull fake-super", H_PUSH_LAPTOP, "--fake-super", 1 },
	{ "push pull fake-super", H_PULL_LAPTOP, "--fake-super", 1 },
	{ "push pull fake-super", H_PUSH_PREFIX "--fake-super . backup/laptop/",
	    "--fake-super", 2 },
	{ "push pull", H_PUSH_LAPTOP, "--fake-super", 0 },
	{ "push pull no-delete", H_PUSH_PREFIX
	    "--max-delete=0 . backup/laptop/",
	    "--max-delete=0", 1 },
};

START_TEST(test_option_added)
{
	struct h_rec rec;
	int n;

	policy(optadded[_i].opts);
	permitted_confined(optadded[_i].cmd, &rec);
	n = count_opt(&rec, optadded[_i].word);
	ck_assert_msg(n == optadded[_i].count, "row %d: %s %d times, want %d",
	    _i, optadded[_i].word, n, optadded[_i].count);
	h_rec_free(&rec);
}
END_TEST

/* An rsync that knows --confine-root gets it, and a receiver --drop-D. */
static const char *const confinecmds[] = { H_PUSH_LAPTOP, H_PULL_LAPTOP };

START_TEST(test_confine_root)
{
	char want[PATH_MAX + 32];
	struct h_rec rec;
	int push = _i == 0;

	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull root dir %s\n",
	    rsync35, fx.log, fx.d);
	permitted_confined(confinecmds[_i], &rec);
	snprintf(want, sizeof(want), "--confine-root=%s", fx.d);
	ck_assert_int_eq(count_opt(&rec, want), 1);
	ck_assert_int_eq(count_opt(&rec, "--drop-D"), push);
	h_rec_free(&rec);
}
END_TEST

/* tmpl with every '@' replaced by D. */
static char *
with_d(const char *tmpl)
{
	size_t n = 1, dl = strlen(fx.d);
	const char *p;
	char *out, *o;

	for (p = tmpl; *p != '\0'; p++)
		n += *p == '@' ? dl : 1;
	ck_assert((out = o = malloc(n)) != NULL);
	for (p = tmpl; *p != '\0'; p++)
		o = *p == '@' ? stpcpy(o, fx.d) : (*o = *p, o + 1);
	*o = '\0';
	return out;
}

/*
 * "absolute": a path under DIRECTORY is taken as is; any other absolute
 * path (or one without the option) is relative to DIRECTORY.
 */
START_TEST(test_absolute)
{
	static const struct {
		const char	*opts;
		const char	*cmd;	/* @ stands for D */
		const char	*want;
	} rows[] = {
		{ "push pull absolute", H_PUSH_PREFIX ". @/sub/", "@/sub" },
		{ "push pull", H_PUSH_PREFIX ". @/sub/", "@@/sub" },
		{ "push pull absolute", H_PULL_PREFIX ". @/sub/", "@/sub" },
		{ "push pull", H_PULL_PREFIX ". @/sub/", "@@/sub" },
		{ "push pull absolute", H_PUSH_PREFIX ". /sub/", "@/sub" },
		{ "push pull absolute", H_PUSH_PREFIX ". @/", "@" },
		{ "push pull absolute", H_PUSH_PREFIX ". /etc/", "@/etc" },
		{ "push pull absolute", H_PUSH_PREFIX ". @x/", "@@x" },
	};
	char *cmd, *want;
	struct h_rec rec;
	size_t i;

	for (i = 0; i < NROWS(rows); i++) {
		policy(rows[i].opts);
		cmd = with_d(rows[i].cmd);
		want = with_d(rows[i].want);
		permitted_confined(cmd, &rec);
		ck_assert_msg(rec.res[rec.argc - 1] != NULL &&
		    strcmp(rec.res[rec.argc - 1], want) == 0,
		    "%s: %s leads to %s, want %s", cmd, rec.arg[rec.argc - 1],
		    rec.res[rec.argc - 1], want);
		h_rec_free(&rec);
		free(cmd);
		free(want);
	}
}
END_TEST

/* "lock": a second push into the same DIRECTORY is refused. */
START_TEST(test_lock)
{
	struct h_rec rec;
	int fd;

	policy("push pull lock");
	fd = open(fx.d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == 0);
	h_denied(&fx, H_PUSH_LAPTOP, NULL, "locked");
	permitted_confined(H_PULL_LAPTOP, &rec);	/* no lock for a pull */
	h_rec_free(&rec);
	ck_assert(flock(fd, LOCK_UN) == 0);
	permitted_confined(H_PUSH_LAPTOP, &rec);
	h_rec_free(&rec);
	close(fd);
}
END_TEST

/* Without "lock", pushes do not wait for each other. */
START_TEST(test_nolock)
{
	struct h_rec rec;
	int fd;

	policy("push pull");
	fd = open(fx.d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert(fd != -1 && flock(fd, LOCK_EX | LOCK_NB) == 0);
	permitted_confined(H_PUSH_LAPTOP, &rec);
	h_rec_free(&rec);
	close(fd);
}
END_TEST

static const struct {
	const char	*line;
	const char	*umask;
} umasks[] = {
	{ "", "0022" },
	{ "umask 077\n", "0077" },
	{ "umask 027\n", "0027" },
	{ "umask 0\n", "0000" },
};

START_TEST(test_umask)
{
	struct h_rec rec;

	h_policy(&fx, "%spermit push pull root dir %s\n", umasks[_i].line,
	    fx.d);
	permitted_confined(H_PUSH_LAPTOP, &rec);
	ck_assert_str_eq(rec.umask, umasks[_i].umask);
	h_rec_free(&rec);
}
END_TEST

/* Paths. */

static const char *const dotdot[] = {
	H_PULL_PREFIX ". ../x",
	H_PULL_PREFIX ". backup/../../x",
	H_PULL_PREFIX ". a/..",
	H_PULL_PREFIX ". backup/ ../",
	H_PUSH_PREFIX ". ../x/",
	H_PUSH_PREFIX ". backup/../backup/",
	H_PUSH_PREFIX ". /..",
	H_PULL_PREFIX "--files-from=../x . backup/",
	H_PUSH_PREFIX "--partial-dir ../p . backup/laptop/",
};

START_TEST(test_dotdot)
{
	policy("push pull");
	h_denied(&fx, dotdot[_i], NULL, "\"..\" is not allowed");
}
END_TEST

/* Path-valued options: where each leads, or why it is refused. */
static const struct {
	const char	*cmd;
	const char	*opt;	/* the option word */
	const char	*want;	/* under D, or NULL: refused */
	const char	*why;
} pathopts[] = {
	{ H_PUSH_PREFIX "--link-dest ../prev . backup/laptop/", "--link-dest",
	    "backup/prev", NULL },
	{ H_PUSH_PREFIX "--link-dest=../prev . backup/laptop/", "--link-dest",
	    "backup/prev", NULL },
	{ H_PUSH_PREFIX "--link-dest /snap/prev . backup/laptop/",
	    "--link-dest", "snap/prev", NULL },
	{ H_PUSH_PREFIX "--link-dest ../../snap/prev . backup/laptop/",
	    "--link-dest", "snap/prev", NULL },
	{ H_PUSH_PREFIX "--compare-dest ../base . backup/laptop/",
	    "--compare-dest", "backup/base", NULL },
	{ H_PUSH_PREFIX "--copy-dest ../base . backup/laptop/", "--copy-dest",
	    "backup/base", NULL },
	{ "rsync --server -blogDtprze.iLsfxCIvu --backup-dir ../old . "
	    "backup/laptop/", "--backup-dir", "backup/old", NULL },
	/* a client's --temp-dir is dropped ("-": not passed on) */
	{ H_PUSH_PREFIX "--temp-dir tmp . backup/laptop/", "--temp-dir", "-",
	    NULL },
	{ H_PUSH_PREFIX "--temp-dir ../../../tmp . backup/laptop/",
	    "--temp-dir", "-", NULL },
	{ H_PUSH_PREFIX "--files-from remote-list . backup/laptop/",
	    "--files-from", "remote-list", NULL },
	{ H_PULL_PREFIX "--files-from remote-list . backup/laptop/",
	    "--files-from", "remote-list", NULL },
	{ H_PUSH_PREFIX "--link-dest ../../.. . backup/laptop/", NULL, NULL,
	    "leads outside the directory" },
	{ H_PUSH_PREFIX "--link-dest ../../../etc . backup/laptop/", NULL,
	    NULL, "leads outside the directory" },
	{ H_PUSH_PREFIX "--link-dest ../prev . .", NULL, NULL,
	    "leads outside the directory" },
	{ H_PULL_PREFIX "--files-from=backup . backup/", NULL, NULL,
	    "is not a regular file" },
	{ H_PULL_PREFIX "--files-from=nothere . backup/", NULL, NULL,
	    "nothere" },
};

START_TEST(test_path_option)
{
	char want[PATH_MAX * 2];
	const char *got;
	struct h_rec rec;
	size_t i;

	policy("push pull");
	if (pathopts[_i].want == NULL) {
		h_denied(&fx, pathopts[_i].cmd, NULL, pathopts[_i].why);
		return;
	}
	permitted_confined(pathopts[_i].cmd, &rec);
	if (strcmp(pathopts[_i].want, "-") == 0) {
		for (i = 0; i < rec.argc; i++)
			ck_assert_msg(strncmp(rec.arg[i], pathopts[_i].opt,
			    strlen(pathopts[_i].opt)) != 0, "%s passed on as %s",
			    pathopts[_i].opt, rec.arg[i]);
		h_rec_free(&rec);
		return;
	}
	snprintf(want, sizeof(want), "%s/%s", fx.d, pathopts[_i].want);
	for (i = 0; i < rec.argc; i++)
		if (strncmp(rec.arg[i], pathopts[_i].opt,
		    strlen(pathopts[_i].opt)) == 0)
			break;
	ck_assert_msg(i < rec.argc, "%s not passed on", pathopts[_i].opt);
	got = strchr(rec.arg[i], '=') != NULL ? rec.res[i] :
	    i + 1 < rec.argc ? rec.res[i + 1] : NULL;
	ck_assert_msg(got != NULL && strcmp(got, want) == 0,
	    "%s: %s leads to %s, want %s", pathopts[_i].cmd, pathopts[_i].opt,
	    got ? got : "(nothing)", want);
	ck_assert_msg(strstr(rec.arg[i], "/proc/self/fd/") != NULL ||
	    (i + 1 < rec.argc && pinned_fd(rec.arg[i + 1]) != -1),
	    "%s: the value is not pinned", pathopts[_i].cmd);
	h_rec_free(&rec);
}
END_TEST

/*
 * Work that grows with the client's input is refused before it grows,
 * with a deny line: wildcards over two symlinks to "." (2^18 directory
 * reads), and a path of 2,000 components (which once overflowed the
 * stack before anything was logged).
 */
START_TEST(test_bounded_work)
{
	char cmd[8192];
	int i;

	policy("push pull");
	ck_assert_int_eq(symlink(".", h_in(&fx, "loop1")), 0);
	ck_assert_int_eq(symlink(".", h_in(&fx, "loop2")), 0);
	snprintf(cmd, sizeof(cmd), "%s", H_PULL_PREFIX ". loop1");
	for (i = 0; i < 18; i++)
		strlcat(cmd, "/loop*", sizeof(cmd));
	strlcat(cmd, "/zz*", sizeof(cmd));
	h_denied(&fx, cmd, NULL, "wildcard reads more than");
	snprintf(cmd, sizeof(cmd), "%s", H_PULL_PREFIX ". ");
	for (i = 0; i < 2000; i++)
		strlcat(cmd, "a/", sizeof(cmd));
	h_denied(&fx, cmd, NULL, "components");
}
END_TEST

/* Symlinks that lead out of DIRECTORY are refused wherever they appear. */
static const char *const escapes[] = {
	H_PULL_PREFIX ". evil/",
	H_PULL_PREFIX ". evil/passwd",
	H_PULL_PREFIX ". backup/ evil/",
	H_PULL_PREFIX ". up/",
	H_PULL_PREFIX ". up/etc/passwd",
	H_PUSH_PREFIX ". evil/x/",
	H_PUSH_PREFIX ". evil/",
	H_PUSH_PREFIX ". up/x/",
	H_PUSH_PREFIX "--link-dest=/evil . backup/laptop/",
	H_PUSH_PREFIX "--link-dest ../../evil . backup/laptop/",
	H_PUSH_PREFIX "--backup-dir /evil . backup/laptop/",
	H_PULL_PREFIX "--files-from=evil/passwd . backup/",
	H_PULL_PREFIX "--files-from=evilfile . backup/",
	H_PULL_PREFIX "-R . evil/passwd",
};

START_TEST(test_symlink_escape)
{
	policy("push pull");
	h_denied(&fx, escapes[_i], NULL, "leads outside the directory");
}
END_TEST

/* A symlink that stays inside is followed, and the result pinned. */
START_TEST(test_symlink_inside)
{
	char want[PATH_MAX * 2];
	struct h_rec rec;

	policy("push pull");
	permitted_confined(H_PULL_PREFIX ". inlink/", &rec);
	snprintf(want, sizeof(want), "%s/backup/laptop", fx.d);
	ck_assert_str_eq(rec.res[rec.argc - 1], want);
	h_rec_free(&rec);
}
END_TEST

/* Sender-side wildcards are expanded inside DIRECTORY, each pinned. */
START_TEST(test_wildcard)
{
	static const char *const want[] = { "dir/a.txt", "dir/b.txt" };
	char path[PATH_MAX * 2];
	struct h_rec rec;
	size_t i, first;

	policy("push pull");
	permitted_confined(H_PULL_PREFIX ". dir/*.txt", &rec);
	first = (size_t)h_rec_find(&rec, ".") + 1;
	ck_assert_msg(rec.argc - first == 2, "%zu paths, want 2",
	    rec.argc - first);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", fx.d, want[i]);
		ck_assert_msg(pinned_fd(rec.arg[first + i]) != -1,
		    "%s not pinned", rec.arg[first + i]);
		ck_assert_str_eq(rec.res[first + i], path);
	}
	h_rec_free(&rec);
}
END_TEST

/* A name with wildcard characters that exists as written is not a pattern. */
START_TEST(test_wildcard_literal)
{
	char path[PATH_MAX * 2];
	struct h_rec rec;
	size_t first;

	policy("push pull");
	permitted_confined(H_PULL_PREFIX ". dir/photo\\[1\\].jpg", &rec);
	first = (size_t)h_rec_find(&rec, ".") + 1;
	ck_assert_msg(rec.argc - first == 1, "%zu paths, want 1",
	    rec.argc - first);
	snprintf(path, sizeof(path), "%s/dir/photo[1].jpg", fx.d);
	ck_assert_str_eq(rec.res[first], path);
	h_rec_free(&rec);
}
END_TEST

Suite *
make_suite_rsync(void)
{
	Suite *s = suite_create("rsync");
	TCase *tc;
	int n = 0;

	if (h_corpus_read(&corpus, corpus_err, sizeof(corpus_err)) == -1)
		corpus.n = 0;
	/* These change nothing in the tree: one tree per case. */
	tc = h_root_tcase_shared(s, "corpus", setup_tree, reset, teardown);
	h_add(tc, test_corpus_present, &n);
	h_add_rows(tc, test_corpus, corpus.n, &n);

	tc = h_root_tcase_shared(s, "refused", setup_tree, reset, teardown);
	h_add_rows(tc, test_refused, NROWS(refused), &n);

	tc = h_root_tcase_shared(s, "policy", setup_tree, reset, teardown);
	h_add_rows(tc, test_option_refused, NROWS(optrefused), &n);
	h_add_rows(tc, test_option_added, NROWS(optadded), &n);
	h_add(tc, test_absolute, &n);
	h_add(tc, test_lock, &n);
	h_add(tc, test_nolock, &n);
	h_add_rows(tc, test_umask, NROWS(umasks), &n);
	h_add_rows(tc, test_confine_root, NROWS(confinecmds), &n);

	tc = h_root_tcase_shared(s, "paths", setup_paths, reset, teardown);
	h_add_rows(tc, test_dotdot, NROWS(dotdot), &n);
	h_add_rows(tc, test_path_option, NROWS(pathopts), &n);
	h_add_rows(tc, test_symlink_escape, NROWS(escapes), &n);
	h_add(tc, test_symlink_inside, &n);
	h_add(tc, test_wildcard, &n);
	h_add(tc, test_wildcard_literal, &n);
	h_add(tc, test_bounded_work, &n);

	if (!h_root())
		h_skipped("rsync", n);
	return s;
}
