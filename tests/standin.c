/*
 * The stand-in for rsync (harness.c, h_standin): records how it was run,
 * then exits 0.  To stderr, which h_run() moves to the fixture's record:
 *
 *	[stdin:HEX]		only when asked for, see below
 *	=== run
 *	arg0:PATH		the file that was executed
 *	arg:WORD		each word, in order
 *	res:PATH		after a word that names a path (after ".", or
 *				absolute before it; of --opt=PATH the PATH),
 *				where that path leads, as readlink -m says
 *	cwd:DIR
 *	umask:0022
 *	=== env			the environment, one per line
 *	=== fds			the open descriptors below 64, one per line
 *	=== end
 *
 * It runs inside rshell's wall, so it writes nothing but stderr.  The
 * harness copies this program to where the policy's rsync is, and may
 * append text to the copy: rshell looks for "confine-root" in the file,
 * and a line "standin:stdin" makes the stand-in also report its stdin, as
 * "stdin:HEX".  A C program rather than a script: a test suite runs it a
 * thousand times, and a shell spends a process per readlink.
 */
#include <sys/auxv.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

/* Whether the file that was executed carries the line "standin:NAME". */
static int
flagged(const char *name)
{
	char buf[65536], want[64];
	ssize_t n;
	int fd, found;

	snprintf(want, sizeof(want), "\nstandin:%s\n", name);
	if ((fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	/* the text is at the end of the copy */
	if (lseek(fd, -(off_t)sizeof(buf), SEEK_END) == -1)
		(void)lseek(fd, 0, SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	found = memmem(buf, (size_t)n, want, strlen(want)) != NULL;
	return found;
}

/* Removes the last component of path (never above "/"). */
static void
up(char *path)
{
	char *slash = strrchr(path, '/');

	if (slash == NULL || slash == path)
		strcpy(path, "/");
	else
		*slash = '\0';
}

/*
 * As "readlink -m": every symlink on the way followed, missing components
 * taken as they are, "." and ".." by name after resolving what precedes
 * them.  Returns 0, or -1 (too long, or more than 40 links).
 */
static int
resolve(const char *in, char *out)
{
	char todo[2 * PATH_MAX], link[PATH_MAX], rest[2 * PATH_MAX];
	char cand[PATH_MAX], *comp, *next;
	struct stat st;
	ssize_t n;
	int links = 0;

	if (in[0] == '/')
		strcpy(out, "/");
	else if (getcwd(out, PATH_MAX) == NULL)
		return -1;
	if (strlen(in) >= sizeof(todo))
		return -1;
	strcpy(todo, in);
	comp = todo;
	while (comp != NULL) {
		while (*comp == '/')
			comp++;
		if (*comp == '\0')
			break;
		if ((next = strchr(comp, '/')) != NULL)
			*next++ = '\0';
		if (strcmp(comp, ".") == 0) {
			comp = next;
			continue;
		}
		if (strcmp(comp, "..") == 0) {
			up(out);
			comp = next;
			continue;
		}
		if (snprintf(cand, sizeof(cand), "%s%s%s", out,
		    strcmp(out, "/") == 0 ? "" : "/", comp) >=
		    (int)sizeof(cand))
			return -1;
		if (lstat(cand, &st) == 0 && S_ISLNK(st.st_mode)) {
			if (++links > 40 ||
			    (n = readlink(cand, link, sizeof(link) - 1)) == -1)
				return -1;
			link[n] = '\0';
			if (snprintf(rest, sizeof(rest), "%s/%s", link,
			    next != NULL ? next : "") >= (int)sizeof(rest))
				return -1;
			strcpy(todo, rest);
			if (link[0] == '/')
				strcpy(out, "/");
			comp = todo;
			continue;
		}
		strcpy(out, cand);
		comp = next;
	}
	return 0;
}

static void
report_stdin(FILE *fp)
{
	unsigned char buf[4096];
	ssize_t n, i;

	fputs("stdin:", fp);
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0 ||
	    (n == -1 && errno == EINTR))
		for (i = 0; i < n; i++)
			fprintf(fp, "%02x", buf[i]);
	fputc('\n', fp);
}

int
main(int argc, char *argv[])
{
	char path[PATH_MAX], fdpath[32], *buf = NULL;
	const char *exe = (const char *)getauxval(AT_EXECFN), *v;
	struct stat st;
	size_t len = 0;
	mode_t mask;
	int i, after = 0, stdin_report;
	char **e;
	FILE *fp;

	stdin_report = flagged("stdin");
	/* all of it in one write at the end, as the group of a script */
	if ((fp = open_memstream(&buf, &len)) == NULL)
		return 1;
	/* outside the record: the test finds it in what stderr kept */
	if (stdin_report)
		report_stdin(fp);
	fputs("=== run\n", fp);
	fprintf(fp, "arg0:%s\n", exe != NULL ? exe : argv[0]);
	for (i = 1; i < argc; i++) {
		fprintf(fp, "arg:%s\n", argv[i]);
		v = argv[i];
		if (strncmp(v, "--", 2) == 0 && strchr(v, '=') != NULL)
			v = strchr(v, '=') + 1;
		if ((after && *v != '\0') || (!after && *v == '/')) {
			if (resolve(v, path) == -1)
				path[0] = '\0';
			fprintf(fp, "res:%s\n", path);
		}
		if (strcmp(argv[i], ".") == 0)
			after = 1;
	}
	fprintf(fp, "cwd:%s\n", getcwd(path, sizeof(path)) != NULL ? path :
	    "");
	mask = umask(0);
	umask(mask);
	fprintf(fp, "umask:%04o\n", (unsigned)mask);
	fputs("=== env\n", fp);
	for (e = environ; *e != NULL; e++)
		fprintf(fp, "%s\n", *e);
	fputs("=== fds\n", fp);
	for (i = 0; i < 64; i++) {
		snprintf(fdpath, sizeof(fdpath), "/proc/self/fd/%d", i);
		if (lstat(fdpath, &st) == 0)
			fprintf(fp, "%d\n", i);
	}
	fputs("=== end\n", fp);
	if (fclose(fp) != 0)
		return 1;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(STDERR_FILENO, buf + off, len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		off += (size_t)n;
	}
	free(buf);
	return 0;
}
