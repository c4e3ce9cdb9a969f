/* The policy engine: grammar, errors with lines, trust, matching. */
#include <sys/stat.h>

#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

#define NROWS_P(a)	(sizeof(a) / sizeof((a)[0]))

static struct policy *
parse(const char *text)
{
	struct policy *p = policy_parse("P", text, strlen(text));

	ck_assert_ptr_nonnull(p);
	return p;
}

static int
has_error(const struct policy *p, const char *needle)
{
	size_t i;

	for (i = 0; i < p->nerrors; i++)
		if (strstr(p->errors[i], needle) != NULL)
			return 1;
	return 0;
}

START_TEST(t_full)
{
	struct policy *p = parse(
	    "# comment\n"
	    "rsync /opt/rsync/bin/rsync\n"
	    "log /var/log/rshell/rshell.log   # trailing comment\n"
	    "log syslog\n"
	    "umask 077\n"
	    "\n"
	    "permit push pull list backup dir /srv/backup/%u\n"
	    "permit push no-delete no-overwrite munge-links fake-super "
	    "absolute lock key laptop backup dir \"/srv/back up/laptop\"\n"
	    "deny mallory\n"
	    "deny key old :staff\n"
	    "permit list * dir /srv\n");

	ck_assert_uint_eq(p->nerrors, 0);
	ck_assert_str_eq(p->rsync, "/opt/rsync/bin/rsync");
	ck_assert_uint_eq(p->nlogs, 1);
	ck_assert_str_eq(p->logs[0], "/var/log/rshell/rshell.log");
	ck_assert_int_eq(p->use_syslog, 1);
	ck_assert_int_eq(p->umask, 077);
	ck_assert_uint_eq(p->nrules, 5);
	ck_assert_uint_eq(p->rules[0].opts, RO_PUSH | RO_PULL | RO_LIST);
	ck_assert_str_eq(p->rules[0].dir, "/srv/backup/%u");
	ck_assert_ptr_null(p->rules[0].key);
	ck_assert_uint_eq(p->rules[1].opts, RO_PUSH | RO_NODELETE |
	    RO_NOOVERWRITE | RO_MUNGELINKS | RO_FAKESUPER | RO_ABSOLUTE |
	    RO_LOCK);
	ck_assert_str_eq(p->rules[1].key, "laptop");
	ck_assert_str_eq(p->rules[1].dir, "/srv/back up/laptop");
	ck_assert_int_eq(p->rules[2].permit, 0);
	ck_assert_str_eq(p->rules[2].ident, "mallory");
	ck_assert_str_eq(p->rules[3].key, "old");
	ck_assert_str_eq(p->rules[3].ident, ":staff");
	ck_assert_str_eq(p->rules[4].ident, "*");
	ck_assert_uint_eq(p->rules[4].line, 11);
	policy_free(p);
}
END_TEST

START_TEST(t_defaults)
{
	struct policy *p = parse("permit pull u dir /d\n");

	ck_assert_uint_eq(p->nerrors, 0);
	ck_assert_str_eq(p->rsync, POLICY_DEFAULT_RSYNC);
	ck_assert_int_eq(p->umask, -1);
	ck_assert_uint_eq(p->nlogs, 0);
	policy_free(p);
}
END_TEST

/* One mistake per row: the message and the line must come out. */
static const struct {
	const char *text;
	const char *want;
} bad[] = {
	{ "frobnicate yes\n", "P:1: unknown keyword \"frobnicate\"" },
	{ "\npermit push u dir srv\n", "P:2: directory \"srv\" must be absolute" },
	{ "permit push frob u dir /d\n", "P:1: unknown option \"frob\"" },
	{ "permit push pul list u dir /d\n", "P:1: unknown option \"pul\"" },
	{ "permit push u dir %hx\n", "P:1: directory \"%hx\" must be absolute" },
	{ "permit push push u dir /d\n", "P:1: duplicate option \"push\"" },
	{ "permit push u\n", "P:1: missing \"dir DIRECTORY\"" },
	{ "permit push u dir\n", "P:1: missing DIRECTORY" },
	{ "permit push u dir /d extra\n", "P:1: unexpected \"extra\"" },
	{ "permit no-delete u dir /d\n", "P:1: rule permits nothing" },
	{ "permit push\n", "P:1: missing identity" },
	{ "deny push u\n", "P:1: option \"push\" is not allowed in a deny" },
	{ "deny\n", "P:1: missing identity" },
	{ "permit push b@d dir /d\n", "P:1: invalid identity \"b@d\"" },
	{ "permit push : dir /d\n", "P:1: invalid identity \":\"" },
	{ "permit push key u dir /d\n", "P:1: missing identity" },
	{ "permit push key ../x u dir /d\n", "P:1: \"key\" needs a name" },
	{ "permit push key a key b u dir /d\n", "P:1: duplicate option \"key\"" },
	{ "permit push u dir /d/%x\n", "P:1: unknown escape \"%x\"" },
	{ "rsync rsync\n", "P:1: rsync path \"rsync\" must be absolute" },
	{ "rsync /a /b\n", "P:1: \"rsync\" takes exactly one value" },
	{ "log rel.log\n", "P:1: log file \"rel.log\" must be absolute" },
	{ "umask 0778\n", "P:1: umask \"0778\" must be octal" },
	{ "umask 1777\n", "P:1: umask \"1777\" must be octal" },
	{ "umask -1\n", "P:1: umask \"-1\" must be octal" },
	{ "permit push u dir \"/d\n", "P:1: unterminated quote" },
	{ "permit push u\x01 dir /d\n", "P:1: control character" },
	/* snapshot and keep, and what they cannot be combined with */
	{ "permit pull snapshot u dir /d\n", "P:1: \"snapshot\" needs "
	    "\"push\"" },
	{ "permit push snapshot no-overwrite u dir /d\n", "P:1: \"snapshot\" "
	    "and \"no-overwrite\" cannot be combined" },
	{ "permit push no-delete snapshot u dir /d\n", "P:1: \"snapshot\" "
	    "and \"no-delete\" cannot be combined" },
	{ "permit push snapshot snapshot u dir /d\n", "P:1: duplicate option "
	    "\"snapshot\"" },
	{ "permit push keep 14d daily u dir /d\n", "P:1: \"keep\" needs "
	    "\"snapshot\"" },
	{ "permit push snapshot keep u dir /d\n", "P:1: \"keep\" needs time "
	    "buckets" },
	{ "permit push snapshot keep 1d daily keep 2d daily u dir /d\n",
	    "P:1: duplicate option \"keep\"" },
	{ "deny keep 14d daily u\n", "P:1: option \"keep\" is not allowed in "
	    "a deny rule" },
	{ "permit push snapshot keep 14d u dir /d\n", "P:1: keep: " },
};

/* keep takes the words that read as buckets, never the identity. */
START_TEST(t_snapshot_keep)
{
	struct policy *p = parse("permit push pull list snapshot keep 14d "
	    "daily 8w weekly 12m monthly key nas u dir /d\n"
	    "permit push snapshot keep 1d hourly daily dir /d\n"
	    "permit push snapshot absolute lock u dir /d\n");

	ck_assert_msg(p->nerrors == 0, "%s", p->nerrors ? p->errors[0] : "");
	ck_assert_uint_eq(p->nrules, 3);
	ck_assert_uint_eq(p->rules[0].opts, RO_PUSH | RO_PULL | RO_LIST |
	    RO_SNAPSHOT);
	ck_assert_int_eq(p->rules[0].keep->n, 3);
	ck_assert_int_eq(p->rules[0].keep->b[0].span, 14);
	ck_assert_int_eq(p->rules[0].keep->b[0].span_unit, 'd');
	ck_assert_int_eq(p->rules[0].keep->b[0].unit, KEEP_DAILY);
	ck_assert_int_eq(p->rules[0].keep->b[2].unit, KEEP_MONTHLY);
	ck_assert_str_eq(p->rules[0].key, "nas");
	ck_assert_str_eq(p->rules[0].ident, "u");
	/* a user named like a bucket unit is still the identity */
	ck_assert_ptr_nonnull(p->rules[1].keep);
	ck_assert_int_eq(p->rules[1].keep->n, 1);
	ck_assert_str_eq(p->rules[1].ident, "daily");
	ck_assert_ptr_null(p->rules[2].keep);
	ck_assert_uint_eq(p->rules[2].opts, RO_PUSH | RO_SNAPSHOT |
	    RO_ABSOLUTE | RO_LOCK);
	policy_free(p);
}
END_TEST

START_TEST(t_bad)
{
	struct policy *p = parse(bad[_i].text);

	ck_assert_msg(p->nerrors >= 1, "no error for %s", bad[_i].text);
	ck_assert_msg(has_error(p, bad[_i].want), "%s: got \"%s\"",
	    bad[_i].want, p->errors[0]);
	ck_assert_uint_eq(p->nrules, 0);
	policy_free(p);
}
END_TEST

START_TEST(t_all_errors_reported)
{
	struct policy *p = parse(
	    "permit push u dir /ok\n"
	    "bogus\n"
	    "permit pull u dir relative\n"
	    "# fine\n"
	    "permit push nope u dir /d\n");

	ck_assert_uint_eq(p->nerrors, 3);
	ck_assert(strncmp(p->errors[0], "P:2:", 4) == 0);
	ck_assert(strncmp(p->errors[1], "P:3:", 4) == 0);
	ck_assert(strncmp(p->errors[2], "P:5:", 4) == 0);
	policy_free(p);
}
END_TEST

START_TEST(t_nul_and_size)
{
	struct policy *p;
	char *big;

	p = policy_parse("P", "permit push u dir /d\0x\n", 23);
	ck_assert(has_error(p, "P:1: NUL byte"));
	policy_free(p);
	big = calloc(1, POLICY_MAXSIZE + 2);
	memset(big, '#', POLICY_MAXSIZE + 1);
	p = policy_parse("P", big, POLICY_MAXSIZE + 1);
	ck_assert(has_error(p, "larger than"));
	policy_free(p);
	free(big);
}
END_TEST

static char *grp_backup[] = { "backup", "staff" };

static const struct who alice = { "alice", "/home/alice", 1000, grp_backup, 2 };
static const struct who bob = { "bob", "/home/bob", 1001, NULL, 0 };

START_TEST(t_match)
{
	struct policy *p = parse(
	    "permit pull * dir /all\n"			/* 1 */
	    "permit push :staff dir /staff\n"		/* 2 */
	    "permit list key laptop alice dir /laptop\n"	/* 3 */
	    "deny key stolen alice\n"			/* 4 */
	    "deny bob\n");				/* 5 */
	const struct rule *r;

	ck_assert_uint_eq(p->nerrors, 0);
	r = policy_match(p, &alice, NULL);
	ck_assert_uint_eq(r->line, 2);		/* last match wins */
	r = policy_match(p, &alice, "laptop");
	ck_assert_uint_eq(r->line, 3);
	r = policy_match(p, &alice, "stolen");
	ck_assert_uint_eq(r->line, 4);
	ck_assert_int_eq(r->permit, 0);
	r = policy_match(p, &alice, "other");	/* keyless rules match keys */
	ck_assert_uint_eq(r->line, 2);
	r = policy_match(p, &bob, NULL);
	ck_assert_uint_eq(r->line, 5);
	ck_assert_int_eq(r->permit, 0);
	policy_free(p);

	p = parse("permit pull alice dir /a\n");
	ck_assert_ptr_null(policy_match(p, &bob, NULL));	/* no match */
	policy_free(p);

	p = parse("permit pull alice dir /a\nbogus\n");
	ck_assert_ptr_null(policy_match(p, &alice, NULL)); /* errors: none */
	policy_free(p);
}
END_TEST

static const struct {
	const char *dir;
	const char *want;	/* NULL: error */
} expand[] = {
	{ "/srv/backup/%u", "/srv/backup/alice" },
	{ "%h/backup", "/home/alice/backup" },
	{ "/srv//x/./%u/", NULL },
	{ "/srv//x/%u/", "/srv/x/alice" },
	{ "/a/%%u", "/a/%u" },
	{ "/a/../etc", NULL },
	{ "/", "/" },
};

START_TEST(t_expand)
{
	struct rule r = { .permit = 1, .opts = RO_PULL, .ident = "alice",
	    .dir = (char *)expand[_i].dir, .line = 1 };
	char out[PATH_MAX], err[256];
	int rv;

	rv = policy_expand_dir(&r, &alice, out, sizeof(out), err, sizeof(err));
	if (expand[_i].want == NULL)
		ck_assert_int_eq(rv, -1);
	else {
		ck_assert_int_eq(rv, 0);
		ck_assert_str_eq(out, expand[_i].want);
	}
}
END_TEST

/* "%h/..." is absolute, as documented: accepted, and expanded. */
START_TEST(t_home_dir)
{
	struct policy *p = parse("permit push alice dir %h/backup\n"
	    "permit push bob dir %h\n");

	ck_assert_msg(p->nerrors == 0, "%s", p->nerrors ? p->errors[0] : "");
	ck_assert_uint_eq(p->nrules, 2);
	ck_assert_str_eq(p->rules[0].dir, "%h/backup");
	policy_free(p);
}
END_TEST

START_TEST(t_expand_too_long)
{
	struct rule r = { .permit = 1, .opts = RO_PULL, .ident = "alice",
	    .dir = "/x/%u", .line = 1 };
	char out[8], err[256];

	ck_assert_int_eq(policy_expand_dir(&r, &alice, out, sizeof(out), err,
	    sizeof(err)), -1);
	ck_assert(strstr(err, "too long") != NULL);
}
END_TEST

START_TEST(t_valid_key)
{
	ck_assert(policy_valid_key("laptop"));
	ck_assert(policy_valid_key("a.b_c-9"));
	ck_assert(!policy_valid_key(""));
	ck_assert(!policy_valid_key("a/b"));
	ck_assert(!policy_valid_key("a b"));
	ck_assert(!policy_valid_key("x\n"));
	ck_assert(!policy_valid_key("0123456789012345678901234567890123456789"
	    "01234567890123456789012345"));
}
END_TEST

/* The trust check, with the test's own uid standing in for root. */
static char tdir[64];

static void
write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);

	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	chmod(path, mode);
}

static struct policy *
load(const char *name, mode_t filemode, mode_t dirmode)
{
	char path[128];
	struct policy *p;

	strlcpy(tdir, "/tmp/rshell-policy.XXXXXX", sizeof(tdir));
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(path, sizeof(path), "%s/%s", tdir, name);
	write_file(path, "permit pull u dir /d\n", filemode);
	chmod(tdir, dirmode);
	p = policy_load(path, getuid());
	ck_assert_ptr_nonnull(p);
	unlink(path);
	rmdir(tdir);
	return p;
}

START_TEST(t_trust)
{
	struct policy *p;

	p = load("policy", 0644, 0755);
	ck_assert_uint_eq(p->nerrors, 0);
	ck_assert_uint_eq(p->nrules, 1);
	policy_free(p);

	p = load("policy", 0664, 0755);		/* group writable */
	ck_assert(has_error(p, "not writable by group or others"));
	ck_assert_uint_eq(p->nrules, 0);
	policy_free(p);

	p = load("policy", 0646, 0755);		/* world writable */
	ck_assert(has_error(p, "not writable by group or others"));
	policy_free(p);

	p = load("policy", 0644, 0777);		/* parent world writable */
	ck_assert(has_error(p, "directory /tmp/rshell-policy."));
	ck_assert(p->nerrors >= 1);
	policy_free(p);

	p = load("policy", 0644, 01777);	/* sticky parent is fine */
	ck_assert_uint_eq(p->nerrors, 0);
	policy_free(p);
}
END_TEST

START_TEST(t_trust_not_regular)
{
	struct policy *p;
	char path[128];

	strlcpy(tdir, "/tmp/rshell-policy.XXXXXX", sizeof(tdir));
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(path, sizeof(path), "%s/link", tdir);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);
	p = policy_load(path, getuid());	/* O_NOFOLLOW */
	ck_assert(has_error(p, "cannot open"));
	policy_free(p);
	unlink(path);
	p = policy_load(tdir, getuid());	/* a directory */
	ck_assert(p->nerrors >= 1);
	policy_free(p);
	p = policy_load("/nonexistent/policy", getuid());
	ck_assert(has_error(p, "cannot open"));
	ck_assert(has_error(p, "/nonexistent/policy"));
	policy_free(p);
	rmdir(tdir);
}
END_TEST

/*
 * A policy cut off mid-write is not applied as what it happens to say:
 * "deny mallory" saved as "deny mal" would let mallory in.
 */
START_TEST(t_truncated)
{
	static const char whole[] = "permit push * dir /d\ndeny mallory\n";
	struct policy *p;
	size_t cut;

	p = policy_parse("P", whole, strlen(whole));
	ck_assert_uint_eq(p->nerrors, 0);
	policy_free(p);
	/* every cut that does not end at a newline is an error */
	for (cut = 1; cut < strlen(whole); cut++) {
		p = policy_parse("P", whole, cut);
		if (whole[cut - 1] == '\n')
			ck_assert_msg(p->nerrors == 0, "cut at %zu", cut);
		else
			ck_assert_msg(has_error(p, "the last line has no "
			    "newline"), "cut at %zu: not refused", cut);
		policy_free(p);
	}
}
END_TEST

/* A small generator (xorshift), seeded by the test's index: runs repeat. */
static uint64_t
gen_next(uint64_t *g)
{
	*g ^= *g << 13;
	*g ^= *g >> 7;
	*g ^= *g << 17;
	return *g;
}

static const char *const gen_ids[] = { "u1", "u2", "u3", "*", ":g1",
    ":g2" };

/* One line of a generated policy: mostly rules, some of them wrong. */
static size_t
gen_line(uint64_t *g, char *out, size_t len)
{
	static const char *const opts[] = { "push", "pull", "list",
	    "no-delete", "lock", "push pull", "push snapshot keep 7d daily" };
	static const char *const wrong[] = { "permit push", "frobnicate x",
	    "permit push u1 dir relative", "deny push u1", "rsync relative",
	    "# just a comment", "", "permit pull \"u 1\" dir /d" };
	const char *id = gen_ids[gen_next(g) % NROWS_P(gen_ids)];
	uint64_t k = gen_next(g) % 3, c = gen_next(g) % 20;
	char key[16] = "";

	if (k > 0)
		snprintf(key, sizeof(key), "key k%u ", (unsigned)k);
	if (c == 0)
		return (size_t)snprintf(out, len, "%s\n",
		    wrong[gen_next(g) % NROWS_P(wrong)]);
	if (c == 1)		/* longer than one read of the file */
		return (size_t)snprintf(out, len, "permit push %s dir /d/%0*d\n",
		    id, 70000, 1);
	if (c < 6)
		return (size_t)snprintf(out, len, "deny %s%s\n", key, id);
	return (size_t)snprintf(out, len, "permit %s %s%s dir /srv/%%u/%u\n",
	    opts[gen_next(g) % NROWS_P(opts)], key, id,
	    (unsigned)(gen_next(g) % 100));
}

/*
 * The file read a buffer at a time says what policy_parse() says of its
 * text: the same errors at the same lines; and keeping only the rules for
 * one user changes no decision for that user, with any key or groups.
 */
START_TEST(t_load_for)
{
	static const char *const users[] = { "u1", "u2", "u9" };
	static char *const g1[] = { "g1" }, *const none[] = { NULL };
	const char *keys[] = { NULL, "k1", "k2" };
	uint64_t g = 0x706f6c6963790000ULL ^ (uint64_t)_i * 0x9e3779b97f4a7c15ULL;
	char *text, path[128];
	const struct rule *a, *b;
	struct policy *all, *f, *ref;
	struct who w;
	size_t o = 0, n, i, u, k, grp;
	FILE *fp;

	ck_assert_ptr_nonnull(text = malloc(4 << 20));
	n = 1 + gen_next(&g) % 400;
	for (i = 0; i < n && o < (3 << 20); i++)
		o += gen_line(&g, text + o, (4 << 20) - o);
	if (gen_next(&g) % 8 == 0 && o > 0)	/* cut off mid-write */
		o--;
	strlcpy(tdir, "/tmp/rshell-policy.XXXXXX", sizeof(tdir));
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(path, sizeof(path), "%s/policy", tdir);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	ck_assert_uint_eq(fwrite(text, 1, o, fp), o);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_int_eq(chmod(path, 0644), 0);

	ref = policy_parse(path, text, o);
	all = policy_load(path, getuid());
	ck_assert_uint_eq(all->nerrors, ref->nerrors);
	for (i = 0; i < ref->nerrors; i++)
		ck_assert_str_eq(all->errors[i], ref->errors[i]);
	ck_assert_uint_eq(all->nrules, ref->nrules);
	for (u = 0; u < NROWS_P(users); u++) {
		f = policy_load_for(path, getuid(), users[u]);
		ck_assert_uint_eq(f->nerrors, ref->nerrors);
		ck_assert_uint_le(f->nrules, all->nrules);
		ck_assert_int_eq(policy_uses_groups(f),
		    policy_uses_groups(all));
		for (k = 0; k < NROWS_P(keys); k++)
			for (grp = 0; grp < 2; grp++) {
				memset(&w, 0, sizeof(w));
				w.user = users[u];
				w.groups = grp ? g1 : none;
				w.ngroups = grp;
				a = policy_match(all, &w, keys[k]);
				b = policy_match(f, &w, keys[k]);
				ck_assert_msg((a == NULL) == (b == NULL) &&
				    (a == NULL || (a->line == b->line &&
				    a->opts == b->opts && a->permit ==
				    b->permit)), "user %s key %s: line %zu "
				    "and %zu", users[u], keys[k] ? keys[k] :
				    "-", a ? a->line : 0, b ? b->line : 0);
			}
		policy_free(f);
	}
	policy_free(all);
	policy_free(ref);
	free(text);
	unlink(path);
	rmdir(tdir);
}
END_TEST

Suite *
make_suite_policy(void)
{
	Suite *s = suite_create("policy");
	TCase *tc = tcase_create("policy");

	tcase_add_test(tc, t_full);
	tcase_add_test(tc, t_defaults);
	tcase_add_test(tc, t_snapshot_keep);
	tcase_add_loop_test(tc, t_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, t_all_errors_reported);
	tcase_add_test(tc, t_nul_and_size);
	tcase_add_test(tc, t_truncated);
	tcase_add_test(tc, t_match);
	tcase_add_loop_test(tc, t_expand, 0, sizeof(expand) / sizeof(expand[0]));
	tcase_add_test(tc, t_expand_too_long);
	tcase_add_test(tc, t_home_dir);
	tcase_add_test(tc, t_valid_key);
	tcase_add_test(tc, t_trust);
	tcase_add_test(tc, t_trust_not_regular);
	tcase_add_loop_test(tc, t_load_for, 0, 40);
	suite_add_tcase(s, tc);
	return s;
}
