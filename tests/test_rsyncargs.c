/*
 * Tests for rsync_check(): the rsync server argument grammar.  Requests are
 * written as the command line sshd hands rshell and split with words_split(),
 * so each row reads like what a client sends.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "policy.h"
#include "rsyncargs.h"
#include "words.h"

Suite	*make_suite_rsyncargs(void);

#define OPENRSYNC	"tests/data/openrsync-client-commands.tsv"

#define ANY	(RO_PUSH | RO_PULL | RO_LIST)
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

/* (1) Every row of the corpus gets the verdict it lists. */
static void
corpus_row(const struct h_corpus *c, const struct h_corpus_row *r)
{
	struct rsync_req req;
	char err[256];
	int rv;

	rv = check(r->cmd, ANY, &req, err, sizeof(err));
	if (r->permit) {
		ck_assert_msg(rv == 0, "%s:%zu (%s): denied: %s", c->path,
		    r->line, r->opts, err);
		ck_assert_msg(!!(req.flags & RF_SENDER) == r->pull,
		    "%s:%zu: direction", c->path, r->line);
		rsync_req_free(&req);
	} else {
		ck_assert_msg(rv == -1, "%s:%zu (%s): permitted", c->path,
		    r->line, r->opts);
		ck_assert_msg(err[0] != '\0', "%s:%zu: no reason", c->path,
		    r->line);
	}
}

/* The rows of one corpus file, each checked; how many there were. */
static size_t
corpus_file(const char *name)
{
	struct h_corpus c;
	char err[PATH_MAX + 128];
	size_t i;

	ck_assert_msg(h_corpus_read_file(&c, name, err, sizeof(err)) == 0,
	    "%s", err);
	for (i = 0; i < c.n; i++)
		corpus_row(&c, &c.row[i]);
	i = c.n;
	h_corpus_free(&c);
	return i;
}

START_TEST(test_corpus)
{
	size_t rows = corpus_file("tests/data/rsync-3.5-client-commands.tsv");

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
	{ H_PUSH_PREFIX "--rsync-path=/tmp/evil" DEST, "--rsync-path" },
	{ H_PUSH_PREFIX "--daemon" DEST, "--daemon" },
	{ H_PUSH_PREFIX "--config=/tmp/rsyncd.conf" DEST, "--config" },
	{ H_PUSH_PREFIX "--dparam=path=/" DEST, "--dparam" },
	{ H_PUSH_PREFIX "-M--fake-super" DEST, "--remote-option/-M" },
	{ "rsync --server -vM--delete . x", "-M" },
	{ H_PUSH_PREFIX "--remote-option=--delete" DEST, "--remote-option" },
	{ H_PUSH_PREFIX "--log-file=/tmp/x" DEST, "--log-file" },
	{ H_PUSH_PREFIX "--log-file-format=%n" DEST, "--log-file-format" },
	{ H_PUSH_PREFIX "--write-batch=/tmp/b" DEST, "--write-batch" },
	{ H_PUSH_PREFIX "--read-batch=/tmp/b" DEST, "--read-batch" },
	{ H_PUSH_PREFIX "--only-write-batch=X" DEST, "--only-write-batch" },
	{ H_PUSH_PREFIX "--copy-devices" DEST, "--copy-devices" },
	{ H_PUSH_PREFIX "--write-devices" DEST, "--write-devices" },
	{ H_PUSH_PREFIX "--no-munge-links" DEST, "--no-munge-links" },
	{ "rsync --server -slogDtpre.iLsfxCIvu", "-s" },
	{ "rsync --server --sender -slogDtpre.iLsfxCIvu . x",
	    "only on the command line" },
	{ H_PUSH_PREFIX "--protect-args" DEST, "--protect-args" },
	{ H_PUSH_PREFIX "--secluded-args" DEST, "--secluded-args" },
	{ H_PUSH_PREFIX "--debug=ALL" DEST, "--debug" },
	{ "rsync --server --sender -vLe.iLsfx . x", "--copy-links/-L" },
	{ H_PUSH_PREFIX "--copy-links" DEST, "--copy-links" },
	{ "rsync --server --sender -ke.iLsfx . x", "--copy-dirlinks/-k" },
	{ H_PUSH_PREFIX "--copy-dirlinks" DEST, "--copy-dirlinks" },
	{ "rsync --server -Ke.iLsfx . x", "--keep-dirlinks/-K" },
	{ H_PUSH_PREFIX "--keep-dirlinks" DEST, "--keep-dirlinks" },
	{ H_PUSH_PREFIX "--copy-unsafe-links" DEST, "--copy-unsafe-links" },
	{ H_PUSH_PREFIX "--insecure-links" DEST, "--insecure-links" },
	{ H_PUSH_PREFIX "--confine-root=/" DEST, "--confine-root" },
	{ H_PUSH_PREFIX "--copy-as=root" DEST, "--copy-as" },
	{ H_PUSH_PREFIX "--password-file=/etc/shadow" DEST, "--password-file" },
	{ H_PUSH_PREFIX "--address=0.0.0.0" DEST, "--address" },
	{ H_PUSH_PREFIX "--port=873" DEST, "--port" },
	{ H_PUSH_PREFIX "--sockopts=SO_DEBUG" DEST, "--sockopts" },
	{ H_PUSH_PREFIX "--early-input=/etc/shadow" DEST, "--early-input" },
	{ H_PUSH_PREFIX "--no-detach" DEST, "--no-detach" },
	{ H_PUSH_PREFIX "--filter=merge\\ /etc/x" DEST, "--filter" },
	{ H_PUSH_PREFIX "--exclude-from=/etc/shadow" DEST, "--exclude-from" },
	{ "rsync --server -vf/x . x", "-f" },
	{ "rsync --server -vT/tmp . x", "-T" },
	{ H_PUSH_PREFIX "--server" DEST, "--server" },
	{ "rsync --server -v --sender . x", "--sender" },
	{ H_PUSH_PREFIX "--" DEST, "'--'" },
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
	{ H_PUSH_PREFIX DEST, RO_PULL, -1, "push not permitted by policy",
	    NULL },
	{ H_PULL_PREFIX ". a", RO_PUSH, -1, "pull not permitted by policy",
	    NULL },
	{ H_PUSH_PREFIX DEST, RO_LIST, -1, "push not permitted", NULL },
	{ H_PULL_PREFIX ". a", RO_LIST, -1, "pull not permitted", NULL },
	{ H_PUSH_PREFIX DEST, RO_PUSH, 0, NULL, NULL },
	{ H_PULL_PREFIX ". a", RO_PULL, 0, NULL, NULL },
	{ H_PULL_PREFIX "--list-only . a", RO_PULL, 0, NULL, NULL },
	{ H_PUSH_PREFIX "--list-only" DEST, RO_PULL, -1, "push not permitted",
	    NULL },
	/* no-delete */
	{ H_PUSH_PREFIX "--delete" DEST, RO_PUSH | RO_NODELETE, -1, "--delete ",
	    "no-delete" },
	{ H_PUSH_PREFIX "--del" DEST, RO_PUSH | RO_NODELETE, -1, "--del ",
	    "no-delete" },
	{ H_PUSH_PREFIX "--delete-before" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-before", "no-delete" },
	{ H_PUSH_PREFIX "--delete-during" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-during", "no-delete" },
	{ H_PUSH_PREFIX "--delete-delay" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-delay", "no-delete" },
	{ H_PUSH_PREFIX "--delete-after" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-after", "no-delete" },
	{ H_PUSH_PREFIX "--delete-excluded" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-excluded", "no-delete" },
	{ H_PUSH_PREFIX "--delete-missing-args" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--delete-missing-args", "no-delete" },
	{ H_PUSH_PREFIX "--remove-source-files" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--remove-source-files", "no-delete" },
	{ H_PUSH_PREFIX "--remove-sent-files" DEST, RO_PUSH | RO_NODELETE, -1,
	    "--remove-sent-files", "no-delete" },
	{ H_PUSH_PREFIX "--force" DEST, RO_PUSH | RO_NODELETE, -1, "--force",
	    "no-delete" },
	{ H_PUSH_PREFIX "--max-delete=10" DEST, RO_PUSH | RO_NODELETE, 0, NULL,
	    NULL },
	{ H_PUSH_PREFIX "--inplace -b --suffix=.bak" DEST,
	    RO_PUSH | RO_NODELETE, 0, NULL, NULL },
	/* --remove-source-files on a pull deletes here: needs push too */
	{ H_PULL_PREFIX "--remove-source-files . a", RO_PULL, -1,
	    "--remove-source-files", "push permission" },
	{ H_PULL_PREFIX "--remove-sent-files . a", RO_PULL, -1,
	    "--remove-sent-files", "push permission" },
	{ H_PULL_PREFIX "--remove-source-files . a", RO_PULL | RO_PUSH, 0, NULL,
	    NULL },
	{ H_PULL_PREFIX "--remove-source-files . a",
	    RO_PULL | RO_PUSH | RO_NODELETE,
	    -1, "--remove-source-files", "no-delete" },
	{ H_PULL_PREFIX "--delete-missing-args . a", RO_PULL | RO_NODELETE, -1,
	    "--delete-missing-args", "no-delete" },
	/* no-overwrite */
	{ H_PUSH_PREFIX "--delete" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--delete ", "no-overwrite" },
	{ H_PUSH_PREFIX "--delete" DEST, RO_PUSH | RO_NOOVERWRITE | RO_NODELETE,
	    -1, "--delete ", "no-delete" },
	{ H_PUSH_PREFIX "--delete-missing-args" DEST, RO_PUSH | RO_NOOVERWRITE,
	    -1, "--delete-missing-args", "no-overwrite" },
	{ H_PUSH_PREFIX "--remove-source-files" DEST, RO_PUSH | RO_NOOVERWRITE,
	    -1, "--remove-source-files", "no-overwrite" },
	{ H_PUSH_PREFIX "--force" DEST, RO_PUSH | RO_NOOVERWRITE, -1, "--force",
	    "no-overwrite" },
	{ H_PUSH_PREFIX "--inplace" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--inplace", "no-overwrite" },
	{ H_PUSH_PREFIX "--append --append" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--append", "no-overwrite" },
	{ "rsync --server -blogDtprze.iLsfxCIvu" DEST, RO_PUSH |
	    RO_NOOVERWRITE, -1, "--backup/-b", "no-overwrite" },
	{ H_PUSH_PREFIX "--backup" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--backup", "no-overwrite" },
	{ H_PUSH_PREFIX "--backup-dir ../old" DEST, RO_PUSH | RO_NOOVERWRITE,
	    -1, "--backup-dir", "no-overwrite" },
	{ H_PUSH_PREFIX "--suffix=.bak" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--suffix", "no-overwrite" },
	{ H_PUSH_PREFIX "--partial-dir .rsync-partial" DEST,
	    RO_PUSH | RO_NOOVERWRITE, -1, "--partial-dir", "no-overwrite" },
	{ H_PUSH_PREFIX "--delay-updates" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--delay-updates", "no-overwrite" },
	{ H_PUSH_PREFIX "--ignore-existing --existing --max-delete=1" DEST,
	    RO_PUSH | RO_NOOVERWRITE, 0, NULL, NULL },
	{ H_PUSH_PREFIX "--partial" DEST, RO_PUSH | RO_NOOVERWRITE, -1,
	    "--partial", "no-overwrite" },
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
	{ H_PUSH_PREFIX ". -x", -1, "options after '.'" },
	{ H_PUSH_PREFIX ". --rsh=sh", -1, "options after '.'" },
	{ H_PULL_PREFIX ". a --delete", -1, "options after '.'" },
	{ H_PUSH_PREFIX ". a b", -1, "exactly one" },
	{ H_PUSH_PREFIX ".", -1, "exactly one" },
	{ H_PUSH_PREFIX ". ''", -1, "empty path" },
	{ H_PULL_PREFIX ".", -1, "no source path" },
	{ H_PULL_PREFIX ". a b c", 0, NULL },
	{ H_PUSH_PREFIX ". .", 0, NULL },
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
	{ H_PUSH_PREFIX "--foo" DEST, -1, "unknown option --foo" },
	{ H_PUSH_PREFIX "--foo=bar" DEST, -1, "unknown option --foo" },
	{ H_PUSH_PREFIX "--deletex" DEST, -1, "unknown option --deletex" },
	{ H_PUSH_PREFIX "--delet" DEST, -1, "unknown option --delet" },
	{ "rsync --server -vZ . x", -1, "unknown option -Z" },
	{ "rsync --server -va . x", -1, "unknown option -a" },
	{ "rsync --server -v\xc3\xa9 . x", -1, "unknown option -\\xc3" },
	/* flags take no value */
	{ H_PUSH_PREFIX "--delete=yes" DEST, -1,
	    "--delete does not take a value" },
	{ H_PUSH_PREFIX "--stats=" DEST, -1, "--stats does not take a value" },
	/* numbers */
	{ H_PUSH_PREFIX "--timeout=60" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--timeout 60" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--timeout=abc" DEST, -1, "bad value for --timeout" },
	{ H_PUSH_PREFIX "--timeout=" DEST, -1, "bad value for --timeout" },
	{ H_PUSH_PREFIX "--timeout=+6" DEST, -1, "bad value for --timeout" },
	{ H_PUSH_PREFIX "--timeout=99999999999" DEST, -1,
	    "bad value for --timeout" },
	{ H_PUSH_PREFIX "--timeout" DEST, -1, "bad value for --timeout" },
	{ "rsync --server --timeout", -1, "--timeout needs a value" },
	{ H_PUSH_PREFIX "--max-delete=-1" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-delete -1" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--compress-level=9 --checksum-seed=32761" DEST, 0,
	    NULL },
	{ "rsync --server -B8192 . x", 0, NULL },
	{ "rsync --server -vB8192 . x", 0, NULL },
	{ "rsync --server -B . x", -1, "-B needs its value attached" },
	{ "rsync --server -Babc . x", -1, "bad value for -B" },
	{ "rsync --server -B8192v . x", -1, "bad value for -B" },
	{ "rsync --server -@-1 . x", 0, NULL },
	{ "rsync --server -@2 . x", 0, NULL },
	{ "rsync --server -@ . x", -1, "-@ needs" },
	{ H_PUSH_PREFIX "--block-size=8k" DEST, 0, NULL },
	/* sizes: digits from 3.2 on, the user's text from 3.0 and 3.1 */
	{ H_PUSH_PREFIX "--max-size=104857600" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-size 100m" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--min-size=1.5G" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-size=10KiB+1" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-size=1MB-1" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-alloc=1g --bwlimit=1000" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--max-size=1e9" DEST, -1, "bad value for --max-size" },
	{ H_PUSH_PREFIX "--max-size=10x" DEST, -1, "bad value for --max-size" },
	{ H_PUSH_PREFIX "--max-size=.5" DEST, -1, "bad value for --max-size" },
	{ H_PUSH_PREFIX "--max-size=" DEST, -1, "bad value for --max-size" },
	{ H_PUSH_PREFIX "--bwlimit=1m+2" DEST, -1, "bad value for --bwlimit" },
	/* text values */
	{ H_PUSH_PREFIX "--iconv=latin1 --iconv=UTF-8 --iconv=." DEST, 0,
	    NULL },
	{ H_PUSH_PREFIX "--iconv=utf8//TRANSLIT" DEST, -1,
	    "bad value for --iconv" },
	{ H_PUSH_PREFIX "--checksum-choice=xxh128 --compress-choice=zstd" DEST,
	    0, NULL },
	{ H_PUSH_PREFIX "--checksum-choice=x\\ y" DEST, -1,
	    "bad value for --checksum-choice" },
	{ H_PUSH_PREFIX "--info=NAME2,DEL,STATS3 --stderr=errors" DEST, 0,
	    NULL },
	{ H_PUSH_PREFIX "--info=a/b" DEST, -1, "bad value for --info" },
	{ H_PUSH_PREFIX "--usermap=*:backup --groupmap=1000:backup" DEST, 0,
	    NULL },
	{ H_PUSH_PREFIX "--usermap=a:b/c" DEST, -1, "bad value for --usermap" },
	{ H_PUSH_PREFIX "--log-format=%i%I --log-format=X" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--log-format='%n %L'" DEST, -1,
	    "bad value for --log-format" },
	{ H_PUSH_PREFIX "--skip-compress=gz/jpg/mp[34]/7z" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--suffix=.bak --suffix= --suffix=-old" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--suffix .bak" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--suffix -old" DEST, -1, "may not start with '-'" },
	{ H_PUSH_PREFIX "--suffix=a/b" DEST, -1, "bad value for --suffix" },
	{ H_PUSH_PREFIX "--usermap=caf\xc3\xa9:x" DEST, -1,
	    "bad value for --usermap" },
	/* path values */
	{ H_PUSH_PREFIX "--link-dest -x" DEST, -1, "may not start with '-'" },
	{ H_PUSH_PREFIX "--link-dest=" DEST, -1, "bad value for --link-dest" },
	{ H_PUSH_PREFIX "--link-dest ." DEST, 0, NULL },
	{ H_PUSH_PREFIX "--files-from -" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--files-from=- --from0" DEST, 0, NULL },
	{ H_PUSH_PREFIX "--temp-dir" DEST, -1, "unexpected argument" },
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
	{ H_PUSH_PREFIX "--link-dest ../prev" DEST, 0,
	    { "-logDtprze.iLsfxCIvu" },
	    { "link-dest" }, { "../prev" }, { RP_DESTREL },
	    { "backup/laptop/" } },
	{ H_PUSH_PREFIX "--link-dest=../prev" DEST, 0,
	    { "-logDtprze.iLsfxCIvu" },
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
	    /* --temp-dir is checked and dropped */
	    { "backup-dir", "partial-dir", "compare-dest", "copy-dest" },
	    { "../old", ".rsync-partial", "/snap/base", "c" },
	    { RP_DESTREL, RP_PARTIAL, RP_DESTREL, RP_DESTREL },
	    { "backup/laptop/" } },
	{ "rsync --server -v --suffix .bak --timeout 5 --bwlimit=9" DEST, 0,
	    { "-v", "--suffix", ".bak", "--timeout", "5", "--bwlimit=9" },
	    { NULL }, { NULL }, { 0 }, { "backup/laptop/" } },
	{ H_PULL_PREFIX ". a dir\\ with\\ space/ dir/*.txt", RF_SENDER,
	    { "-logDtprze.iLsfxCIvu" }, { NULL }, { NULL }, { 0 },
	    { "a", "dir with space/", "dir/*.txt" } },
	{ H_PUSH_PREFIX "--ignore-existing" DEST, RF_IGNEXIST,
	    { "-logDtprze.iLsfxCIvu", "--ignore-existing" } , { NULL },
	    { NULL }, { 0 }, { "backup/laptop/" } },
	{ H_PUSH_PREFIX "--munge-links --fake-super" DEST,
	    RF_MUNGE | RF_FAKESUPER,
	    { "-logDtprze.iLsfxCIvu", "--munge-links", "--fake-super" },
	    { NULL }, { NULL }, { 0 }, { "backup/laptop/" } },
	{ H_PULL_PREFIX "--list-only . a", RF_SENDER | RF_LISTONLY,
	    { "-logDtprze.iLsfxCIvu", "--list-only" }, { NULL }, { NULL },
	    { 0 }, { "a" } },
	{ H_PUSH_PREFIX "--delete-after" DEST, RF_DELETE,
	    { "-logDtprze.iLsfxCIvu", "--delete-after" }, { NULL }, { NULL },
	    { 0 }, { "backup/laptop/" } },
	{ H_PUSH_PREFIX "--max-delete=0" DEST, RF_DELETE,
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
	ck_assert_int_eq(check(H_PUSH_PREFIX "--link-dest ../p --rsh=x" DEST,
	    ANY, &req, err, sizeof(err)), -1);
	ck_assert_ptr_null(req.opts);
	ck_assert_ptr_null(req.popts);
	ck_assert_ptr_null(req.paths);
	ck_assert_uint_eq(req.nopts + req.npopts + req.npaths + req.flags, 0);
	ck_assert_uint_eq(strlen(err), sizeof(err) - 1);
	ck_assert_int_eq(check(H_PUSH_PREFIX "--daemon" DEST, ANY, &req,
	    NULL, 0), -1);
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
