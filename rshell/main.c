/*
 * rshell: a restricted login shell for backup accounts.
 *
 * sshd runs "rshell -c COMMAND".  rshell splits COMMAND itself, decides
 * against the root-owned policy, logs the attempt, and then runs rsync
 * --server confined to the rule's directory, answers a built-in listing,
 * or refuses.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "decide.h"
#include "list.h"
#include "log.h"
#include "passwd.h"
#include "policy.h"
#include "protargs.h"
#include "prune.h"
#include "run.h"
#include "secluded.h"
#include "wall.h"
#include "words.h"

#define MAXGROUPS	256

enum verb { V_SESSION, V_INTERACTIVE, V_CHECK, V_DRYRUN, V_VERSION, V_HELP };

struct session {
	struct policy	*policy;
	struct who	 who;
	char		*shell;
	char		*groupv[MAXGROUPS];
	struct logsink	 log;
	char		 from[128];	/* "addr:port" or "-" */
	const char	*key;		/* key=NAME, or NULL */
	const char	*cmd;		/* what the client asked for */
	const char	*forced;	/* the forced command, when it differs */
	const char	*request;	/* what is judged */
	int		 secluded;	/* -s: words came on stdin */
	size_t		 nsecluded;	/* how many, after their arg0 */
	int		 dryrun;
	long		 pid;		/* for every log line, asked once */
	unsigned long	 uid;
	gid_t		 gid;		/* the account's primary group */
};

/* -h asks for this: standard output and 0; a usage error: stderr and 1. */
static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status == 0 ? stdout : stderr,
	    "usage: rshell [-f file] -c command\n"
	    "       rshell -t [-f file] [-s sshd_config]\n"
	    "       rshell -n [-f file] [-k key] [-u user] -c command\n"
	    "       rshell -V\n"
	    "       rshell -h\n");
	exit(status);
}

/*
 * One mode per invocation: "rshell -t -V" doing only -V would let an
 * administrator believe the policy was checked.
 */
static void
set_verb(enum verb *verb, enum verb v)
{
	if (*verb != V_SESSION && *verb != v)
		usage(1);
	*verb = v;
}

/* Descriptors 0-2 must be open before anything can print; nothing else. */
static void
hygiene(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 &&
		    open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY) == -1)
			_exit(1);
	closefrom(STDERR_FILENO + 1);
}

/* SSH_CONNECTION is "client_addr client_port server_addr server_port". */
static void
parse_from(const char *conn, char *out, size_t outlen)
{
	char addr[64], port[8];
	size_t alen, plen;

	/*
	 * A token too long for its buffer is not cut short: "1.2.3.45678"
	 * cut at a width would read as a plausible address or port.
	 */
	alen = conn ? strcspn(conn, " ") : 0;
	plen = conn && conn[alen] == ' ' ? strcspn(conn + alen + 1, " ") : 0;
	if (conn == NULL || alen == 0 || alen >= sizeof(addr) || plen == 0 ||
	    plen >= sizeof(port) ||
	    strspn(conn, "0123456789abcdefABCDEF.:") < alen ||
	    strspn(conn + alen + 1, "0123456789") < plen) {
		strlcpy(out, "-", outlen);
		return;
	}
	/* (not sscanf: its first call is a fiftieth of a session's time) */
	memcpy(addr, conn, alen);
	addr[alen] = '\0';
	memcpy(port, conn + alen + 1, plen);
	port[plen] = '\0';
	snprintf(out, outlen, strchr(addr, ':') ? "[%s]:%s" : "%s:%s", addr,
	    port);
}

static void
load_groups(struct session *s, gid_t gid)
{
	s->who.ngroups = groups_lookup(s->who.user, gid, s->groupv,
	    MAXGROUPS);
	s->who.groups = s->groupv;
}

/* The account (user, or the caller's); its groups come later. */
static int
load_who(struct session *s, const char *user)
{
	struct passwd *pw;

	pw = user ? passwd_lookup_name(user) : passwd_lookup(getuid());
	if (pw == NULL)
		return -1;
	if ((s->who.user = strdup(pw->pw_name)) == NULL ||
	    (s->who.home = strdup(pw->pw_dir)) == NULL ||
	    (s->shell = strdup(pw->pw_shell)) == NULL)
		return -1;
	s->who.uid = pw->pw_uid;
	s->gid = pw->pw_gid;
	return 0;
}

static void
line_common(struct session *s, struct logline *l, const char *event)
{
	logline_init(l, event);
	logline_addf(l, "pid", "%ld", s->pid);
	logline_add(l, "user", s->who.user ? s->who.user : "-");
	logline_addf(l, "uid", "%lu", s->uid);
	logline_add(l, "from", s->from);
	logline_add(l, "key", s->key ? s->key : "-");
}

/*
 * What was asked: cmd, the forced command when it differs, and with -s
 * how many of cmd's words came on stdin.
 */
static void
line_request(struct session *s, struct logline *l)
{
	logline_add(l, "cmd", s->cmd);
	if (s->forced)
		logline_add(l, "forced", s->forced);
	if (s->secluded)
		logline_addf(l, "secluded", "%zu", s->nsecluded);
}

/*
 * Write a log line.  A line that cannot be written stops everything: an
 * attempt that leaves no trace is refused (fail closed).
 */
static void
emit(struct session *s, struct logline *l)
{
	struct logline d;
	char err[512], e2[64];

	if (l->nomem)
		strlcpy(err, "out of memory", sizeof(err));
	else if (log_write(&s->log, l, err, sizeof(err)) == 0) {
		logline_free(l);
		return;
	}
	logline_free(l);
	/*
	 * All the logs or none: where one failed, the others that took the
	 * line get the refusal too, so their permit line is not read as a
	 * request that ran.
	 */
	log_keep_good(&s->log);
	if (s->log.nfd > 0) {
		line_common(s, &d, "deny");
		logline_add(&d, "cmd", s->cmd);
		logline_addf(&d, "reason", "cannot write the log: %s", err);
		if (!d.nomem)
			(void)log_write(&s->log, &d, e2, sizeof(e2));
		logline_free(&d);
	}
	syslog(LOG_AUTHPRIV | LOG_ERR, "cannot write the log: %s", err);
	fprintf(stderr, "rshell: denied: cannot write the log: %s\n", err);
	exit(1);
}

static void __attribute__((noreturn))
deny(struct session *s, const char *reason)
{
	struct logline l;

	if (s->dryrun) {
		printf("deny: %s\n", reason);
		exit(1);
	}
	line_common(s, &l, "deny");
	line_request(s, &l);
	logline_add(&l, "reason", reason);
	emit(s, &l);
	fprintf(stderr, "rshell: denied: %s\n", reason);
	exit(1);
}

static void
log_permit(struct session *s, const char *run)
{
	struct logline l;

	line_common(s, &l, "permit");
	line_request(s, &l);
	logline_add(&l, "run", run);
	emit(s, &l);
}

/* What the kernel accounted for the command (rshell.8, LOG). */
static void
log_acct(struct logline *l, const struct runacct *a)
{
	if (a->io) {
		logline_addf(l, "write_bytes", "%llu", a->write_bytes);
		logline_addf(l, "read_bytes", "%llu", a->read_bytes);
		logline_addf(l, "rchar", "%llu", a->rchar);
		logline_addf(l, "wchar", "%llu", a->wchar);
	}
	if (a->ru) {
		logline_addf(l, "cpu_ms", "%lld", a->cpu_ms);
		logline_addf(l, "maxrss_kb", "%ld", a->maxrss_kb);
	}
}

/*
 * The exit line goes to the log files as they are named now: a session
 * can outlast a logrotate move-and-create, and its exit then belongs in
 * the new file, beside the lines of the sessions that run on.  Where the
 * files cannot be opened again the ones open since the permit serve.
 */
static void
reopen_log(struct session *s)
{
	struct policy *p = s->policy;
	struct logsink n;
	char err[512];

	if (p->nlogs == 0 || log_open(&n, p->logs, p->nlogs,
	    s->log.use_syslog, err, sizeof(err)) == -1)
		return;
	log_close(&s->log);
	s->log = n;
}

static void
log_exit(struct session *s, const struct runres *r)
{
	struct logline l;
	const char *name;

	reopen_log(s);
	line_common(s, &l, "exit");
	if (r->signo) {
		name = sigabbrev_np(r->signo);
		logline_add(&l, "signal", name ? name : "?");
	} else
		logline_addf(&l, "status", "%d", r->status);
	logline_addf(&l, "ms", "%ld", r->ms);
	if (r->restored[0] != '\0')
		logline_add(&l, "restored", r->restored);
	log_acct(&l, &r->acct);
	if (r->resumed)
		logline_add(&l, "resumed", "yes");
	if (r->snapshot[0] != '\0')
		logline_add(&l, "snapshot", r->snapshot);
	emit(s, &l);
}

static void
log_error(struct session *s, const char *reason)
{
	struct logline l;

	line_common(s, &l, "error");
	logline_add(&l, "reason", reason);
	emit(s, &l);
}

static void
pruned(void *arg, const char *name)
{
	struct session *s = arg;
	struct logline l;

	line_common(s, &l, "prune");
	logline_add(&l, "snapshot", name);
	emit(s, &l);
}

static void
prune_failed(void *arg, const char *name, int e)
{
	char reason[128];

	snprintf(reason, sizeof(reason), "cannot prune snapshot %s: %s", name,
	    strerror(e));
	log_error(arg, reason);
}

/*
 * After a push became a snapshot, what the rule's keep no longer keeps
 * goes: as the account, outside rsync's wall, one line per snapshot.
 */
static void
prune(struct session *s, const struct decision *d)
{
	struct prune_log pl = { pruned, prune_failed, s };
	int fd;

	if (d->keep.n == 0)
		return;
	if ((fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 ||
	    prune_snapshots(fd, &d->keep, time(NULL), &pl) == -1)
		log_error(s, "cannot prune the snapshots");
	if (fd != -1)
		close(fd);
}

/*
 * Work out what is being asked.  sshd puts a key's forced command in -c and
 * the client's own command in SSH_ORIGINAL_COMMAND.
 */
static void
resolve_request(struct session *s, const char *c, const char *orig)
{
	static char key[128];

	s->cmd = s->request = c;
	if (strncmp(c, "key=", 4) == 0) {
		if (!policy_valid_key(c + 4))
			deny(s, "invalid key name in forced command");
		/*
		 * Without SSH_ORIGINAL_COMMAND this may just as well be a
		 * client typing "key=laptop" with a key that has no forced
		 * command: the key is not established, so it is not logged
		 * as the key.
		 */
		if (orig == NULL)
			deny(s, "no command given (interactive sessions are not "
			    "allowed, or key= used without a forced command)");
		strlcpy(key, c + 4, sizeof(key));
		s->key = key;
		s->cmd = s->request = orig;
	} else if (orig != NULL && strcmp(orig, c) != 0) {
		/* A pinned forced command: it is the request, still checked. */
		s->cmd = orig;
		s->forced = c;
	}
}

static void
open_log(struct session *s, const char *first)
{
	struct policy *p = s->policy;
	char err[512];
	int use_syslog = p->use_syslog || p->nlogs == 0;

	if (log_open(&s->log, p->logs, p->nlogs, use_syslog, err,
	    sizeof(err)) == 0)
		return;
	openlog("rshell", LOG_PID, LOG_AUTHPRIV);
	syslog(LOG_ERR, "cannot open the log: %s", err);
	/*
	 * Refused either way; the reason a person reads first is the one
	 * that would have been logged: an interactive login, or a broken
	 * policy (which names no log to open).
	 */
	if (first != NULL)
		fprintf(stderr, "rshell: denied: %s (and cannot open the log: "
		    "%s)\n", first, err);
	else if (p->nerrors > 0)
		fprintf(stderr, "rshell: denied: policy error: %s (and cannot "
		    "open the log: %s)\n", p->errors[0], err);
	else
		fprintf(stderr, "rshell: denied: cannot open the log: %s\n",
		    err);
	exit(1);
}

/*
 * The lock option: an exclusive flock on DIRECTORY, held by rshell (not
 * rsync) until it exits, so a second push into it is refused, not queued.
 */
static int
take_lock(const struct decision *d)
{
	int fd;

	if ((fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		close(fd);
		return -1;
	}
	return fd;	/* held until rshell exits */
}

static void __attribute__((noreturn))
run_builtin(struct session *s, struct decision *d, char *const *words,
    size_t n)
{
	struct sigaction sa;
	struct timespec start;
	struct runres r;
	char *run, *joined;
	size_t i;

	memset(&r, 0, sizeof(r));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = list_stop;
	sigemptyset(&sa.sa_mask);
	joined = run_join(words, n);
	if (joined == NULL || asprintf(&run, "builtin:%s", joined) == -1)
		deny(s, "out of memory");
	free(joined);
	if (s->dryrun) {
		printf("permit\n%s\n", run);
		free(run);
		exit(0);
	}
	/* A signal stops the listing (also one that comes before it
	   starts); the exit line still follows. */
	for (i = 0; i < RUN_NSIGS; i++)
		sigaction(run_signals[i], &sa, NULL);
	log_permit(s, run);
	free(run);
	clock_gettime(CLOCK_MONOTONIC, &start);
	if (d->kind == DK_LIST)
		r.status = list_run(&d->list, d->rootfd, STDOUT_FILENO,
		    STDERR_FILENO);
	r.ms = run_elapsed_ms(&start);
	if ((r.signo = list_stopped()) != 0)
		r.status = -1;
	log_exit(s, &r);
	exit(r.signo ? 128 + r.signo : r.status);
}

/* The request as it came: the command line, then the words from stdin. */
static const char *
received(struct session *s, const struct words *prot)
{
	char *rest, *all;

	if (prot->n < 2)
		return s->request;
	if ((rest = run_join(prot->v + 1, prot->n - 1)) == NULL ||
	    asprintf(&all, "%s %s", s->request, rest) == -1)
		deny(s, "out of memory");
	free(rest);
	return all;
}

/*
 * -s (--secluded-args): the rest of the arguments come on stdin.  Read
 * them within what the -c string left of its limits, so the whole request
 * stays within 1,024 words and 64 KiB, join them to the command line,
 * and judge the whole list as if it had come on the command line: the
 * log's cmd shows that list, quoted so that "rshell -n -c CMD" judges it
 * again.  Only an rsync server request that asks for it reads anything.
 */
static void
take_secluded(struct session *s, struct words *w)
{
	struct words prot;
	char err[512], **all, *cmd;
	size_t n;

	s->secluded = 1;
	if (protargs_read(STDIN_FILENO, WORDS_MAXWORDS + 1 - w->n,
	    WORDS_MAXLEN - strlen(s->request), PROTARGS_TIMEOUT_MS, &prot, err,
	    sizeof(err)) == -1)
		deny(s, err);
	s->nsecluded = prot.n > 0 ? prot.n - 1 : 0;
	if (secluded_join(w->v, w->n, prot.v, prot.n, &all, &n, err,
	    sizeof(err)) == -1) {
		s->cmd = received(s, &prot);
		deny(s, err);
	}
	words_free(&prot);
	words_free(w);
	w->v = all;
	w->n = n;
	if ((cmd = run_join(all, n)) == NULL)
		deny(s, "out of memory");
	s->cmd = cmd;
}

/* What a pin stands for, beyond its path. */
static const char *
pin_note(const struct decision *d, size_t i)
{
	if ((int)i == d->tmpdir)
		return " (made for the session, removed after it)";
	if ((int)i == d->incoming)
		return " (the incoming snapshot: made unless a push left it, "
		    "renamed to the snapshot when rsync exits 0 or 24)";
	if ((int)i == d->linkdest)
		return " (the newest snapshot: --link-dest, read and link "
		    "only)";
	return "";
}

/* Under snapshot: the wall, and what a completed push would prune. */
static void
print_snapshot(const struct decision *d)
{
	char **names;
	size_t i, n;
	int fd;

	printf("# wall: %s read only; %s%s create, rename and remove, never "
	    "write; the session's directory write\n", d->dir,
	    d->linkdest != -1 ? "the newest snapshot read and link; " : "",
	    DECIDE_INCOMING);
	if (d->keep.n == 0) {
		printf("# prune: nothing (no keep)\n");
		return;
	}
	if ((fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 ||
	    prune_plan(fd, &d->keep, time(NULL), &names, &n) == -1) {
		printf("# prune: cannot tell: %s\n", strerror(errno));
		if (fd != -1)
			close(fd);
		return;
	}
	close(fd);
	if (n == 0)
		printf("# prune: nothing\n");
	for (i = 0; i < n; i++) {
		printf("# prune: %s\n", names[i]);
		free(names[i]);
	}
	free(names);
}

/* rshell -n: what would run, and where each pinned descriptor leads. */
static void __attribute__((noreturn))
print_dryrun(const struct decision *d, char *run)
{
	size_t i;

	printf("permit\n%s\n", run);
	free(run);
	for (i = 0; i < d->npins; i++)
		printf("# fd %d: %s%s%s%s\n", d->pins[i].fd, d->dir,
		    strcmp(d->pins[i].rel, ".") ? "/" : "",
		    strcmp(d->pins[i].rel, ".") ? d->pins[i].rel : "",
		    pin_note(d, i));
	if (d->wall == WALL_SNAPSHOT)
		print_snapshot(d);
	exit(0);
}

static void __attribute__((noreturn))
session(struct session *s, const char *c, const char *orig)
{
	const struct command *cmd;
	struct caps caps = { 0, 0 };
	struct decision d;
	struct words w;
	struct runres r;
	char err[PATH_MAX + 64], *run;

	if (c == NULL)
		deny(s, "interactive login is not allowed");
	resolve_request(s, c, orig);
	if (words_split(s->request, &w, err, sizeof(err)) == -1)
		deny(s, err);
	cmd = w.n > 0 ? policy_command(w.v[0]) : NULL;
	if (cmd != NULL && cmd->kind == DK_RSYNC && secluded_asked(w.v, w.n))
		take_secluded(s, &w);
	/* Only an rsync request needs to know what rsync and the kernel have. */
	if (cmd != NULL && cmd->kind == DK_RSYNC) {
		caps.confine = run_rsync_confine(s->policy->rsync);
		caps.landlock = wall_abi();
	}
	if (policy_decide(s->policy, &s->who, s->key, w.v, w.n, &caps,
	    &d, err, sizeof(err)) == -1)
		deny(s, err);
	if (d.kind != DK_RSYNC)
		run_builtin(s, &d, w.v, w.n);
	if (!s->dryrun && d.lock && take_lock(&d) == -1) {
		snprintf(err, sizeof(err), "%s is locked by another push%s",
		    d.dir, d.wall == WALL_SNAPSHOT ? " (one snapshot at a "
		    "time)" : "");
		deny(s, err);
	}
	if ((run = run_join(d.argv, d.argc)) == NULL)
		deny(s, "out of memory");
	if (s->dryrun)
		print_dryrun(&d, run);
	run_hold_signals();
	log_permit(s, run);
	free(run);
	if (run_rsync(&d, &s->who, s->shell, &r, err, sizeof(err)) == -1) {
		log_error(s, err);
		errx(1, "%s", err);
	}
	log_exit(s, &r);
	if (r.snaperr[0] != '\0')
		log_error(s, r.snaperr);
	if (r.snapshot[0] != '\0')
		prune(s, &d);
	exit(r.signo ? 128 + r.signo : r.status);
}

static int
check_policy(struct session *s, const char *sshd_config)
{
	struct policy *p = s->policy;
	struct audit c = { p, sshd_config, 0, 0 };
	const char *refused[8];
	struct caps caps;
	struct stat st;
	size_t i, n;

	for (i = 0; i < p->nerrors; i++)
		fprintf(stderr, "%s\n", p->errors[i]);
	caps.confine = run_rsync_confine(p->rsync);
	if (caps.confine == 1)
		printf("%s: rsync %s supports --confine-root and --drop-D: "
		    "added to every request\n", p->file, p->rsync);
	else if (caps.confine == 0)
		printf("%s: rsync %s lacks --confine-root and --drop-D "
		    "(rsync 3.5 or later has them): filter rules sent over "
		    "the protocol are not confined by rsync\n", p->file,
		    p->rsync);
	/* The accounts are not root: they read it as others do. */
	if (caps.confine == -1 || stat(p->rsync, &st) == -1 ||
	    !(st.st_mode & S_IROTH)) {
		printf("%s: rsync %s cannot be read by the accounts\n",
		    p->file, p->rsync);
		caps.confine = -1;
	}
	if ((caps.landlock = wall_abi()) > 0)
		printf("%s: Landlock ABI %d: rsync is walled into its "
		    "directory\n", p->file, caps.landlock);
	else
		printf("%s: this kernel has no Landlock: rsync runs without "
		    "the kernel wall (paths are still checked and pinned)\n",
		    p->file);
	n = policy_refused_here(p, &caps, refused, 8);
	for (i = 0; i < n; i++)
		printf("%s: refused on this machine: %s\n", p->file,
		    refused[i]);
	if (p->nerrors == 0)
		audit_run(&c);
	if (p->nerrors + c.errors == 0)
		printf("%s: ok, %zu rule%s, %zu warning%s\n", p->file,
		    p->nrules, p->nrules == 1 ? "" : "s", c.warnings,
		    c.warnings == 1 ? "" : "s");
	else
		printf("%s: %zu error%s, %zu warning%s\n", p->file,
		    p->nerrors + c.errors, p->nerrors + c.errors == 1 ? "" :
		    "s", c.warnings, c.warnings == 1 ? "" : "s");
	return p->nerrors + c.errors == 0 ? 0 : 1;
}

int
main(int argc, char *argv[])
{
	static struct session s;
	const char *file = RSHELL_POLICY, *user = NULL, *cmd = NULL;
	const char *orig, *conn, *sshd_config = NULL;
	char *origcopy = NULL;
	enum verb verb = V_SESSION;
	int ch, fflag = 0;

	hygiene();
	s.pid = (long)getpid();
	s.uid = (unsigned long)getuid();
	/* A file-size limit makes a log write fail, not end the session. */
	signal(SIGXFSZ, SIG_IGN);
	/*
	 * Only these two come from the environment, as sshd sets them; the
	 * rest is dropped so nothing the client sent can reach a library.
	 */
	if ((orig = getenv("SSH_ORIGINAL_COMMAND")) != NULL &&
	    (origcopy = strdup(orig)) == NULL)
		errx(1, "out of memory");
	conn = getenv("SSH_CONNECTION");
	parse_from(conn, s.from, sizeof(s.from));
	clearenv();

	if (argc == 3 && strcmp(argv[1], "-c") == 0) {
		cmd = argv[2];	/* sshd: nothing else is parsed */
	} else if (argc <= 1) {
		verb = V_INTERACTIVE;
	} else {
		while ((ch = getopt(argc, argv, "c:f:hk:ns:tu:V")) != -1) {
			switch (ch) {
			case 'c': cmd = optarg; break;
			case 'f': file = optarg; fflag = 1; break;
			case 'h': set_verb(&verb, V_HELP); break;
			case 'k': s.key = optarg; break;
			case 'n': set_verb(&verb, V_DRYRUN); break;
			case 's': sshd_config = optarg; break;
			case 't': set_verb(&verb, V_CHECK); break;
			case 'u': user = optarg; break;
			case 'V': set_verb(&verb, V_VERSION); break;
			default: usage(1);
			}
		}
		if (optind != argc || (verb == V_DRYRUN && cmd == NULL) ||
		    (verb == V_CHECK && cmd != NULL) ||
		    ((verb == V_VERSION || verb == V_HELP) &&
		    (cmd || fflag)) ||
		    ((user || s.key) && verb != V_DRYRUN) ||
		    (sshd_config && verb != V_CHECK))
			usage(1);
	}
	if (verb == V_HELP)
		usage(0);
	if (verb == V_VERSION) {
		printf("rshell %s\n", RSHELL_VERSION);
		return 0;
	}
	if (verb == V_CHECK) {
		if ((s.policy = policy_load(file, 0)) == NULL)
			errx(1, "out of memory");
		return check_policy(&s, sshd_config);
	}
	if (s.key != NULL && !policy_valid_key(s.key))
		errx(1, "invalid key name: %s", s.key);
	if (load_who(&s, user) == -1) {
		if (verb == V_DRYRUN)
			errx(1, "unknown user %s", user ? user : "");
		s.who.user = NULL;
	}
	/* Only the rules that can apply to the account are kept. */
	if ((s.policy = policy_load_for(file, 0, s.who.user)) == NULL)
		errx(1, "out of memory");
	if (s.who.user != NULL && policy_uses_groups(s.policy))
		load_groups(&s, s.gid);
	if (verb == V_DRYRUN) {
		s.dryrun = 1;
		s.cmd = cmd;
		s.request = cmd;
		session(&s, cmd, NULL);
	}
	open_log(&s, verb == V_INTERACTIVE ? "interactive login is not "
	    "allowed" : NULL);
	if (s.who.user == NULL)
		deny(&s, "unknown user (uid not in the password database)");
	if (verb == V_INTERACTIVE)
		cmd = NULL;
	session(&s, cmd, origcopy);
}
