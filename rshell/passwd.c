/*
 * The account database, on the way to every session, without the name
 * service switch in rshell's own process.
 *
 * rshell is linked statically (README, "Linking"), and a static glibc
 * cannot load the name service modules (libnss_systemd, sss, ldap) safely.
 * So nothing here calls getpwuid() and its kin.  Two ways stand in:
 *
 * - Where nsswitch.conf names plain "files" first for the database, with
 *   no action after it, the file is read here: glibc would ask the files
 *   module first and stop at what it finds.
 * - Whatever this reader is not sure of is asked of getent(1), in a child
 *   of its own, which runs the name service as every other program does:
 *   another service first, an action anywhere on the line, more than one
 *   line for the database, no nsswitch.conf, a line up to the account's
 *   that is not plain (leading blanks, a '+' or '-' entry of the compat
 *   syntax, a field too many or too few, a number that is not a plain
 *   decimal uid_t), or no line for the account at all.
 *
 * Where both answer, they answer alike; the tests hold the reader to
 * glibc's own parser of the file format (fgetpwent) on generated files,
 * and getent's answers to the reader's.  getent's output is parsed by
 * the same strict reader: an entry it cannot be sure of (a ':' in a
 * field, say) is no entry, and the session is refused.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "passwd.h"

#define NSSWITCH	"/etc/nsswitch.conf"
#define PASSWD		"/etc/passwd"
#define GROUP		"/etc/group"
#define MAXFILE		(8 * 1024 * 1024)
#ifndef RSHELL_GETENT
#define RSHELL_GETENT	"/usr/bin/getent"
#endif
#define MAXKEYS		256

static int
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* The line from *pos to its newline (or the end); NULL at the end. */
static const char *
next_line(const char *text, size_t len, size_t *pos, size_t *linelen)
{
	const char *line, *nl;

	if (*pos >= len)
		return NULL;
	line = text + *pos;
	nl = memchr(line, '\n', len - *pos);
	*linelen = nl != NULL ? (size_t)(nl - line) : len - *pos;
	*pos += *linelen + 1;
	return line;
}

/*
 * What nsswitch.conf says of db: 1 plain "files" first (*alone: and no
 * other service after it), 0 anything else, -1 no line for db at all.
 */
static int
services(const char *text, size_t len, const char *db, int *alone)
{
	size_t dblen = strlen(db);
	const char *line, *p, *end, *colon;
	size_t pos = 0, n, seen = 0;
	int ok = 0;

	*alone = 0;
	while ((line = next_line(text, len, &pos, &n)) != NULL) {
		if (memchr(line, '\0', n) != NULL)
			return 0;	/* not a text file */
		end = line + n;
		if ((p = memchr(line, '#', n)) != NULL)
			end = p;
		for (p = line; p < end && blank(*p); p++)
			;
		if ((colon = memchr(p, ':', (size_t)(end - p))) == NULL)
			continue;
		/* the database's name, as glibc may read it: in any case */
		for (n = 0; p + n < colon && !blank(p[n]); n++)
			;
		if (n != dblen || strncasecmp(p, db, dblen) != 0)
			continue;
		while (p + n < colon && blank(p[n]))
			n++;
		if (p + n != colon)
			continue;
		if (++seen > 1 || strncmp(p, db, dblen) != 0)
			return 0;
		/* "files" first, and no [STATUS=ACTION] anywhere */
		for (p = colon + 1; p < end && blank(*p); p++)
			;
		ok = end - p >= 5 && strncmp(p, "files", 5) == 0 &&
		    (p + 5 == end || blank(p[5])) &&
		    memchr(colon, '[', (size_t)(end - colon)) == NULL;
		for (p += 5; ok && p < end && blank(*p); p++)
			;
		*alone = ok && p >= end;
	}
	if (seen == 0)
		return -1;
	return seen == 1 && ok;
}

int
passwd_files_first(const char *text, size_t len, const char *db)
{
	int alone = 0;

	return services(text, len, db, &alone) == 1;
}

/* A uid or gid field: plain decimal, of uid_t's range less its -1. */
static int
idfield(const char *s, size_t n, unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v >= UINT32_MAX)
		return 0;
	*out = v;
	return 1;
}

/* A passwd line, strictly: seven fields, six colons; 1 with *out, or 0. */
static int
passwd_entry(char *line, size_t n, void *out, unsigned long *id,
    const char **name)
{
	struct passwd *pw = out;
	char *f[7], *p = line, *end = line + n, *c;
	size_t len[7];
	unsigned long uid, gid;
	int i;

	for (i = 0; i < 7; i++) {
		c = i < 6 ? memchr(p, ':', (size_t)(end - p)) : end;
		if (c == NULL)
			return 0;
		f[i] = p;
		len[i] = (size_t)(c - p);
		p = c + 1;
	}
	if (memchr(f[6], ':', len[6]) != NULL)
		return 0;
	/* '+' and '-' start entries of the compat syntax */
	if (len[0] == 0 || f[0][0] == '+' || f[0][0] == '-' ||
	    !idfield(f[2], len[2], &uid) || !idfield(f[3], len[3], &gid))
		return 0;
	for (i = 0; i < 7; i++)
		f[i][len[i]] = '\0';
	pw->pw_name = f[0];
	pw->pw_passwd = f[1];
	pw->pw_uid = (uid_t)uid;
	pw->pw_gid = (gid_t)gid;
	pw->pw_gecos = f[4];
	pw->pw_dir = f[5];
	pw->pw_shell = f[6];
	*id = uid;
	*name = f[0];
	return 1;
}

enum { LINE_ENTRY, LINE_SKIP, LINE_UNSURE };

static int
line_kind(const char *line, size_t n)
{
	size_t i;

	if (memchr(line, '\0', n) != NULL)
		return LINE_UNSURE;
	for (i = 0; i < n && blank(line[i]); i++)
		;
	/* glibc skips empty lines and comments; */
	if (i == n || line[i] == '#')
		return LINE_SKIP;
	/* it reads other lines after their blanks: not this reader */
	return i > 0 ? LINE_UNSURE : LINE_ENTRY;
}

/* What an entry is looked up by: its name, or (name NULL) its id. */
struct key {
	const char	*name;
	unsigned long	 id;
};

typedef int entryfn(char *, size_t, void *, unsigned long *, const char **);

/*
 * The first line of text for the key, parsed by entry into out: 1; 0
 * when a line up to it is not plain, or none is for the key (out is then
 * left as the last line parsed).
 */
static int
scan(char *text, size_t len, const struct key *k, entryfn *entry, void *out)
{
	const char *ename;
	unsigned long eid;
	char *line;
	size_t pos = 0, n;
	int kind;

	while ((line = (char *)next_line(text, len, &pos, &n)) != NULL) {
		if ((kind = line_kind(line, n)) == LINE_SKIP)
			continue;
		if (kind == LINE_UNSURE || !entry(line, n, out, &eid, &ename))
			return 0;
		if (k->name != NULL ? strcmp(ename, k->name) == 0 :
		    eid == k->id)
			return 1;
	}
	return 0;
}

int
passwd_scan(char *text, size_t len, uid_t uid, struct passwd *pw)
{
	struct key k = { NULL, uid };

	return scan(text, len, &k, passwd_entry, pw);
}

/* The whole of a regular file, NUL-terminated; NULL if it cannot be. */
static char *
slurp(const char *path, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t len = 0;
	ssize_t r = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return NULL;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    st.st_size > MAXFILE || (buf = malloc((size_t)st.st_size + 1)) ==
	    NULL) {
		close(fd);
		return NULL;
	}
	/* one byte more than fstat said: a file that grew is not read */
	while (len <= (size_t)st.st_size) {
		r = read(fd, buf + len, (size_t)st.st_size + 1 - len);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fd);
	if (r == -1 || len != (size_t)st.st_size) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/*
 * The text of path, where nsswitch.conf reads it first for db (and, with
 * alone, names no other service for it); or NULL.
 */
static char *
files_text(const char *nsswitch, const char *db, const char *path,
    int alone, size_t *len)
{
	char *text;
	int first, only, init, unused;

	if ((text = slurp(nsswitch, len)) == NULL)
		return NULL;
	first = services(text, *len, db, &only);
	/* getgrouplist() reads initgroups instead of group where it is set */
	init = alone ? services(text, *len, "initgroups", &unused) : -1;
	free(text);
	if (first != 1 || (alone && (!only || init != -1)))
		return NULL;
	return slurp(path, len);
}

/*
 * getent -- DB KEY... with /dev/null for stdin and stderr and wfd for
 * stdout: its pid, or -1.  It runs with nothing of rshell's: no
 * environment, no other descriptor, no handler, no signal held.
 */
static pid_t
start_getent(const char *getent, const char *const *argv, int null, int wfd)
{
	struct sigaction dfl;
	char *envp[] = { NULL };
	sigset_t all, prev;
	pid_t pid;
	int sig;

	/*
	 * No handler of rshell's may run in the child (a listing has some):
	 * every signal is held across vfork, and the child sets them all
	 * back to their defaults, ignored ones too, before it lets them in.
	 */
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	if ((pid = vfork()) == 0) {
		for (sig = 1; sig < NSIG; sig++)
			if (sig != SIGKILL && sig != SIGSTOP)
				(void)sigaction(sig, &dfl, NULL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if (dup2(null, 0) != -1 && dup2(wfd, 1) != -1 &&
		    dup2(null, 2) != -1) {
			closefrom(3);
			execve(getent, (char *const *)argv, envp);
		}
		_exit(127);
	}
	sigprocmask(SIG_SETMASK, &prev, NULL);
	return pid;
}

/*
 * getent's output for "getent -- DB KEY...", NUL-terminated, when it
 * exits 0 or 2 (2: a key has no entry); NULL when it cannot be run, says
 * more than MAXFILE, or fails otherwise.
 */
static char *
ask(const char *getent, const char *db, const char *const *keys,
    size_t nkeys, size_t *lenp)
{
	const char *argv[3 + MAXKEYS + 1];
	char *buf = NULL, *nbuf;
	size_t len = 0, cap = 0, i;
	int p[2], null, st;
	ssize_t r = -1;
	pid_t pid;

	if (nkeys > MAXKEYS)
		return NULL;
	argv[0] = "getent";
	argv[1] = "--";
	argv[2] = db;
	for (i = 0; i < nkeys; i++)
		argv[3 + i] = keys[i];
	argv[3 + nkeys] = NULL;
	if ((null = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return NULL;
	if (pipe2(p, O_CLOEXEC) == -1) {
		close(null);
		return NULL;
	}
	pid = start_getent(getent, argv, null, p[1]);
	close(p[1]);
	close(null);
	if (pid == -1) {
		close(p[0]);
		return NULL;
	}
	for (;;) {
		if (cap - len < 4096) {
			if (cap >= MAXFILE || (nbuf = realloc(buf, cap ? cap *
			    2 : 8192)) == NULL)
				break;
			buf = nbuf;
			cap = cap ? cap * 2 : 8192;
		}
		if ((r = read(p[0], buf + len, cap - len - 1)) == -1 &&
		    errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	/* a reply too long, or a read that failed: it is not waited out */
	if (r != 0)
		kill(pid, SIGKILL);
	close(p[0]);
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (r != 0 || st == -1 || !WIFEXITED(st) || (WEXITSTATUS(st) != 0 &&
	    WEXITSTATUS(st) != 2) || buf == NULL) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/*
 * The entry for k in getent's reply: the reply's lines parsed strictly,
 * the first for the key taken.  The name service answers for the key, so
 * a line that does not parse fails it, as any line before it would in
 * the file.
 */
static char *
ask_entry(const char *getent, const char *db, const struct key *k,
    entryfn *entry, void *out)
{
	char num[16], *text;
	const char *key = k->name;
	size_t len;

	if (key == NULL) {
		snprintf(num, sizeof(num), "%lu", k->id);
		key = num;
	}
	if ((text = ask(getent, db, &key, 1, &len)) == NULL)
		return NULL;
	if (!scan(text, len, k, entry, out)) {
		free(text);
		return NULL;
	}
	return text;
}

/*
 * The entry for k from the file at path, where nsswitch.conf (at nsswitch)
 * makes the file what the name service reads first for db and the file
 * is plain up to the entry: its text (the caller frees it), or NULL.
 */
static char *
files_entry(const char *nsswitch, const char *db, const char *path,
    const struct key *k, entryfn *entry, void *out)
{
	char *text;
	size_t len;

	if ((text = files_text(nsswitch, db, path, 0, &len)) != NULL &&
	    !scan(text, len, k, entry, out)) {
		free(text);
		text = NULL;
	}
	return text;
}

/* The entry for k: from the file where it is sure, else from getent. */
static char *
lookup(const char *db, const char *path, const struct key *k,
    entryfn *entry, void *out)
{
	char *text;

	if ((text = files_entry(NSSWITCH, db, path, k, entry, out)) == NULL)
		text = ask_entry(RSHELL_GETENT, db, k, entry, out);
	return text;
}

int
passwd_files(const char *nsswitch, const char *passwd, uid_t uid,
    struct passwd *pw, char **bufp)
{
	struct key k = { NULL, uid };

	return (*bufp = files_entry(nsswitch, "passwd", passwd, &k,
	    passwd_entry, pw)) != NULL;
}

int
passwd_getent(const char *getent, const char *name, uid_t uid,
    struct passwd *pw, char **bufp)
{
	struct key k = { name, uid };

	return (*bufp = ask_entry(getent, "passwd", &k, passwd_entry, pw)) !=
	    NULL;
}

static struct passwd *
passwd_find(const struct key *k)
{
	static struct passwd pw;
	static char *buf;

	free(buf);
	buf = lookup("passwd", PASSWD, k, passwd_entry, &pw);
	return buf != NULL ? &pw : NULL;
}

struct passwd *
passwd_lookup(uid_t uid)
{
	struct key k = { NULL, uid };

	return passwd_find(&k);
}

struct passwd *
passwd_lookup_name(const char *name)
{
	struct key k = { name, 0 };

	return passwd_find(&k);
}

/*
 * The same for the group file: four fields, name:password:gid:members;
 * '+' and '-' names are left to getent.
 */
struct grline {
	char		*name;
	char		*members;	/* comma-separated */
	unsigned long	 gid;
};

static int
group_entry(char *line, size_t n, void *out, unsigned long *id,
    const char **name)
{
	char *c1, *c2, *c3, *end = line + n;
	struct grline *g = out;

	if ((c1 = memchr(line, ':', n)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL ||
	    (c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1))) == NULL ||
	    memchr(c3 + 1, ':', (size_t)(end - c3 - 1)) != NULL)
		return 0;
	if (c1 == line || line[0] == '+' || line[0] == '-' ||
	    !idfield(c2 + 1, (size_t)(c3 - c2 - 1), id))
		return 0;
	*c1 = '\0';
	*end = '\0';
	g->name = line;
	g->members = c3 + 1;
	g->gid = *id;
	*name = line;
	return 1;
}

int
group_scan(char *text, size_t len, gid_t gid, char **name)
{
	struct key k = { NULL, gid };
	struct grline g;

	if (!scan(text, len, &k, group_entry, &g))
		return 0;
	*name = g.name;
	return 1;
}

const char *
group_lookup_name(gid_t gid)
{
	static char *buf;
	struct key k = { NULL, gid };
	struct grline g;

	free(buf);
	buf = lookup("group", GROUP, &k, group_entry, &g);
	return buf != NULL ? g.name : NULL;
}

/* Whether name is one of the comma-separated members (an empty one is
   nobody). */
static int
member(const char *members, const char *name)
{
	size_t n = strlen(name);
	const char *p = members, *comma;

	if (n == 0)
		return 0;
	for (;;) {
		comma = strchr(p, ',');
		if ((comma ? (size_t)(comma - p) : strlen(p)) == n &&
		    strncmp(p, name, n) == 0)
			return 1;
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

static int
add_gid(gid_t *gids, size_t *n, size_t max, unsigned long gid)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (gids[i] == (gid_t)gid)
			return 0;
	if (*n == max)
		return -1;
	gids[(*n)++] = (gid_t)gid;
	return 0;
}

/*
 * getgrouplist(), from the group file: gid first, then each group that
 * lists user among its members.  0 with *n; -1 when a line is not plain
 * or a member list holds a blank (glibc trims those; this reader does
 * not try).
 */
int
groups_scan(char *text, size_t len, const char *user, gid_t gid,
    gid_t *gids, size_t *n, size_t max)
{
	struct grline g;
	const char *ename;
	unsigned long eid;
	char *line, *p;
	size_t pos = 0, linelen;
	int kind;

	*n = 0;
	(void)add_gid(gids, n, max, gid);
	while ((line = (char *)next_line(text, len, &pos, &linelen)) != NULL) {
		if ((kind = line_kind(line, linelen)) == LINE_SKIP)
			continue;
		if (kind == LINE_UNSURE || !group_entry(line, linelen, &g,
		    &eid, &ename))
			return -1;
		for (p = g.members; *p != '\0'; p++)
			if (blank(*p))
				return -1;
		if (member(g.members, user) && add_gid(gids, n, max, eid) ==
		    -1)
			break;
	}
	return 0;
}

int
groups_reply(const char *text, const char *user, gid_t gid, gid_t *gids,
    size_t *n, size_t max)
{
	unsigned long v;
	const char *p;
	char *end;
	size_t ulen = strlen(user);

	*n = 0;
	(void)add_gid(gids, n, max, gid);
	if (strncmp(text, user, ulen) != 0 || (text[ulen] != ' ' &&
	    text[ulen] != '\n'))
		return -1;
	for (p = text + ulen; *p == ' '; ) {
		while (*p == ' ')
			p++;
		if (*p < '0' || *p > '9')
			break;
		errno = 0;
		v = strtoul(p, &end, 10);
		if (errno != 0 || v >= UINT32_MAX || (*end != ' ' &&
		    *end != '\n'))
			return -1;
		if (add_gid(gids, n, max, v) == -1)
			return 0;	/* as many as there is room for */
		p = end;
	}
	return *p == '\n' && p[1] == '\0' ? 0 : -1;
}

/* "getent initgroups USER", read by groups_reply(). */
static int
groups_getent(const char *getent, const char *user, gid_t gid, gid_t *gids,
    size_t *n, size_t max)
{
	char *text;
	size_t len;
	int rv;

	if ((text = ask(getent, "initgroups", &user, 1, &len)) == NULL)
		return -1;
	/* a NUL inside is no reply: the reader would stop short at it */
	rv = strlen(text) == len ? groups_reply(text, user, gid, gids, n,
	    max) : -1;
	free(text);
	return rv;
}

/*
 * The names of gids, each from the first line for it (as getgrgid()), up
 * to the first line that is not plain; the count of names set.
 */
static size_t
group_names(char *text, size_t len, const gid_t *gids, size_t n,
    char **names)
{
	struct grline g;
	const char *ename;
	unsigned long eid;
	char *line;
	size_t pos = 0, linelen, i, got = 0;
	int kind;

	for (i = 0; i < n; i++)
		names[i] = NULL;
	while (got < n &&
	    (line = (char *)next_line(text, len, &pos, &linelen)) != NULL) {
		if ((kind = line_kind(line, linelen)) == LINE_SKIP)
			continue;
		if (kind == LINE_UNSURE || !group_entry(line, linelen, &g,
		    &eid, &ename))
			break;
		for (i = 0; i < n; i++)
			if (gids[i] == (gid_t)eid && names[i] == NULL &&
			    (names[i] = strdup(g.name)) != NULL)
				got++;
	}
	return got;
}

/*
 * The gids as getgrouplist(): from the group file where nsswitch.conf
 * reads it alone, else from getent.  0 with *n (gid first), or -1.
 */
static int
gids_at(const char *getent, const char *nsswitch, const char *group,
    const char *user, gid_t gid, gid_t *gids, size_t *n, size_t max,
    char **textp, size_t *lenp)
{
	char *text, *copy;
	size_t len;

	*textp = NULL;
	if ((text = files_text(nsswitch, "group", group, 1, &len)) != NULL) {
		/* groups_scan() cuts the lines it reads: the names come
		   from the text as it was */
		if ((copy = malloc(len + 1)) != NULL) {
			memcpy(copy, text, len + 1);
			if (groups_scan(copy, len, user, gid, gids, n, max) ==
			    0) {
				free(copy);
				*textp = text;
				*lenp = len;
				return 0;
			}
			free(copy);
		}
		free(text);
	}
	return groups_getent(getent, user, gid, gids, n, max);
}

size_t
groups_lookup_at(const char *getent, const char *nsswitch,
    const char *group, const char *user, gid_t gid, char **names,
    size_t max)
{
	gid_t gids[MAXKEYS];
	char num[MAXKEYS][12], *text, *found[MAXKEYS];
	const char *keys[MAXKEYS] = { NULL };
	size_t i, n, got = 0, len;

	if (max > MAXKEYS)
		max = MAXKEYS;
	if (gids_at(getent, nsswitch, group, user, gid, gids, &n, max, &text,
	    &len) == -1)
		return 0;
	if (text == NULL) {
		for (i = 0; i < n; i++) {
			snprintf(num[i], sizeof(num[i]), "%u",
			    (unsigned)gids[i]);
			keys[i] = num[i];
		}
		if ((text = ask(getent, "group", keys, n, &len)) == NULL)
			return 0;
	}
	(void)group_names(text, len, gids, n, found);
	free(text);
	for (i = 0; i < n; i++)
		if (found[i] != NULL)
			names[got++] = found[i];
	return got;
}

size_t
groups_lookup(const char *user, gid_t gid, char **names, size_t max)
{
	return groups_lookup_at(RSHELL_GETENT, NSSWITCH, GROUP, user, gid,
	    names, max);
}

int
groups_gids(const char *user, gid_t gid, gid_t *gids, size_t *n,
    size_t max)
{
	char *text;
	size_t len;
	int rv;

	if (max > MAXKEYS)
		max = MAXKEYS;
	rv = gids_at(RSHELL_GETENT, NSSWITCH, GROUP, user, gid, gids, n, max,
	    &text, &len);
	free(text);
	return rv;
}

struct group *
group_lookup(const char *name)
{
	static struct group gr;
	static char *buf, **mem;
	struct key k = { name, 0 };
	struct grline g;
	char *p, **nmem;
	size_t n;

	free(buf);
	free(mem);
	mem = NULL;
	if ((buf = lookup("group", GROUP, &k, group_entry, &g)) == NULL)
		return NULL;
	/* the members, split in place */
	for (n = 1, p = g.members; *p != '\0'; p++)
		n += *p == ',';
	if ((nmem = calloc(n + 1, sizeof(*nmem))) == NULL)
		return NULL;
	mem = nmem;
	n = 0;
	for (p = g.members; *p != '\0'; ) {
		nmem[n++] = p;
		if ((p = strchr(p, ',')) == NULL)
			break;
		*p++ = '\0';
	}
	nmem[n] = NULL;
	gr.gr_name = g.name;
	gr.gr_passwd = (char *)"";
	gr.gr_gid = (gid_t)g.gid;
	gr.gr_mem = nmem;
	return &gr;
}

int
passwd_each(int (*fn)(struct passwd *, void *), void *arg)
{
	struct passwd pw;
	const char *ename;
	unsigned long eid;
	char *text, *line;
	size_t len, pos = 0, n;
	int rv = 0;

	if ((text = ask(RSHELL_GETENT, "passwd", NULL, 0, &len)) == NULL)
		return -1;
	while ((line = (char *)next_line(text, len, &pos, &n)) != NULL)
		if (line_kind(line, n) == LINE_ENTRY &&
		    passwd_entry(line, n, &pw, &eid, &ename) &&
		    (rv = fn(&pw, arg)) != 0)
			break;
	free(text);
	return rv;
}
