/* Policy knowledge for rshell -t. */
#include <string.h>

#include "lint.h"

static int
covers(const struct rule *later, const struct rule *r)
{
	if (later->key != NULL && (r->key == NULL ||
	    strcmp(later->key, r->key) != 0))
		return 0;
	return strcmp(later->ident, "*") == 0 ||
	    strcmp(later->ident, r->ident) == 0;
}

long
policy_shadowed(const struct policy *p, size_t i)
{
	size_t j;

	for (j = p->nrules; j > i + 1; j--)
		if (covers(&p->rules[j - 1], &p->rules[i]))
			return (long)(j - 1);
	return -1;
}
