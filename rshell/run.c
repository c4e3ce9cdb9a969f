/*
 * Running rsync.  Everything that happens between fork and execve is here,
 * so that further confinement of the child (a Landlock ruleset) has one
 * place to go.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "run.h"
#include "snapshot.h"
#include "tmpdir.h"
#include "wall.h"

static volatile sig_atomic_t child_pid;
static pid_t parent;		/* rshell, for the child to check */

/*
 * Every catchable signal whose default would end rshell before it writes
 * the exit line.  sshd delivers a client's "signal" request (USR1, QUIT,
 * ...) to the session's process group, rshell and rsync both: rshell
 * catches each and passes it on, so rsync ends as it would and the exit
 * line names the signal.  rshell stays in rsync's process group, where
 * sshd and a terminal expect the command to be.
 */
const int run_signals[RUN_NSIGS] = {
	SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE, SIGUSR1, SIGUSR2, SIGALRM,
	SIGVTALRM, SIGPROF, SIGXCPU, SIGPOLL,
};

static void
forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

/*
 * Where to look for rsync's option names: the .rodata section of an ELF64
 * binary, or the whole file when it is anything else.
 */
static void
rodata_range(int fd, off_t *off, off_t *len)
{
	Elf64_Shdr sh[128];
	Elf64_Ehdr eh;
	char names[4096];
	size_t n, i;
	ssize_t r;

	*off = 0;
	*len = -1;
	if (pread(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_shentsize != sizeof(Elf64_Shdr) ||
	    eh.e_shnum > sizeof(sh) / sizeof(sh[0]) ||
	    eh.e_shstrndx >= eh.e_shnum)
		return;
	n = eh.e_shnum;
	if (pread(fd, sh, n * sizeof(sh[0]), (off_t)eh.e_shoff) !=
	    (ssize_t)(n * sizeof(sh[0])))
		return;
	r = pread(fd, names, sizeof(names) - 1,
	    (off_t)sh[eh.e_shstrndx].sh_offset);
	if (r <= 0)
		return;
	names[r] = '\0';
	for (i = 0; i < n; i++)
		if (sh[i].sh_name < (size_t)r &&
		    strcmp(names + sh[i].sh_name, ".rodata") == 0) {
			*off = (off_t)sh[i].sh_offset;
			*len = (off_t)sh[i].sh_size;
			return;
		}
}

/*
 * rsync 3.5 and later know --confine-root and --drop-D.  Asking the binary
 * (rsync --version) would cost a second exec per session; its option table
 * is in the file, so look for the option name there: in the read-only
 * data, in chunks, so that the scan adds little time and nothing to
 * rshell's resident size.
 */
int
run_rsync_confine(const char *path)
{
	static const char needle[] = "confine-root";
	/* on the stack, whose pages the decision that follows uses anyway */
	char buf[16 * 1024];
	const size_t keep = sizeof(needle) - 2;
	size_t have = 0, want;
	off_t off, len;
	int f = 0;
	ssize_t r;
	int fd;

	/*
	 * An rsync the account cannot read (mode 0711) might have it or
	 * not: that is not a guess to make, the caller refuses.
	 */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1)
		return -1;
	rodata_range(fd, &off, &len);
again:
	for (;;) {
		want = sizeof(buf) - have;
		if (len >= 0 && (off_t)want > len)
			want = (size_t)len;
		if (want == 0 || (r = pread(fd, buf + have, want, off)) <= 0)
			break;
		off += r;
		if (len >= 0)
			len -= r;
		have += (size_t)r;
		if (memmem(buf, have, needle, sizeof(needle) - 1) != NULL) {
			f = 1;
			break;
		}
		if (have > keep) {
			memmove(buf, buf + have - keep, keep);
			have = keep;
		}
	}
	/* Not in .rodata after all: an unusual build; read the whole file. */
	if (f == 0 && len != -1) {
		off = 0;
		len = -1;
		have = 0;
		goto again;
	}
	close(fd);
	return f;
}

long
run_elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (long)(now.tv_sec - start->tv_sec) * 1000 +
	    (now.tv_nsec - start->tv_nsec) / 1000000;
}

static int
needs_quote(const char *s)
{
	if (*s == '\0')
		return 1;
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-_./=,:%+@", *s)))
			return 1;
	return 0;
}

char *
run_join(char *const *argv, size_t argc)
{
	size_t i, len = 1;
	const char *p;
	char *s, *o;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) * 4 + 3;
	if ((s = o = malloc(len)) == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			*o++ = ' ';
		if (!needs_quote(argv[i])) {
			o = stpcpy(o, argv[i]);
			continue;
		}
		*o++ = '\'';
		for (p = argv[i]; *p != '\0'; p++) {
			if (*p == '\'')
				o = stpcpy(o, "'\\''");
			else
				*o++ = *p;
		}
		*o++ = '\'';
	}
	*o = '\0';
	return s;
}

static int
is_pin(const struct decision *d, int fd)
{
	size_t i;

	for (i = 0; i < d->npins; i++)
		if (d->pins[i].fd == fd)
			return 1;
	return 0;
}

struct childenv {
	char	 home[4096 + 6], user[256 + 6], logname[256 + 9];
	char	 shell[4096 + 7];
	char	*envp[6];
};

/* The environment rsync gets: built from scratch, nothing inherited. */
static void
make_env(struct childenv *e, const struct who *w, const char *shell)
{
	snprintf(e->home, sizeof(e->home), "HOME=%s", w->home);
	snprintf(e->user, sizeof(e->user), "USER=%s", w->user);
	snprintf(e->logname, sizeof(e->logname), "LOGNAME=%s", w->user);
	snprintf(e->shell, sizeof(e->shell), "SHELL=%s", shell);
	e->envp[0] = "PATH=/usr/bin:/bin";
	e->envp[1] = e->home;
	e->envp[2] = e->user;
	e->envp[3] = e->logname;
	e->envp[4] = e->shell;
	e->envp[5] = NULL;
}

/*
 * The child, between vfork and execve: system calls only (it shares
 * rshell's memory), and the reason for a failure goes back in *failed.
 */
static void
child(const struct decision *d, char *const *envp, int ruleset,
    volatile int *failed, const sigset_t *prev)
{
	int fd, maxpin = 2;
	size_t i;

	/* rsync ends with rshell: never left running under init. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) == -1 || getppid() != parent) {
		*failed = errno ? errno : ESRCH;
		_exit(127);
	}
	/* What rshell ignores (SIGXFSZ) is rsync's own to handle again. */
	signal(SIGXFSZ, SIG_DFL);
	sigprocmask(SIG_SETMASK, prev, NULL);
	umask(d->umask);
	if (fchdir(d->rootfd) == -1 ||
	    (ruleset != -1 && wall_enter(ruleset) == -1)) {
		*failed = errno;
		_exit(127);
	}
	for (i = 0; i < d->npins; i++) {
		fcntl(d->pins[i].fd, F_SETFD, 0);
		if (d->pins[i].fd > maxpin)
			maxpin = d->pins[i].fd;
	}
	for (fd = 3; fd < maxpin; fd++)
		if (!is_pin(d, fd))
			close(fd);
	closefrom(maxpin + 1);
	execve(d->argv[0], d->argv, envp);
	*failed = errno;
	_exit(127);
}

/*
 * A push may not change DIRECTORY itself: rsync would give it the mode
 * and owner of the client's top directory (0777, say), which the
 * administrator chose.  Whatever changed is put back and reported.
 */
static void
restore_dir(const struct decision *d, const struct stat *was,
    struct runres *res)
{
	struct stat now;
	int fd;

	res->restored[0] = '\0';
	if (fstat(d->rootfd, &now) == -1 || (now.st_mode == was->st_mode &&
	    now.st_uid == was->st_uid && now.st_gid == was->st_gid))
		return;
	if ((fd = openat(d->rootfd, ".", O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1)
		return;
	if ((now.st_uid != was->st_uid || now.st_gid != was->st_gid) &&
	    fchown(fd, was->st_uid, was->st_gid) == 0)
		strlcpy(res->restored, "owner", sizeof(res->restored));
	/* fchown may clear set-id bits: the mode goes back after it. */
	if (fstat(fd, &now) == 0 && now.st_mode != was->st_mode &&
	    fchmod(fd, was->st_mode & 07777) == 0)
		strlcat(res->restored, res->restored[0] ? ",mode" : "mode",
		    sizeof(res->restored));
	close(fd);
}

/*
 * The counters of /proc/self/io; -1 where they cannot be read (no /proc):
 * the exit line then goes without them, the session is not failed.
 */
static int
procio(struct runacct *a)
{
	static const char *const name[] = { "rchar: ", "wchar: ",
	    "read_bytes: ", "write_bytes: " };
	unsigned long long *val[] = { &a->rchar, &a->wchar, &a->read_bytes,
	    &a->write_bytes };
	char buf[512], *p;
	ssize_t n;
	size_t i, found = 0;
	int fd;

	if ((fd = open("/proc/self/io", O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	for (i = 0; i < 4; i++) {
		for (p = buf; (p = strstr(p, name[i])) != NULL; p++)
			if (p == buf || p[-1] == '\n')
				break;
		if (p == NULL)
			continue;
		*val[i] = strtoull(p + strlen(name[i]), NULL, 10);
		found++;
	}
	return found == 4 ? 0 : -1;
}

/* after - before, and the child's rusage, into a. */
static void
account(struct runacct *a, const struct runacct *before,
    const struct rusage *ru)
{
	struct runacct after;

	memset(&after, 0, sizeof(after));
	if (before->io && procio(&after) == 0 &&
	    after.rchar >= before->rchar && after.wchar >= before->wchar &&
	    after.read_bytes >= before->read_bytes &&
	    after.write_bytes >= before->write_bytes) {
		a->io = 1;
		a->rchar = after.rchar - before->rchar;
		a->wchar = after.wchar - before->wchar;
		a->read_bytes = after.read_bytes - before->read_bytes;
		a->write_bytes = after.write_bytes - before->write_bytes;
	}
	a->ru = 1;
	a->cpu_ms = ((long long)ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) *
	    1000 + (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
	a->maxrss_kb = ru->ru_maxrss;
}

/* The signal mask before run_hold_signals(), and whether it was called. */
static sigset_t heldprev;
static int held;

void
run_hold_signals(void)
{
	sigset_t set;
	size_t i;

	sigemptyset(&set);
	for (i = 0; i < RUN_NSIGS; i++)
		sigaddset(&set, run_signals[i]);
	if (sigprocmask(SIG_BLOCK, &set, &heldprev) == 0)
		held = 1;
}

/*
 * Start rsync behind the wall, forward signals, wait; -1: not started
 * (and the signals run_hold_signals() held stay held).
 */
static int
spawn(const struct decision *d, char *const *envp, int ruleset, int *st,
    struct rusage *ru, struct runacct *before, char *err, size_t errlen)
{
	struct sigaction sa, old[RUN_NSIGS];
	volatile int failed = 0;
	sigset_t all, prev;
	/* the mask rsync starts with, and rshell's again once it runs */
	const sigset_t *const orig = held ? &heldprev : &prev;
	pid_t pid;
	size_t i;

	/* No signal may arrive between vfork and recording the child. */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &prev);
	parent = getpid();
	pid = vfork();
	if (pid == 0)
		child(d, envp, ruleset, &failed, orig);
	if (pid == -1) {
		sigprocmask(SIG_SETMASK, &prev, NULL);
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (failed) {
		/* The child has exited: vfork returns after exec or _exit. */
		waitpid(pid, st, 0);
		sigprocmask(SIG_SETMASK, &prev, NULL);
		snprintf(err, errlen, "cannot run %s in %s: %s", d->argv[0],
		    d->dir, strerror(failed));
		return -1;
	}
	child_pid = pid;
	/*
	 * rshell's own counters, which the reaped child's are added to.  They
	 * are read now, while rsync starts on another processor, rather than
	 * before vfork: the child's counts stay its own until it is reaped.
	 */
	before->io = procio(before) == 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < RUN_NSIGS; i++)
		sigaction(run_signals[i], &sa, &old[i]);
	/* what came while they were held goes to rsync now */
	sigprocmask(SIG_SETMASK, orig, NULL);
	while (wait4(pid, st, 0, ru) == -1)
		if (errno != EINTR) {
			snprintf(err, errlen, "wait4: %s", strerror(errno));
			return -1;
		}
	child_pid = 0;
	for (i = 0; i < RUN_NSIGS; i++)
		sigaction(run_signals[i], &old[i], NULL);
	return 0;
}

int
run_rsync(const struct decision *d, const struct who *w, const char *shell,
    struct runres *res, char *err, size_t errlen)
{
	struct timespec start;
	struct childenv env;
	struct runacct before;
	struct rusage ru;
	struct stat dirst;
	int st, ruleset, lockfd = -1, rv = -1;

	memset(res, 0, sizeof(*res));
	memset(&before, 0, sizeof(before));
	clock_gettime(CLOCK_MONOTONIC, &start);
	make_env(&env, w, shell);
	if (fstat(d->rootfd, &dirst) == -1) {
		snprintf(err, errlen, "%s: %s", d->dir, strerror(errno));
		return -1;
	}
	if (d->incoming != -1 && snapshot_prepare(d, &res->resumed, err,
	    errlen) == -1)
		return -1;
	if (d->tmpdir != -1 && (lockfd = tmpdir_make(d, err, errlen)) == -1)
		return -1;
	ruleset = wall_build(d, err, errlen);
	/*
	 * No Landlock is no error only for the walls the decision let pass
	 * without it: it refused the others on a kernel that lacks it.
	 */
	if (ruleset == -1 && (errno == EOPNOTSUPP || errno == ENOSYS) &&
	    d->wall != WALL_READ && d->wall != WALL_WRITE)
		snprintf(err, errlen, "this kernel has no Landlock: the rule's "
		    "wall cannot be built");
	else if (ruleset != -1 || errno == EOPNOTSUPP || errno == ENOSYS) {
		rv = spawn(d, env.envp, ruleset, &st, &ru, &before, err,
		    errlen);
		if (ruleset != -1)
			close(ruleset);
	}
	if (rv == 0) {
		res->ms = run_elapsed_ms(&start);
		res->signo = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		res->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
		account(&res->acct, &before, &ru);
		if (d->keepdir)
			restore_dir(d, &dirst, res);
	}
	if (lockfd != -1) {
		tmpdir_remove(d);
		close(lockfd);
	}
	/* rsync's 24 is "some files vanished": normal on a live system. */
	if (rv == 0 && d->incoming != -1 && res->signo == 0 &&
	    (res->status == 0 || res->status == 24))
		(void)snapshot_complete(d, res->snapshot, res->snaperr,
		    sizeof(res->snaperr));
	return rv;
}
