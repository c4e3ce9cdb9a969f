/*
 * libFuzzer harness for words_split().  Besides memory errors it checks the
 * splitter's promises: a bounded, NULL-terminated vector of words free of
 * control bytes; a one-line reason on refusal; and that the words, quoted
 * again, split back into themselves.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "words.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Quotes each word in single quotes ('\'' for a quote) and joins them. */
static char *
requote(const struct words *w)
{
	const char *p;
	size_t i, len = 1;
	char *s, *o;

	for (i = 0; i < w->n; i++)
		len += 3 + 4 * strlen(w->v[i]);
	if ((o = s = malloc(len)) == NULL)
		abort();
	for (i = 0; i < w->n; i++) {
		*o++ = '\'';
		for (p = w->v[i]; *p != '\0'; p++) {
			if (*p == '\'') {
				memcpy(o, "'\\''", 4);
				o += 4;
			} else
				*o++ = *p;
		}
		*o++ = '\'';
		*o++ = ' ';
	}
	*o = '\0';
	return s;
}

static void
roundtrip(const struct words *w)
{
	struct words w2;
	char err[256], *s;
	size_t i;

	s = requote(w);
	if (strlen(s) <= WORDS_MAXLEN) {
		if (words_split(s, &w2, err, sizeof(err)) != 0)
			abort();
		if (w2.n != w->n)
			abort();
		for (i = 0; i < w->n; i++)
			if (strcmp(w->v[i], w2.v[i]) != 0)
				abort();
		words_free(&w2);
	}
	free(s);
}

static void
invariants(const struct words *w)
{
	const unsigned char *p;
	size_t i;

	if (w->v == NULL || w->n > WORDS_MAXWORDS || w->v[w->n] != NULL)
		abort();
	for (i = 0; i < w->n; i++)
		for (p = (const unsigned char *)w->v[i]; *p != '\0'; p++)
			if (*p < 0x20 || *p == 0x7f)
				abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct words w;
	char err[256], *s;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	err[0] = '\0';
	if (words_split(s, &w, err, sizeof(err)) == 0) {
		invariants(&w);
		roundtrip(&w);
		words_free(&w);
	} else if (w.v != NULL || w.n != 0 || err[0] == '\0' ||
	    strchr(err, '\n') != NULL)
		abort();
	free(s);
	return 0;
}
