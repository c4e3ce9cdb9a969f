/*
 * libFuzzer harness for the policy parser: any bytes are a policy text.
 * A parsed policy must be internally consistent; errors must be one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy *p;
	size_t i;

	if ((p = policy_parse("fuzz", (const char *)data, size)) == NULL)
		return 0;
	for (i = 0; i < p->nerrors; i++)
		if (strchr(p->errors[i], '\n') != NULL)
			abort();
	for (i = 0; i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if (r->ident == NULL || (r->permit && (r->dir == NULL ||
		    r->dir[0] != '/')) || (r->permit && (r->opts &
		    (RO_PUSH | RO_PULL | RO_LIST)) == 0))
			abort();
		if (r->key != NULL && !policy_valid_key(r->key))
			abort();
	}
	if (p->rsync == NULL || p->rsync[0] != '/')
		abort();
	policy_free(p);
	return 0;
}
