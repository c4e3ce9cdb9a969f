/*
 * policy_decide in process, as any user: a parsed policy (policy_parse
 * needs no root-owned file), a temporary tree and a struct who.  One row
 * per kind, rule option and refusal: the verdict, the reason of a deny,
 * and for a permit everything the runner is told (the argv with its
 * descriptors, the kind, the wall, the lock, the umask, what the rule
 * added).
 */
#include <sys/stat.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decide.h"
#include "policy.h"

#define CAPS	"-logDtpre.iLsfxCIvu"
#define SRV	"rsync --server " CAPS " "
#define SND	"rsync --server --sender " CAPS " "

static char top[64];

/*
 * top/srv/u (the user's own: laptop/file.txt, prev/, photo[1].jpg,
 * evil -> /etc),
 * top/srv/laptop, top/srv/ro, top/srv/all; top/nothere does not exist.
 */
static void
mk(const char *rel, int dir)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", top, rel);
	if (dir)
		ck_assert_int_eq(mkdir(p, 0755), 0);
	else {
		ck_assert_int_ne(fd = open(p, O_WRONLY | O_CREAT, 0644), -1);
		close(fd);
	}
}

static void
setup(void)
{
	char p[256];

	strlcpy(top, "/tmp/rshell-decide.XXXXXX", sizeof(top));
	ck_assert_ptr_nonnull(mkdtemp(top));
	mk("srv", 1);
	mk("srv/u", 1);
	mk("srv/u/laptop", 1);
	mk("srv/u/laptop/file.txt", 0);
	mk("srv/u/prev", 1);
	mk("srv/u/photo[1].jpg", 0);
	mk("srv/laptop", 1);
	mk("srv/ro", 1);
	mk("srv/all", 1);
	snprintf(p, sizeof(p), "%s/srv/u/evil", top);
	ck_assert_int_eq(symlink("/etc", p), 0);
	/*
	 * Snapshots: the newest is 2026-11-02T000000Z; a symlink, a file
	 * and a name that is no date do not count.  first has none yet.
	 */
	mk("srv/snap", 1);
	mk("srv/snap/2026-11-01T000000Z", 1);
	mk("srv/snap/2026-11-01T000000Z/home", 1);
	mk("srv/snap/2026-11-02T000000Z", 1);
	mk("srv/snap/2026-11-02T000000Z/home", 1);
	mk("srv/snap/2026-11-04T000000Z", 0);
	mk("srv/snap/2026-13-01T000000Z", 1);
	snprintf(p, sizeof(p), "%s/srv/snap/2026-11-03T000000Z", top);
	ck_assert_int_eq(symlink("2026-11-01T000000Z", p), 0);
	snprintf(p, sizeof(p), "%s/srv/snap/latest", top);
	ck_assert_int_eq(symlink("2026-11-02T000000Z", p), 0);
	mk("srv/first", 1);
	/* what a hostile earlier push could not have left, but check */
	mk("srv/snapbad", 1);
	snprintf(p, sizeof(p), "%s/srv/snapbad/.incoming", top);
	ck_assert_int_eq(symlink("/etc", p), 0);
	mk("srv/snapesc", 1);
	mk("srv/snapesc/.incoming", 1);
	snprintf(p, sizeof(p), "%s/srv/snapesc/.incoming/home", top);
	ck_assert_int_eq(symlink("..", p), 0);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	ck_assert_int_eq(system(cmd), 0);
}

/* The policy, with @T@ for the tree; extra goes first (umask, errors). */
static struct policy *
load(const char *extra)
{
	static const char rules[] =
	    "rsync /usr/bin/rsync\n"
	    "log syslog\n"
	    "permit push pull list u dir @T@/srv/%u\n"
	    "permit push no-delete key laptop u dir @T@/srv/laptop\n"
	    "permit pull key ro u dir @T@/srv/ro\n"
	    "deny key stolen u\n"
	    "permit list :staff dir @T@/srv/all\n"
	    "deny mallory\n"
	    "permit push no-overwrite key nov u dir @T@/srv/u\n"
	    "permit push munge-links fake-super key mf u dir @T@/srv/u\n"
	    "permit push pull lock key lk u dir @T@/srv/u\n"
	    "permit push pull absolute key abs u dir @T@/srv/u\n"
	    "permit pull list key gone u dir @T@/nothere\n"
	    "permit push pull list snapshot key snap u dir @T@/srv/snap\n"
	    "permit push snapshot absolute keep 14d daily key snapk u dir "
	    "@T@/srv/snap\n"
	    "permit push snapshot key first u dir @T@/srv/first\n"
	    "permit push snapshot key sb u dir @T@/srv/snapbad\n"
	    "permit push snapshot key se u dir @T@/srv/snapesc\n";
	char text[4096], *o = text;
	const char *s;
	struct policy *p;

	o += snprintf(text, sizeof(text), "%s", extra);
	for (s = rules; *s != '\0'; s++) {
		if (strncmp(s, "@T@", 3) == 0) {
			o = stpcpy(o, top);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	ck_assert_ptr_nonnull(p = policy_parse("test.policy", text,
	    strlen(text)));
	return p;
}

/* "a b c" into argv (spaces only: the rows need no quoting). */
static size_t
split(char *cmd, char **v, size_t max)
{
	size_t n = 0;
	char *w, *save = NULL;

	for (w = strtok_r(cmd, " ", &save); w != NULL && n + 1 < max;
	    w = strtok_r(NULL, " ", &save))
		v[n++] = w;
	v[n] = NULL;
	return n;
}

/* argv joined, /proc/self/fd/N as /proc/self/fd/#, the tree as @T@. */
static void
shape(char *const *v, size_t n, char *out, size_t len)
{
	char word[PATH_MAX + 64], *p;
	size_t i, tl = strlen(top);

	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strlcpy(word, v[i], sizeof(word));
		while ((p = strstr(word, top)) != NULL) {
			memmove(p + 3, p + tl, strlen(p + tl) + 1);
			memcpy(p, "@T@", 3);
		}
		if ((p = strstr(word, "/proc/self/fd/")) != NULL) {
			char *q = p + 14, *e = q;

			while (*e >= '0' && *e <= '9')
				e++;
			memmove(q + 1, e, strlen(e) + 1);
			*q = '#';
		}
		if (i > 0)
			strlcat(out, " ", len);
		strlcat(out, word, len);
	}
}

/* What the machine offers, for a row (struct caps). */
enum { LL, LLC, BARE, CONF, LL2, UNREAD };
static const struct caps machines[] = {
	[LL] = { 0, 7 },	/* Landlock, an rsync before 3.5 */
	[LLC] = { 1, 7 },	/* Landlock and rsync 3.5 */
	[BARE] = { 0, 0 },	/* neither */
	[CONF] = { 1, 0 },	/* rsync 3.5 only */
	[LL2] = { 1, 2 },	/* Landlock without TRUNCATE */
	[UNREAD] = { -1, 7 },	/* an rsync the account cannot read */
};

#define CHMOD	"--chmod=ugo-s"
#define RUN	"/usr/bin/rsync --server " CAPS " "
#define RUNS	"/usr/bin/rsync --server --sender " CAPS " "

static const struct row {
	const char	*user, *key, *cmd;
	int		 machine;
	const char	*want;	/* deny: reason substring; rsync permit: the
				   argv shape; other permits: NULL */
	int		 ok, kind, wall, lock;
	const char	*added;	/* rsync: the words the rule added */
} rows[] = {
	/* kinds */
	{ "u", NULL, "true", LL, NULL, 1, DK_TRUE, 0, 0, NULL },
	{ "u", NULL, "ls -l", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "u", NULL, "du -sh laptop", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "u", NULL, "df -h", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "u", NULL, SRV ". laptop/", LL, RUN CHMOD " -- . /proc/self/fd/#/",
	    1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	{ "u", NULL, SND ". laptop", LL, RUNS "-- . /proc/self/fd/#/laptop",
	    1, DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SRV ". new/", LLC, RUN CHMOD " --confine-root=@T@/srv/u "
	    "--drop-D -- . /proc/self/fd/#/new/", 1, DK_RSYNC, WALL_WRITE, 0,
	    CHMOD " --confine-root=@T@/srv/u --drop-D" },
	{ "u", NULL, SND ". laptop/", LLC, RUNS "--confine-root=@T@/srv/u -- "
	    ". /proc/self/fd/#/", 1, DK_RSYNC, WALL_READ, 0,
	    "--confine-root=@T@/srv/u" },
	/* the rule's options come after every option of the client's */
	{ "u", NULL, SRV "--link-dest=../prev . laptop/", LL, RUN "--link-dest "
	    "/proc/self/fd/#/ " CHMOD " -- . /proc/self/fd/#/", 1, DK_RSYNC,
	    WALL_WRITE, 0, CHMOD },
	/* a pull's wildcards are expanded inside DIRECTORY */
	{ "u", NULL, SND ". la*", LL, RUNS "-- . /proc/self/fd/#/laptop", 1,
	    DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SND ". la*/file.txt", LL, RUNS "-- . "
	    "/proc/self/fd/#/file.txt", 1, DK_RSYNC, WALL_READ, 0, "" },
	/* a match through the symlink out refuses the whole request */
	{ "u", NULL, SND ". */file.txt", LL, "path evil/file.txt leads "
	    "outside", 0, 0, 0, 0, NULL },
	{ "u", NULL, SND ". p*", LL, RUNS "-- . /proc/self/fd/#/photo[1].jpg "
	    "/proc/self/fd/#/prev", 1, DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SND ". photo[1].jpg", LL, RUNS "-- . "
	    "/proc/self/fd/#/photo[1].jpg", 1, DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SND ". zz*", LL, RUNS "-- . /proc/self/fd/#/zz*", 1,
	    DK_RSYNC, WALL_READ, 0, "" },
	/* a wildcard never reads through it: no match, the name as is */
	{ "u", NULL, SND ". ev*/pass*", LL, RUNS "-- . "
	    "/proc/self/fd/#/ev*/pass*", 1, DK_RSYNC, WALL_READ, 0, "" },
	/* --relative paths stay relative, with the client's marker */
	{ "u", NULL, "rsync --server --sender -logDtpRre.iLsfxCIvu . "
	    "laptop/./file.txt", LL, "/usr/bin/rsync --server --sender "
	    "-logDtpRre.iLsfxCIvu -- . laptop/./file.txt", 1, DK_RSYNC,
	    WALL_READ, 0, "" },
	{ "u", NULL, "rsync --server --sender -logDtpRre.iLsfxCIvu . "
	    "evil/passwd", LL, "leads outside", 0, 0, 0, 0, NULL },
	/* a pull that removes what it sent needs push, and may write */
	{ "u", NULL, SND "--remove-source-files . laptop/", LL, RUNS
	    "--remove-source-files -- . /proc/self/fd/#/", 1, DK_RSYNC,
	    WALL_WRITE, 0, "" },
	/* rule options */
	{ "u", "ro", SND ". /", LL, RUNS "-- . /proc/self/fd/#/", 1, DK_RSYNC,
	    WALL_READ, 0, "" },
	{ "u", "ro", SRV ". /", LL, "push not permitted", 0, 0, 0, 0, NULL },
	{ "u", "ro", SND "--remove-source-files . /", LL, "needs the push "
	    "permission", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV ". /", LL, RUN "--whole-file " CHMOD " -- . "
	    "/proc/self/fd/#/", 1, DK_RSYNC, WALL_KEEPDIRS, 0,
	    "--whole-file " CHMOD },
	{ "u", "laptop", SRV "--delete . /", LL, "--delete is not allowed by "
	    "the no-delete policy", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SND ". /", LL, "pull not permitted", 0, 0, 0, 0,
	    NULL },
	{ "u", "laptop", "true", LL, "rule has no \"list\"", 0, 0, 0, 0, NULL },
	{ "u", "laptop", "ls", LL, "ls not permitted by policy", 0, 0, 0, 0,
	    NULL },
	/* push-only: no content of what is there goes back */
	{ "u", "laptop", SRV "-B1 . /", LL, "--block-size/-B is not allowed "
	    "under a rule without pull", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV "--block-size=1 . /", LL, "--block-size/-B is "
	    "not allowed under a rule without pull", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV "--no-W . /", LL, "--no-W is not allowed under a "
	    "rule without pull", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV "--no-whole-file . /", LL, "--no-whole-file is "
	    "not allowed under a rule without pull", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV "--files-from=list . /", LL, "--files-from=FILE "
	    "is not allowed under a rule without pull", 0, 0, 0, 0, NULL },
	{ "u", "laptop", SRV "--files-from=- --from0 . /", LL, RUN
	    "--from0 --files-from=- --whole-file " CHMOD " -- . "
	    "/proc/self/fd/#/", 1, DK_RSYNC, WALL_KEEPDIRS, 0,
	    "--whole-file " CHMOD },
	{ "u", NULL, SRV "-B8192 . x/", LL, RUN "-B8192 " CHMOD " -- . "
	    "/proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	/* no-overwrite: create-only, new files come from the session's dir */
	{ "u", "nov", SRV ". x/", LL, RUN "--ignore-existing --whole-file "
	    "--temp-dir=/proc/self/fd/# " CHMOD " -- . /proc/self/fd/#/x/", 1,
	    DK_RSYNC, WALL_CREATE, 0, "--ignore-existing --whole-file "
	    "--temp-dir=/proc/self/fd/# " CHMOD },
	{ "u", "nov", SRV "--temp-dir=/tmp . x/", LL, RUN "--ignore-existing "
	    "--whole-file --temp-dir=/proc/self/fd/# " CHMOD " -- . "
	    "/proc/self/fd/#/x/", 1, DK_RSYNC, WALL_CREATE, 0,
	    "--ignore-existing --whole-file --temp-dir=/proc/self/fd/# " CHMOD },
	{ "u", "nov", SRV "--inplace . x/", LL, "--inplace is not allowed by "
	    "the no-overwrite policy", 0, 0, 0, 0, NULL },
	{ "u", "nov", SRV "--partial . x/", LL, "--partial is not allowed by "
	    "the no-overwrite policy", 0, 0, 0, 0, NULL },
	{ "u", "nov", SRV "--append . x/", LL, "--append is not allowed by "
	    "the no-overwrite policy", 0, 0, 0, 0, NULL },
	{ "u", "nov", SRV "--delay-updates . x/", LL, "--delay-updates is not "
	    "allowed", 0, 0, 0, 0, NULL },
	{ "u", "nov", SRV "-b . x/", LL, "--backup/-b is not allowed", 0, 0,
	    0, 0, NULL },
	{ "u", "nov", SRV ". x/", LL2, "no-overwrite needs Landlock ABI 3", 0,
	    0, 0, 0, NULL },
	{ "u", "nov", SRV ". x/", BARE, "this kernel has no Landlock", 0, 0,
	    0, 0, NULL },
	{ "u", "mf", SRV ". x/", LL, RUN "--fake-super --munge-links "
	    "--whole-file -- . /proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0,
	    "--fake-super --munge-links --whole-file" },
	{ "u", "mf", SRV "--munge-links . x/", LL, RUN "--munge-links "
	    "--fake-super --munge-links --whole-file -- . /proc/self/fd/#/x/",
	    1, DK_RSYNC, WALL_WRITE, 0, "--fake-super --munge-links "
	    "--whole-file" },
	{ "u", "mf", SRV "--fake-super --super . x/", LL, "--super is not "
	    "allowed by the fake-super policy", 0, 0, 0, 0, NULL },
	{ "u", NULL, SRV "--super . x/", LL, RUN "--super " CHMOD " -- . "
	    "/proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	{ "u", "lk", SRV ". x/", LL, RUN CHMOD " -- . /proc/self/fd/#/x/", 1,
	    DK_RSYNC, WALL_WRITE, 1, CHMOD },
	{ "u", "lk", SND ". laptop/", LL, RUNS "-- . /proc/self/fd/#/", 1,
	    DK_RSYNC, WALL_READ, 0, "" },
	{ "u", "abs", SRV ". @T@/srv/u/x/", LL, RUN CHMOD " -- . "
	    "/proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	/* without "absolute", the same path is a new tree inside (N@T@) */
	{ "u", NULL, SRV ". @T@/srv/u/x/", LL, RUN CHMOD " -- . "
	    "/proc/self/fd/#@T@/srv/u/x/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	/* a client's --temp-dir is dropped: rsync's default is inside */
	{ "u", NULL, SRV "--temp-dir=/tmp . x/", LL, RUN CHMOD " -- . "
	    "/proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	/* no wall, no risky request */
	{ "u", NULL, SRV ". x/", BARE, "push refused: this kernel has no "
	    "Landlock", 0, 0, 0, 0, NULL },
	{ "u", NULL, "rsync --server --sender -logDtpRre.iLsfxCIvu . laptop",
	    BARE, "-R pull refused: this kernel has no Landlock", 0, 0, 0, 0,
	    NULL },
	{ "u", NULL, SND "--files-from=- . /", BARE, "pull with a path option "
	    "refused", 0, 0, 0, 0, NULL },
	{ "u", NULL, SND ". laptop/", BARE, RUNS "-- . /proc/self/fd/#/", 1,
	    DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SRV ". x/", CONF, RUN CHMOD " --confine-root=@T@/srv/u "
	    "--drop-D -- . /proc/self/fd/#/x/", 1, DK_RSYNC, WALL_WRITE, 0,
	    CHMOD " --confine-root=@T@/srv/u --drop-D" },
	{ "u", "laptop", SRV ". /", CONF, "no-delete needs Landlock", 0, 0, 0,
	    0, NULL },
	{ "u", NULL, SND ". laptop/", UNREAD, "cannot read /usr/bin/rsync", 0,
	    0, 0, 0, NULL },
	/* keys and identities */
	{ "u", "other", "true", LL, NULL, 1, DK_TRUE, 0, 0, NULL },
	{ "u", "stolen", "true", LL, "denied by test.policy line 6", 0, 0, 0,
	    0, NULL },
	{ "g", NULL, "ls", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "g", NULL, SRV ". x/", LL, "push not permitted", 0, 0, 0, 0, NULL },
	{ "mallory", NULL, "true", LL, "denied by test.policy line 8", 0, 0,
	    0, 0, NULL },
	{ "nobody", NULL, "true", LL, "no rule permits user nobody", 0, 0, 0,
	    0, NULL },
	{ "nobody", "k", "true", LL, "no rule permits user nobody with key k",
	    0, 0, 0, 0, NULL },
	/* the command table */
	{ "u", NULL, "", LL, "empty command", 0, 0, 0, 0, NULL },
	{ "u", NULL, "id", LL, "command not allowed: id", 0, 0, 0, 0, NULL },
	{ "u", NULL, "rsyncx --server . x", LL, "command not allowed: rsyncx",
	    0, 0, 0, 0, NULL },
	/* any absolute path of rsync: the policy's rsync runs all the same */
	{ "u", NULL, "/usr/bin/rsync --server " CAPS " . laptop/", LL, RUN
	    CHMOD " -- . /proc/self/fd/#/", 1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	{ "u", NULL, "/opt/rsync-3.5/bin/rsync --server --sender " CAPS
	    " . laptop", LL, RUNS "-- . /proc/self/fd/#/laptop", 1, DK_RSYNC,
	    WALL_READ, 0, "" },
	{ "u", NULL, "/usr/bin/rsync2 --server . x", LL, "command not allowed: "
	    "/usr/bin/rsync2", 0, 0, 0, 0, NULL },
	{ "u", NULL, "bin/rsync --server . x", LL, "command not allowed: "
	    "bin/rsync", 0, 0, 0, 0, NULL },
	{ "u", NULL, "/rsync/ --server . x", LL, "command not allowed", 0, 0,
	    0, 0, NULL },
	{ "u", NULL, "/bin/true", LL, "command not allowed: /bin/true", 0, 0,
	    0, 0, NULL },
	{ "u", NULL, "LS", LL, "command not allowed", 0, 0, 0, 0, NULL },
	{ "u", NULL, "true x", LL, "true takes no arguments", 0, 0, 0, 0,
	    NULL },
	/* listings are judged whole: a permit cannot turn into a deny */
	{ "u", NULL, "ls -x", LL, "ls: unknown option -x", 0, 0, 0, 0, NULL },
	{ "u", NULL, "du --max-depth=1", LL, "du: unknown option --max-depth",
	    0, 0, 0, 0, NULL },
	{ "u", NULL, "df laptop", LL, "df: operands are not allowed", 0, 0, 0,
	    0, NULL },
	{ "u", NULL, "du -s -a", LL, "-s and -a cannot be used together", 0,
	    0, 0, 0, NULL },
	{ "u", NULL, "ls evil/", LL, "leading outside the directory", 0, 0, 0,
	    0, NULL },
	{ "u", NULL, "ls ../u", LL, "\"..\" is not allowed", 0, 0, 0, 0,
	    NULL },
	/* a missing operand is the listing's error, not a refusal */
	{ "u", NULL, "ls nothere", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	/* a leading "~" is DIRECTORY; "~name" is another account's */
	{ "u", NULL, SND ". ~/laptop", LL, RUNS "-- . /proc/self/fd/#/laptop",
	    1, DK_RSYNC, WALL_READ, 0, "" },
	{ "u", NULL, SRV ". ~", LL, RUN CHMOD " -- . /proc/self/fd/#/", 1,
	    DK_RSYNC, WALL_WRITE, 0, CHMOD },
	{ "u", "abs", SRV ". ~/x/", LL, RUN CHMOD " -- . /proc/self/fd/#/x/",
	    1, DK_RSYNC, WALL_WRITE, 0, CHMOD },
	{ "u", NULL, SND ". ~u/laptop", LL, "~u (another account's home) is "
	    "not allowed", 0, 0, 0, 0, NULL },
	{ "u", NULL, "ls ~/laptop", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "u", NULL, "ls ~u", LL, "another account's home", 0, 0, 0, 0, NULL },
	/* rsync refusals */
	{ "u", NULL, SRV ". ../x/", LL, "\"..\" is not allowed", 0, 0, 0, 0,
	    NULL },
	{ "u", NULL, SND ". evil/passwd", LL, "leads outside the directory",
	    0, 0, 0, 0, NULL },
	{ "u", NULL, SRV "--link-dest=../../.. . laptop/", LL,
	    "leads outside the directory", 0, 0, 0, 0, NULL },
	{ "u", NULL, "rsync --server -e ssh . x/", LL, "-e/--rsh is not "
	    "allowed", 0, 0, 0, 0, NULL },
	{ "u", NULL, "rsync --server -slogDtpre.iLsfxCIvu", LL, "-s is not "
	    "allowed", 0, 0, 0, 0, NULL },
	{ "u", NULL, SRV "--daemon . x/", LL, "--daemon is not allowed", 0, 0,
	    0, 0, NULL },
	{ "u", NULL, SRV ". laptop/file.txt/x/", LL, "is not a directory", 0,
	    0, 0, 0, NULL },
	{ "u", "gone", "true", LL, "nothere: No such file or directory", 0, 0,
	    0, 0, NULL },
	/*
	 * snapshot: the push goes into .incoming, linked against the newest
	 * snapshot's same part, locked; a pull reads every snapshot
	 */
	{ "u", "snap", SRV ". home/", LL, RUN "--temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD " -- . /proc/self/fd/#/home/",
	    1, DK_RSYNC, WALL_SNAPSHOT, 1, "--temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD },
	{ "u", "snap", SRV ". /", LLC, RUN "--temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD " --confine-root=@T@/srv/snap "
	    "--drop-D -- . /proc/self/fd/#/", 1, DK_RSYNC, WALL_SNAPSHOT, 1,
	    "--temp-dir=/proc/self/fd/# --link-dest=/proc/self/fd/#/ " CHMOD
	    " --confine-root=@T@/srv/snap --drop-D" },
	/* a part the newest snapshot lacks links against nothing */
	{ "u", "snap", SRV ". new", LL, RUN "--temp-dir=/proc/self/fd/# " CHMOD
	    " -- . /proc/self/fd/#/new", 1, DK_RSYNC, WALL_SNAPSHOT, 1,
	    "--temp-dir=/proc/self/fd/# " CHMOD },
	{ "u", "first", SRV ". /", LL, RUN "--whole-file --temp-dir="
	    "/proc/self/fd/# " CHMOD " -- . /proc/self/fd/#/", 1, DK_RSYNC,
	    WALL_SNAPSHOT, 1, "--whole-file --temp-dir=/proc/self/fd/# "
	    CHMOD },
	/* absolute: the stripped path is placed in .incoming all the same */
	{ "u", "snapk", SRV ". @T@/srv/snap/home/", LL, RUN "--whole-file "
	    "--temp-dir=/proc/self/fd/# --link-dest=/proc/self/fd/#/ " CHMOD
	    " -- . /proc/self/fd/#/home/", 1, DK_RSYNC, WALL_SNAPSHOT, 1,
	    "--whole-file --temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD },
	/* inside the new snapshot alone, these are the push's own */
	{ "u", "snap", SRV "--delete --partial --delay-updates --partial-dir=.p "
	    ". home/", LL, RUN "--delete --partial --delay-updates "
	    "--partial-dir=.p --temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD " -- . /proc/self/fd/#/home/",
	    1, DK_RSYNC, WALL_SNAPSHOT, 1, "--temp-dir=/proc/self/fd/# "
	    "--link-dest=/proc/self/fd/#/ " CHMOD },
	{ "u", "snap", SRV "--link-dest=../2026-11-01T000000Z . home/", LL,
	    "--link-dest is not allowed by the snapshot policy: the server "
	    "links against the previous snapshot by itself", 0, 0, 0, 0, NULL },
	{ "u", "snap", SRV "--compare-dest=/x . home/", LL, "--compare-dest is "
	    "not allowed by the snapshot policy: the server links", 0, 0, 0, 0,
	    NULL },
	{ "u", "snap", SRV "--copy-dest=/x . home/", LL, "--copy-dest is not "
	    "allowed by the snapshot policy: the server links", 0, 0, 0, 0,
	    NULL },
	{ "u", "snap", SRV "--inplace . home/", LL, "--inplace is not allowed "
	    "by the snapshot policy: unchanged files are hard links", 0, 0, 0,
	    0, NULL },
	{ "u", "snap", SRV "--append . home/", LL, "--append is not allowed by "
	    "the snapshot policy", 0, 0, 0, 0, NULL },
	{ "u", "snap", SRV "-b . home/", LL, "--backup/-b is not allowed by "
	    "the snapshot policy: every earlier version stays", 0, 0, 0, 0,
	    NULL },
	{ "u", "snap", SRV "--backup-dir=old . home/", LL, "--backup-dir is "
	    "not allowed by the snapshot policy", 0, 0, 0, 0, NULL },
	{ "u", "snap", SRV "--suffix=.old . home/", LL, "--suffix is not "
	    "allowed by the snapshot policy", 0, 0, 0, 0, NULL },
	{ "u", "snap", SRV "--partial-dir=/p . home/", LL, "an absolute "
	    "--partial-dir is not allowed by the snapshot policy", 0, 0, 0, 0,
	    NULL },
	{ "u", "snap", SRV ". home/", LL2, "snapshot needs Landlock ABI 3", 0,
	    0, 0, 0, NULL },
	{ "u", "snap", SRV ". home/", CONF, "snapshot needs Landlock ABI 3", 0,
	    0, 0, 0, NULL },
	{ "u", "snap", SRV ". home/", BARE, "this kernel has no Landlock", 0,
	    0, 0, 0, NULL },
	{ "u", "sb", SRV ". /", LL, "/.incoming is not a directory", 0, 0, 0,
	    0, NULL },
	{ "u", "se", SRV ". home/x/", LL, "leads outside", 0, 0, 0, 0, NULL },
	{ "u", "snap", SND ". latest/home/", LL, RUNS "-- . /proc/self/fd/#/",
	    1, DK_RSYNC, WALL_READ, 0, "" },
	/* what a pull forwards is no push's: read-only all the same */
	{ "u", "snap", SND "--inplace --link-dest=/x . latest/", LL, RUNS
	    "--inplace --link-dest /proc/self/fd/#/x/ -- . /proc/self/fd/#/", 1,
	    DK_RSYNC, WALL_READ, 0, "" },
	{ "u", "snap", "ls -l latest/", LL, NULL, 1, DK_LIST, 0, 0, NULL },
	{ "u", "snap", "du -sh 2026-11-01T000000Z 2026-11-02T000000Z", LL,
	    NULL, 1, DK_LIST, 0, 0, NULL },
};

/* A listing's wildcards are expanded inside DIRECTORY, sorted. */
START_TEST(t_list_glob)
{
	static const char *const want[] = { "2026-11-01T000000Z",
	    "2026-11-02T000000Z", "2026-11-03T000000Z", "2026-11-04T000000Z" };
	struct who w = { "u", "/nonexistent", 1000, NULL, 0 };
	char cmd[256], *v[16], err[512];
	struct decision d;
	struct policy *p = load("");
	size_t n, i;

	strlcpy(cmd, "du -sh 2026-11-0* latest", sizeof(cmd));
	n = split(cmd, v, 16);
	ck_assert_int_eq(policy_decide(p, &w, "snap", v, n, &machines[LL],
	    &d, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.list.nops, 5);
	for (i = 0; i < 4; i++) {
		ck_assert_str_eq(d.list.ops[i].name, want[i]);
		ck_assert_int_ne(d.list.ops[i].fd, -1);
	}
	ck_assert_str_eq(d.list.ops[4].name, "latest");
	decision_free(&d);
	/* nothing matches: the operand as typed, missing */
	strlcpy(cmd, "ls -l zz* 2026-11-01T000000Z", sizeof(cmd));
	n = split(cmd, v, 16);
	ck_assert_int_eq(policy_decide(p, &w, "snap", v, n, &machines[LL],
	    &d, err, sizeof(err)), 0);
	ck_assert_uint_eq(d.list.nops, 2);
	ck_assert_str_eq(d.list.ops[0].name, "zz*");
	ck_assert_int_eq(d.list.ops[0].missing, ENOENT);
	ck_assert_str_eq(d.list.ops[1].name, "2026-11-01T000000Z");
	decision_free(&d);
	/* a match through a symlink out refuses the whole request */
	strlcpy(cmd, "ls */file.txt", sizeof(cmd));
	n = split(cmd, v, 16);
	ck_assert_int_eq(policy_decide(p, &w, NULL, v, n, &machines[LL], &d,
	    err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "leading outside") != NULL, "%s", err);
	policy_free(p);
}
END_TEST

/* The pins a snapshot push names, and what the runner is told of it. */
START_TEST(t_snapshot_pins)
{
	struct who w = { "u", "/nonexistent", 1000, NULL, 0 };
	char cmd[256], *v[16], err[512];
	struct decision d;
	struct policy *p = load("");
	size_t n;

	strlcpy(cmd, SRV ". home/", sizeof(cmd));
	n = split(cmd, v, 16);
	ck_assert_int_eq(policy_decide(p, &w, "snapk", v, n, &machines[LL],
	    &d, err, sizeof(err)), 0);
	ck_assert_int_eq(d.wall, WALL_SNAPSHOT);
	ck_assert_int_ne(d.incoming, -1);
	ck_assert_str_eq(d.pins[d.incoming].rel, DECIDE_INCOMING);
	ck_assert_int_ne(d.linkdest, -1);
	ck_assert_str_eq(d.pins[d.linkdest].rel, "2026-11-02T000000Z/home");
	ck_assert_int_ne(d.tmpdir, -1);
	ck_assert_int_eq(d.keep.n, 1);
	ck_assert_int_eq(d.keep.b[0].unit, KEEP_DAILY);
	ck_assert_int_eq(d.lock, 1);
	decision_free(&d);
	ck_assert_int_eq(d.incoming, -1);
	ck_assert_int_eq(d.linkdest, -1);
	/* a pull under the same rule is none of it */
	strlcpy(cmd, SND ". latest/home/", sizeof(cmd));
	n = split(cmd, v, 16);
	ck_assert_int_eq(policy_decide(p, &w, "snap", v, n, &machines[LL],
	    &d, err, sizeof(err)), 0);
	ck_assert_int_eq(d.incoming, -1);
	ck_assert_int_eq(d.linkdest, -1);
	ck_assert_int_eq(d.keep.n, 0);
	decision_free(&d);
	policy_free(p);
}
END_TEST

static int
is_pin(const struct decision *d, int fd)
{
	size_t i;

	for (i = 0; i < d->npins; i++)
		if (d->pins[i].fd == fd)
			return fcntl(fd, F_GETFD) != -1;
	return 0;
}

START_TEST(t_decide)
{
	const struct row *t = &rows[_i];
	char *groups[] = { "staff" };
	struct who w = { t->user, "/nonexistent", 1000, groups, 0 };
	char cmd[1024], *v[64], err[1024], got[8192], *p;
	struct decision d;
	struct policy *pol;
	size_t n, i, tl, nops;
	int rv;

	w.ngroups = strcmp(t->user, "g") == 0;
	/* @T@ in a row's command is the tree */
	strlcpy(cmd, t->cmd, sizeof(cmd));
	if ((p = strstr(cmd, "@T@")) != NULL) {
		tl = strlen(top);
		memmove(p + tl, p + 3, strlen(p + 3) + 1);
		memcpy(p, top, tl);
	}
	n = split(cmd, v, sizeof(v) / sizeof(v[0]));
	pol = load("");
	err[0] = '\0';
	rv = policy_decide(pol, &w, t->key, v, n, &machines[t->machine], &d,
	    err, sizeof(err));
	if (!t->ok) {
		ck_assert_msg(rv == -1, "%s was permitted", t->cmd);
		ck_assert_msg(strstr(err, t->want) != NULL, "%s: reason \"%s\", "
		    "want \"%s\"", t->cmd, err, t->want);
		ck_assert_int_eq(d.rootfd, -1);
		ck_assert_uint_eq(d.npins, 0);
		policy_free(pol);
		return;
	}
	ck_assert_msg(rv == 0, "%s: %s", t->cmd, err);
	ck_assert_int_eq(d.kind, t->kind);
	ck_assert_int_ne(d.rootfd, -1);
	ck_assert_uint_eq(d.umask, 022);
	if (t->kind == DK_RSYNC) {
		shape(d.argv, d.argc, got, sizeof(got));
		ck_assert_str_eq(got, t->want);
		ck_assert_int_eq(d.wall, t->wall);
		ck_assert_int_eq(d.lock, t->lock);
		shape((char *const *)d.added, d.nadded, got, sizeof(got));
		ck_assert_str_eq(got, t->added);
		/* every descriptor the argv names is an open pin */
		for (i = 0; i < d.argc; i++)
			if ((p = strstr(d.argv[i], "/proc/self/fd/")) != NULL)
				ck_assert_msg(is_pin(&d, atoi(p + 14)),
				    "%s is not pinned", d.argv[i]);
	} else if (t->kind == DK_LIST) {
		/* every operand is pinned ("." when none was named), or
		   known to be missing */
		for (i = 1, nops = 0; i < n; i++)
			nops += v[i][0] != '-';
		ck_assert_uint_eq(d.list.nops, d.list.cmd == LC_DF ? 0 :
		    nops > 0 ? nops : 1);
		for (i = 0; i < d.list.nops; i++)
			ck_assert(d.list.ops[i].missing == ENOENT ?
			    d.list.ops[i].fd == -1 :
			    fcntl(d.list.ops[i].fd, F_GETFD) != -1);
	}
	decision_free(&d);
	ck_assert_int_eq(d.rootfd, -1);
	policy_free(pol);
}
END_TEST

/*
 * Work that grows with the client's input is bounded: wildcards over two
 * symlinks to "." would read 2^k directories, and a path of thousands of
 * components must not exhaust the stack.
 */
START_TEST(t_bounded)
{
	struct who w = { "u", "/nonexistent", 1000, NULL, 0 };
	char *v[8], err[512], p[256], *deep;
	struct decision d;
	struct policy *pol = load("");
	size_t i;

	snprintf(p, sizeof(p), "%s/srv/u/l1", top);
	ck_assert_int_eq(symlink(".", p), 0);
	snprintf(p, sizeof(p), "%s/srv/u/l2", top);
	ck_assert_int_eq(symlink(".", p), 0);
	v[0] = "rsync";
	v[1] = "--server";
	v[2] = "--sender";
	v[3] = CAPS;
	v[4] = ".";
	v[5] = p;
	v[6] = NULL;
	strlcpy(p, "l1", sizeof(p));
	for (i = 0; i < 18; i++)
		strlcat(p, "/l*", sizeof(p));
	strlcat(p, "/zz*", sizeof(p));
	ck_assert_int_eq(policy_decide(pol, &w, NULL, v, 6, &machines[LL], &d,
	    err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "wildcard reads more than") != NULL, "%s",
	    err);
	/* 2,000 components, with a wildcard at the end */
	ck_assert_ptr_nonnull(deep = malloc(4100));
	deep[0] = '\0';
	for (i = 0; i < 2000; i++)
		strlcat(deep, "a/", 4100);
	strlcat(deep, "*", 4100);
	v[5] = deep;
	ck_assert_int_eq(policy_decide(pol, &w, NULL, v, 6, &machines[LL], &d,
	    err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "more than 512 components") != NULL, "%s",
	    err);
	free(deep);
	policy_free(pol);
}
END_TEST

/* A policy with an error refuses everything, naming the first error. */
START_TEST(t_policy_error)
{
	struct who w = { "u", "/nonexistent", 1000, NULL, 0 };
	char *v[] = { "true", NULL }, err[512];
	struct decision d;
	struct policy *p = load("permit bogus u dir /x\n");

	ck_assert_uint_gt(p->nerrors, 0);
	ck_assert_int_eq(policy_decide(p, &w, NULL, v, 1, &machines[LL], &d,
	    err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "policy error: test.policy:1:") != NULL,
	    "%s", err);
	policy_free(p);
}
END_TEST

/* What rshell -t says this machine refuses, from the same conditions. */
START_TEST(t_refused_here)
{
	struct policy *p = load("");
	const char *out[8];
	size_t n;

	ck_assert_uint_eq(policy_refused_here(p, &machines[LLC], out, 8), 0);
	n = policy_refused_here(p, &machines[BARE], out, 8);
	ck_assert_uint_eq(n, 4);
	ck_assert_ptr_nonnull(strstr(out[0], "every push"));
	ck_assert_ptr_nonnull(strstr(out[1], "no-overwrite"));
	ck_assert_ptr_nonnull(strstr(out[2], "snapshot"));
	ck_assert_ptr_nonnull(strstr(out[3], "no-delete"));
	n = policy_refused_here(p, &machines[LL2], out, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(out[0], "Landlock ABI 3"));
	ck_assert_ptr_nonnull(strstr(out[1], "snapshot"));
	n = policy_refused_here(p, &machines[UNREAD], out, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_nonnull(strstr(out[0], "every rsync request"));
	ck_assert_uint_eq(policy_refused_here(p, &machines[BARE], out, 1), 1);
	policy_free(p);
}
END_TEST

/* The policy's umask is the decision's; without one, 022. */
START_TEST(t_umask)
{
	struct who w = { "u", "/nonexistent", 1000, NULL, 0 };
	char *v[] = { "rsync", "--server", CAPS, ".", "x/", NULL };
	char err[512];
	struct decision d;
	struct policy *p = load("umask 027\n");

	ck_assert_int_eq(p->nerrors, 0);
	ck_assert_int_eq(policy_decide(p, &w, NULL, v, 5, &machines[LL], &d,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(d.umask, 027);
	decision_free(&d);
	policy_free(p);
}
END_TEST

/*
 * Every command of the table, and nothing else, is found by its name;
 * rsync also by an absolute path whose last component is "rsync".
 */
START_TEST(t_commands)
{
	static const struct {
		const char *verb;
		int kind;
	} verbs[] = {
		{ "rsync", DK_RSYNC }, { "ls", DK_LIST }, { "du", DK_LIST },
		{ "df", DK_LIST }, { "true", DK_TRUE }, { "sh", DK_NONE },
		{ "rsync ", DK_NONE }, { "", DK_NONE }, { "lsx", DK_NONE },
		{ "l", DK_NONE }, { "/bin/ls", DK_NONE },
		/* BackupPC's RsyncClientPath, --rsync-path=... */
		{ "/usr/bin/rsync", DK_RSYNC }, { "/usr/local/bin/rsync",
		    DK_RSYNC }, { "/rsync", DK_RSYNC }, { "//usr//bin/rsync",
		    DK_RSYNC }, { "/opt/my rsync/bin/rsync", DK_RSYNC },
		/* ... and names that only look like it */
		{ "rsyncx", DK_NONE }, { "xrsync", DK_NONE },
		{ "/usr/bin/rsync2", DK_NONE }, { "/usr/bin/xrsync", DK_NONE },
		{ "/usr/bin/rsync ", DK_NONE }, { "bin/rsync", DK_NONE },
		{ "./rsync", DK_NONE }, { "/rsync/", DK_NONE },
		{ "/usr/bin/rsync/", DK_NONE }, { "/", DK_NONE },
		{ "/usr/bin/", DK_NONE }, { "RSYNC", DK_NONE },
		{ "/usr/bin/RSYNC", DK_NONE }, { "~/rsync", DK_NONE },
		{ "/bin/true", DK_NONE }, { "/usr/bin/du", DK_NONE },
		{ "/bin/df", DK_NONE },
	};
	const struct command *c;
	size_t i;

	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		c = policy_command(verbs[i].verb);
		ck_assert_msg((c ? c->kind : DK_NONE) == verbs[i].kind,
		    "verb \"%s\"", verbs[i].verb);
		if (c != NULL && verbs[i].verb[0] != '/')
			ck_assert_str_eq(c->name, verbs[i].verb);
	}
	ck_assert_int_eq(policy_command("ls")->sub, LC_LS);
	ck_assert_int_eq(policy_command("du")->sub, LC_DU);
	ck_assert_int_eq(policy_command("df")->sub, LC_DF);
}
END_TEST

Suite *
make_suite_decide(void)
{
	Suite *s = suite_create("decide");
	TCase *tc = tcase_create("rows");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, t_decide, 0, sizeof(rows) / sizeof(rows[0]));
	tcase_add_test(tc, t_policy_error);
	tcase_add_test(tc, t_bounded);
	tcase_add_test(tc, t_umask);
	tcase_add_test(tc, t_refused_here);
	tcase_add_test(tc, t_commands);
	tcase_add_test(tc, t_snapshot_pins);
	tcase_add_test(tc, t_list_glob);
	suite_add_tcase(s, tc);
	return s;
}
