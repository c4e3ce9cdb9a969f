/*
 * rsync through the rshell binary, end to end: every request of the client
 * corpus gets its verdict, and what runs is checked from the outside, by a
 * stand-in rsync that records its words, where each path really leads, its
 * directory, umask, environment and descriptors.  Then the options that
 * are always refused, the policy options, path confinement, symlinks (also
 * one swapped in after the check, with the real rsync) and wildcards.
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
#include "wall.h"

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define CORPUS		"tests/data/rsync-3.5-client-commands.tsv"
#define MAXCORPUS	512
#define REAL_RSYNC	"/usr/bin/rsync"
#define CAPS		"-logDtprze.iLsfxCIvu"
#define SRV		"rsync --server " CAPS " "
#define SND		"rsync --server --sender " CAPS " "
#define PUSH		SRV ". backup/laptop/"
#define PULL		SND ". backup/laptop/"

struct crow {
	int	 pull;
	char	 opts[128];
	char	 cmd[1024];
	int	 permit;
	int	 line;
};

static struct crow corpus[MAXCORPUS];
static int ncorpus;
static struct h_fx fx;

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
}

static void
teardown(void)
{
	h_teardown(&fx);
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

static int
has_dotdot(const char *p)
{
	return strcmp(p, "..") == 0 || strncmp(p, "../", 3) == 0 ||
	    strstr(p, "/../") != NULL ||
	    (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0);
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
		    (a[0] != '/' && a[0] != '-' && !has_dotdot(a)),
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

/* Run cmd under the current policy and check a confined permit. */
static void
permitted(const char *cmd, struct h_rec *rec)
{
	struct h_res r;
	size_t before = h_log_count(fx.log);
	int runs;

	h_rec_read(&fx, rec);
	runs = rec->runs;
	h_rec_free(rec);
	h_rshell_c(&r, &fx, cmd, NULL);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", cmd, r.status, r.err);
	ck_assert_msg(h_log_count(fx.log) == before + 2, "%s: log lines",
	    cmd);
	ck_assert(h_log_find(fx.log, before, "event", "permit", "cmd", cmd,
	    NULL) == (int)before);
	ck_assert(h_log_find(fx.log, before + 1, "event", "exit", "status",
	    "0", NULL) == (int)before + 1);
	h_rec_read(&fx, rec);
	ck_assert_msg(rec->runs == runs + 1, "%s: the stand-in did not run",
	    cmd);
	check_confined(rec, strstr(cmd, " --sender ") != NULL, cmd);
	h_res_free(&r);
}

static void
denied(const char *cmd, const char *why)
{
	struct h_res r;
	size_t before = h_log_count(fx.log);

	h_rshell_c(&r, &fx, cmd, NULL);
	h_expect_denied(&fx, &r, before, why, cmd);
	h_res_free(&r);
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

static void
load_corpus(void)
{
	char line[2048], *f[4], *p;
	FILE *fp;
	int lineno = 0, i;

	if ((fp = fopen(CORPUS, "r")) == NULL)
		return;
	while (ncorpus < MAXCORPUS && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		for (p = line, i = 0; i < 4 && p != NULL; i++)
			f[i] = strsep(&p, "\t");
		if (i < 4 || f[3] == NULL)
			continue;
		corpus[ncorpus].pull = strcmp(f[0], "pull") == 0;
		strlcpy(corpus[ncorpus].opts, f[1],
		    sizeof(corpus[ncorpus].opts));
		strlcpy(corpus[ncorpus].cmd, f[2], sizeof(corpus[ncorpus].cmd));
		corpus[ncorpus].permit = strcmp(f[3], "permit") == 0;
		corpus[ncorpus].line = lineno;
		ncorpus++;
	}
	fclose(fp);
}

START_TEST(test_corpus_present)
{
	ck_assert_msg(ncorpus > 100, "%s: %d requests read (run from the top "
	    "of the tree)", CORPUS, ncorpus);
}
END_TEST

/*
 * Every request of the corpus, with an environment the client could have
 * sent or an attacker preloaded; none of it may reach rsync.
 */
START_TEST(test_corpus)
{
	const struct crow *c = &corpus[_i];
	char *env[] = { "LD_PRELOAD=/nonexistent", "LD_LIBRARY_PATH=/x",
	    "RSYNC_RSH=x", "RSYNC_CONNECT_PROG=x", "HOME=/nonexistent",
	    "SHELL=/bin/evil", NULL };
	char what[1300], cluster[256], *run;
	struct h_logrec lr;
	struct h_rec rec;
	struct h_res r;

	snprintf(what, sizeof(what), "%s:%d (%s %s)", CORPUS, c->line,
	    c->pull ? "pull" : "push", c->opts);
	policy("push pull list");
	h_rshell_c(&r, &fx, c->cmd, env);
	if (!c->permit) {
		h_expect_denied(&fx, &r, 0, "is not allowed", what);
		h_res_free(&r);
		return;
	}
	h_expect_permitted(&fx, &r, 0, 1, what);
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
	ck_assert_msg(strcmp(h_log_val(&lr, "cmd"), c->cmd) == 0, "%s: cmd=",
	    what);
	ck_assert(asprintf(&run, "%s --server ", fx.rsync) != -1);
	ck_assert_msg(strncmp(h_log_val(&lr, "run"), run, strlen(run)) == 0,
	    "%s: run=%s", what, h_log_val(&lr, "run"));
	ck_assert_msg(strstr(h_log_val(&lr, "run"), "confine-root") == NULL,
	    "%s: --confine-root for an rsync without it", what);
	free(run);
	h_logrec_free(&lr);
	h_res_free(&r);
}
END_TEST

/* Refused whatever the policy says. */
static const struct {
	const char	*cmd;
	const char	*why;
} refused[] = {
	{ SRV "-e ssh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -essh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -vessh . backup/", "-e/--rsh is not allowed" },
	{ "rsync --server -e.iLsfxCIvu\\;id . backup/", "-e/--rsh" },
	{ SRV "--rsh=ssh . backup/", "--rsh is not allowed" },
	{ SRV "--rsh ssh . backup/", "--rsh is not allowed" },
	{ SRV "--rsync-path=/tmp/x . backup/", "--rsync-path is not allowed" },
	{ SRV "--daemon . backup/", "--daemon is not allowed" },
	{ SRV "--config=/etc/rsyncd.conf . backup/",
	    "--config is not allowed" },
	{ SRV "--dparam=path=/ . backup/", "--dparam is not allowed" },
	{ SRV "-M--log-file=/tmp/x . backup/", "--remote-option/-M is not" },
	{ SRV "--remote-option=--fake-super . backup/", "--remote-option" },
	{ SRV "--log-file=/tmp/x . backup/", "--log-file is not allowed" },
	{ SRV "--log-file-format=%n . backup/", "--log-file-format is not" },
	{ SRV "--write-batch=x . backup/", "--write-batch is not allowed" },
	{ SRV "--read-batch=x . backup/", "--read-batch is not allowed" },
	{ SRV "--only-write-batch=x . backup/", "--only-write-batch is not" },
	{ SRV "--copy-devices . backup/", "--copy-devices is not allowed" },
	{ SRV "--write-devices . backup/", "--write-devices is not allowed" },
	{ SRV "--no-munge-links . backup/", "--no-munge-links is not allowed" },
	/* -s with nothing on stdin (more in test_clients.c) */
	{ "rsync --server -slogDtpre.iLsfxCIvu . backup/", "(-s): the input "
	    "ended after 0 bytes" },
	{ "rsync --server --sender -slogDtpre.iLsfxCIvu", "(-s): the input" },
	{ SRV "--protect-args . backup/", "(-s): the input" },
	{ SRV "--secluded-args . backup/", "(-s): the input" },
	{ SRV "--debug=ALL . backup/", "--debug is not allowed" },
	{ "rsync --server --sender -Llogtpre.iLsfxCIvu . backup/",
	    "--copy-links/-L is not allowed" },
	{ SND "--copy-links . backup/", "--copy-links/-L is not allowed" },
	{ "rsync --server -klogtpre.iLsfxCIvu . backup/",
	    "--copy-dirlinks/-k is not allowed" },
	{ "rsync --server -Klogtpre.iLsfxCIvu . backup/",
	    "--keep-dirlinks/-K is not allowed" },
	{ SND "--copy-unsafe-links . backup/", "--copy-unsafe-links is not" },
	{ SRV "--confine-root=/ . backup/", "--confine-root is not allowed" },
	{ SRV "--copy-as=root . backup/", "--copy-as is not allowed" },
	{ "rsync --server --server " CAPS " . backup/", "--server may only" },
	{ SRV "--server . backup/", "--server may only come first" },
	{ SRV "--sender . backup/", "--sender must come right after" },
	{ "rsync " CAPS " --server . backup/", "--server must be the first" },
	{ "rsync --sender --server " CAPS " . backup/", "--server must be" },
	{ SRV ". --delete", "options after '.' are not allowed" },
	{ SND ". backup/ -e", "options after '.' are not allowed" },
	{ SND ". backup/ --rsh=ssh", "options after '.' are not allowed" },
	{ SRV "-- . backup/", "'--' before '.' is not allowed" },
	{ SRV "backup/", "unexpected argument before '.'" },
	{ "rsync --server " CAPS, "missing '.'" },
	{ SRV ". a/ b/", "exactly one destination" },
	{ SND ".", "no source path" },
	{ SRV "--unknown-option . backup/", "unknown option --unknown-option" },
	{ "rsync --server -logDtprze.iLsfxCIvu? . backup/", "-e/--rsh" },
	{ "rsync --server -Z . backup/", "unknown option -Z" },
	{ SRV "--timeout=abc . backup/", "bad value for --timeout" },
	{ SRV "--temp-dir -x . backup/", "may not start with '-'" },
	{ "rsync2 --server " CAPS " . backup/", "command not allowed: rsync2" },
	{ "rsync.sh --server " CAPS " . backup/", "command not allowed" },
	{ "openrsync --server " CAPS " . backup/", "command not allowed" },
	{ "rsync", "not an rsync server command" },
};

START_TEST(test_refused)
{
	policy("push pull list");
	denied(refused[_i].cmd, refused[_i].why);
}
END_TEST

/* Policy options that refuse. */
static const struct {
	const char	*opts;
	const char	*cmd;
	const char	*why;
} optrefused[] = {
	{ "pull", PUSH, "push not permitted by policy" },
	{ "pull list", SRV ". .", "push not permitted by policy" },
	{ "push", PULL, "pull not permitted by policy" },
	{ "push", SND "--list-only . backup/", "pull not permitted by policy" },
	{ "list", PUSH, "push not permitted by policy" },
	{ "list", PULL, "pull not permitted by policy" },
	{ "push pull no-delete", SRV "--delete . backup/laptop/",
	    "--delete is not allowed by the no-delete policy" },
	{ "push pull no-delete", SRV "--delete-after . backup/laptop/",
	    "--delete-after is not allowed by the no-delete policy" },
	{ "push pull no-delete", SRV "--del . backup/laptop/", "no-delete" },
	{ "push pull no-delete", SRV "--delete-excluded . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete", SRV "--delete-missing-args . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete", SND "--remove-source-files . backup/laptop/",
	    "no-delete" },
	{ "push pull no-delete", SRV "--force . backup/laptop/", "no-delete" },
	{ "pull", SND "--remove-source-files . backup/laptop/",
	    "needs the push permission" },
	{ "push pull no-overwrite", SRV "--inplace . backup/laptop/",
	    "--inplace is not allowed by the no-overwrite policy" },
	{ "push pull no-overwrite", SRV "--append . backup/laptop/",
	    "--append is not allowed by the no-overwrite policy" },
	{ "push pull no-overwrite", "rsync --server -blogDtprze.iLsfxCIvu . "
	    "backup/laptop/",
	    "--backup/-b is not allowed by the no-overwrite" },
	{ "push pull no-overwrite", SRV "--backup . backup/laptop/",
	    "--backup/-b is not allowed by the no-overwrite" },
	{ "push pull no-overwrite", SRV "--backup-dir ../old . backup/laptop/",
	    "--backup-dir is not allowed by the no-overwrite" },
	{ "push pull no-overwrite", SRV "--delay-updates . backup/laptop/",
	    "no-overwrite" },
	{ "push pull no-overwrite", SRV "--partial-dir .p . backup/laptop/",
	    "no-overwrite" },
	{ "push pull no-overwrite", SRV "--delete . backup/laptop/",
	    "no-overwrite" },
};

START_TEST(test_option_refused)
{
	policy(optrefused[_i].opts);
	denied(optrefused[_i].cmd, optrefused[_i].why);
}
END_TEST

/* Policy options that add to the command line, once, before "--". */
static const struct {
	const char	*opts;
	const char	*cmd;
	const char	*word;
	int		 count;
} optadded[] = {
	{ "push pull no-overwrite", PUSH, "--ignore-existing", 1 },
	{ "push pull no-overwrite", SRV "--ignore-existing . backup/laptop/",
	    "--ignore-existing", 1 },
	{ "push pull no-overwrite", PULL, "--ignore-existing", 0 },
	{ "push pull no-overwrite", SRV "--partial --link-dest ../prev . "
	    "backup/laptop/", "--ignore-existing", 1 },
	{ "push pull", PUSH, "--ignore-existing", 0 },
	{ "push pull munge-links", PUSH, "--munge-links", 1 },
	{ "push pull munge-links", PULL, "--munge-links", 1 },
	{ "push pull munge-links", SRV "--munge-links . backup/laptop/",
	    "--munge-links", 1 },
	{ "push pull", PUSH, "--munge-links", 0 },
	{ "push pull fake-super", PUSH, "--fake-super", 1 },
	{ "push pull fake-super", PULL, "--fake-super", 1 },
	{ "push pull fake-super", SRV "--fake-super . backup/laptop/",
	    "--fake-super", 1 },
	{ "push pull", PUSH, "--fake-super", 0 },
	{ "push pull no-delete", SRV "--max-delete=0 . backup/laptop/",
	    "--max-delete=0", 1 },
};

START_TEST(test_option_added)
{
	struct h_rec rec;
	int n;

	policy(optadded[_i].opts);
	permitted(optadded[_i].cmd, &rec);
	n = count_opt(&rec, optadded[_i].word);
	ck_assert_msg(n == optadded[_i].count, "row %d: %s %d times, want %d",
	    _i, optadded[_i].word, n, optadded[_i].count);
	h_rec_free(&rec);
}
END_TEST

/* An rsync that knows --confine-root gets it, and a receiver --drop-D. */
static const char *const confinecmds[] = { PUSH, PULL };

START_TEST(test_confine_root)
{
	char want[PATH_MAX + 32];
	struct h_rec rec;
	int push = _i == 0;

	h_standin(&fx, fx.rsync, "# Knows --confine-root=DIR and --drop-D.");
	policy("push pull");
	permitted(confinecmds[_i], &rec);
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
		{ "push pull absolute", SRV ". @/sub/", "@/sub" },
		{ "push pull", SRV ". @/sub/", "@@/sub" },
		{ "push pull absolute", SND ". @/sub/", "@/sub" },
		{ "push pull", SND ". @/sub/", "@@/sub" },
		{ "push pull absolute", SRV ". /sub/", "@/sub" },
		{ "push pull absolute", SRV ". @/", "@" },
		{ "push pull absolute", SRV ". /etc/", "@/etc" },
		{ "push pull absolute", SRV ". @x/", "@@x" },
	};
	char *cmd, *want;
	struct h_rec rec;
	size_t i;

	for (i = 0; i < NROWS(rows); i++) {
		policy(rows[i].opts);
		cmd = with_d(rows[i].cmd);
		want = with_d(rows[i].want);
		permitted(cmd, &rec);
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
	denied(PUSH, "locked");
	permitted(PULL, &rec);		/* a pull does not lock */
	h_rec_free(&rec);
	ck_assert(flock(fd, LOCK_UN) == 0);
	permitted(PUSH, &rec);
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
	permitted(PUSH, &rec);
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
	permitted(PUSH, &rec);
	ck_assert_str_eq(rec.umask, umasks[_i].umask);
	h_rec_free(&rec);
}
END_TEST

/* Paths. */

static const char *const dotdot[] = {
	SND ". ../x",
	SND ". backup/../../x",
	SND ". a/..",
	SND ". backup/ ../",
	SRV ". ../x/",
	SRV ". backup/../backup/",
	SRV ". /..",
	SND "--files-from=../x . backup/",
	SRV "--partial-dir ../p . backup/laptop/",
};

START_TEST(test_dotdot)
{
	policy("push pull");
	denied(dotdot[_i], "\"..\" is not allowed");
}
END_TEST

/* Path-valued options: where each leads, or why it is refused. */
static const struct {
	const char	*cmd;
	const char	*opt;	/* the option word */
	const char	*want;	/* under D, or NULL: refused */
	const char	*why;
} pathopts[] = {
	{ SRV "--link-dest ../prev . backup/laptop/", "--link-dest",
	    "backup/prev", NULL },
	{ SRV "--link-dest=../prev . backup/laptop/", "--link-dest",
	    "backup/prev", NULL },
	{ SRV "--link-dest /snap/prev . backup/laptop/", "--link-dest",
	    "snap/prev", NULL },
	{ SRV "--link-dest ../../snap/prev . backup/laptop/", "--link-dest",
	    "snap/prev", NULL },
	{ SRV "--compare-dest ../base . backup/laptop/", "--compare-dest",
	    "backup/base", NULL },
	{ SRV "--copy-dest ../base . backup/laptop/", "--copy-dest",
	    "backup/base", NULL },
	{ "rsync --server -blogDtprze.iLsfxCIvu --backup-dir ../old . "
	    "backup/laptop/", "--backup-dir", "backup/old", NULL },
	{ SRV "--temp-dir tmp . backup/laptop/", "--temp-dir",
	    "backup/laptop/tmp", NULL },
	{ SRV "--files-from remote-list . backup/laptop/", "--files-from",
	    "remote-list", NULL },
	{ SND "--files-from remote-list . backup/laptop/", "--files-from",
	    "remote-list", NULL },
	{ SRV "--link-dest ../../.. . backup/laptop/", NULL, NULL,
	    "leads outside the directory" },
	{ SRV "--link-dest ../../../etc . backup/laptop/", NULL, NULL,
	    "leads outside the directory" },
	{ SRV "--temp-dir ../../../tmp . backup/laptop/", NULL, NULL,
	    "leads outside the directory" },
	{ SRV "--link-dest ../prev . .", NULL, NULL,
	    "leads outside the directory" },
	{ SND "--files-from=backup . backup/", NULL, NULL,
	    "is not a regular file" },
	{ SND "--files-from=nothere . backup/", NULL, NULL, "nothere" },
};

START_TEST(test_path_option)
{
	char want[PATH_MAX * 2];
	const char *got;
	struct h_rec rec;
	size_t i;

	policy("push pull");
	if (pathopts[_i].want == NULL) {
		denied(pathopts[_i].cmd, pathopts[_i].why);
		return;
	}
	permitted(pathopts[_i].cmd, &rec);
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

/* Symlinks that lead out of DIRECTORY are refused wherever they appear. */
static const char *const escapes[] = {
	SND ". evil/",
	SND ". evil/passwd",
	SND ". backup/ evil/",
	SND ". up/",
	SND ". up/etc/passwd",
	SRV ". evil/x/",
	SRV ". evil/",
	SRV ". up/x/",
	SRV "--link-dest=/evil . backup/laptop/",
	SRV "--link-dest ../../evil . backup/laptop/",
	SRV "--temp-dir /evil . backup/laptop/",
	SND "--files-from=evil/passwd . backup/",
	SND "--files-from=evilfile . backup/",
	SND "-R . evil/passwd",
};

START_TEST(test_symlink_escape)
{
	ck_assert(symlink("/etc", h_in(&fx, "evil")) == 0);
	ck_assert(symlink("/etc/passwd", h_in(&fx, "evilfile")) == 0);
	ck_assert(symlink("../..", h_in(&fx, "up")) == 0);
	policy("push pull");
	denied(escapes[_i], "leads outside the directory");
}
END_TEST

/* A symlink that stays inside is followed, and the result pinned. */
START_TEST(test_symlink_inside)
{
	char want[PATH_MAX * 2];
	struct h_rec rec;

	ck_assert(symlink("backup/laptop", h_in(&fx, "inlink")) == 0);
	policy("push pull");
	permitted(SND ". inlink/", &rec);
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
	permitted(SND ". dir/*.txt", &rec);
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

	h_file(&fx, "dir/photo[1].jpg", "literal\n");
	h_file(&fx, "dir/photo1.jpg", "matched by the pattern\n");
	policy("push pull");
	permitted(SND ". dir/photo\\[1\\].jpg", &rec);
	first = (size_t)h_rec_find(&rec, ".") + 1;
	ck_assert_msg(rec.argc - first == 1, "%zu paths, want 1",
	    rec.argc - first);
	snprintf(path, sizeof(path), "%s/dir/photo[1].jpg", fx.d);
	ck_assert_str_eq(rec.res[first], path);
	h_rec_free(&rec);
}
END_TEST

/* The real rsync. */

/* The -e program: drops the host, hands the rest to rshell as -c. */
static const char *
ssh_script(void)
{
	static char path[PATH_MAX];

	h_path(path, fx.top, "ssh");
	h_script(path, "shift\nexec '%s' -f '%s' -c \"$*\"\n", h_rshell(),
	    fx.policy);
	return path;
}

static void
rsync_client(const char *flags, const char *src, const char *dst,
    struct h_res *r)
{
	char *argv[] = { "rsync", (char *)flags, "-e", NULL, (char *)src,
	    (char *)dst, NULL };

	argv[3] = (char *)ssh_script();
	h_run(r, REAL_RSYNC, argv, NULL);
}

static int
file_is(const char *path, const char *content)
{
	char *text = h_slurp(path);
	int same = text != NULL && strcmp(text, content) == 0;

	free(text);
	return same;
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
	rsync_client("-a", srcslash, dst, &r);
	ck_assert_msg(r.status == 0, "rsync exit %d: %s", r.status, r.err);
	ck_assert_msg(file_is(h_in(&fx, "dest/existing"), "old\n"),
	    "an existing file was changed");
	ck_assert_msg(file_is(h_in(&fx, "dest/newfile"), "fresh\n"),
	    "the new file did not arrive");
	ck_assert(h_log_find(fx.log, 0, "event", "permit", "run",
	    "~--ignore-existing", NULL) == 0);
	ck_assert(h_log_find(fx.log, 1, "event", "exit", "status", "0",
	    NULL) == 1);
	h_res_free(&r);
}
END_TEST

/*
 * A symlink swapped in after the check cannot redirect rsync: the policy's
 * "rsync" is a wrapper that, once rshell has checked the request, replaces
 * name with a link to a directory outside (moving the real one, d, to
 * d.old), then runs the real rsync.  rsync must still use what was
 * checked.  (Another session of the same account could do the swap.)
 */
static void
swap_setup(const char *name, int exists)
{
	char outside[PATH_MAX], wrapper[PATH_MAX], target[PATH_MAX];

	h_path(outside, fx.top, "outside");
	h_path(wrapper, fx.top, "bin/swap");
	h_path(target, fx.d, name);
	h_file(&fx, "d/inside", "inside\n");
	ck_assert(mkdir(outside, 0755) == 0);
	h_write(h_top(&fx, "outside/secret"), "secret\n");
	h_script(wrapper, "# Swaps %s for a link outside, after the check.\n"
	    "%s'%s' '%s.old' && ln -s '%s' '%s' || exit 99\n"
	    "exec " REAL_RSYNC " \"$@\"\n", name, exists ? "mv " : "true ",
	    target, target, outside, target);
	h_write(fx.policy, "rsync %s\nlog %s\npermit push pull root dir %s\n",
	    wrapper, fx.log, fx.d);
}

static void
expect_swapped(const char *name)
{
	struct stat st;

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
	rsync_client(flags, "x:d/", dst, &r);
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
	rsync_client("-a", srcslash, dest, &r);
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
	ck_assert_msg(file_is(h_in(&fx, "d.old/pushed"), "pushed\n"),
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

#define T(fn)		do { n++; if (tc) tcase_add_test(tc, fn); \
			} while (0)
#define L(fn, k)	do { n += (int)(k); if (tc) \
			    tcase_add_loop_test(tc, fn, 0, (int)(k)); \
			} while (0)

Suite *
make_suite_rsync(void)
{
	Suite *s = suite_create("rsync");
	TCase *tc;
	int n = 0;

	load_corpus();
	tc = h_root_tcase(s, "corpus", setup_tree, teardown);
	T(test_corpus_present);
	L(test_corpus, ncorpus);

	tc = h_root_tcase(s, "refused", setup_tree, teardown);
	L(test_refused, NROWS(refused));

	tc = h_root_tcase(s, "policy", setup_tree, teardown);
	L(test_option_refused, NROWS(optrefused));
	L(test_option_added, NROWS(optadded));
	L(test_confine_root, NROWS(confinecmds));
	T(test_absolute);
	T(test_lock);
	T(test_nolock);
	L(test_umask, NROWS(umasks));

	tc = h_root_tcase(s, "paths", setup_tree, teardown);
	L(test_dotdot, NROWS(dotdot));
	L(test_path_option, NROWS(pathopts));
	L(test_symlink_escape, NROWS(escapes));
	T(test_symlink_inside);
	T(test_wildcard);
	T(test_wildcard_literal);

	if (access(REAL_RSYNC, X_OK) == 0) {
		tc = h_root_tcase(s, "real", setup_tree, teardown);
		T(test_real_no_overwrite);
		T(test_swap_pull);
		T(test_swap_push);
		/* Only the kernel wall contains these two. */
		if (wall_abi() > 0) {
			T(test_swap_pull_relative);
			T(test_swap_push_new);
		} else
			fprintf(stderr, "rsync suite: skipped 2 tests (this "
			    "kernel has no Landlock)\n");
	} else
		fprintf(stderr, "rsync suite: skipped 5 tests (no %s)\n",
		    REAL_RSYNC);

	if (!h_root())
		h_skipped("rsync", n);
	return s;
}
