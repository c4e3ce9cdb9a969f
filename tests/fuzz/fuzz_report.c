/*
 * libFuzzer harness for rshell-report's line reader (report_line.c), with
 * its property as the oracle: no input crashes it or reads out of
 * bounds, and a line it takes as an event, written again as a plain log
 * line with log.c's escaping, is taken again as the same event.  Any
 * other outcome traps.
 *
 *	make tests/fuzz/fuzz_report
 *	tests/fuzz/fuzz_report -max_total_time=60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "report.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct copy {
	struct rev	 ev;
	char		 user[4200], key[4200], from[4200], reason[4200],
			 sig[4200];
};

static void
keep(struct copy *c, const struct rev *ev)
{
	c->ev = *ev;
	snprintf(c->user, sizeof(c->user), "%s", ev->user);
	snprintf(c->key, sizeof(c->key), "%s", ev->key);
	snprintf(c->from, sizeof(c->from), "%s", ev->from);
	snprintf(c->reason, sizeof(c->reason), "%s", ev->reason ?
	    ev->reason : "");
	snprintf(c->sig, sizeof(c->sig), "%s", ev->signal ? ev->signal : "");
}

static void
field(char **o, const char *key, const char *val)
{
	size_t n = log_escape(NULL, 0, val);

	*o += sprintf(*o, " %s=", key);
	log_escape(*o, n + 1, val);
	*o += n;
}

/* The event as rshell would have written it. */
static size_t
rewrite(const struct copy *c, char *buf)
{
	static const char *const ev[] = { "permit", "deny", "exit", "error" };
	static const char *const run[] = { "/usr/bin/rsync --server -- . x",
	    "/usr/bin/rsync --server --sender -- . x", "builtin:ls", "" };
	char ts[40], num[32], *o = buf;

	report_fmttime(c->ev.t_ms, ts, sizeof(ts));
	o += sprintf(o, "time=%s event=%s", ts, ev[c->ev.type]);
	snprintf(num, sizeof(num), "%ld", c->ev.pid);
	field(&o, "pid", num);
	field(&o, "user", c->user);
	field(&o, "uid", "0");
	field(&o, "from", c->from);
	field(&o, "key", c->key);
	if (c->ev.type == REV_PERMIT)
		field(&o, "run", run[c->ev.dir]);
	if (c->ev.type == REV_DENY || c->ev.type == REV_ERROR)
		field(&o, "reason", c->reason);
	if (c->ev.type == REV_EXIT) {
		if (c->ev.signal != NULL)
			field(&o, "signal", c->sig);
		else {
			snprintf(num, sizeof(num), "%d", c->ev.status);
			field(&o, "status", num);
		}
		snprintf(num, sizeof(num), "%lld", c->ev.ms);
		field(&o, "ms", num);
		if (c->ev.write_bytes >= 0) {
			snprintf(num, sizeof(num), "%lld", c->ev.write_bytes);
			field(&o, "write_bytes", num);
		}
	}
	return (size_t)(o - buf);
}

#define SAME(a, b)	do { if (!(a == b)) __builtin_trap(); } while (0)
#define SAMESTR(a, b)	do { if (strcmp(a, b) != 0) __builtin_trap(); } \
			    while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static struct rline rl;
	static struct copy c;
	static char buf[7 * 4 * 4200 + 512];
	struct rev ev, again;
	const char *why;
	char *line;
	size_t n;

	if (rl.buf == NULL && rline_init(&rl, "local", 1764547200000LL) == -1)
		abort();
	if (len > 4096)
		return 0;
	/* an exact copy, so that reading past len is caught */
	if ((line = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(line, data, len);
	if (rline_parse(&rl, line, len, &ev, &why) == RLINE_EVENT) {
		keep(&c, &ev);
		n = rewrite(&c, buf);
		if (rline_parse(&rl, buf, n, &again, &why) != RLINE_EVENT)
			__builtin_trap();
		SAME(again.type, c.ev.type);
		SAME(again.t_ms, c.ev.t_ms);
		SAME(again.pid, c.ev.pid);
		SAME((int)again.dir, (int)(c.ev.type == REV_PERMIT ?
		    c.ev.dir : RDIR_NONE));
		SAME(again.status, c.ev.status);
		SAME(again.ms, c.ev.ms);
		SAME(again.write_bytes, c.ev.write_bytes);
		SAMESTR(again.user, c.user);
		SAMESTR(again.key, c.key);
		SAMESTR(again.from, c.from);
		SAMESTR(again.reason ? again.reason : "", c.reason);
		SAMESTR(again.signal ? again.signal : "", c.sig);
	}
	free(line);
	return 0;
}
