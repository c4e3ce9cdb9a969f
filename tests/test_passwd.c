/*
 * Tests for passwd.c, the account database without the name service in
 * rshell's process: the reader of /etc/passwd and /etc/group, and getent.
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
#include <fcntl.h>
#include <signal.h>
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

/* --- getent ------------------------------------------------------- */

#define GETENT	"/usr/bin/getent"

/* On this machine: for every account of /etc/passwd, getent's entry
   through the strict reader is getpwuid()'s and getpwnam()'s. */
START_TEST(t_getent_here)
{
	struct passwd *p, pw, want;
	char wname[256], wdir[PATH_MAX], wshell[PATH_MAX], *buf;
	size_t n = 0;
	uid_t seen[512];
	size_t nseen = 0, i;
	FILE *f;
	int by;

	ck_assert_ptr_nonnull(f = fopen("/etc/passwd", "r"));
	while ((p = fgetpwent(f)) != NULL && nseen < NROWS(seen)) {
		for (i = 0; i < nseen && seen[i] != p->pw_uid; i++)
			;
		if (i < nseen || p->pw_name[0] == '+' || p->pw_name[0] == '-')
			continue;
		seen[nseen++] = p->pw_uid;
	}
	fclose(f);
	for (i = 0; i < nseen; i++) {
		ck_assert_ptr_nonnull(p = getpwuid(seen[i]));
		want = *p;
		strlcpy(wname, p->pw_name, sizeof(wname));
		strlcpy(wdir, p->pw_dir, sizeof(wdir));
		strlcpy(wshell, p->pw_shell, sizeof(wshell));
		for (by = 0; by < 2; by++) {
			ck_assert_msg(passwd_getent(GETENT, by ? wname : NULL,
			    seen[i], &pw, &buf) == 1, "getent passwd %s",
			    by ? wname : "(uid)");
			ck_assert_str_eq(pw.pw_name, wname);
			ck_assert_str_eq(pw.pw_dir, wdir);
			ck_assert_str_eq(pw.pw_shell, wshell);
			ck_assert_int_eq(pw.pw_uid, want.pw_uid);
			ck_assert_int_eq(pw.pw_gid, want.pw_gid);
			free(buf);
			n++;
		}
	}
	ck_assert_uint_ge(n, 2);
	/* no such account */
	ck_assert_int_eq(passwd_getent(GETENT, "rshell-no-such-account", 0,
	    &pw, &buf), 0);
	ck_assert_ptr_null(buf);
}
END_TEST

/*
 * A stand-in getent: a script that notes how it was run (arguments,
 * environment, signal mask and ignored signals, descriptors) in its
 * directory, then runs the shell script "mode" there with the same
 * arguments, as the same process.  Perl (Essential on Debian) takes the
 * notes because a shell clears the signal mask it was started with.
 */
struct fake {
	char	dir[64];
	char	prog[96];
};

static void
fake_make(struct fake *fk)
{
	char path[128];

	strlcpy(fk->dir, "/tmp/rshell-getent.XXXXXX", sizeof(fk->dir));
	ck_assert_ptr_nonnull(mkdtemp(fk->dir));
	snprintf(fk->prog, sizeof(fk->prog), "%s/getent", fk->dir);
	write_file(fk->prog, "#!/usr/bin/perl\n"
	    "my $d = $0; $d =~ s{/getent$}{};\n"
	    "my @fds;\n"
	    "opendir(my $dh, '/proc/self/fd') or die;\n"
	    "for (grep { /^\\d+$/ } readdir $dh) {\n"
	    "  push @fds, \"$_ \" . (readlink(\"/proc/self/fd/$_\") // '?'); }\n"
	    "closedir $dh;\n"
	    "open(my $o, '>>', \"$d/args\") or die;\n"
	    "print $o \"$_\\n\" for @ARGV; print $o \"--\\n\"; close $o;\n"
	    "open($o, '>', \"$d/env\") or die;\n"
	    "print $o \"$_=$ENV{$_}\\n\" for sort keys %ENV; close $o;\n"
	    "open($o, '>', \"$d/fds\") or die;\n"
	    "print $o \"$_\\n\" for sort @fds; close $o;\n"
	    "open(my $i, '<', '/proc/self/status') or die;\n"
	    "open($o, '>', \"$d/sig\") or die;\n"
	    "while (<$i>) { print $o $_ if /^Sig(Blk|Ign)/ } close $o;\n"
	    "exec '/bin/sh', \"$d/mode\", @ARGV;\n");
	ck_assert_int_eq(chmod(fk->prog, 0755), 0);
	snprintf(path, sizeof(path), "%s/args", fk->dir);
	unlink(path);
}

static void
fake_mode(struct fake *fk, const char *sh)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/mode", fk->dir);
	write_file(path, sh);
	snprintf(path, sizeof(path), "%s/args", fk->dir);
	unlink(path);
}

/* The file NAME of the stand-in's notes, whole. */
static void
fake_note(struct fake *fk, const char *name, char *out, size_t len)
{
	char path[128];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fk->dir, name);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	n = fread(out, 1, len - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void
fake_remove(struct fake *fk)
{
	static const char *const files[] = { "getent", "mode", "args", "env",
	    "sig", "fds" };
	char path[128];
	size_t i;

	for (i = 0; i < NROWS(files); i++) {
		snprintf(path, sizeof(path), "%s/%s", fk->dir, files[i]);
		unlink(path);
	}
	ck_assert_int_eq(rmdir(fk->dir), 0);
}

struct fakerow {
	const char	*mode;	/* what the stand-in does */
	const char	*name;	/* asked for by name, else uid 1000 */
	int		 found;
};

static const struct fakerow fakerows[] = {
	{ "echo 'backup:x:1000:1000:B:/srv/b:/bin/sh'", NULL, 1 },
	{ "echo 'backup:x:1000:1000:B:/srv/b:/bin/sh'", "backup", 1 },
	/* an answer for another key is no answer */
	{ "echo 'backup:x:1001:1000:B:/srv/b:/bin/sh'", NULL, 0 },
	{ "echo 'backup:x:1000:1000:B:/srv/b:/bin/sh'", "backup2", 0 },
	/* a ':' in a field: the strict reader cannot be sure */
	{ "echo 'backup:x:1000:1000:a:b:/srv/b:/bin/sh'", NULL, 0 },
	{ "echo '+backup:x:1000:1000:B:/srv/b:/bin/sh'", NULL, 0 },
	{ "echo 'backup:x:1000:1000:B:/srv/b:/bin/sh'; exit 1", NULL, 0 },
	{ "exit 2", NULL, 0 },
	{ "echo 'backup:x:1000:1000:B:/srv/b:/bin/sh'; kill -KILL $$", NULL,
	    0 },
	/* without end: cut off at 8 MiB, killed, not waited out */
	{ "exec yes 'backup:x:1000:1000:B:/srv/b:/bin/sh'", NULL, 0 },
	/* too much, then no end: killed, not waited for */
	{ "yes 'backup:x:1000:1000:B:/srv/b:/bin/sh' | head -c 9000000; "
	    "exec sleep 60", NULL, 0 },
	{ "printf 'backup:x:1000:1000:B:/srv/b:/bin/sh'", NULL, 1 },
	{ "printf 'backup:x:1000:1000:B:/srv/b:/bin/sh\\0\\n'", NULL, 0 },
};

/* What getent says, read strictly; and how it was run. */
START_TEST(t_getent_fake)
{
	const struct fakerow *r = &fakerows[_i];
	struct sigaction sa, oldpipe;
	unsigned long long blk, ign;
	sigset_t term, oldmask;
	char note[4096], want[64];
	struct passwd pw;
	struct fake fk;
	char *buf;
	int leak, got;

	fake_make(&fk);
	fake_mode(&fk, r->mode);
	/* what a listing has when it looks names up */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, &oldpipe);
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigprocmask(SIG_BLOCK, &term, &oldmask);
	ck_assert_int_ge(leak = open("/dev/null", O_RDONLY), 3);
	got = passwd_getent(fk.prog, r->name, 1000, &pw, &buf);
	close(leak);
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	sigaction(SIGPIPE, &oldpipe, NULL);
	ck_assert_msg(got == r->found, "%s: %d, want %d", r->mode, got,
	    r->found);
	if (got) {
		ck_assert_str_eq(pw.pw_name, "backup");
		ck_assert_str_eq(pw.pw_dir, "/srv/b");
		ck_assert_str_eq(pw.pw_shell, "/bin/sh");
		ck_assert_int_eq(pw.pw_uid, 1000);
		free(buf);
	} else
		ck_assert_ptr_null(buf);
	fake_note(&fk, "args", note, sizeof(note));
	snprintf(want, sizeof(want), "--\npasswd\n%s\n--\n", r->name ?
	    r->name : "1000");
	ck_assert_str_eq(note, want);
	/* nothing of rshell's: no environment, no handler, no signal
	   held, no descriptor beyond its three (and the shell's own) */
	fake_note(&fk, "env", note, sizeof(note));
	ck_assert_msg(strstr(note, "HOME=") == NULL && strstr(note,
	    "CK_") == NULL, "environment: %s", note);
	fake_note(&fk, "sig", note, sizeof(note));
	ck_assert_int_eq(sscanf(note, "SigBlk: %llx SigIgn: %llx", &blk,
	    &ign), 2);
	/* perl ignores SIGFPE itself; 32 and 33 are the C library's own,
	   which it lets nobody set (this machine may have them ignored) */
	ign &= ((1ULL << 31) - 1) & ~(1ULL << (SIGFPE - 1));
	blk &= (1ULL << 31) - 1;
	ck_assert_msg(blk == 0 && ign == 0, "signals held %llx, ignored %llx",
	    blk, ign);
	fake_note(&fk, "fds", note, sizeof(note));
	snprintf(want, sizeof(want), "%d /dev/null", leak);
	ck_assert_msg(strstr(note, want) == NULL, "descriptor %d reached "
	    "getent: %s", leak, note);
	fake_remove(&fk);
}
END_TEST

/* getent that cannot be run: no answer. */
START_TEST(t_getent_missing)
{
	struct passwd pw;
	char *buf;

	ck_assert_int_eq(passwd_getent("/nonexistent/getent", NULL, 0, &pw,
	    &buf), 0);
	ck_assert_ptr_null(buf);
}
END_TEST

/* --- groups ---------------------------------------------------------- */

/*
 * getgrouplist() and getgrgid() over a group file, through fgetgrent:
 * gid and every group listing user, each once, in the file's order; each
 * named by the first line for its gid.
 */
static size_t
groups_oracle(const char *text, size_t len, const char *user, gid_t gid,
    char out[][64], size_t max)
{
	gid_t gids[64];
	size_t n = 0, i, got = 0;
	struct group *gr;
	char **m;
	FILE *f;

	gids[n++] = gid;
	if (len > 0) {
		ck_assert_ptr_nonnull(f = fmemopen((void *)text, len, "r"));
		while ((gr = fgetgrent(f)) != NULL)
			for (m = gr->gr_mem; *m != NULL; m++)
				if (strcmp(*m, user) == 0) {
					for (i = 0; i < n && gids[i] !=
					    gr->gr_gid; i++)
						;
					if (i == n && n < NROWS(gids))
						gids[n++] = gr->gr_gid;
					break;
				}
		fclose(f);
	}
	for (i = 0; i < n && got < max; i++) {
		if (len == 0)
			break;
		ck_assert_ptr_nonnull(f = fmemopen((void *)text, len, "r"));
		while ((gr = fgetgrent(f)) != NULL && gr->gr_gid != gids[i])
			;
		if (gr != NULL)
			strlcpy(out[got++], gr->gr_name, 64);
		fclose(f);
	}
	return got;
}

/*
 * Where nsswitch.conf names files alone for group, the reader gives
 * glibc's groups for generated files, or (a line it cannot be sure of)
 * asks getent, which here cannot be run and so answers nothing.
 */
START_TEST(t_groups_oracle)
{
	struct pp_rng g = { seed ^ 0x696e697467727073ULL };
	char dir[] = "/tmp/rshell-groups.XXXXXX", ns[64], grf[64];
	char text[4096], want[64][64], *got[64];
	size_t o, k, u, n, w, i, answered = 0, unsure = 0;
	int c, plain;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ns, sizeof(ns), "%s/nsswitch.conf", dir);
	snprintf(grf, sizeof(grf), "%s/group", dir);
	write_file(ns, "passwd: files systemd\ngroup:\tfiles\n");
	for (c = 0; c < 600; c++) {
		plain = c % 3 == 0;
		o = gen_file(&g, text, sizeof(text), plain, gen_group);
		ck_assert_ptr_nonnull(f = fopen(grf, "w"));
		ck_assert_uint_eq(fwrite(text, 1, o, f), o);
		ck_assert_int_eq(fclose(f), 0);
		for (u = 0; u < NROWS(names); u += 3)
			for (k = 0; k < NROWS(uids); k += 2) {
				n = groups_lookup_at("/nonexistent/getent",
				    ns, grf, names[u],
				    uids[k], got, NROWS(got));
				w = groups_oracle(text, o, names[u], uids[k],
				    want, NROWS(want));
				H_ASSERT(n == 0 || n == w, "seed %" PRIu64
				    ": case %d, %s/%u: %zu groups, glibc %zu:"
				    "\n%s", seed, c, names[u],
				    (unsigned)uids[k], n, w, text);
				H_ASSERT(!plain || n == w, "seed %" PRIu64
				    ": case %d: plain file, %s/%u: %zu groups, "
				    "glibc %zu:\n%s", seed, c, names[u],
				    (unsigned)uids[k], n, w, text);
				for (i = 0; i < n; i++) {
					H_ASSERT(strcmp(got[i], want[i]) == 0,
					    "seed %" PRIu64 ": case %d, %s/%u: "
					    "group %zu is %s, glibc %s:\n%s",
					    seed, c, names[u],
					    (unsigned)uids[k], i, got[i],
					    want[i], text);
					free(got[i]);
				}
				if (n > 0)
					answered++;
				else if (w > 0)
					unsure++;
			}
	}
	ck_assert_msg(answered > 300 && unsure > 300, "seed %" PRIu64
	    ": %zu answered, %zu left to getent", seed, answered, unsure);
	unlink(grf);
	unlink(ns);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

struct grouprow {
	const char	*ns;		/* nsswitch.conf */
	const char	*mode;		/* the stand-in getent */
	const char	*want;		/* the names, space-separated */
	const char	*args;		/* how getent was run, "" not */
};

#define GROUPFILE	"backup:x:1000:\nstaff:x:1001:nas\n"
#define GETENT_ANSWERS(init) \
	"case $2 in initgroups) printf '%s\\n' '" init "';; " \
	"group) shift 2; for k; do case $k in " \
	"1000) echo backup:x:1000:;; 1001) echo staff:x:1001:backup;; " \
	"1002) echo wheel:x:1002:backup,nas;; esac; done;; esac"

static const struct grouprow grouprows[] = {
	/* files alone: the file; getent is not run */
	{ "group: files\n", "exit 1", "backup", "" },
	/* files, then another service: getgrouplist() would ask both */
	{ "group: files systemd\n", GETENT_ANSWERS("backup               1001 "
	    "1002"), "backup staff wheel", "--\ninitgroups\nbackup\n--\n--\n"
	    "group\n1000\n1001\n1002\n--\n" },
	{ "group: files\ninitgroups: files\n", GETENT_ANSWERS("backup 1001"),
	    "backup staff", "--\ninitgroups\nbackup\n--\n--\ngroup\n1000\n"
	    "1001\n--\n" },
	{ "group: sss files\n", GETENT_ANSWERS("backup"), "backup",
	    "--\ninitgroups\nbackup\n--\n--\ngroup\n1000\n--\n" },
	/* a gid without a group: no name, as getgrgid() gives none */
	{ "group: ldap\n", GETENT_ANSWERS("backup 1001 4000"),
	    "backup staff", "--\ninitgroups\nbackup\n--\n--\ngroup\n1000\n"
	    "1001\n4000\n--\n" },
	/* replies that are not for the account, or not numbers: none */
	{ "group: ldap\n", GETENT_ANSWERS("backupx 1001"), "",
	    "--\ninitgroups\nbackup\n--\n" },
	{ "group: ldap\n", GETENT_ANSWERS("backup 1001 x"), "",
	    "--\ninitgroups\nbackup\n--\n" },
	{ "group: ldap\n", GETENT_ANSWERS("backup -1"), "",
	    "--\ninitgroups\nbackup\n--\n" },
	{ "group: ldap\n", GETENT_ANSWERS("backup 4294967295"), "",
	    "--\ninitgroups\nbackup\n--\n" },
	{ "group: ldap\n", "exit 1", "", "--\ninitgroups\nbackup\n--\n" },
};

/* The account's groups, from the file or from getent. */
START_TEST(t_groups_getent)
{
	const struct grouprow *r = &grouprows[_i];
	char dir[] = "/tmp/rshell-groups.XXXXXX", ns[64], grf[64];
	char joined[256], args[1024], *got[64];
	struct stat st;
	struct fake fk;
	size_t n, i;

	fake_make(&fk);
	fake_mode(&fk, r->mode);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(ns, sizeof(ns), "%s/nsswitch.conf", dir);
	snprintf(grf, sizeof(grf), "%s/group", dir);
	write_file(ns, r->ns);
	write_file(grf, GROUPFILE);
	n = groups_lookup_at(fk.prog, ns, grf, "backup", 1000, got,
	    NROWS(got));
	joined[0] = '\0';
	for (i = 0; i < n; i++) {
		if (i > 0)
			strlcat(joined, " ", sizeof(joined));
		strlcat(joined, got[i], sizeof(joined));
		free(got[i]);
	}
	ck_assert_str_eq(joined, r->want);
	snprintf(args, sizeof(args), "%s/args", fk.dir);
	if (r->args[0] == '\0')
		ck_assert_int_eq(stat(args, &st), -1);
	else {
		fake_note(&fk, "args", args, sizeof(args));
		ck_assert_str_eq(args, r->args);
	}
	unlink(grf);
	unlink(ns);
	ck_assert_int_eq(rmdir(dir), 0);
	fake_remove(&fk);
}
END_TEST

struct replyrow {
	const char	*text;
	int		 rv;
	const char	*gids;	/* as "%u " each */
};

static const struct replyrow replyrows[] = {
	{ "backup\n", 0, "1000 " },
	{ "backup               \n", 0, "1000 " },
	{ "backup               1001 1002\n", 0, "1000 1001 1002 " },
	{ "backup 1000 1001 1001\n", 0, "1000 1001 " },
	{ "backup  1001 \n", 0, "1000 1001 " },
	{ "backup 4294967294\n", 0, "1000 4294967294 " },
	{ "backup 1001\nbackup 1002\n", -1, NULL },
	{ "backup 1001", -1, NULL },
	{ "backup +1\n", -1, NULL },
	{ "backup -1\n", -1, NULL },
	{ "backup 1x\n", -1, NULL },
	{ "backup 4294967295\n", -1, NULL },
	{ "backup 99999999999999999999\n", -1, NULL },
	{ "backupx 1001\n", -1, NULL },
	{ "backup\t1001\n", -1, NULL },
	{ "nas 1001\n", -1, NULL },
	{ "", -1, NULL },
};

/* The reply of getent initgroups, read as getgrouplist() gives it. */
START_TEST(t_groups_reply)
{
	const struct replyrow *r = &replyrows[_i];
	char got[256], num[16];
	gid_t gids[8];
	size_t n, i;
	int rv;

	rv = groups_reply(r->text, "backup", 1000, gids, &n, NROWS(gids));
	ck_assert_msg(rv == r->rv, "\"%s\": %d, want %d", r->text, rv, r->rv);
	if (rv == -1)
		return;
	got[0] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(num, sizeof(num), "%u ", (unsigned)gids[i]);
		strlcat(got, num, sizeof(got));
	}
	ck_assert_str_eq(got, r->gids);
	/* no room for more: as many as fit, as getgrouplist() */
	ck_assert_int_eq(groups_reply("backup 1 2 3 4\n", "backup", 1000, gids,
	    &n, 3), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(gids[2], 2);
}
END_TEST

/* On this machine: the groups getgrouplist() and getgrgid() give. */
START_TEST(t_groups_here)
{
	char name[256], want[64][64], *got[64];
	gid_t gids[64];
	struct passwd *p;
	struct group *gr;
	int ng = 64, i, w = 0;
	size_t n, k;

	ck_assert_ptr_nonnull(p = getpwuid(getuid()));
	strlcpy(name, p->pw_name, sizeof(name));
	ck_assert_int_ge(getgrouplist(name, p->pw_gid, gids, &ng), 1);
	for (i = 0; i < ng; i++)
		if ((gr = getgrgid(gids[i])) != NULL)
			strlcpy(want[w++], gr->gr_name, sizeof(want[0]));
	n = groups_lookup(name, gids[0], got, NROWS(got));
	ck_assert_uint_eq(n, (size_t)w);
	for (k = 0; k < n; k++) {
		ck_assert_str_eq(got[k], want[k]);
		free(got[k]);
	}
	ck_assert_ptr_nonnull(p = passwd_lookup_name(name));
	ck_assert_int_eq(p->pw_uid, getuid());
	ck_assert_ptr_nonnull(gr = group_lookup(want[0]));
	ck_assert_int_eq(gr->gr_gid, gids[0]);
}
END_TEST

Suite *
make_suite_passwd(void)
{
	Suite *s = suite_create("passwd");
	TCase *tc;

	seed = h_seed("passwd");
	tc = tcase_create("passwd");
	/* a hang guard: getent runs in children, slower under sanitizers */
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, t_files_first, 0, (int)NROWS(nsrows));
	tcase_add_test(tc, t_scan_oracle);
	tcase_add_test(tc, t_files);
	tcase_add_test(tc, t_lookup_here);
	tcase_add_test(tc, t_group_oracle);
	tcase_add_test(tc, t_group_first);
	tcase_add_test(tc, t_group_here);
	tcase_add_test(tc, t_getent_here);
	tcase_add_loop_test(tc, t_getent_fake, 0, (int)NROWS(fakerows));
	tcase_add_test(tc, t_getent_missing);
	tcase_add_test(tc, t_groups_oracle);
	tcase_add_loop_test(tc, t_groups_getent, 0, (int)NROWS(grouprows));
	tcase_add_loop_test(tc, t_groups_reply, 0, (int)NROWS(replyrows));
	tcase_add_test(tc, t_groups_here);
	suite_add_tcase(s, tc);
	return s;
}
