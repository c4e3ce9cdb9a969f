/*
 * libFuzzer harness for keep_parse() and keep_select(), with the attacker
 * property as its oracle.  The input is a keep setting as text, a NUL,
 * then a clock and snapshot times: 4 bytes of now (seconds after 2000),
 * then 3 bytes per snapshot, each a distance back from now (or, with the
 * top bit, forward: a clock that was ahead), in seconds, minutes, hours
 * or days as its top bits say.  The times after a 0xff byte are pushes
 * after a compromise: A, all made newer than every one before (S).
 *
 * Checked, besides memory errors: a refused setting has a one-line
 * reason; a taken one has 1 to KEEP_MAXBUCKETS valid pairs; every time
 * gets a name that parses back to it; the newest at or before now, and
 * every time after now, is kept; selecting S + A keeps of S exactly what
 * selecting S keeps, but for S's newest; the order of the input does not
 * matter; selecting the kept keeps them all.  A violation aborts.
 *
 *	make tests/fuzz/fuzz_keep
 *	tests/fuzz/fuzz_keep -max_total_time=60
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "keep.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXWORDS	32
#define MAXSNAPS	256
#define Y2000		946684800LL

static int
split(char *text, char **w)
{
	char *p = text;
	int n = 0;

	while (*p != '\0' && n < MAXWORDS) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		w[n++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	return n;
}

static void
check_parse(const struct keep *k, const char *err, int r)
{
	static const char letters[] = "hdwmy";
	int i;

	if (r == -1) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL)
			abort();
		return;
	}
	if (r != 0 || k->n < 1 || k->n > KEEP_MAXBUCKETS)
		abort();
	for (i = 0; i < k->n; i++)
		if (k->b[i].span <= 0 || strchr(letters, k->b[i].span_unit) ==
		    NULL || k->b[i].span_unit == '\0' ||
		    (unsigned)k->b[i].unit > KEEP_YEARLY)
			abort();
}

static time_t
distance(const uint8_t *p)
{
	static const long scale[4] = { 1, 60, 3600, 86400 };
	long v = ((long)(p[0] & 0x1f) << 16) | ((long)p[1] << 8) | p[2];

	v = (v % 100000) * scale[(p[0] >> 5) & 3];
	return (time_t)((p[0] & 0x80) ? -v : v);
}

static void
check_names(const time_t *t, size_t n)
{
	char name[SNAP_NAMELEN + 1];
	time_t back;
	size_t i;

	for (i = 0; i < n; i++)
		if (snap_name(t[i], name) == 0 &&
		    (snap_parse(name, &back) != 0 || back != t[i]))
			abort();
}

static void
check_select(const struct keep *k, const time_t *t, size_t ns, size_t n,
    time_t now)
{
	static unsigned char ks[MAXSNAPS], ka[MAXSNAPS], kr[MAXSNAPS];
	static time_t rev[MAXSNAPS], kept[MAXSNAPS];
	time_t newest = 0;
	size_t i, m;
	int have = 0, apast = 0;

	keep_select(k, t, ns, now, ks);
	keep_select(k, t, n, now, ka);
	for (i = 0; i < ns; i++)
		if (t[i] <= now && (!have || t[i] > newest)) {
			newest = t[i];
			have = 1;
		}
	for (i = 0; i < n; i++)
		if ((t[i] > now && !ka[i]) || (t[i] == newest && i < ns &&
		    !ks[i]))
			abort();
	for (i = ns; i < n; i++)
		apast |= t[i] <= now;
	for (i = 0; i < ns; i++)
		if (ks[i] != ka[i] && !(have && t[i] == newest && apast))
			abort();
	for (i = 0; i < n; i++)
		rev[i] = t[n - 1 - i];
	keep_select(k, rev, n, now, kr);
	for (i = 0; i < n; i++)
		if (kr[i] != ka[n - 1 - i])
			abort();
	for (m = 0, i = 0; i < n; i++)
		if (ka[i])
			kept[m++] = t[i];
	keep_select(k, kept, m, now, kr);
	for (i = 0; i < m; i++)
		if (!kr[i])
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static time_t t[MAXSNAPS];
	char text[512], err[256], *w[MAXWORDS];
	const uint8_t *nul, *p, *end = data + size;
	struct keep k;
	size_t len, n = 0, ns = (size_t)-1;
	time_t now, max = 0;
	int nw, r;

	if ((nul = memchr(data, '\0', size)) == NULL ||
	    (len = (size_t)(nul - data)) >= sizeof(text))
		return 0;
	memcpy(text, data, len);
	text[len] = '\0';
	nw = split(text, w);
	err[0] = '\0';
	r = keep_parse(&k, w, nw, err, sizeof(err));
	check_parse(&k, err, r);
	if (r != 0 || end - nul < 5)
		return 0;
	now = (time_t)(Y2000 + (((uint32_t)nul[1] << 24 |
	    (uint32_t)nul[2] << 16 | (uint32_t)nul[3] << 8 | nul[4]) %
	    3155760000U));
	for (p = nul + 5; p < end && n < MAXSNAPS; ) {
		if (*p == 0xff && ns == (size_t)-1) {
			ns = n;
			p++;
			continue;
		}
		if (end - p < 3)
			break;
		if (ns == (size_t)-1) {
			t[n] = now - distance(p);
			if (n == 0 || t[n] > max)
				max = t[n];
		} else
			t[n] = max + 1 + (distance(p) < 0 ? -distance(p) :
			    distance(p));
		n++;
		p += 3;
	}
	if (ns == (size_t)-1)
		ns = n;
	check_names(t, n);
	check_select(&k, t, ns, n, now);
	return 0;
}
