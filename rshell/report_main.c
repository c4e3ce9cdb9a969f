/*
 * rshell-report: what the log says, per host, user and key.  Reads the
 * policy's log files (and their rotated copies, oldest first), or the
 * files named, or stdin; gzip files are read through zlib, which reads
 * plain files as they are.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "policy.h"
#include "report.h"

#define READBUF		(2 * REPORT_MAXLINE)
#define MAXROTATED	99

enum mode { M_TEXT, M_JSON, M_PROM, M_STALE };

struct opts {
	enum mode	 mode;
	const char	*policy, *out, *localhost;
	struct staleopt	 stale;
	int		 warn_set, crit_set, colour;
};

static int usage_status = 2;

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr, "usage: rshell-report [-v] [-f policy] [-o file] "
	    "[--json | --prometheus |\n"
	    "           --stale duration [--warning duration] "
	    "[--critical duration]]\n"
	    "           [--since when] [--until when] [--host name] "
	    "[--user name] [--key name]\n"
	    "           [--now when] [--local-host name] [file ...]\n");
	exit(usage_status);
}

static long long
when(const char *opt, const char *arg, long long now)
{
	long long ms;

	if (report_when(arg, now, &ms) == -1) {
		warnx("%s: not a duration or a date: %s", opt, arg);
		usage();
	}
	return ms;
}

static long long
duration(const char *opt, const char *arg)
{
	long long ms;

	if (report_duration(arg, &ms) == -1) {
		warnx("%s: not a duration: %s", opt, arg);
		usage();
	}
	return ms;
}

/*
 * A regular file that does not start with gzip's magic is read with
 * read(2): zlib would read it as it is too, through one more copy.
 */
static int
plainfile(int fd)
{
	unsigned char m[2];
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    (pread(fd, m, 2, 0) < 2 || m[0] != 0x1f || m[1] != 0x8b);
}

/*
 * One file, line by line.  A line longer than REPORT_MAXLINE, and a last
 * line without its newline (a write cut short), are damage.
 */
static void
readfile(struct report *r, struct rline *rl, char *buf, const char *name)
{
	size_t have = 0, start, len;
	unsigned long lineno = 0;
	int n, skipping = 0, fd;
	const char *why;
	struct rev ev;
	gzFile gz;
	char *nl;

	if (strcmp(name, "-") == 0)
		fd = dup(STDIN_FILENO);
	else
		fd = open(name, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	gz = NULL;
	if (fd == -1 || (!plainfile(fd) && (gz = gzdopen(fd, "rb")) == NULL)) {
		warn("%s", name);
		if (fd != -1)
			close(fd);
		r->unreadable++;
		return;
	}
	r->nfiles++;
	if (gz != NULL)
		gzbuffer(gz, 128 * 1024);
	for (;;) {
		if (gz != NULL)
			n = gzread(gz, buf + have, (unsigned)(READBUF - have));
		else
			while ((n = (int)read(fd, buf + have, READBUF - have)) ==
			    -1 && errno == EINTR)
				;
		if (n < 0) {
			if (gz != NULL)
				warnx("%s: %s", name, gzerror(gz, &n));
			else
				warn("%s", name);
			r->unreadable++;
			break;
		}
		if (n == 0 && have == 0)
			break;
		have += (size_t)n;
		for (start = 0; start < have; start += len + 1) {
			nl = memchr(buf + start, '\n', have - start);
			if (nl == NULL)
				break;
			len = (size_t)(nl - (buf + start));
			if (skipping) {
				skipping = 0;
				continue;
			}
			lineno++;
			r->lines++;
			switch (rline_parse(rl, buf + start, len, &ev, &why)) {
			case RLINE_EVENT:
				report_event(r, &ev);
				break;
			case RLINE_OTHER:
				r->other++;
				break;
			case RLINE_BAD:
				report_bad(r, name, lineno, why);
				break;
			}
		}
		memmove(buf, buf + start, have - start);
		have -= start;
		if (n == 0) {
			/* the end, with a line that has no newline */
			if (!skipping && have > 0) {
				lineno++;
				r->lines++;
				report_bad(r, name, lineno, "no newline at the "
				    "end of the file (a write cut short)");
			}
			break;
		}
		if (have > REPORT_MAXLINE) {
			if (!skipping) {
				lineno++;
				r->lines++;
				report_bad(r, name, lineno, "overlong line");
			}
			skipping = 1;
			have = 0;
		}
	}
	if (gz != NULL)
		gzclose(gz);
	else
		close(fd);
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Names of rotated files, kept for -v's listing until the end. */
struct names {
	char	**v;
	size_t	  n;
};

static const char *
keepname(struct names *nm, const char *path)
{
	char **v, *s;

	if ((s = strdup(path)) == NULL ||
	    (v = reallocarray(nm->v, nm->n + 1, sizeof(*v))) == NULL)
		errx(3, "out of memory");
	nm->v = v;
	return nm->v[nm->n++] = s;
}

/* LOG.N.gz or LOG.N, N from the highest that exists down, then LOG. */
static void
readrotated(struct report *r, struct rline *rl, char *buf, const char *log,
    struct names *nm)
{
	char path[PATH_MAX];
	int i, top = 0;

	for (i = 1; i <= MAXROTATED; i++) {
		snprintf(path, sizeof(path), "%s.%d", log, i);
		if (exists(path))
			top = i;
		snprintf(path, sizeof(path), "%s.%d.gz", log, i);
		if (exists(path))
			top = i;
	}
	for (i = top; i >= 1; i--) {
		snprintf(path, sizeof(path), "%s.%d.gz", log, i);
		if (!exists(path))
			snprintf(path, sizeof(path), "%s.%d", log, i);
		if (exists(path))
			readfile(r, rl, buf, keepname(nm, path));
	}
	readfile(r, rl, buf, log);
}

/* EPOCH seconds, or a DATE; 0 when it is neither. */
static long long
fixednow(const char *s)
{
	long long ms;

	if (*s != '\0' && strspn(s, "0123456789") == strlen(s) &&
	    strlen(s) < 15)
		return strtoll(s, NULL, 10) * 1000;
	if (report_duration(s, &ms) == -1 && report_when(s, 0, &ms) == 0)
		return ms;
	return 0;
}

static long long
clock_now(void)
{
	const char *env = getenv("RSHELL_REPORT_NOW");
	struct timespec ts;

	/* for tests: a fixed "now", so that ages follow the log's times */
	if (env != NULL && fixednow(env) != 0)
		return fixednow(env);
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* -o: a temporary file beside FILE, renamed over it when complete. */
static FILE *
openout(const char *out, char *tmp, size_t len)
{
	FILE *fp;
	int fd;

	if (out == NULL)
		return stdout;
	if ((size_t)snprintf(tmp, len, "%s.XXXXXX", out) >= len)
		errx(3, "%s: name too long", out);
	if ((fd = mkstemp(tmp)) == -1)
		err(3, "%s", tmp);
	if (fchmod(fd, 0644) == -1 || (fp = fdopen(fd, "w")) == NULL) {
		unlink(tmp);
		err(3, "%s", tmp);
	}
	return fp;
}

static void
closeout(FILE *fp, const char *out, const char *tmp)
{
	if (out == NULL) {
		if (fflush(stdout) == EOF || ferror(stdout))
			err(3, "stdout");
		return;
	}
	if (fflush(fp) == EOF || ferror(fp) || fsync(fileno(fp)) == -1 ||
	    fclose(fp) == EOF) {
		unlink(tmp);
		err(3, "%s", tmp);
	}
	if (rename(tmp, out) == -1) {
		unlink(tmp);
		err(3, "%s", out);
	}
}

static void
parseopts(int argc, char **argv, struct opts *o, struct report *r)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "prometheus", no_argument, NULL, 'p' },
		{ "stale", required_argument, NULL, 's' },
		{ "warning", required_argument, NULL, 'w' },
		{ "critical", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 'S' },
		{ "until", required_argument, NULL, 'U' },
		{ "host", required_argument, NULL, 'H' },
		{ "user", required_argument, NULL, 'u' },
		{ "key", required_argument, NULL, 'k' },
		{ "now", required_argument, NULL, 'N' },
		{ "local-host", required_argument, NULL, 'L' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *since = NULL, *until = NULL;
	int ch, i;

	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "--stale") == 0 ||
		    strncmp(argv[i], "--stale=", 8) == 0)
			usage_status = 3;	/* a plugin's UNKNOWN */
	while ((ch = getopt_long(argc, argv, "f:o:vh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f': o->policy = optarg; break;
		case 'o': o->out = optarg; break;
		case 'v': r->verbose = 1; break;
		case 'j': o->mode = M_JSON; break;
		case 'p': o->mode = M_PROM; break;
		case 's':
			o->mode = M_STALE;
			o->stale.warn_ms = o->stale.crit_ms =
			    duration("--stale", optarg);
			break;
		case 'w':
			o->stale.warn_ms = duration("--warning", optarg);
			o->warn_set = 1;
			break;
		case 'c':
			o->stale.crit_ms = duration("--critical", optarg);
			o->crit_set = 1;
			break;
		case 'S': since = optarg; break;
		case 'U': until = optarg; break;
		case 'H': r->fhost = optarg; break;
		case 'u': r->fuser = optarg; break;
		case 'k': r->fkey = optarg; break;
		case 'N':
			if ((r->now = fixednow(optarg)) == 0) {
				warnx("--now: not a date or seconds since "
				    "1970: %s", optarg);
				usage();
			}
			break;
		case 'L': o->localhost = optarg; break;
		default: usage();
		}
	}
	if (r->now == 0)
		r->now = clock_now();
	if (since != NULL)
		r->since = when("--since", since, r->now);
	if (until != NULL)
		r->until = when("--until", until, r->now);
	if ((o->warn_set || o->crit_set) && o->mode != M_STALE) {
		warnx("--warning and --critical go with --stale");
		usage();
	}
	if (o->stale.warn_ms > o->stale.crit_ms) {
		warnx("the warning limit is above the critical one");
		usage();
	}
}

int
main(int argc, char **argv)
{
	char host[256], tmp[PATH_MAX], *buf;
	struct opts o;
	struct report r;
	struct rline rl;
	struct policy *p = NULL;
	struct names nm = { NULL, 0 };
	FILE *fp;
	size_t i;
	int rv = 0;

	memset(&o, 0, sizeof(o));
	o.policy = RSHELL_POLICY;
	if (report_init(&r) == -1)
		errx(3, "out of memory");
	parseopts(argc, argv, &o, &r);
	argc -= optind;
	argv += optind;
	if (o.localhost == NULL) {
		if (gethostname(host, sizeof(host)) == -1)
			strlcpy(host, "localhost", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		o.localhost = host;
	}
	if (rline_init(&rl, o.localhost, r.now) == -1 ||
	    (buf = malloc(READBUF)) == NULL)
		errx(3, "out of memory");
	if (argc > 0) {
		for (i = 0; i < (size_t)argc; i++)
			readfile(&r, &rl, buf, argv[i]);
	} else {
		if ((p = policy_load(o.policy, 0)) == NULL)
			errx(3, "out of memory");
		if (p->nlogs == 0) {
			warnx("%s names no log file (syslog only): name the "
			    "files to read", o.policy);
			r.unreadable++;
		}
		for (i = 0; i < p->nlogs; i++)
			readrotated(&r, &rl, buf, p->logs[i], &nm);
	}
	report_finish(&r);
	report_sort(&r);
	fp = openout(o.out, tmp, sizeof(tmp));
	switch (o.mode) {
	case M_TEXT:
		report_text(&r, fp, o.out == NULL && isatty(STDOUT_FILENO) &&
		    getenv("NO_COLOR") == NULL);
		rv = r.unreadable > 0;
		break;
	case M_JSON:
		report_json(&r, fp);
		rv = r.unreadable > 0;
		break;
	case M_PROM:
		report_prometheus(&r, fp);
		rv = r.unreadable > 0;
		break;
	case M_STALE:
		rv = report_stale(&r, &o.stale, fp);
		break;
	}
	closeout(fp, o.out, tmp);
	rline_free(&rl);
	free(buf);
	report_free(&r);
	for (i = 0; i < nm.n; i++)
		free(nm.v[i]);
	free(nm.v);
	if (p != NULL)
		policy_free(p);
	return rv;
}
