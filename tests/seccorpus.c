/* The protected-arguments corpus: see seccorpus.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seccorpus.h"

static int
hex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "\0 \\ \t \n \xHH" into bytes. */
static int
decode(const char *s, char *out, size_t max, size_t *n)
{
	size_t o = 0;

	for (; *s != '\0' && o < max; s++) {
		if (*s != '\\') {
			out[o++] = *s;
			continue;
		}
		switch (*++s) {
		case '0': out[o++] = '\0'; break;
		case '\\': out[o++] = '\\'; break;
		case 't': out[o++] = '\t'; break;
		case 'n': out[o++] = '\n'; break;
		case 'x':
			if (hex(s[1]) < 0 || hex(s[2]) < 0)
				return -1;
			out[o++] = (char)(hex(s[1]) * 16 + hex(s[2]));
			s += 2;
			break;
		default:
			return -1;
		}
	}
	*n = o;
	return *s == '\0' ? 0 : -1;
}

static int
row(char *line, struct sc_row *r)
{
	char *f[7], *p = line, *plain;
	size_t n;
	int i;

	for (i = 0; i < 7 && p != NULL; i++)
		f[i] = strsep(&p, "\t");
	if (i < 7 || p != NULL || decode(f[3], r->in, sizeof(r->in),
	    &r->inlen) == -1)
		return -1;
	/* The plain command line is escaped too: it may hold a newline. */
	plain = strcmp(f[4], "-") == 0 ? "" : f[4];
	if (decode(plain, r->plain, sizeof(r->plain) - 1, &n) == -1)
		return -1;
	r->plain[n] = '\0';
	r->pull = strcmp(f[0], "pull") == 0;
	if (strlcpy(r->opts, f[1], sizeof(r->opts)) >= sizeof(r->opts) ||
	    strlcpy(r->why, f[6], sizeof(r->why)) >= sizeof(r->why) ||
	    decode(f[2], r->cmd, sizeof(r->cmd) - 1, &n) == -1)
		return -1;
	r->cmd[n] = '\0';
	if (strcmp(f[5], "permit") == 0)
		r->verdict = SC_PERMIT;
	else if (strcmp(f[5], "deny") == 0)
		r->verdict = SC_DENY;
	else if (strcmp(f[5], "deny -s") == 0)
		r->verdict = SC_DENY_S;
	else
		return -1;
	return 0;
}

int
sc_load(struct sc_row *rows, int max)
{
	char line[8192];
	FILE *fp;
	int n = 0, lineno = 0;

	if ((fp = fopen(SC_CORPUS, "r")) == NULL)
		return -1;
	while (n < max && fgets(line, sizeof(line), fp) != NULL) {
		lineno++;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (row(line, &rows[n]) == -1) {
			fclose(fp);
			return -1;
		}
		rows[n++].line = lineno;
	}
	fclose(fp);
	return n;
}

int
sc_strings(const struct sc_row *r, char *buf, char **v, int max)
{
	size_t i, start = 0;
	int n = 0;

	memcpy(buf, r->in, r->inlen);
	for (i = 0; i < r->inlen; i++) {
		if (buf[i] != '\0')
			continue;
		if (i == start)
			return n;
		if (n == max)
			return -1;
		v[n++] = buf + start;
		start = i + 1;
	}
	return -1;
}
