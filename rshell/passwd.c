/*
 * The account's passwd entry, on the way to every session.
 *
 * glibc's first getpwuid() in a process sets up the name service switch:
 * two tries at nscd's socket, nsswitch.conf parsed, the files module
 * started.  That is some 90 µs and 130 KiB of every session (BENCHMARKS.md),
 * for an answer that, on a backup server, is one line of /etc/passwd.
 *
 * So where nsswitch.conf names plain "files" first for passwd, with no
 * action after it, the file is read here: glibc would ask the files module
 * first and stop at what it finds.  Whatever this reader is not sure of
 * is left to getpwuid(): another service first, an action anywhere on the
 * line, more than one passwd line, no nsswitch.conf, a line up to the
 * account's that is not plain (leading blanks, a '+' or '-' entry of the
 * compat syntax, a field too many or too few, a number that is not a
 * plain decimal uid_t), or no line for the uid at all.  Where both answer,
 * they answer alike; the tests hold the reader to glibc's own parser of
 * the file format (fgetpwent) on generated files.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "passwd.h"

#define NSSWITCH	"/etc/nsswitch.conf"
#define PASSWD		"/etc/passwd"
#define GROUP		"/etc/group"
#define MAXFILE		(8 * 1024 * 1024)

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

int
passwd_files_first(const char *text, size_t len, const char *db)
{
	size_t dblen = strlen(db);
	const char *line, *p, *end, *colon;
	size_t pos = 0, n, seen = 0;
	int ok = 0;

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
	}
	return seen == 1 && ok;
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
passwd_entry(char *line, size_t n, void *out, unsigned long *id)
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
	return 1;
}

/*
 * The first line of text whose id is id, parsed by entry into out: 1; 0
 * when a line up to it is not plain, or none has the id (out is then
 * left as the last line parsed).
 */
static int
scan(char *text, size_t len, unsigned long id,
    int (*entry)(char *, size_t, void *, unsigned long *), void *out)
{
	unsigned long eid;
	char *line;
	size_t pos = 0, n, i;

	while ((line = (char *)next_line(text, len, &pos, &n)) != NULL) {
		if (memchr(line, '\0', n) != NULL)
			return 0;
		for (i = 0; i < n && blank(line[i]); i++)
			;
		/* glibc skips empty lines and comments; */
		if (i == n || line[i] == '#')
			continue;
		/* it reads other lines after their blanks: not this reader */
		if (i > 0 || !entry(line, n, out, &eid))
			return 0;
		if (eid == id)
			return 1;
	}
	return 0;
}

int
passwd_scan(char *text, size_t len, uid_t uid, struct passwd *pw)
{
	return scan(text, len, uid, passwd_entry, pw);
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

/* The text of path, where nsswitch.conf reads it first for db; or NULL. */
static char *
files_text(const char *nsswitch, const char *db, const char *path,
    size_t *len)
{
	char *text;
	int first;

	if ((text = slurp(nsswitch, len)) == NULL)
		return NULL;
	first = passwd_files_first(text, *len, db);
	free(text);
	return first ? slurp(path, len) : NULL;
}

int
passwd_files(const char *nsswitch, const char *passwd, uid_t uid,
    struct passwd *pw, char **bufp)
{
	char *text;
	size_t len;

	*bufp = NULL;
	if ((text = files_text(nsswitch, "passwd", passwd, &len)) == NULL)
		return 0;
	if (!passwd_scan(text, len, uid, pw)) {
		free(text);
		return 0;
	}
	*bufp = text;
	return 1;
}

struct passwd *
passwd_lookup(uid_t uid)
{
	static struct passwd pw;
	static char *buf;

	free(buf);
	buf = NULL;
	if (passwd_files(NSSWITCH, PASSWD, uid, &pw, &buf))
		return &pw;
	return getpwuid(uid);
}

/*
 * The same for the group file, for a gid's name (ls -l): four fields,
 * name:password:gid:members; '+' and '-' names are left to glibc.
 */
static int
group_entry(char *line, size_t n, void *out, unsigned long *id)
{
	char *c1, *c2, *c3, *end = line + n, **name = out;

	if ((c1 = memchr(line, ':', n)) == NULL ||
	    (c2 = memchr(c1 + 1, ':', (size_t)(end - c1 - 1))) == NULL ||
	    (c3 = memchr(c2 + 1, ':', (size_t)(end - c2 - 1))) == NULL ||
	    memchr(c3 + 1, ':', (size_t)(end - c3 - 1)) != NULL)
		return 0;
	if (c1 == line || line[0] == '+' || line[0] == '-' ||
	    !idfield(c2 + 1, (size_t)(c3 - c2 - 1), id))
		return 0;
	*c1 = '\0';
	*name = line;
	return 1;
}

int
group_scan(char *text, size_t len, gid_t gid, char **name)
{
	return scan(text, len, gid, group_entry, name);
}

const char *
group_lookup_name(gid_t gid)
{
	static char *buf;
	struct group *gr;
	char *text, *name;
	size_t len;

	free(buf);
	buf = NULL;
	if ((text = files_text(NSSWITCH, "group", GROUP, &len)) != NULL) {
		if (group_scan(text, len, gid, &name)) {
			buf = text;
			return name;
		}
		free(text);
	}
	return (gr = getgrgid(gid)) != NULL ? gr->gr_name : NULL;
}
