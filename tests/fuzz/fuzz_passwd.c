/*
 * libFuzzer harness for passwd.c.  The input's first byte picks the uid
 * looked up, the rest is a password file.  The promise checked: where
 * passwd_scan() answers, glibc's own parser of the format (fgetpwent, as
 * the files module reads the file) answers with the same entry, and
 * where group_scan() answers for the bytes read as a group file, so does
 * fgetgrent; where groups_scan() gives an account's groups, they are
 * fgetgrent's (the gid first, then each group listing the account, once
 * each).  Read as getent initgroups' reply, the groups groups_reply()
 * gives are the numbers in it.  The same bytes read as an nsswitch.conf
 * must not crash passwd_files_first().
 */
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passwd.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uid_t uids[] = { 0, 1, 5, 7, 1000, 65534, 4294967294U };
static const char *const users[] = { "backup", "a", "root", "x,y", "" };

#define MAXG	64

/* getgrouplist() over text through fgetgrent: the count. */
static size_t
oracle_groups(char *text, size_t len, const char *user, gid_t gid,
    gid_t *gids)
{
	struct group *gr;
	size_t n = 0, i;
	char **m;
	FILE *f;

	gids[n++] = gid;
	if (len == 0)
		return n;
	if ((f = fmemopen(text, len, "r")) == NULL)
		abort();
	while ((gr = fgetgrent(f)) != NULL)
		for (m = gr->gr_mem; *m != NULL; m++)
			if (strcmp(*m, user) == 0) {
				for (i = 0; i < n && gids[i] != gr->gr_gid;
				    i++)
					;
				if (i == n && n < MAXG)
					gids[n++] = gr->gr_gid;
				break;
			}
	fclose(f);
	return n;
}

/* The reply's numbers, read again apart from groups_reply(). */
static void
check_reply(const char *text, const char *user, gid_t gid)
{
	gid_t gids[MAXG], want[MAXG];
	size_t n, w = 0, i, k;
	unsigned long long v;
	const char *p;

	if (groups_reply(text, user, gid, gids, &n, MAXG) == -1)
		return;
	want[w++] = gid;
	for (p = text + strlen(user); *p != '\0'; ) {
		if (*p == ' ' || *p == '\n') {
			p++;
			continue;
		}
		if (*p < '0' || *p > '9')
			abort();	/* accepted, yet not a number */
		for (v = 0; *p >= '0' && *p <= '9'; p++)
			v = v * 10 + (unsigned)(*p - '0');
		for (k = 0; k < w && want[k] != (gid_t)v; k++)
			;
		if (k == w && w < MAXG)
			want[w++] = (gid_t)v;
	}
	if (n != w)
		abort();
	for (i = 0; i < n; i++)
		if (gids[i] != want[i])
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct passwd pw, *p;
	struct group *gr;
	char *text, *copy, *name;
	uid_t uid;
	FILE *f;
	size_t len;

	if (size < 1 || size > 65536)
		return 0;
	uid = uids[data[0] % (sizeof(uids) / sizeof(uids[0]))];
	len = size - 1;
	(void)passwd_files_first((const char *)data + 1, len, "passwd");
	/* fgetpwent reads a stream of text: stop at a NUL as it would */
	if (memchr(data + 1, '\0', len) != NULL)
		return 0;
	if ((text = malloc(len + 1)) == NULL || (copy = malloc(len + 1)) ==
	    NULL)
		abort();
	memcpy(text, data + 1, len);
	text[len] = '\0';
	memcpy(copy, text, len + 1);
	if (passwd_scan(copy, len, uid, &pw)) {
		if ((f = fmemopen(text, len, "r")) == NULL)
			abort();
		while ((p = fgetpwent(f)) != NULL && p->pw_uid != uid)
			;
		if (p == NULL || strcmp(p->pw_name, pw.pw_name) != 0 ||
		    strcmp(p->pw_passwd ? p->pw_passwd : "", pw.pw_passwd) ||
		    p->pw_gid != pw.pw_gid ||
		    strcmp(p->pw_gecos ? p->pw_gecos : "", pw.pw_gecos) ||
		    strcmp(p->pw_dir ? p->pw_dir : "", pw.pw_dir) ||
		    strcmp(p->pw_shell ? p->pw_shell : "", pw.pw_shell)) {
			fprintf(stderr, "uid %u: reader %s:%s:%u:%s:%s, "
			    "glibc %s\n", (unsigned)uid, pw.pw_name,
			    pw.pw_passwd, (unsigned)pw.pw_gid, pw.pw_dir,
			    pw.pw_shell, p ? p->pw_name : "(none)");
			abort();
		}
		fclose(f);
	}
	/* the same bytes as a group file, against fgetgrent */
	memcpy(copy, text, len + 1);
	if (group_scan(copy, len, (gid_t)uid, &name)) {
		if ((f = fmemopen(text, len, "r")) == NULL)
			abort();
		while ((gr = fgetgrent(f)) != NULL && gr->gr_gid != (gid_t)uid)
			;
		if (gr == NULL || strcmp(gr->gr_name, name) != 0) {
			fprintf(stderr, "gid %u: reader %s, glibc %s\n",
			    (unsigned)uid, name, gr ? gr->gr_name : "(none)");
			abort();
		}
		fclose(f);
	}
	/* the same bytes as the groups of an account */
	{
		const char *user = users[data[0] / 7 % (sizeof(users) /
		    sizeof(users[0]))];
		gid_t gids[MAXG], want[MAXG];
		size_t n, w, i;

		memcpy(copy, text, len + 1);
		if (groups_scan(copy, len, user, (gid_t)uid, gids, &n, MAXG) ==
		    0) {
			w = oracle_groups(text, len, user, (gid_t)uid, want);
			if (n != w)
				abort();
			for (i = 0; i < n; i++)
				if (gids[i] != want[i])
					abort();
		}
		check_reply(text, user, (gid_t)uid);
	}
	free(copy);
	free(text);
	return 0;
}
