/*
 * Tests for passwd.c, the reader of the account's line in /etc/passwd.
 *
 * Its promise: where it answers, glibc would answer the same.  The oracle
 * for the file is glibc's own parser of the format, fgetpwent(), which the
 * files module shares: the first entry it reads with the uid is the one
 * getpwuid() returns.  Generated files mix plain entries with every kind
 * of line the reader must leave to glibc; the seed is printed at the start
 * and in every failure, and RSHELL_SEED=N repeats a run.
 */
#include <sys/stat.h>

#include <check.h>
#include <grp.h>
#include <inttypes.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "passwd.h"
#include "pathprop.h"

Suite	*make_suite_passwd(void);

static uint64_t seed;

struct nsrow {
	const char	*text;
	int		 files;
	size_t		 len;	/* 0: strlen(text) */
};

static const struct nsrow nsrows[] = {
	{ "passwd: files systemd\n", 1, 0 },
	{ "passwd:files\n", 1, 0 },
	{ "passwd : files\n", 1, 0 },
	{ "passwd:\tfiles\tldap\n", 1, 0 },
	{ "passwd: files # then nothing\n", 1, 0 },
	{ "passwd: files\r\n", 1, 0 },
	{ "# passwd: ldap\npasswd: files\n", 1, 0 },
	{ "group: ldap\npasswd: files\nshadow: ldap\n", 1, 0 },
	{ "passwd: files", 1, 0 },		/* no newline at the end */
	{ "  passwd: files sss\n", 1, 0 },
	/* another service first */
	{ "passwd: systemd files\n", 0, 0 },
	{ "passwd: sss files\n", 0, 0 },
	{ "passwd: compat\n", 0, 0 },
	{ "passwd: filesx\n", 0, 0 },
	{ "passwd: file\n", 0, 0 },
	/* an action anywhere */
	{ "passwd: files [NOTFOUND=return] ldap\n", 0, 0 },
	{ "passwd: files [SUCCESS=continue] ldap\n", 0, 0 },
	{ "passwd: [UNAVAIL=return] files\n", 0, 0 },
	/* no passwd line, or one glibc may read otherwise */
	{ "", 0, 0 },
	{ "group: files\n", 0, 0 },
	{ "#passwd: files\n", 0, 0 },
	{ "passwd files\n", 0, 0 },
	{ "passwd:\n", 0, 0 },
	{ "passwd: files\npasswd: ldap\n", 0, 0 },
	{ "passwd: files\nPASSWD: ldap\n", 0, 0 },
	{ "Passwd: files\n", 0, 0 },
	{ "passwd: files\n\0passwd: ldap\n", 0,
	    sizeof("passwd: files\n\0passwd: ldap\n") - 1 },
};

START_TEST(t_files_first)
{
	const struct nsrow *r = &nsrows[_i];
	size_t len = r->len ? r->len : strlen(r->text);

	ck_assert_msg(passwd_files_first(r->text, len, "passwd") == r->files,
	    "\"%s\": want %d", r->text, r->files);
}
END_TEST

/* Every entry of text with uid, through fgetpwent: the first, or NULL. */
static int
oracle(const char *text, uid_t uid, struct passwd *out, char *buf,
    size_t buflen)
{
	struct passwd *p;
	FILE *f;
	int found = 0;

	if ((f = fmemopen((void *)text, strlen(text), "r")) == NULL)
		ck_abort_msg("fmemopen failed");
	while ((p = fgetpwent(f)) != NULL)
		if (p->pw_uid == uid) {
			snprintf(buf, buflen, "%s:%s:%u:%u:%s:%s:%s",
			    p->pw_name, p->pw_passwd ? p->pw_passwd : "",
			    (unsigned)p->pw_uid, (unsigned)p->pw_gid,
			    p->pw_gecos ? p->pw_gecos : "",
			    p->pw_dir ? p->pw_dir : "",
			    p->pw_shell ? p->pw_shell : "");
			*out = *p;
			found = 1;
			break;
		}
	fclose(f);
	return found;
}

static const char *const names[] = { "backup", "nas", "root", "a", "x.y",
    "b_k-1", "daemon", "longer.account.name" };
static const uid_t uids[] = { 0, 1, 7, 1000, 1001, 65534 };

static void
field(struct pp_rng *g, char *out, size_t len)
{
	static const char *const v[] = { "", "x", "*", "!", "Backup,,,",
	    "/srv/backup", "/home/nas", "/bin/sh", "/usr/sbin/rshell",
	    "/", "a b", "\xc3\xa9t\xc3\xa9" };

	strlcpy(out, v[pp_below(g, NROWS(v))], len);
}

/* One line, plain or of a kind the reader leaves to glibc. */
static void
gen_line(struct pp_rng *g, char *out, size_t len, int plain)
{
	char gecos[32], dir[32], shell[32], pw[8];
	const char *name = names[pp_below(g, NROWS(names))];
	unsigned uid = (unsigned)uids[pp_below(g, NROWS(uids))];
	unsigned gid = (unsigned)uids[pp_below(g, NROWS(uids))];
	int kind = plain ? (int)pp_below(g, 3) : (int)pp_below(g, 15);

	field(g, gecos, sizeof(gecos));
	field(g, dir, sizeof(dir));
	field(g, shell, sizeof(shell));
	strlcpy(pw, pp_below(g, 2) ? "x" : "*", sizeof(pw));
	switch (kind) {
	case 0: case 1:
		snprintf(out, len, "%s:%s:%u:%u:%s:%s:%s", name, pw, uid, gid,
		    gecos, dir, shell);
		break;
	case 2:
		snprintf(out, len, pp_below(g, 2) ? "# %s:x:%u" : "", name,
		    uid);
		break;
	case 3:		/* leading blanks: glibc reads the entry after them */
		snprintf(out, len, "%s%s:x:%u:%u::%s:%s", pp_below(g, 2) ?
		    " " : "\t", name, uid, gid, dir, shell);
		break;
	case 4:		/* compat entries: glibc reads "+" alone as uid 0 */
		if (pp_below(g, 2))
			snprintf(out, len, "%s%s", pp_below(g, 2) ? "+" : "-",
			    pp_below(g, 2) ? name : "::::::");
		else
			snprintf(out, len, "+%s:x:%u:%u::%s:%s", name, uid, gid,
			    dir, shell);
		break;
	case 5:		/* a colon too many: glibc keeps it in the shell */
		snprintf(out, len, "%s:x:%u:%u::%s:%s:extra", name, uid, gid,
		    dir, shell);
		break;
	case 6:		/* a field too few */
		snprintf(out, len, "%s:x:%u:%u:%s:%s", name, uid, gid, dir,
		    shell);
		break;
	case 7:		/* a uid beyond uid_t, which wraps to a small one */
		snprintf(out, len, "%s:x:%" PRIu64 ":%u::%s:%s", name,
		    (uint64_t)uid + UINT64_C(4294967296), gid, dir, shell);
		break;
	case 8:		/* leading zeros and signs */
		snprintf(out, len, "%s:x:%s%u:%u::%s:%s", name, pp_below(g, 2) ?
		    "00" : (pp_below(g, 2) ? "+" : "-"), uid, gid, dir, shell);
		break;
	case 9:		/* an empty uid or gid */
		snprintf(out, len, pp_below(g, 2) ? "%s:x::%u::/:/" :
		    "%s:x:%u:::/:/", name, uid);
		break;
	case 10:	/* an empty name */
		snprintf(out, len, ":x:%u:%u::%s:%s", uid, gid, dir, shell);
		break;
	case 11:	/* blanks inside the numbers */
		snprintf(out, len, "%s:x: %u:%u::/:/", name, uid, gid);
		break;
	case 12:	/* the uid that is -1 */
		snprintf(out, len, "%s:x:4294967295:%u::/:/", name, gid);
		break;
	case 13:	/* blanks at the end */
		snprintf(out, len, "%s:x:%u:%u::%s:%s%s", name, uid, gid, dir,
		    shell, pp_below(g, 2) ? "\r" : " ");
		break;
	default:
		snprintf(out, len, "%s:%s:%u:%u:%s:%s:%s", name, pw, uid, gid,
		    gecos, dir, shell);
		break;
	}
}

/* A file of up to 11 lines from gen, the last one without a newline now
   and then; returns its length. */
static size_t
gen_file(struct pp_rng *g, char *text, size_t len, int plain,
    void (*gen)(struct pp_rng *, char *, size_t, int))
{
	char line[256];
	size_t o = 0, k, n = pp_below(g, 12);

	text[0] = '\0';
	for (k = 0; k < n; k++) {
		gen(g, line, sizeof(line), plain);
		o += (size_t)snprintf(text + o, len - o, "%s%s", line,
		    k + 1 < n || pp_below(g, 4) ? "\n" : "");
	}
	return o;
}

/*
 * Where passwd_scan() answers, glibc's parser answers the same; on files
 * of plain lines only it answers for every uid that is there and for no
 * other.
 */
START_TEST(t_scan_oracle)
{
	struct pp_rng g = { seed ^ 0x7061737377640000ULL };
	char text[4096], copy[4096], want[512], got[512];
	struct passwd pw, op;
	size_t o, k, answered = 0, unsure = 0;
	int c, plain, found, ok;

	for (c = 0; c < 4000; c++) {
		plain = c % 4 == 0;
		o = gen_file(&g, text, sizeof(text), plain, gen_line);
		for (k = 0; k < NROWS(uids); k++) {
			memcpy(copy, text, o + 1);
			ok = passwd_scan(copy, o, uids[k], &pw);
			found = oracle(text, uids[k], &op, want, sizeof(want));
			if (!ok) {
				H_ASSERT(!plain || !found, "seed %" PRIu64
				    ": case %d: plain file, uid %u is there "
				    "but not found:\n%s", seed, c,
				    (unsigned)uids[k], text);
				unsure++;
				continue;
			}
			answered++;
			snprintf(got, sizeof(got), "%s:%s:%u:%u:%s:%s:%s",
			    pw.pw_name, pw.pw_passwd, (unsigned)pw.pw_uid,
			    (unsigned)pw.pw_gid, pw.pw_gecos, pw.pw_dir,
			    pw.pw_shell);
			H_ASSERT(found && strcmp(got, want) == 0, "seed %"
			    PRIu64 ": case %d, uid %u: reader \"%s\", glibc "
			    "\"%s\":\n%s", seed, c, (unsigned)uids[k], got,
			    found ? want : "(none)", text);
		}
	}
	/* Both sides were exercised: neither can pass by being empty. */
	ck_assert_msg(answered > 1000 && unsure > 1000, "seed %" PRIu64
	    ": %zu answered, %zu left to glibc", seed, answered, unsure);
}
END_TEST

/* One line of a group file, plain or of a kind left to glibc. */
static void
gen_group(struct pp_rng *g, char *out, size_t len, int plain)
{
	static const char *const mem[] = { "", "backup", "a,b", "nas,root,x" };
	const char *name = names[pp_below(g, NROWS(names))];
	const char *m = mem[pp_below(g, NROWS(mem))];
	unsigned gid = (unsigned)uids[pp_below(g, NROWS(uids))];
	int kind = plain ? (int)pp_below(g, 3) : (int)pp_below(g, 10);

	switch (kind) {
	case 2:
		snprintf(out, len, pp_below(g, 2) ? "#%s:x:%u:" : "  ", name,
		    gid);
		break;
	case 3:
		snprintf(out, len, " %s:x:%u:%s", name, gid, m);
		break;
	case 4:
		snprintf(out, len, "+%s:x:%u:%s", name, gid, m);
		break;
	case 5:
		snprintf(out, len, "%s:x:%u", name, gid);
		break;
	case 6:
		snprintf(out, len, "%s:x:%u:%s:extra", name, gid, m);
		break;
	case 7:
		snprintf(out, len, "%s:x:%" PRIu64 ":%s", name,
		    (uint64_t)gid + UINT64_C(4294967296), m);
		break;
	case 8:
		snprintf(out, len, ":x:%u:%s", gid, m);
		break;
	case 9:
		snprintf(out, len, "%s:x:-%u:%s", name, gid, m);
		break;
	default:
		snprintf(out, len, "%s:%s:%u:%s", name, pp_below(g, 2) ? "x" :
		    "", gid, m);
		break;
	}
}

/* The group reader against fgetgrent, as t_scan_oracle does passwd's. */
START_TEST(t_group_oracle)
{
	struct pp_rng g = { seed ^ 0x67726f7570000000ULL };
	char text[4096], copy[4096], *name;
	size_t o, k, answered = 0, unsure = 0;
	struct group *gr;
	int c, plain, ok;
	FILE *f;

	for (c = 0; c < 4000; c++) {
		plain = c % 4 == 0;
		o = gen_file(&g, text, sizeof(text), plain, gen_group);
		for (k = 0; k < NROWS(uids); k++) {
			memcpy(copy, text, o + 1);
			ok = group_scan(copy, o, (gid_t)uids[k], &name);
			if ((f = fmemopen(text, o, "r")) == NULL)
				ck_abort_msg("fmemopen failed");
			while ((gr = o ? fgetgrent(f) : NULL) != NULL &&
			    gr->gr_gid != (gid_t)uids[k])
				;
			H_ASSERT(!ok || (gr != NULL && strcmp(gr->gr_name,
			    name) == 0), "seed %" PRIu64 ": case %d, gid %u: "
			    "reader \"%s\", glibc \"%s\":\n%s", seed, c,
			    (unsigned)uids[k], name, gr ? gr->gr_name : "(none)",
			    text);
			H_ASSERT(ok || !plain || gr == NULL, "seed %" PRIu64
			    ": case %d: plain file, gid %u is there but not "
			    "found:\n%s", seed, c, (unsigned)uids[k], text);
			fclose(f);
			if (ok)
				answered++;
			else
				unsure++;
		}
	}
	ck_assert_msg(answered > 1000 && unsure > 1000, "seed %" PRIu64
	    ": %zu answered, %zu left to glibc", seed, answered, unsure);
}
END_TEST

/* The group line of nsswitch.conf is read as the passwd line is. */
START_TEST(t_group_first)
{
	ck_assert_int_eq(passwd_files_first("passwd: ldap\ngroup: files "
	    "systemd\n", 34, "group"), 1);
	ck_assert_int_eq(passwd_files_first("passwd: files\ngroup: sss "
	    "files\n", 31, "group"), 0);
	ck_assert_int_eq(passwd_files_first("passwd: files\n", 14, "group"),
	    0);
	ck_assert_int_eq(passwd_files_first("group: files\n", 13, "passwd"),
	    0);
	ck_assert_int_eq(passwd_files_first("groups: files\n", 14, "group"),
	    0);
}
END_TEST

/* On this machine: the same name as getgrgid() for the tests' group. */
START_TEST(t_group_here)
{
	char want[256];
	struct group *gr;
	const char *got;

	ck_assert_ptr_nonnull(gr = getgrgid(getgid()));
	strlcpy(want, gr->gr_name, sizeof(want));
	ck_assert_ptr_nonnull(got = group_lookup_name(getgid()));
	ck_assert_str_eq(got, want);
}
END_TEST

static void
write_file(const char *path, const char *text)
{
	FILE *f;

	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	ck_assert_int_eq(fputs(text, f) >= 0, 1);
	ck_assert_int_eq(fclose(f), 0);
}

/* The files themselves: read, refused when not regular, absent. */
START_TEST(t_files)
{
	char dir[] = "/tmp/rshell-passwd.XXXXXX", ns[64], pwf[64];
	struct passwd pw;
	char *buf;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ns, sizeof(ns), "%s/nsswitch.conf", dir);
	snprintf(pwf, sizeof(pwf), "%s/passwd", dir);
	write_file(ns, "passwd: files systemd\n");
	write_file(pwf, "root:x:0:0:root:/root:/bin/bash\n"
	    "backup:x:1000:1000:Backup:/srv/backup:/usr/sbin/rshell\n");
	ck_assert_int_eq(passwd_files(ns, pwf, 1000, &pw, &buf), 1);
	ck_assert_str_eq(pw.pw_name, "backup");
	ck_assert_str_eq(pw.pw_dir, "/srv/backup");
	ck_assert_str_eq(pw.pw_shell, "/usr/sbin/rshell");
	ck_assert_int_eq(pw.pw_gid, 1000);
	free(buf);
	/* not there: glibc's other services are asked */
	ck_assert_int_eq(passwd_files(ns, pwf, 1001, &pw, &buf), 0);
	ck_assert_ptr_null(buf);
	/* another service first */
	write_file(ns, "passwd: sss files\n");
	ck_assert_int_eq(passwd_files(ns, pwf, 1000, &pw, &buf), 0);
	/* no nsswitch.conf, or one that is not a file */
	unlink(ns);
	ck_assert_int_eq(passwd_files(ns, pwf, 1000, &pw, &buf), 0);
	ck_assert_int_eq(mkdir(ns, 0700), 0);
	ck_assert_int_eq(passwd_files(ns, pwf, 1000, &pw, &buf), 0);
	rmdir(ns);
	write_file(ns, "passwd: files\n");
	unlink(pwf);
	ck_assert_int_eq(passwd_files(ns, pwf, 1000, &pw, &buf), 0);
	unlink(ns);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* On this machine: the same entry as getpwuid() for who runs the tests. */
START_TEST(t_lookup_here)
{
	char name[256], dir[PATH_MAX], shell[PATH_MAX];
	struct passwd *a, *b;
	gid_t gid;

	ck_assert_ptr_nonnull(a = getpwuid(getuid()));
	strlcpy(name, a->pw_name, sizeof(name));
	strlcpy(dir, a->pw_dir, sizeof(dir));
	strlcpy(shell, a->pw_shell, sizeof(shell));
	gid = a->pw_gid;
	ck_assert_ptr_nonnull(b = passwd_lookup(getuid()));
	ck_assert_str_eq(b->pw_name, name);
	ck_assert_str_eq(b->pw_dir, dir);
	ck_assert_str_eq(b->pw_shell, shell);
	ck_assert_int_eq(b->pw_uid, getuid());
	ck_assert_int_eq(b->pw_gid, gid);
}
END_TEST

Suite *
make_suite_passwd(void)
{
	Suite *s = suite_create("passwd");
	TCase *tc;

	seed = h_seed("passwd");
	tc = tcase_create("passwd");
	tcase_add_loop_test(tc, t_files_first, 0, (int)NROWS(nsrows));
	tcase_add_test(tc, t_scan_oracle);
	tcase_add_test(tc, t_files);
	tcase_add_test(tc, t_lookup_here);
	tcase_add_test(tc, t_group_oracle);
	tcase_add_test(tc, t_group_first);
	tcase_add_test(tc, t_group_here);
	suite_add_tcase(s, tc);
	return s;
}
