/* policy/keep.h — snapshot names and retention, pure */
#ifndef RSHELL_KEEP_H
#define RSHELL_KEEP_H

#include <stddef.h>
#include <time.h>

#define SNAP_NAMELEN 18                 /* "2026-12-01T070001Z" */
#define KEEP_MAXBUCKETS 8
enum keep_unit { KEEP_HOURLY, KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY, KEEP_YEARLY };
struct keep_bucket { long span; char span_unit; enum keep_unit unit; }; /* "14d daily" → span 14, 'd', KEEP_DAILY */
struct keep { int n; struct keep_bucket b[KEEP_MAXBUCKETS]; };
/* Parses the words after "keep" (e.g. "14d","daily","8w","weekly"); 0, or -1 with err. */
int keep_parse(struct keep *k, char *const *words, int nwords, char *err, size_t errlen);
int snap_name(time_t t, char buf[SNAP_NAMELEN + 1]);      /* UTC; 0 or -1 */
int snap_parse(const char *name, time_t *t);               /* strict pattern; 0 or -1 */
/* keeps[i] = 1 for each snapshot kept under k at time now; the newest is always kept; pure. */
void keep_select(const struct keep *k, const time_t *snaps, size_t n, time_t now, unsigned char *keeps);

#endif
