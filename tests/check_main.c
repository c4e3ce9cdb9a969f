/*
 * Runs every Check suite; the list comes from tests/suites.inc.
 *
 * Most of the time of the suites is spent waiting (for rshell, for a
 * stall to time out, for the disk), so the suites run side by side, each
 * in a process of its own: RSHELL_TEST_JOBS of them at once (default: the
 * number of processors plus two; 1 runs them one after the other in this
 * process, as does naming suites with CK_RUN_SUITE).  The slowest start
 * first (slowest[] below), so that none is left running alone at the end,
 * and a test case that mostly waits runs as a job of its own (split[]).
 * Each suite's output is kept in a temporary file and shown whole, in the
 * order of the list, so the output reads as if they had run in turn.  The
 * suites share nothing but the machine: each makes its own temporary tree.
 */
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define SUITE(name) Suite *make_suite_##name(void);
#include "suites.inc"
#undef SUITE

#define SUITE(name) + 1
enum { NSUITES = 0
#include "suites.inc"
};
#undef SUITE

/*
 * The suites that take longest, longest first (wall time, measured with
 * CK_RUN_SUITE=NAME): they start first, the rest follow in the order of
 * the list (longest processing time first: the last to start are short).
 * A name that is no suite is passed over; one left out only starts later.
 */
static const char *const slowest[] = {
	"protargs",	/* stalled readers wait out their 0.6 s */
	"pathmap", "report",
	"snapshot",	/* a real rsync's run, waited for */
	"rsync", "clients", "modes", "keep", "rsync_real", "list", "prune",
	"wall", "log", "checks",
};

/*
 * Suites with a test case tagged H_TAG_ALONE (harness.h): the tagged cases
 * run as a job of their own, started before all others, and the rest of
 * the suite as another job.  A suite not named here runs whole, its tagged
 * cases with it; a suite named here without one runs an empty job.
 */
static const char *const split[] = {
	"clients",	/* the stalled client */
};
#define NSPLIT	(sizeof(split) / sizeof(split[0]))
#define MAXJOBS	(NSUITES + NSPLIT)

struct job {
	Suite	*suite;
	const char *title;
	const char *only;	/* run only the cases with this tag */
	const char *but;	/* run all but the cases with this tag */
	pid_t	 pid;
	FILE	*out;		/* what the suite printed */
	int	 counts[2];	/* run, failed; read back from out's tail */
	int	 status;	/* of its process */
	int	 done;
};

/* An unlinked temporary file that no program the tests run inherits. */
static FILE *
scratch(void)
{
	char path[] = "/tmp/rshell-unit.XXXXXX";
	FILE *fp;
	int fd;

	if ((fd = mkostemp(path, O_CLOEXEC)) == -1)
		return NULL;
	unlink(path);
	if ((fp = fdopen(fd, "w+")) == NULL)
		close(fd);
	return fp;
}

/* One suite in this process: its counts as the last line of stdout. */
static void __attribute__((noreturn))
run_one(const struct job *j, int fd)
{
	SRunner *sr;
	int run, failed;

	if (dup2(fd, STDOUT_FILENO) == -1 || dup2(fd, STDERR_FILENO) == -1)
		_exit(3);
	close(fd);
	sr = srunner_create(j->suite);
	srunner_run_tagged(sr, NULL, NULL, j->only, j->but, CK_NORMAL);
	run = srunner_ntests_run(sr);
	failed = srunner_ntests_failed(sr);
	printf("@counts %d %d\n", run, failed);
	fflush(stdout);
	_exit(0);
}

/* Shows what a finished job printed and takes its counts; -1: it broke. */
static int
collect(struct job *j)
{
	char line[1024];
	int counts = 0;

	rewind(j->out);
	while (fgets(line, sizeof(line), j->out) != NULL) {
		if (sscanf(line, "@counts %d %d", &j->counts[0],
		    &j->counts[1]) == 2)
			counts = 1;
		else
			fputs(line, stdout);
	}
	fclose(j->out);
	fflush(stdout);
	return counts ? 0 : -1;
}

static int
jobs_wanted(void)
{
	const char *s = getenv("RSHELL_TEST_JOBS");
	long n;

	if (getenv("CK_RUN_SUITE") != NULL)
		return 1;
	if (s != NULL && *s != '\0') {
		n = strtol(s, NULL, 10);
		return n >= 1 && n <= (long)MAXJOBS ? (int)n : 1;
	}
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n >= 1 && n <= 64 ? (int)n + 2 : 4;
}

/*
 * In order[], the index of every job: the tagged cases split out first,
 * then the suites of slowest[], then the rest.
 */
static void
start_order(const struct job *job, int n, int *order)
{
	int placed[MAXJOBS], k = 0, i;
	size_t s;

	memset(placed, 0, sizeof(placed));
	for (i = 0; i < n; i++)
		if (job[i].only != NULL) {
			placed[i] = 1;
			order[k++] = i;
		}
	for (s = 0; s < sizeof(slowest) / sizeof(slowest[0]); s++)
		for (i = 0; i < n; i++)
			if (!placed[i] &&
			    strcmp(job[i].title, slowest[s]) == 0) {
				placed[i] = 1;
				order[k++] = i;
			}
	for (i = 0; i < n; i++)
		if (!placed[i])
			order[k++] = i;
}

/* Runs the suites side by side; 0, or -1 when one could not be run. */
static int
run_parallel(struct job *job, int n, int width, int *run, int *failed)
{
	int order[MAXJOBS];
	int started = 0, running = 0, shown = 0, broken = 0, st, i, fd;
	pid_t pid;

	start_order(job, n, order);
	fflush(stdout);
	fflush(stderr);
	while (shown < n) {
		while (started < n && running < width) {
			struct job *j = &job[order[started++]];

			if ((j->out = scratch()) == NULL)
				return -1;
			fd = fileno(j->out);
			if ((j->pid = fork()) == -1)
				return -1;
			if (j->pid == 0)
				run_one(j, fd);
			running++;
		}
		if ((pid = waitpid(-1, &st, 0)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (i = 0; i < n; i++)
			if (job[i].pid == pid && !job[i].done) {
				job[i].done = 1;
				job[i].status = st;
				running--;
			}
		/* in the order of the list, as soon as each is whole */
		while (shown < n && job[shown].done) {
			struct job *j = &job[shown++];

			if (collect(j) == -1 || !WIFEXITED(j->status) ||
			    WEXITSTATUS(j->status) != 0) {
				printf("tests/unit: suite %s: its process "
				    "ended with status %d before it was "
				    "done\n", j->title, j->status);
				broken++;
				continue;
			}
			*run += j->counts[0];
			*failed += j->counts[1];
		}
	}
	*failed += broken;
	*run += broken;
	return 0;
}

/* The suite as a job, or as two when split[] names it; n grows. */
static void
add_jobs(struct job *job, int *n, const char *title, Suite *suite)
{
	size_t s;

	job[*n].title = title;
	job[(*n)++].suite = suite;
	for (s = 0; s < NSPLIT; s++)
		if (strcmp(split[s], title) == 0) {
			job[*n - 1].but = H_TAG_ALONE;
			job[*n].title = title;
			job[*n].suite = suite;
			job[(*n)++].only = H_TAG_ALONE;
			return;
		}
}

int
main(void)
{
	struct job job[MAXJOBS];
	SRunner *sr;
	int n = 0, run = 0, failed = 0, width;

	/*
	 * Check passes each forked test's results through a file of its
	 * own, made and removed per test in $TEMP (else /tmp): put it
	 * beside the trees, where a file costs less (harness.c, h_tmpdir).
	 */
	if (getenv("TEMP") == NULL && setenv("TEMP", h_tmpdir(), 1) == -1)
		return EXIT_FAILURE;
	memset(job, 0, sizeof(job));
#define SUITE(name) add_jobs(job, &n, #name, make_suite_##name());
#include "suites.inc"
#undef SUITE
	/* the runner owns the suites (and frees them) either way */
	sr = srunner_create(NULL);
	for (int i = 0; i < n; i++)
		if (job[i].only == NULL)
			srunner_add_suite(sr, job[i].suite);
	width = jobs_wanted();
	if (width > 1) {
		if (run_parallel(job, n, width, &run, &failed) == -1) {
			fprintf(stderr, "tests/unit: cannot run the suites: "
			    "%s\n", strerror(errno));
			srunner_free(sr);
			return EXIT_FAILURE;
		}
		printf("%d%%: Checks: %d, Failures: %d\n", run > 0 ?
		    100 * (run - failed) / run : 0, run, failed);
	} else {
		srunner_run_all(sr, CK_NORMAL);
		run = srunner_ntests_run(sr);
		failed = srunner_ntests_failed(sr);
	}
	srunner_free(sr);
	if (h_result(run - failed, failed) == -1)
		return EXIT_FAILURE;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
