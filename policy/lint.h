/* Policy knowledge for rshell -t: what a policy says but cannot mean. */
#ifndef RSHELL_LINT_H
#define RSHELL_LINT_H

#include <stddef.h>

#include "policy.h"

/*
 * The index of a later rule that matches every session rule i matches
 * (last match wins, so rule i can never decide), or -1.  A later rule
 * covers an earlier one when its identity is the same or "*" and it has
 * no key or the same key.  Pure.
 */
long	policy_shadowed(const struct policy *p, size_t i);

#endif
