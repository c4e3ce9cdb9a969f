/*
 * The summary: events fold into state per host, user and key, per
 * refusal reason and source address, and per session still waiting for
 * its exit line.  Every table has a cap, so memory stays bounded whatever
 * the input: what does not fit is counted (overflow), never dropped
 * silently.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/*
 * The string table holds at most STRTAB_MAX strings in STRTAB_SLOTS
 * slots, a power of two so that a probe wraps with a mask.
 */
#define STRTAB_MAX	(2 * (REPORT_MAXACCTS + 2 * REPORT_MAXGROUPS))
#define STRTAB_SLOTS	32768
_Static_assert(STRTAB_SLOTS >= 2 * STRTAB_MAX &&
    (STRTAB_SLOTS & (STRTAB_SLOTS - 1)) == 0, "string table slots");
#define GROUP_SLOTS	(2 * REPORT_MAXGROUPS)

/* FNV-1a of the string at s, and its length in *len. */
static uint64_t
hash(const char *s, size_t *len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *p;

	for (p = s; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	*len = (size_t)(p - s);
	return (h ^ 0xff) * 0x100000001b3ULL;
}

int
report_init(struct report *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	r->since = INT64_MIN;
	r->until = INT64_MAX;
	r->strs.cap = STRTAB_SLOTS;
	r->strs.slot = calloc(STRTAB_SLOTS, sizeof(char *));
	r->acct = calloc(REPORT_MAXACCTS, sizeof(*r->acct));
	r->acctidx = calloc(2 * REPORT_MAXACCTS, sizeof(size_t));
	r->reason = calloc(REPORT_MAXGROUPS, sizeof(*r->reason));
	r->source = calloc(REPORT_MAXGROUPS, sizeof(*r->source));
	r->reasonidx = calloc(GROUP_SLOTS, sizeof(*r->reasonidx));
	r->sourceidx = calloc(GROUP_SLOTS, sizeof(*r->sourceidx));
	r->pend = calloc(REPORT_MAXPENDING, sizeof(*r->pend));
	r->pidx = calloc(2 * REPORT_MAXPENDING, sizeof(*r->pidx));
	r->pfree = calloc(REPORT_MAXPENDING, sizeof(*r->pfree));
	r->badl = calloc(REPORT_MAXLISTED, sizeof(*r->badl));
	r->miss = calloc(REPORT_MAXLISTED, sizeof(*r->miss));
	r->odd = calloc(REPORT_MAXLISTED, sizeof(*r->odd));
	if (r->strs.slot == NULL || r->acct == NULL || r->acctidx == NULL ||
	    r->reason == NULL || r->source == NULL || r->reasonidx == NULL ||
	    r->sourceidx == NULL || r->pend == NULL ||
	    r->pidx == NULL || r->pfree == NULL ||
	    r->badl == NULL || r->miss == NULL || r->odd == NULL) {
		report_free(r);
		return -1;
	}
	for (i = 0; i < REPORT_MAXPENDING; i++)
		r->pfree[i] = (unsigned)(REPORT_MAXPENDING - 1 - i);
	return 0;
}

void
report_free(struct report *r)
{
	size_t i;

	if (r->strs.slot != NULL)
		for (i = 0; i < r->strs.cap; i++)
			free(r->strs.slot[i]);
	free(r->strs.slot);
	free(r->acct);
	free(r->acctidx);
	free(r->reason);
	free(r->source);
	free(r->reasonidx);
	free(r->sourceidx);
	free(r->pend);
	free(r->pidx);
	free(r->pfree);
	free(r->badl);
	free(r->miss);
	free(r->odd);
	memset(r, 0, sizeof(*r));
}

/*
 * One copy of each string, so that tables compare pointers.  A string
 * longer than REPORT_MAXSTR - 1 is kept cut (the report shows it cut);
 * NULL when the table is full.
 */
static const char *
intern(struct report *r, const char *s, size_t max)
{
	char tmp[REPORT_MAXREASON];
	size_t i, n, mask = r->strs.cap - 1;
	uint64_t h;

	h = hash(s, &n);
	if (n >= max) {
		memcpy(tmp, s, max - 1);
		tmp[max - 1] = '\0';
		s = tmp;
		h = hash(s, &n);
	}
	for (i = h & mask; r->strs.slot[i] != NULL; i = (i + 1) & mask)
		if (strcmp(r->strs.slot[i], s) == 0)
			return r->strs.slot[i];
	/* full: what is there is still found, nothing more is added */
	if (r->strs.n >= STRTAB_MAX ||
	    (r->strs.slot[i] = strdup(s)) == NULL)
		return NULL;
	r->strs.n++;
	return r->strs.slot[i];
}

const char *
report_intern(struct report *r, const char *s)
{
	return intern(r, s, REPORT_MAXSTR);
}

/* The account of host, user and key (interned), created on first sight. */
static struct acct *
account(struct report *r, const char *host, const char *user,
    const char *key)
{
	uint64_t h;
	size_t i, cap = 2 * REPORT_MAXACCTS;
	struct acct *a;

	h = (uintptr_t)host * 31 + (uintptr_t)user * 17 + (uintptr_t)key;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	for (i = h % cap; r->acctidx[i] != 0; i = (i + 1) % cap) {
		a = &r->acct[r->acctidx[i] - 1];
		if (a->host == host && a->user == user && a->key == key)
			return a;
	}
	if (r->nacct == REPORT_MAXACCTS)
		return NULL;
	a = &r->acct[r->nacct++];
	r->acctidx[i] = r->nacct;
	a->host = host;
	a->user = user;
	a->key = key;
	return a;
}

/*
 * The group of host and name (interned), created on first sight; idx
 * is its hash of GROUP_SLOTS slots holding group index + 1.
 */
static struct group *
group(struct group *g, size_t *idx, size_t *n, const char *host,
    const char *name)
{
	uint64_t h = (uintptr_t)host * 0x9e3779b97f4a7c15ULL ^
	    (uintptr_t)name * 0xbf58476d1ce4e5b9ULL;
	size_t i;

	for (i = (h ^ h >> 29) % GROUP_SLOTS; idx[i] != 0;
	    i = (i + 1) % GROUP_SLOTS)
		if (g[idx[i] - 1].host == host && g[idx[i] - 1].name == name)
			return &g[idx[i] - 1];
	if (*n == REPORT_MAXGROUPS)
		return NULL;
	g[*n].host = host;
	g[*n].name = name;
	idx[i] = ++*n;
	return &g[*n - 1];
}

static void
seen(struct group *g, long long t)
{
	if (g->count == 0 || t < g->first)
		g->first = t;
	if (g->count == 0 || t > g->last)
		g->last = t;
	g->count++;
}

/* The address of "addr:port" or "[addr]:port", or "-". */
static void
source(const char *from, char *out, size_t len)
{
	const char *colon = strrchr(from, ':');
	size_t n;

	if (colon == NULL || strcmp(from, "-") == 0) {
		strlcpy(out, from, len);
		return;
	}
	n = (size_t)(colon - from);
	if (from[0] == '[' && n >= 2 && from[n - 1] == ']') {
		from++;
		n -= 2;
	}
	if (n >= len)
		n = len - 1;
	memcpy(out, from, n);
	out[n] = '\0';
}

static size_t
pslot(const char *host, long pid)
{
	uint64_t h = (uintptr_t)host * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)pid * 0xbf58476d1ce4e5b9ULL;

	return (size_t)((h ^ h >> 31) % (2 * REPORT_MAXPENDING));
}

/* The hash slot holding (host, pid), or the empty one that ends its run. */
static size_t
pprobe(const struct report *r, const char *host, long pid)
{
	const struct pending *p;
	size_t i;

	for (i = pslot(host, pid); r->pidx[i] != 0;
	    i = (i + 1) % (2 * REPORT_MAXPENDING)) {
		p = &r->pend[r->pidx[i] - 1];
		if (p->host == host && p->pid == pid)
			break;
	}
	return i;
}

static struct pending *
pfind(struct report *r, const char *host, long pid)
{
	size_t i = pprobe(r, host, pid);

	return r->pidx[i] ? &r->pend[r->pidx[i] - 1] : NULL;
}

/* Remove by shifting back the entries of the same probe run. */
static void
pdelete(struct report *r, struct pending *p)
{
	size_t cap = 2 * REPORT_MAXPENDING, i, j, k;
	const struct pending *q;

	i = pprobe(r, p->host, p->pid);
	r->pfree[REPORT_MAXPENDING - r->npend] = r->pidx[i] - 1;
	p->used = 0;
	r->pidx[i] = 0;
	for (j = (i + 1) % cap; r->pidx[j] != 0; j = (j + 1) % cap) {
		q = &r->pend[r->pidx[j] - 1];
		k = pslot(q->host, q->pid);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			r->pidx[i] = r->pidx[j];
			r->pidx[j] = 0;
			i = j;
		}
	}
	r->npend--;
}

static void
listmiss(struct report *r, const struct pending *p)
{
	struct listed *m;

	if (p->t_ms < r->since)
		return;
	r->missing++;
	r->acct[p->acct].orphans++;
	if (r->nmiss == REPORT_MAXLISTED)
		return;
	m = &r->miss[r->nmiss++];
	m->acct = p->acct;
	m->pid = p->pid;
	m->dir = p->dir;
	m->t_ms = p->t_ms;
}

static void
permit(struct report *r, const struct rev *ev, struct acct *a, int inwin)
{
	struct pending *p;
	size_t i, k;

	if ((p = pfind(r, ev->host, ev->pid)) != NULL) {
		/* the pid came round again: the first never logged its exit */
		listmiss(r, p);
		pdelete(r, p);
	}
	if (inwin) {
		a->sessions++;
		if (ev->dir == RDIR_PUSH)
			a->pushed = 1;
	}
	if (r->npend == REPORT_MAXPENDING) {
		r->pending_lost++;
		return;
	}
	i = pprobe(r, ev->host, ev->pid);
	/* the free pool indices, handed out from the top of pfree */
	k = r->pfree[REPORT_MAXPENDING - 1 - r->npend];
	r->pidx[i] = (unsigned)k + 1;
	p = &r->pend[k];
	p->used = 1;
	p->host = ev->host;
	p->pid = ev->pid;
	p->acct = (size_t)(a - r->acct);
	p->dir = ev->dir;
	p->t_ms = ev->t_ms;
	strlcpy(p->from, ev->from, sizeof(p->from));
	r->npend++;
}

/* Flag a push far from the key's usual amount (more than 8 times off). */
static void
usual(struct report *r, struct acct *a, const struct rev *ev, long long t)
{
	struct listed *o;
	double l = log2((double)ev->write_bytes + 1);

	if (a->ln >= 5 && fabs(l - a->lmean) > 3) {
		r->nodd_all++;
		if (r->nodd < REPORT_MAXLISTED) {
			o = &r->odd[r->nodd++];
			o->acct = (size_t)(a - r->acct);
			o->pid = ev->pid;
			o->t_ms = t;
			o->bytes = ev->write_bytes;
			o->usual = (long long)(exp2(a->lmean) - 1 + 0.5);
		}
	}
	a->ln++;
	a->lmean += (l - a->lmean) / (double)(a->ln < 20 ? a->ln : 20);
}

static void
fail_at(struct acct *a, long long t, enum rdir dir, int status,
    const char *sig)
{
	a->failures++;
	if (a->fail.valid && t < a->fail.t_ms)
		return;
	a->fail.valid = 1;
	a->fail.t_ms = t;
	a->fail.dir = dir;
	a->fail.status = status;
	strlcpy(a->fail.signal, sig ? sig : "", sizeof(a->fail.signal));
}

/* An exit (or an error, which ends a session too). */
static void
ending(struct report *r, const struct rev *ev, struct acct *a, int inwin)
{
	struct pending *p = pfind(r, ev->host, ev->pid);
	enum rdir dir = RDIR_NONE;
	const char *from = ev->from;
	char pfrom[sizeof(p->from)];
	struct xfer *x;
	int ok;

	if (p != NULL) {
		dir = p->dir;
		/* the account the permit named: the session's */
		a = &r->acct[p->acct];
		memcpy(pfrom, p->from, sizeof(pfrom));
		from = pfrom;
		pdelete(r, p);
	} else if (inwin)
		a->orphans++;
	if (!inwin)
		return;
	if (ev->type == REV_ERROR) {
		a->errors++;
		fail_at(a, ev->t_ms, dir, -1, "error");
		return;
	}
	/* rsync's 24: files vanished while it ran, as on any live system */
	ok = ev->signal == NULL && (ev->status == 0 || ev->status == 24);
	if (!ok) {
		fail_at(a, ev->t_ms, dir, ev->status, ev->signal);
		return;
	}
	if (dir != RDIR_PUSH && dir != RDIR_PULL)
		return;
	if (dir == RDIR_PUSH && ev->write_bytes >= 0 && r->verbose)
		usual(r, a, ev, ev->t_ms);
	x = &a->last[dir];
	if (x->valid && ev->t_ms < x->t_ms)
		return;
	x->valid = 1;
	x->t_ms = ev->t_ms;
	x->ms = ev->ms;
	x->write_bytes = ev->write_bytes;
	strlcpy(x->from, from, sizeof(x->from));
}

static void
refusal(struct report *r, const struct rev *ev, const char *host,
    struct acct *a)
{
	char src[REPORT_MAXSTR];
	const char *reason, *s;
	struct group *g;

	a->refusals++;
	source(ev->from, src, sizeof(src));
	reason = intern(r, ev->reason, REPORT_MAXREASON);
	s = report_intern(r, src);
	if (reason == NULL || (g = group(r->reason, r->reasonidx,
	    &r->nreason, host, reason)) == NULL)
		r->overflow++;
	else
		seen(g, ev->t_ms);
	if (s == NULL || (g = group(r->source, r->sourceidx,
	    &r->nsource, host, s)) == NULL)
		r->overflow++;
	else
		seen(g, ev->t_ms);
}

void
report_event(struct report *r, const struct rev *ev)
{
	const char *host, *user, *key;
	struct acct *a;
	int inwin;

	r->events++;
	if (ev->cut)
		r->cut++;
	if ((r->fhost != NULL && strcmp(ev->host, r->fhost) != 0) ||
	    (r->fuser != NULL && strcmp(ev->user, r->fuser) != 0) ||
	    (r->fkey != NULL && strcmp(ev->key, r->fkey) != 0)) {
		r->filtered++;
		return;
	}
	if (ev->t_ms > r->until) {
		r->outside++;
		return;
	}
	/* before the window: only to join an exit in it to its permit */
	inwin = ev->t_ms >= r->since;
	if (!inwin) {
		r->outside++;
		if (ev->type == REV_DENY)
			return;
	}
	host = report_intern(r, ev->host);
	user = report_intern(r, ev->user);
	key = report_intern(r, ev->key);
	if (host == NULL || user == NULL || key == NULL ||
	    (a = account(r, host, user, key)) == NULL) {
		r->overflow++;
		return;
	}
	switch (ev->type) {
	case REV_PERMIT:
		permit(r, &(struct rev){ .host = host, .pid = ev->pid,
		    .dir = ev->dir, .t_ms = ev->t_ms, .from = ev->from }, a,
		    inwin);
		break;
	case REV_EXIT:
	case REV_ERROR: {
		struct rev e = *ev;

		e.host = host;
		ending(r, &e, a, inwin);
		break;
	}
	case REV_DENY:
		refusal(r, ev, host, a);
		break;
	}
}

void
report_bad(struct report *r, const char *file, unsigned long lineno,
    const char *why)
{
	struct listed *b;

	r->bad++;
	if (r->nbadl == REPORT_MAXLISTED)
		return;
	b = &r->badl[r->nbadl++];
	b->file = file;
	b->lineno = lineno;
	b->why = why;
}

void
report_finish(struct report *r)
{
	size_t i;

	for (i = 0; i < REPORT_MAXPENDING; i++)
		if (r->pend[i].used)
			listmiss(r, &r->pend[i]);
	memset(r->pidx, 0, 2 * REPORT_MAXPENDING * sizeof(*r->pidx));
	r->npend = 0;
}

static int
cmpacct(const void *a, const void *b)
{
	const struct acct *x = a, *y = b;
	int c;

	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	if ((c = strcmp(x->user, y->user)) != 0)
		return c;
	return strcmp(x->key, y->key);
}

static int
cmpgroup(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((c = strcmp(x->host, y->host)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

static int
cmplisted(const void *a, const void *b)
{
	const struct listed *x = a, *y = b;

	if (x->t_ms != y->t_ms)
		return x->t_ms < y->t_ms ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * Sorting moves accounts, so the listings' account indices are turned
 * into the new ones first (and the hash, no longer needed, is dropped).
 */
void
report_sort(struct report *r)
{
	size_t i, *newidx;
	struct acct *a;

	for (i = 0; i < r->nacct; i++)
		r->acct[i].lmean = (double)i;	/* old index; lmean is done */
	qsort(r->acct, r->nacct, sizeof(*r->acct), cmpacct);
	if ((newidx = calloc(r->nacct + 1, sizeof(size_t))) != NULL) {
		for (i = 0; i < r->nacct; i++) {
			a = &r->acct[i];
			newidx[(size_t)a->lmean] = i;
		}
		for (i = 0; i < r->nmiss; i++)
			r->miss[i].acct = newidx[r->miss[i].acct];
		for (i = 0; i < r->nodd; i++)
			r->odd[i].acct = newidx[r->odd[i].acct];
		free(newidx);
	}
	memset(r->acctidx, 0, 2 * REPORT_MAXACCTS * sizeof(size_t));
	memset(r->reasonidx, 0, GROUP_SLOTS * sizeof(size_t));
	memset(r->sourceidx, 0, GROUP_SLOTS * sizeof(size_t));
	qsort(r->reason, r->nreason, sizeof(*r->reason), cmpgroup);
	qsort(r->source, r->nsource, sizeof(*r->source), cmpgroup);
	qsort(r->miss, r->nmiss, sizeof(*r->miss), cmplisted);
	qsort(r->odd, r->nodd, sizeof(*r->odd), cmplisted);
}
