/*
 * Tests for rsync_check(): the rsync server argument grammar.  Requests are
 * written as the command line sshd hands rshell and split with words_split(),
 * so each row reads like what a client sends.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "rsyncargs.h"
#include "words.h"

Suite	*make_suite_rsyncargs(void);

#define NROWS(a)	(sizeof(a) / sizeof((a)[0]))
#define CORPUS		"tests/data/rsync-3.5-client-commands.tsv"
#define OPENRSYNC	"tests/data/openrsync-client-commands.tsv"

#define ANY	(RO_PUSH | RO_PULL | RO_LIST)
#define PUSH	"rsync --server -logDtprze.iLsfxCIvu "
#define PULL	"rsync --server --sender -logDtprze.iLsfxCIvu "
#define DEST	" . backup/laptop/"

/* Split cmd and check it; the words are freed before returning. */
static int
check(const char *cmd, unsigned ro, struct rsync_req *req, char *err,
    size_t errlen)
{
	struct words w;
	char werr[256];
	int rv;

	if (words_split(cmd, &w, werr, sizeof(werr)) == -1)
		ck_abort_msg("%s: split: %s", cmd, werr);
	rv = rsync_check(w.v, w.n, ro, req, err, errlen);
	words_free(&w);
	return rv;
}

/* (1) Every line of the corpus gets the verdict it lists. */
static int
corpus_line(char *line, size_t lineno)
{
	struct rsync_req req;
	char *dir, *opts, *cmd, *verdict, err[256];
	int rv;

	line[strcspn(line, "\n")] = '\0';
	if (line[0] == '#' || line[0] == '\0')
		return 0;
	dir = strsep(&line, "\t");
	opts = strsep(&line, "\t");
	cmd = strsep(&line, "\t");
	verdict = strsep(&line, "\t");
	ck_assert_msg(verdict != NULL && line == NULL,
	    "line %zu: not 4 columns", lineno);
	rv = check(cmd, ANY, &req, err, sizeof(err));
	if (strcmp(verdict, "permit") == 0) {
		ck_assert_msg(rv == 0, "line %zu (%s %s): denied: %s",
		    lineno, dir, opts, err);
		ck_assert_msg(!!(req.flags & RF_SENDER) ==
		    (strcmp(dir, "pull") == 0), "line %zu: direction", lineno);
		rsync_req_free(&req);
	} else {
		ck_assert_msg(strcmp(verdict, "deny") == 0,
		    "line %zu: verdict %s", lineno, verdict);
		ck_assert_msg(rv == -1, "line %zu (%s %s): permitted", lineno,
		    dir, opts);
		ck_assert_msg(err[0] != '\0', "line %zu: no reason", lineno);
	}
	return 1;
}

/* The rows of one corpus file, each checked; how many there were. */
static size_t
corpus_file(const char *name)
{
	const char *srcdir;
	char path[1024], *line = NULL;
	size_t cap = 0, lineno = 0, rows = 0;
	FILE *fp;
	int n;

	if ((srcdir = getenv("srcdir")) == NULL)
		srcdir = ".";
	n = snprintf(path, sizeof(path), "%s/%s", srcdir, name);
	ck_assert(n > 0 && (size_t)n < sizeof(path));
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	while (getline(&line, &cap, fp) != -1)
		rows += (size_t)corpus_line(line, ++lineno);
	free(line);
	fclose(fp);
	return rows;
}

START_TEST(test_corpus)
{
	size_t rows = corpus_file(CORPUS);

	ck_assert_msg(rows >= 150, "only %zu corpus rows", rows);
}
END_TEST

/* openrsync's command lines: one flag a word, no capability string. */
START_TEST(test_openrsync)
{
	size_t rows = corpus_file(OPENRSYNC);

	ck_assert_msg(rows >= 100, "only %zu openrsync rows", rows);
}
END_TEST

/* (2) Refused whatever the policy says; the reason names the option. */
static const struct {
	const char	*cmd;
	const char	*needle;
} always[] = {
	{ "rsync --server -e ssh . x", "-e/--rsh" },
	{ "rsync --server -vessh . x", "-e/--rsh" },
	{ "rsync --server -ve ssh . x", "-e/--rsh" },
	{ "rsync --server -ve.iLsfx/bin/sh . x", "-e/--rsh" },
	{ "rsync --server -e.iLs\\;sh . x", "-e/--rsh" },
	{ "rsync --server -e'.iL sh' . x", "-e/--rsh" },
	{ "rsync --server --rsh=ssh . x", "--rsh" },
	{ "rsync --server --rsh ssh . x", "--rsh" },
	{ PUSH "--rsync-path=/tmp/evil" DEST, "--rsync-path" },
	{ PUSH "--daemon" DEST, "--daemon" },
	{ PUSH "--config=/tmp/rsyncd.conf" DEST, "--config" },
	{ PUSH "--dparam=path=/" DEST, "--dparam" },
	{ PUSH "-M--fake-super" DEST, "--remote-option/-M" },
	{ "rsync --server -vM--delete . x", "-M" },
	{ PUSH "--remote-option=--delete" DEST, "--remote-option" },
	{ PUSH "--log-file=/tmp/x" DEST, "--log-file" },
	{ PUSH "--log-file-format=%n" DEST, "--log-file-format" },
	{ PUSH "--write-batch=/tmp/b" DEST, "--write-batch" },
	{ PUSH "--read-batch=/tmp/b" DEST, "--read-batch" },
	{ PUSH "--only-write-batch=X" DEST, "--only-write-batch" },
	{ PUSH "--copy-devices" DEST, "--copy-devices" },
	{ PUSH "--write-devices" DEST, "--write-devices" },
	{ PUSH "--no-munge-links" DEST, "--no-munge-links" },
	{ "rsync --server -slogDtpre.iLsfxCIvu", "-s" },
	{ "rsync --server --sender -slogDtpre.iLsfxCIvu . x",
	    "only on the command line" },
	{ PUSH "--protect-args" DEST, "--protect-args" },
	{ PUSH "--secluded-args" DEST, "--secluded-args" },
	{ PUSH "--debug=ALL" DEST, "--debug" },
	{ "rsync --server --sender -vLe.iLsfx . x", "--copy-links/-L" },
	{ PUSH "--copy-links" DEST, "--copy-links" },
	{ "rsync --server --sender -ke.iLsfx . x", "--copy-dirlinks/-k" },
	{ PUSH "--copy-dirlinks" DEST, "--copy-dirlinks" },
	{ "rsync --server -Ke.iLsfx . x", "--keep-dirlinks/-K" },
	{ PUSH "--keep-dirlinks" DEST, "--keep-dirlinks" },
	{ PUSH "--copy-unsafe-links" DEST, "--copy-unsafe-links" },
	{ PUSH "--insecure-links" DEST, "--insecure-links" },
	{ PUSH "--confine-root=/" DEST, "--confine-root" },
	{ PUSH "--copy-as=root" DEST, "--copy-as" },
	{ PUSH "--password-file=/etc/shadow" DEST, "--password-file" },
	{ PUSH "--address=0.0.0.0" DEST, "--address" },
	{ PUSH "--port=873" DEST, "--port" },
	{ PUSH "--sockopts=SO_DEBUG" DEST, "--sockopts" },
	{ PUSH "--early-input=/etc/shadow" DEST, "--early-input" },
	{ PUSH "--no-detach" DEST, "--no-detach" },
	{ PUSH "--filter=merge\\ /etc/x" DEST, "--filter" },
	{ PUSH "--exclude-from=/etc/shadow" DEST, "--exclude-from" },
	{ "rsync --server -vf/x . x", "-f" },
	{ "rsync --server -vT/tmp . x", "-T" },
	{ PUSH "--server" DEST, "--server" },
	{ "rsync --server -v --sender . x", "--sender" },
	{ PUSH "--" DEST, "'--'" },
};

START_TEST(test_always)
{
	struct rsync_req req;
	char err[256];

	err[0] = '\0';
	ck_assert_msg(check(always[_i].cmd, ANY, &req, err,
	    sizeof(err)) == -1, "%s: permitted", always[_i].cmd);
	ck_assert_msg(strstr(err, always[_i].needle) != NULL,
	    "%s: reason \"%s\" does not name %s", always[_i].cmd, err,
	    always[_i].needle);
}
END_TEST

/* (3), (4) Direction and the no-delete and no-overwrite options. */
static const struct {
	const char	*cmd;
	unsigned	 ro;
	int		 rv;
	const char	*needle;	/* in the reason (rv -1) */
	const char	*needle2;
} pol[] = {
	/* direction */
	{ PUSH DEST, RO_PULL, -1, "push not permitted by policy", NULL },
	{ PULL ". a", RO_PUSH, -1, "pull not permitted by policy", NULL },
	{ PUSH DEST, RO_LIST, -1, "push not permitted", NULL },
	{ PULL ". a", RO_LIST, -1, "pull not permitted", NULL },
	{ PUSH DEST, RO_PUSH, 0, NULL, NULL },
	{ PULL ". a", RO_PULL, 0, NULL, NULL },
	{ PULL "--list-only . a", RO_PULL, 0, NULL, NULL },
	{ PUSH "--list-only" DEST, RO_PULL, -1, "push not permitted", NULL },
	/* no-delete */
	{ PUSH "--delete" DEST, RO_PUSH | RO_NODELETE, -1, "--delete ",
	    "no-delete" },
	{ PUSH "--del" DEST, RO_PUSH | RO_NODELETE, -1, "--del ",
	    "no-delete" },
	{ PUSH "--delete-before" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-before", "no-delete" },
	{ PUSH "--delete-during" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-during", "no-delete" },
	{ PUSH "--delete-delay" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-delay", "no-delete" },
	{ PUSH "--delete-after" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-after", "no-delete" },
	{ PUSH "--delete-excluded" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-excluded", "no-delete" },
	{ PUSH "--delete-missing-args" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-missing-args", "no-delete" },
	{ PUSH "--remove-source-files" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--remove-source-files", "no-delete" },
	{ PUSH "--remove-sent-files" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--remove-sent-files", "no-delete" },
	{ PUSH "--force" DEST, RO_PUSH | RO_NODELETE, -1, "--force",
	    "no-delete" },
	{ PUSH "--max-delete=10" DEST, RO_PUSH | RO_NODELETE, 0, NULL, NULL },
	{ PUSH "--inplace -b --suffix=.bak" DEST, RO_PUSH | RO_NODELETE, 0,
	    NULL, NULL },
	/* --remove-source-files on a pull deletes here: needs push too */
	{ PULL "--remove-source-files . a", RO_PULL, -1,
	    "--remove-source-files", "push permission" },
	{ PULL "--remove-sent-files . a", RO_PULL, -1,
	    "--remove-sent-files", "push permission" },
	{ PULL "--remove-source-files . a", RO_PULL | RO_PUSH, 0, NULL, NULL },
	{ PULL "--remove-source-files . a", RO_PULL | RO_PUSH | RO_NODELETE,
	    -1, "--remove-source-files", "no-delete" },
	{ PULL "--delete-missing-args . a", RO_PULL | RO_NODELETE, -1,
	    "--delete-missing-args", "no-delete" },
	/* no-overwrite */
	{ PUSH "--delete" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--delete ",
	    "no-overwrite" },
	{ PUSH "--delete" DEST, RO_PUSH | RO_NOOVERWRITE | RO_NODELETE, -1,
	    "--delete ", "no-delete" },
	{ PUSH "--delete-missing-args" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--delete-missing-args", "no-overwrite" },
	{ PUSH "--remove-source-files" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--remove-source-files", "no-overwrite" },
	{ PUSH "--force" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--force",
	    "no-overwrite" },
	{ PUSH "--inplace" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--inplace",
	    "no-overwrite" },
	{ PUSH "--append --append" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--append", "no-overwrite" },
	{ "rsync --server -blogDtprze.iLsfxCIvu" DEST, RO_PUSH |
	    RO_NOOVERWRITE, -1, "--backup/-b", "no-overwrite" },
	{ PUSH "--backup" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--backup",
	    "no-overwrite" },
	{ PUSH "--backup-dir ../old" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--backup-dir", "no-overwrite" },
	{ PUSH "--suffix=.bak" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--suffix",
	    "no-overwrite" },
	{ PUSH "--partial-dir .rsync-partial" DEST, RO_PUSH | RO_NOOVERWRITE,
	    -1, "--partial-dir", "no-overwrite" },
	{ PUSH "--delay-updates" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--delay-updates", "no-overwrite" },
	{ PUSH "--ignore-existing --partial --existing --max-delete=1" DEST,
	    RO_PUSH | RO_NOOVERWRITE, 0, NULL, NULL },
	{ "rsync --server -ucIlogDtprze.iLsfxCIvu --link-dest ../prev "
	    "--temp-dir tmp --compare-dest=../b" DEST, RO_PUSH |
	    RO_NOOVERWRITE, 0, NULL, NULL },
};

START_TEST(test_policy)
{
	struct rsync_req req;
	char err[256];
	int rv;

	err[0] = '\0';
	rv = check(pol[_i].cmd, pol[_i].ro, &req, err, sizeof(err));
	ck_assert_msg(rv == pol[_i].rv, "%s (ro %#x): got %d: %s",
	    pol[_i].cmd, pol[_i].ro, rv, err);
	if (rv == 0) {
		rsync_req_free(&req);
		return;
	}
	ck_assert_msg(strstr(err, pol[_i].needle) != NULL,
	    "%s: reason \"%s\" lacks \"%s\"", pol[_i].cmd, err,
	    pol[_i].needle);
	ck_assert_msg(pol[_i].needle2 == NULL ||
	    strstr(err, pol[_i].needle2) != NULL,
	    "%s: reason \"%s\" lacks \"%s\"", pol[_i].cmd, err,
	    pol[_i].needle2);
}
END_TEST

/* The shape of the request and of option values. */
static const struct {
	const char	*cmd;
	int		 rv;
	const char	*needle;
} gram[] = {
	{ "rsync --server -logDtprze.iLsfxCIvu backup/", -1,
	    "unexpected argument before '.': backup/" },
	{ "rsync --server", -1, "missing '.'" },
	{ "rsync --server --sender", -1, "missing '.'" },
	{ PUSH ". -x", -1, "options after '.'" },
	{ PUSH ". --rsh=sh", -1, "options after '.'" },
	{ PULL ". a --delete", -1, "options after '.'" },
	{ PUSH ". a b", -1, "exactly one" },
	{ PUSH ".", -1, "exactly one" },
	{ PUSH ". ''", -1, "empty path" },
	{ PULL ".", -1, "no source path" },
	{ PULL ". a b c", 0, NULL },
	{ PUSH ". .", 0, NULL },
	/* The verb itself is the command table's (test_decide.c). */
	{ "rsync", -1, "not an rsync" },
	{ "", -1, "not an rsync" },
	{ "rsync -v --server . x", -1, "--server must be the first" },
	{ "rsync --sender --server . x", -1, "--server must be the first" },
	{ "rsync --server foo . x", -1, "unexpected argument" },
	{ "rsync --server - . x", -1, "unexpected argument" },
	{ "rsync --server -v --sender . x", -1, "--sender" },
	/* openrsync: every flag a word of its own, no capability string */
	{ "rsync --server -g -l -o -p -D -r -t --dirs -8 . x", 0, NULL },
	{ "rsync --server --sender -g -l -o -p -D -r -t -v -v -v -x -x "
	    "--dirs -8 . a b", 0, NULL },
	{ "rsync --server -8 . x", 0, NULL },
	{ "rsync --server -v8 . x", 0, NULL },
	{ "rsync --server -8ve.iLsfxCIvu . x", 0, NULL },
	{ "rsync --server --8-bit-output . x", 0, NULL },
	{ "rsync --server --8-bit-output=1 . x", -1, "does not take a value" },
	{ "rsync --server -g -l -O --backup --suffix .bak --backup-dir old "
	    "--max-delete=5 --max-size=1000 --min-size=10 --bwlimit=100 "
	    "-B8192 --log-format=X --ignore-times --no-implied-dirs "
	    "--safe-links --size-only -J --force --ignore-errors . x", 0,
	    NULL },
	{ "rsync --server --checksum-choice md5 -r . x", 0, NULL },
	{ "rsync --server --sender -r -L . x", -1, "--copy-links/-L" },
	{ "rsync --server -r -K . x", -1, "--keep-dirlinks/-K" },
	{ "rsync --server -r -e . x", -1, "-e/--rsh" },
	{ "rsync --server -r - . x", -1, "unexpected argument" },
	/* unknown options */
	{ PUSH "--foo" DEST, -1, "unknown option --foo" },
	{ PUSH "--foo=bar" DEST, -1, "unknown option --foo" },
	{ PUSH "--deletex" DEST, -1, "unknown option --deletex" },
	{ PUSH "--delet" DEST, -1, "unknown option --delet" },
	{ "rsync --server -vZ . x", -1, "unknown option -Z" },
	{ "rsync --server -va . x", -1, "unknown option -a" },
	{ "rsync --server -v\xc3\xa9 . x", -1, "unknown option -\\xc3" },
	/* flags take no value */
	{ PUSH "--delete=yes" DEST, -1, "--delete does not take a value" },
	{ PUSH "--stats=" DEST, -1, "--stats does not take a value" },
	/* numbers */
	{ PUSH "--timeout=60" DEST, 0, NULL },
	{ PUSH "--timeout 60" DEST, 0, NULL },
	{ PUSH "--timeout=abc" DEST, -1, "bad value for --timeout" },
	{ PUSH "--timeout=" DEST, -1, "bad value for --timeout" },
	{ PUSH "--timeout=+6" DEST, -1, "bad value for --timeout" },
	{ PUSH "--timeout=99999999999" DEST, -1, "bad value for --timeout" },
	{ PUSH "--timeout" DEST, -1, "bad value for --timeout" },
	{ "rsync --server --timeout", -1, "--timeout needs a value" },
	{ PUSH "--max-delete=-1" DEST, 0, NULL },
	{ PUSH "--max-delete -1" DEST, 0, NULL },
	{ PUSH "--compress-level=9 --checksum-seed=32761" DEST, 0, NULL },
	{ "rsync --server -B8192 . x", 0, NULL },
	{ "rsync --server -vB8192 . x", 0, NULL },
	{ "rsync --server -B . x", -1, "-B needs its value attached" },
	{ "rsync --server -Babc . x", -1, "bad value for -B" },
	{ "rsync --server -B8192v . x", -1, "bad value for -B" },
	{ "rsync --server -@-1 . x", 0, NULL },
	{ "rsync --server -@2 . x", 0, NULL },
	{ "rsync --server -@ . x", -1, "-@ needs" },
	{ PUSH "--block-size=8k" DEST, 0, NULL },
	/* sizes: digits from 3.2 on, the user's text from 3.0 and 3.1 */
	{ PUSH "--max-size=104857600" DEST, 0, NULL },
	{ PUSH "--max-size 100m" DEST, 0, NULL },
	{ PUSH "--min-size=1.5G" DEST, 0, NULL },
	{ PUSH "--max-size=10KiB+1" DEST, 0, NULL },
	{ PUSH "--max-size=1MB-1" DEST, 0, NULL },
	{ PUSH "--max-alloc=1g --bwlimit=1000" DEST, 0, NULL },
	{ PUSH "--max-size=1e9" DEST, -1, "bad value for --max-size" },
	{ PUSH "--max-size=10x" DEST, -1, "bad value for --max-size" },
	{ PUSH "--max-size=.5" DEST, -1, "bad value for --max-size" },
	{ PUSH "--max-size=" DEST, -1, "bad value for --max-size" },
	{ PUSH "--bwlimit=1m+2" DEST, -1, "bad value for --bwlimit" },
	/* text values */
	{ PUSH "--iconv=latin1 --iconv=UTF-8 --iconv=." DEST, 0, NULL },
	{ PUSH "--iconv=utf8//TRANSLIT" DEST, -1, "bad value for --iconv" },
	{ PUSH "--checksum-choice=xxh128 --compress-choice=zstd" DEST, 0,
	    NULL },
	{ PUSH "--checksum-choice=x\\ y" DEST, -1,
	    "bad value for --checksum-choice" },
	{ PUSH "--info=NAME2,DEL,STATS3 --stderr=errors" DEST, 0, NULL },
	{ PUSH "--info=a/b" DEST, -1, "bad value for --info" },
	{ PUSH "--usermap=*:backup --groupmap=1000:backup" DEST, 0, NULL },
	{ PUSH "--usermap=a:b/c" DEST, -1, "bad value for --usermap" },
	{ PUSH "--log-format=%i%I --log-format=X" DEST, 0, NULL },
	{ PUSH "--log-format='%n %L'" DEST, -1, "bad value for --log-format" },
	{ PUSH "--skip-compress=gz/jpg/mp[34]/7z" DEST, 0, NULL },
	{ PUSH "--suffix=.bak --suffix= --suffix=-old" DEST, 0, NULL },
	{ PUSH "--suffix .bak" DEST, 0, NULL },
	{ PUSH "--suffix -old" DEST, -1, "may not start with '-'" },
	{ PUSH "--suffix=a/b" DEST, -1, "bad value for --suffix" },
	{ PUSH "--usermap=caf\xc3\xa9:x" DEST, -1, "bad value for --usermap" },
	/* path values */
	{ PUSH "--link-dest -x" DEST, -1, "may not start with '-'" },
	{ PUSH "--link-dest=" DEST, -1, "bad value for --link-dest" },
	{ PUSH "--link-dest ." DEST, 0, NULL },
	{ PUSH "--files-from -" DEST, 0, NULL },
	{ PUSH "--files-from=- --from0" DEST, 0, NULL },
	{ PUSH "--temp-dir" DEST, -1, "unexpected argument" },
	/* the capability string */
	{ "rsync --server -e. . x", 0, NULL },
	{ "rsync --server -e.iLsfxCIvu . x", 0, NULL },
	{ "rsync --server -vvvlogDtpre31.12iLsfxCIvu . x", 0, NULL },
	{ "rsync --server -e31iLsfx . x", -1, "-e/--rsh" },
	{ "rsync --server -e31. . x", -1, "-e/--rsh" },
	{ "rsync --server -e.i-L . x", -1, "-e/--rsh" },
	{ "rsync --server -e.iLs.x . x", -1, "-e/--rsh" },
	{ "rsync --server -e.iLsfx -vv . x", 0, NULL },
	/* everything the client sends, at once */
	{ "rsync --server -vvqbunldKmOJyyWHHogDtUUNpEAXXrcCIRxxSze.iLsfxCIvu",
	    -1, "--keep-dirlinks/-K" },
	{ "rsync --server -vvqbunldmOJyyWHHogDtUUNpEAXXrcCIRxxSze.iLsfxCIvu "
	    "--list-only --no-r --compress-level=1 --no-specials --specials "
	    "--log-format=%i --msgs2stderr --no-msgs2stderr -B2048 "
	    "--timeout=5 --bwlimit=10 --backup-dir b --suffix=~ "
	    "--checksum-choice=md5 --new-compress --old-compress "
	    "--compress-choice=lz4 --max-delete=3 --min-size=1 "
	    "--max-size=2 --delete-before --delete-during --delete-delay "
	    "--delete-after --delete --delete-excluded --force --super "
	    "--size-only --stats --skip-compress=gz --max-alloc=8g "
	    "--delete-missing-args --ignore-missing-args --modify-window=1 "
	    "-@-1 --checksum-seed=1 --partial-dir p --delay-updates "
	    "--partial --ignore-errors --safe-links --numeric-ids "
	    "--use-qsort --usermap=a:b --groupmap=c:d --ignore-existing "
	    "--existing --ignore-non-existing --temp-dir t --fsync "
	    "--link-dest l --compare-dest c --copy-dest d --info=NAME "
	    "--append --append --inplace --no-W --files-from f --from0 "
	    "--files-from=- --no-relative --no-implied-dirs "
	    "--remove-source-files --remove-sent-files --preallocate "
	    "--open-noatime --mkpath --fake-super --munge-links --drop-D "
	    "--iconv=utf8 --fuzzy --stderr=all --compress-threads=2 . x",
	    0, NULL },
};

START_TEST(test_grammar)
{
	struct rsync_req req;
	char err[256];
	int rv;

	err[0] = '\0';
	rv = check(gram[_i].cmd, ANY, &req, err, sizeof(err));
	ck_assert_msg(rv == gram[_i].rv, "%s: got %d: %s", gram[_i].cmd, rv,
	    err);
	if (rv == 0)
		rsync_req_free(&req);
	else
		ck_assert_msg(strstr(err, gram[_i].needle) != NULL,
		    "%s: reason \"%s\" lacks \"%s\"", gram[_i].cmd, err,
		    gram[_i].needle);
}
END_TEST

/* Words the splitter would refuse, fed to rsync_check directly. */
START_TEST(test_raw_words)
{
	struct rsync_req req;
	char *v[6], big[5000], err[256];

	v[0] = "rsync";
	v[1] = "--server";
	v[2] = "-v";
	v[3] = ".";
	v[4] = "a\nb";
	v[5] = NULL;
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "control byte") != NULL, "%s", err);
	v[4] = "a\x7f";
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), -1);
	v[4] = "x";
	v[2] = "--suffix=\x1b[2J";
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "control byte") != NULL, "%s", err);
	v[2] = "-v";
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), 0);
	rsync_req_free(&req);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	v[4] = big;
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "too long") != NULL, "%s", err);
	big[4096] = '\0';
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), 0);
	rsync_req_free(&req);
	/* a NULL inside argc */
	v[4] = NULL;
	ck_assert_int_eq(rsync_check(v, 5, ANY, &req, err, sizeof(err)), -1);
	/* too many words */
	ck_assert_int_eq(rsync_check(v, 100000, ANY, &req, err, sizeof(err)),
	    -1);
	ck_assert_msg(strstr(err, "too many") != NULL, "%s", err);
}
END_TEST

static void
assert_words(char **got, size_t n, const char *const *want)
{
	size_t i;

	for (i = 0; want[i] != NULL; i++) {
		ck_assert_msg(i < n, "only %zu words, want %s", n, want[i]);
		ck_assert_str_eq(got[i], want[i]);
	}
	ck_assert_uint_eq(n, i);
}

/* (5) What a permitted request turns into. */
static const struct {
	const char	*cmd;
	unsigned	 flags;
	const char	*opts[8];
	const char	*pname[8];
	const char	*pvalue[8];
	int		 pkind[8];
	const char	*paths[8];
} ext[] = {
	{ PUSH "--link-dest ../prev" DEST, 0, { "-logDtprze.iLsfxCIvu" },
	    { "link-dest" }, { "../prev" }, { RP_DESTREL },
	    { "backup/laptop/" } },
	{ PUSH "--link-dest=../prev" DEST, 0, { "-logDtprze.iLsfxCIvu" },
	    { "link-dest" }, { "../prev" }, { RP_DESTREL },
	    { "backup/laptop/" } },
	{ "rsync --server --sender -logDtpRe.LsfxCIvu --files-from=- --from0"
	    DEST, RF_SENDER | RF_RELATIVE, { "-logDtpRe.LsfxCIvu", "--from0" },
	    { "files-from" }, { "-" }, { RP_CWDREL }, { "backup/laptop/" } },
	{ "rsync --server -logDtpRe.LsfxCIvu --files-from remote-list" DEST,
	    RF_RELATIVE, { "-logDtpRe.LsfxCIvu" }, { "files-from" },
	    { "remote-list" }, { RP_CWDREL }, { "backup/laptop/" } },
	{ "rsync --server -blogDtprze.iLsfxCIvu --backup-dir ../old "
	    "--partial-dir=.rsync-partial --timeout=60 --temp-dir tmp "
	    "--compare-dest /snap/base --copy-dest=c" DEST, 0,
	    { "-blogDtprze.iLsfxCIvu", "--timeout=60" },
	    { "backup-dir", "partial-dir", "temp-dir", "compare-dest",
	    "copy-dest" },
	    { "../old", ".rsync-partial", "tmp", "/snap/base", "c" },
	    { RP_DESTREL, RP_PARTIAL, RP_DESTREL, RP_DESTREL, RP_DESTREL },
	    { "backup/laptop/" } },
	{ "rsync --server -v --suffix .bak --timeout 5 --bwlimit=9" DEST, 0,
	    { "-v", "--suffix", ".bak", "--timeout", "5", "--bwlimit=9" },
	    { NULL }, { NULL }, { 0 }, { "backup/laptop/" } },
	{ PULL ". a dir\\ with\\ space/ dir/*.txt", RF_SENDER,
	    { "-logDtprze.iLsfxCIvu" }, { NULL }, { NULL }, { 0 },
	    { "a", "dir with space/", "dir/*.txt" } },
	{ PUSH "--ignore-existing" DEST, RF_IGNEXIST,
	    { "-logDtprze.iLsfxCIvu", "--ignore-existing" } , { NULL },
	    { NULL }, { 0 }, { "backup/laptop/" } },
	{ PUSH "--munge-links --fake-super" DEST, RF_MUNGE | RF_FAKESUPER,
	    { "-logDtprze.iLsfxCIvu", "--munge-links", "--fake-super" },
	    { NULL }, { NULL }, { 0 }, { "backup/laptop/" } },
	{ PULL "--list-only . a", RF_SENDER | RF_LISTONLY,
	    { "-logDtprze.iLsfxCIvu", "--list-only" }, { NULL }, { NULL },
	    { 0 }, { "a" } },
	{ PUSH "--delete-after" DEST, RF_DELETE,
	    { "-logDtprze.iLsfxCIvu", "--delete-after" }, { NULL }, { NULL },
	    { 0 }, { "backup/laptop/" } },
	{ PUSH "--max-delete=0" DEST, RF_DELETE,
	    { "-logDtprze.iLsfxCIvu", "--max-delete=0" }, { NULL }, { NULL },
	    { 0 }, { "backup/laptop/" } },
	{ "rsync --server -R --no-relative" DEST, 0,
	    { "-R", "--no-relative" }, { NULL }, { NULL }, { 0 },
	    { "backup/laptop/" } },
	{ "rsync --server --no-relative --relative" DEST, RF_RELATIVE,
	    { "--no-relative", "--relative" }, { NULL }, { NULL }, { 0 },
	    { "backup/laptop/" } },
	/* the "R" of the capability string is not -R */
	{ "rsync --server -loge.iRLsfx" DEST, 0, { "-loge.iRLsfx" },
	    { NULL }, { NULL }, { 0 }, { "backup/laptop/" } },
};

START_TEST(test_extract)
{
	struct rsync_req req;
	char err[256];
	size_t i;

	ck_assert_msg(check(ext[_i].cmd, ANY, &req, err, sizeof(err)) == 0,
	    "%s: %s", ext[_i].cmd, err);
	ck_assert_msg(req.flags == ext[_i].flags, "%s: flags %#x, want %#x",
	    ext[_i].cmd, req.flags, ext[_i].flags);
	assert_words(req.opts, req.nopts, ext[_i].opts);
	assert_words(req.paths, req.npaths, ext[_i].paths);
	for (i = 0; ext[_i].pname[i] != NULL; i++) {
		ck_assert_msg(i < req.npopts, "%s: %zu popts", ext[_i].cmd,
		    req.npopts);
		ck_assert_str_eq(req.popts[i].name, ext[_i].pname[i]);
		ck_assert_str_eq(req.popts[i].value, ext[_i].pvalue[i]);
		ck_assert_int_eq(req.popts[i].kind, ext[_i].pkind[i]);
	}
	ck_assert_uint_eq(req.npopts, i);
	rsync_req_free(&req);
	ck_assert_ptr_null(req.opts);
	rsync_req_free(&req);	/* twice is harmless */
}
END_TEST

/* A refusal leaves nothing behind, and a short buffer still ends in NUL. */
START_TEST(test_refusal_state)
{
	struct rsync_req req;
	char err[8];

	memset(err, 'x', sizeof(err));
	ck_assert_int_eq(check(PUSH "--link-dest ../p --rsh=x" DEST, ANY, &req,
	    err, sizeof(err)), -1);
	ck_assert_ptr_null(req.opts);
	ck_assert_ptr_null(req.popts);
	ck_assert_ptr_null(req.paths);
	ck_assert_uint_eq(req.nopts + req.npopts + req.npaths + req.flags, 0);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(check(PUSH "--daemon" DEST, ANY, &req, NULL, 0), -1);
	rsync_req_free(&req);
}
END_TEST

Suite *
make_suite_rsyncargs(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("rsyncargs");
	tc = tcase_create("corpus");
	tcase_add_test(tc, test_corpus);
	tcase_add_test(tc, test_openrsync);
	suite_add_tcase(s, tc);
	tc = tcase_create("refused");
	tcase_add_loop_test(tc, test_always, 0, NROWS(always));
	tcase_add_loop_test(tc, test_policy, 0, NROWS(pol));
	tcase_add_loop_test(tc, test_grammar, 0, NROWS(gram));
	tcase_add_test(tc, test_raw_words);
	tcase_add_test(tc, test_refusal_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("extract");
	tcase_add_loop_test(tc, test_extract, 0, NROWS(ext));
	suite_add_tcase(s, tc);
	return s;
}
