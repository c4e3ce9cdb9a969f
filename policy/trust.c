/*
 * The checks around a rule that are about safety.  They are stat calls on
 * a few fixed paths (the home, the logs, rsync), cheap enough for every
 * session: the decision refuses on them, and rshell -t reports them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust.h"

int
trust_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return path[0] == '/';
	return strncmp(path, dir, n) == 0 && (path[n] == '/' ||
	    path[n] == '\0');
}

int
trust_resolve(const char *path, char *out, size_t outlen)
{
	char head[PATH_MAX], real[PATH_MAX], *slash;
	const char *rest;

	if (strlcpy(head, path, sizeof(head)) >= sizeof(head))
		return -1;
	for (;;) {
		if (realpath(head, real) != NULL)
			break;
		if ((errno != ENOENT && errno != ENOTDIR) ||
		    (slash = strrchr(head, '/')) == NULL || slash == head)
			return -1;
		*slash = '\0';
	}
	rest = path + strlen(head);
	if (strcmp(real, "/") == 0 && rest[0] == '/')
		real[0] = '\0';
	if ((size_t)snprintf(out, outlen, "%s%s", real, rest) >= outlen)
		return -1;
	return 0;
}

/* Root-owned and not writable by group or others (a sticky directory
   may be world-writable: nobody can replace what root put in it). */
static int
rootsafe(const struct stat *st)
{
	if (st->st_uid != 0)
		return 0;
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return 1;
	return S_ISDIR(st->st_mode) && (st->st_mode & S_ISVTX);
}

/*
 * The attack stopped: an rsync the account can replace (or one inside a
 * DIRECTORY, where a push replaces it) runs the account's own program.
 */
static int
program_safe(const char *path, char *resolved, char *err, size_t errlen)
{
	char real[PATH_MAX], *slash;
	struct stat st;

	if (realpath(path, real) == NULL || stat(real, &st) == -1) {
		snprintf(err, errlen, "rsync %s: %s", path, strerror(errno));
		return -1;
	}
	memcpy(resolved, real, sizeof(real));
	if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
		snprintf(err, errlen, "rsync %s is not an executable file",
		    path);
		return -1;
	}
	if (!rootsafe(&st) || (st.st_mode & S_ISVTX)) {
		snprintf(err, errlen, "rsync %s must be owned by root and not "
		    "writable by group or others", path);
		return -1;
	}
	while ((slash = strrchr(real, '/')) != NULL) {
		slash[slash == real] = '\0';
		if (stat(real, &st) == -1 || !rootsafe(&st)) {
			snprintf(err, errlen, "rsync %s: directory %s must be "
			    "owned by root and not writable by group or "
			    "others", path, real);
			return -1;
		}
		if (slash == real)
			break;
	}
	return 0;
}

int
trust_program(const char *path, char *err, size_t errlen)
{
	char real[PATH_MAX];

	return program_safe(path, real, err, errlen);
}

/*
 * The attack stopped: a push into a DIRECTORY that holds the home
 * replaces ~/.ssh/authorized_keys (dropping restrict and from=), and
 * TCP forwarding through the account follows, unlogged.
 */
static int
home_safe(const struct who *w, const char *real, char *err, size_t errlen)
{
	char home[PATH_MAX], ssh[PATH_MAX], path[PATH_MAX];

	if (w->home == NULL || w->home[0] != '/')
		return 0;
	if (trust_resolve(w->home, home, sizeof(home)) == 0 &&
	    trust_under(home, real)) {
		snprintf(err, errlen, "directory %s holds the home directory "
		    "of %s", real, w->user);
		return -1;
	}
	if ((size_t)snprintf(path, sizeof(path), "%s/.ssh", w->home) >=
	    sizeof(path) || trust_resolve(path, ssh, sizeof(ssh)) == -1)
		return 0;
	if (trust_under(ssh, real) || trust_under(real, ssh)) {
		snprintf(err, errlen, "directory %s %s ~%s/.ssh", real,
		    trust_under(ssh, real) ? "holds" : "lies inside", w->user);
		return -1;
	}
	return 0;
}

int
trust_session(const struct policy *p, const struct who *w, const char *real,
    int rsync, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t i;

	if (home_safe(w, real, err, errlen) == -1)
		return -1;
	/* The attack stopped: a push replaces the log with a forged one. */
	for (i = 0; i < p->nlogs; i++)
		if (trust_resolve(p->logs[i], path, sizeof(path)) == 0 &&
		    trust_under(path, real)) {
			snprintf(err, errlen, "log %s lies inside directory %s",
			    p->logs[i], real);
			return -1;
		}
	if (!rsync)
		return 0;
	/* The program is there: where it resolves is where it lies. */
	if (program_safe(p->rsync, path, err, errlen) == -1)
		return -1;
	if (trust_under(path, real)) {
		snprintf(err, errlen, "rsync %s lies inside directory %s",
		    p->rsync, real);
		return -1;
	}
	return 0;
}
