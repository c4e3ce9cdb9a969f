/* Placeholder of the pruning module: replaced at merge. */
#include "prune.h"

int
prune_snapshots(int dirfd, const struct keep *k, time_t now,
    const struct prune_log *log)
{
	(void)dirfd;
	(void)k;
	(void)now;
	(void)log;
	return 0;
}

int
prune_plan(int dirfd, const struct keep *k, time_t now, char ***names,
    size_t *n)
{
	(void)dirfd;
	(void)k;
	(void)now;
	*names = NULL;
	*n = 0;
	return 0;
}
